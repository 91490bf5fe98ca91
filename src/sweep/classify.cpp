#include "sweep/classify.h"

#include <algorithm>
#include <set>

#include "sweep/errno_candidates.h"

namespace whyfail::sweep {
namespace {

// After the injected call, the same thread made the same call again (same syscall,
// same arguments: whyfail's raw values, or strace's printed ones) and it succeeded.
bool retried_after_injection(const Recording& trace) {
  for (size_t i = 0; i < trace.calls.size(); i++) {
    const RecordedCall& inj = trace.calls[i];
    if (!inj.injected) continue;
    for (size_t j = i + 1; j < trace.calls.size(); j++) {
      const RecordedCall& c = trace.calls[j];
      if (c.tid == inj.tid && c.name == inj.name && !c.injected && !c.failed() && c.finished &&
          c.raw_args == inj.raw_args && c.strings[0] == inj.strings[0]) {
        return true;
      }
    }
  }
  return false;
}

// The program's message: the first stderr line the clean run did not print; for a
// Python traceback, its last line (the exception), which is what it says.
std::string first_new_line(const std::vector<std::string>& clean, const std::vector<std::string>& trial) {
  std::multiset<std::string> seen(clean.begin(), clean.end());
  std::vector<std::string> fresh;
  for (const auto& l : trial) {
    auto it = seen.find(l);
    if (it != seen.end()) {
      seen.erase(it);
      continue;
    }
    if (!l.empty()) fresh.push_back(l);
  }
  if (fresh.empty()) return {};
  if (fresh.front() == "Traceback (most recent call last):") {
    for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
      if (!it->empty() && (*it)[0] != ' ') return *it;
    }
  }
  return fresh.front();
}

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Crashed: return "crashed";
    case Outcome::Hung: return "hung";
    case Outcome::SilentlyIgnored: return "silently-ignored";
    case Outcome::Handled: return "handled";
    case Outcome::NotReached: return "not-reached";
    case Outcome::Error: return "error";
  }
  return "?";
}

Verdict classify(const CleanBaseline& clean, const RunObservation& trial, const std::string& syscall) {
  Verdict v;
  for (const auto& c : trial.trace.calls) v.fired = v.fired || c.injected;
  v.retried = v.fired && retried_after_injection(trial.trace);
  v.message = first_new_line(clean.run.stderr_lines, trial.stderr_lines);

  if (trial.runner_failed) {
    v.outcome = Outcome::Error;
    v.reason = "the trial could not run: " + trial.runner_message;
    return v;
  }
  if (trial.timed_out) {
    v.outcome = Outcome::Hung;
    v.reason = v.fired ? "still running at the timeout after the failure" : "still running at the timeout (the failure was not injected)";
    return v;
  }
  if (!v.fired) {
    v.outcome = Outcome::NotReached;
    v.reason = "the call was not made in this run (the command's calls differ between runs)";
    return v;
  }
  if (trial.killed || !trial.crash_signal.empty()) {
    v.outcome = Outcome::Crashed;
    const std::string sig = trial.killed ? trial.signal : trial.crash_signal;
    v.reason = (trial.killed ? "killed by " : "a process was killed by ") + sig +
               (trial.core_dumped ? " (core dumped)" : "");
    return v;
  }
  if (trial.exit_code != clean.run.exit_code) {
    v.outcome = Outcome::Handled;
    v.reason = "exit status " + std::to_string(trial.exit_code) + " (clean run: " +
               std::to_string(clean.run.exit_code) + ")" + (v.message.empty() ? ", no message" : "");
    return v;
  }
  if (!v.message.empty()) {
    v.outcome = Outcome::Handled;
    v.reason = "reported on stderr, same exit status";
    return v;
  }
  const bool stdout_differs = clean.stdout_stable && trial.stdout_bytes != clean.run.stdout_bytes;
  if (stdout_differs || !trial.changed_files.empty()) {
    v.outcome = Outcome::SilentlyIgnored;
    std::string what = stdout_differs ? "stdout" : "";
    if (!trial.changed_files.empty()) {
      if (!what.empty()) what += " and ";
      what += "files (" + trial.changed_files.front() + (trial.changed_files.size() > 1 ? ", ..." : "") + ")";
    }
    v.reason = "same exit status, no message, but " + what + " differ from the clean run";
    return v;
  }
  if (is_data_call(syscall) && !v.retried) {
    v.outcome = Outcome::SilentlyIgnored;
    v.reason = "same exit status and output, no message, and the failed " + syscall +
               " was not retried: its data would be lost";
    return v;
  }
  v.outcome = Outcome::Handled;
  v.reason = v.retried ? "retried and succeeded: same result as the clean run" : "same result as the clean run";
  return v;
}

}  // namespace whyfail::sweep
