#include "report/verdict_text.h"

#include <fmt/format.h>

#include "decode/decoder.h"
#include "report/escape.h"
#include "report/text.h"
#include "report/user_stack.h"

namespace whyfail::report {

namespace {

constexpr std::size_t kMaxEvidenceLines = 6;

// The object a call acted on: its first string argument (a path), else the first
// annotated descriptor, else nothing.
std::string object_of(const decode::DecodedCall& call) {
  for (const decode::Value& v : call.args) {
    if (v.kind == decode::Value::Kind::Bytes) return render_value(v);
  }
  for (const decode::Value& v : call.args) {
    if (v.kind == decode::Value::Kind::Fd && !v.annotation.empty()) return render_value(v);
  }
  return {};
}

std::string errno_phrase(const decode::DecodedCall& call) {
  const std::string name = call.errno_name.empty() ? decode::errno_name(call.err) : call.errno_name;
  const std::string text = call.errno_text.empty() ? decode::errno_text(call.err) : call.errno_text;
  return fmt::format("{} ({})", name, text);
}

// Ends a sentence with a full stop unless it already ends with punctuation.
std::string sentence(std::string s) {
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s += '.';
  return s;
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string program_name(const VerdictReport& r) {
  if (r.verdict && !r.verdict->program.empty()) return escape_c(r.verdict->program);
  if (r.pid) return fmt::format("process {}", r.pid);
  return "the command";
}

// How the run (or process) ended, as a sentence with its subject: "The command exited
// with status 3." The subject is the command (launch mode) or the process, never the
// program that made the failing call, which may be a child that ended differently.
std::string ending(const VerdictReport& r) {
  if (r.outcome && r.outcome->launched) {
    if (r.outcome->killed) {
      const bool core = r.verdict && r.verdict->exit && r.verdict->exit->killed && r.verdict->exit->core_dumped;
      return fmt::format("The command was killed by {}{}", decode::signal_name(r.outcome->signo),
                         core ? " (core dumped)" : "");
    }
    return fmt::format("The command exited with status {}", r.outcome->code);
  }
  if (r.verdict && r.verdict->exit) {
    return fmt::format("Process {} {}", r.verdict->exit->pid, exit_phrase(*r.verdict->exit));
  }
  if (r.detached) return fmt::format("Process {} keeps running (whyfail detached)", r.pid);
  return {};
}

bool run_failed(const VerdictReport& r) {
  if (r.verdict && r.verdict->command_failed) return true;
  if (r.outcome && r.outcome->launched) return r.outcome->killed || r.outcome->code != 0;
  return false;
}

std::string culprit_sentences(const VerdictReport& r, const std::string& program, const Palette& p) {
  const DecodedCandidate& c = *r.culprit;
  std::string out;
  std::string what = fmt::format("{} returned {}", p.name(call_with_object(c.call)),
                                 p.error(errno_phrase(c.call)));
  // An injected failure is explained like a real one, but never passed off as one.
  if (c.candidate && c.candidate->call.injected) what += ", injected by whyfail (-e inject; the kernel did not run it)";
  if (run_failed(r)) {
    out = fmt::format("{} failed because {}.", program, what);
  } else {
    out = fmt::format("In {}, the failure that most likely matters: {}.", program, what);
  }
  const std::string cause = c.candidate ? c.candidate->explanation.summary() : std::string();
  if (!cause.empty()) {
    out += " " + sentence(capitalised(strip_controls(cause)));
  } else {
    out += " whyfail could not determine the cause from the process's state.";
  }
  return out + "\n";
}

}  // namespace

std::string exit_phrase(const trace::ExitEvent& exit) {
  if (exit.killed) {
    return fmt::format("was killed by {}{}", decode::signal_name(exit.signo),
                       exit.core_dumped ? " (core dumped)" : "");
  }
  return fmt::format("exited with status {}", exit.code);
}

std::string call_with_object(const decode::DecodedCall& call) {
  return call.name + "(" + object_of(call) + ")";
}

std::string render_verdict_text(const VerdictReport& r, const Palette& p) {
  std::string out = "\n";
  const std::string program = program_name(r);
  const std::string title = r.pid ? fmt::format("whyfail verdict for process {}", r.pid)
                                  : std::string("whyfail verdict");
  out += p.heading("=== " + title + " ===") + "\n";

  const std::string end = ending(r);
  const bool failed = run_failed(r);
  if (r.culprit) {
    out += culprit_sentences(r, program, p);
    // -k (or a backend that always has the stack): where in the program it was made.
    if (r.culprit->candidate) {
      const std::string where = called_from(r.culprit->candidate->call);
      if (!where.empty()) out += "called from: " + where + "\n";
    }
    // --kernel: where in the kernel the culprit's error was made, as under its trace line.
    if (r.culprit->candidate && r.culprit->candidate->call.kernel)
      out += render_kernel_origin(*r.culprit->candidate->call.kernel);
    if (!end.empty()) out += end + ".\n";
  } else if (failed) {
    out += fmt::format("{}; no failed system call explains it.\n", end.empty() ? program + " failed" : end);
  } else if (r.outcome && r.outcome->launched) {
    out += p.good("The command succeeded (exit status 0).") + "\n";
  } else if (!end.empty()) {
    out += fmt::format("{}; no failed system call stands out.\n", end);
  } else {
    out += fmt::format("No failed system call stands out in {}.\n", program);
  }
  if (r.failures_hidden) {
    out += fmt::format("{} system call{} failed along the way without making it fail; "
                       "--all-failures lists them.\n",
                       r.failures_hidden, r.failures_hidden == 1 ? "" : "s");
  }
  if (!r.culprit) return out;

  const culprit::Candidate* cand = r.culprit->candidate;
  const double confidence = r.verdict ? r.verdict->confidence : 0.0;
  out += fmt::format("confidence: {:.2f}\n", confidence);

  std::vector<std::string> evidence;
  if (cand) {
    for (const auto& e : cand->evidence) evidence.push_back(strip_controls(e));
    if (!cand->explanation.causes.empty()) {
      const explain::Cause& cause = cand->explanation.causes.front();
      for (const auto& e : cause.evidence) evidence.push_back(strip_controls(e));
      if (!cause.fix.empty()) evidence.push_back("fix: " + strip_controls(cause.fix));
      if (cause.state_after_the_fact) {
        evidence.push_back("state read after the failure; it may have changed since");
      }
      if (!cause.verified) evidence.push_back("possible cause only (not checked against the process)");
    }
  }
  if (!evidence.empty()) {
    out += "evidence:\n";
    for (std::size_t k = 0; k < evidence.size() && k < kMaxEvidenceLines; ++k) {
      out += "  - " + evidence[k] + "\n";
    }
  }
  if (!r.runners_up.empty()) {
    out += "runners-up:\n";
    for (std::size_t k = 0; k < r.runners_up.size() && k < 3; ++k) {
      const DecodedCandidate& ru = r.runners_up[k];
      std::string line = fmt::format("  - {} = -1 {}", call_with_object(ru.call), errno_phrase(ru.call));
      if (ru.candidate) {
        line += fmt::format(" [score {:.2f}]", ru.candidate->score);
        if (!ru.candidate->evidence.empty()) line += ": " + strip_controls(ru.candidate->evidence.front());
        else if (!ru.candidate->explanation.summary().empty()) {
          line += ": " + strip_controls(ru.candidate->explanation.summary());
        }
      }
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace whyfail::report
