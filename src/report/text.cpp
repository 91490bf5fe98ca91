#include "report/text.h"

#include <fmt/format.h>

#include <ctime>

#include "decode/decoder.h"
#include "report/escape.h"
#include "report/siginfo.h"
#include "report/summary.h"
#include "report/user_stack.h"
#include "report/verdict_text.h"

namespace whyfail::report {

namespace {

// Kernel-internal restart codes never reach user space as errno (strace prints "?" for them).
bool is_restart_code(int err) { return err >= 512 && err <= 530; }

std::string render_items(const std::vector<decode::Value>& items, bool truncated) {
  std::string out = "[";
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k) out += ", ";
    out += render_value(items[k]);
  }
  if (truncated) out += items.empty() ? "..." : ", ...";
  out += "]";
  return out;
}

}  // namespace

std::string render_value(const decode::Value& value) {
  using Kind = decode::Value::Kind;
  switch (value.kind) {
    case Kind::Int: return std::to_string(value.i);
    case Kind::UInt: return std::to_string(value.u);
    // As strace's %#x and %#03o: 0 is "0", modes have at least three digits ("000", "0644").
    case Kind::Hex: return value.u ? fmt::format("{:#x}", value.u) : "0";
    case Kind::Octal: return value.u ? fmt::format("0{:02o}", value.u) : "000";
    case Kind::Null: return "NULL";
    case Kind::Bytes:
      return value.prefix + "\"" + escape_c(value.bytes) + "\"" + (value.truncated ? "..." : "");
    case Kind::Symbol:
      // Made by whyfail, but never let a control character through.
      for (unsigned char c : value.text) {
        if (c < 0x20 || c >= 0x7f) return escape_c(value.text);
      }
      return value.text;
    case Kind::Struct: {
      std::string out = "{";
      for (std::size_t k = 0; k < value.fields.size(); ++k) {
        if (k) out += ", ";
        out += value.fields[k].first;
        out += '=';
        out += render_value(value.fields[k].second);
      }
      if (value.truncated) out += value.fields.empty() ? "..." : ", ...";
      out += "}";
      return out;
    }
    case Kind::Array:
      if (value.elided) return fmt::format("{:#x} /* {} var{} */", value.u, value.i, value.i == 1 ? "" : "s");
      return render_items(value.items, value.truncated);
    case Kind::Fd:
      if (value.annotation.empty()) return std::to_string(value.i);
      return fmt::format("{}<{}>", value.i, escape_c(value.annotation));
    case Kind::Unreadable: return fmt::format("{:#x}", value.u);
  }
  return "?";
}

std::string render_call(const decode::DecodedCall& call) {
  std::string out = call.name + "(";
  for (std::size_t k = 0; k < call.args.size(); ++k) {
    if (k) out += ", ";
    out += render_value(call.args[k]);
  }
  out += ")";
  return out;
}

std::string render_return(const trace::SyscallEvent& event, const decode::DecodedCall& call) {
  if (!event.finished) return "?";
  if (call.err) {
    const std::string name = call.errno_name.empty() ? decode::errno_name(call.err) : call.errno_name;
    const std::string text = call.errno_text.empty() ? decode::errno_text(call.err) : call.errno_text;
    return fmt::format("{} {} ({})", is_restart_code(call.err) ? "?" : "-1", name, text);
  }
  return render_value(call.ret);
}

std::string render_kernel_origin(const trace::KernelOrigin& k) {
  if (!k.found) return "  kernel: origin not found" + (k.note.empty() ? std::string() : ": " + strip_controls(k.note)) + "\n";
  std::string out = "  kernel: " + strip_controls(k.origin.function);
  if (k.origin.offset) out += fmt::format("+{:#x}", k.origin.offset);
  if (!k.origin.file.empty()) out += fmt::format(" ({}:{})", strip_controls(k.origin.file), k.origin.line);
  if (!k.origin.called_from.empty()) out += " called from " + strip_controls(k.origin.called_from);
  if (k.chain.size() > 1) {
    out += "  (chain: ";
    for (std::size_t i = 0; i < k.chain.size(); ++i) {
      if (i) out += " <- ";
      out += strip_controls(k.chain[i].function);
    }
    out += ")";
  }
  if (!k.mechanism.empty()) out += "  [" + strip_controls(k.mechanism) + "]";
  if (!k.note.empty()) out += "; " + strip_controls(k.note);
  out += "\n";
  for (const auto& l : k.origin.source) out += "    " + strip_controls(l) + "\n";
  if (k.divergence) {
    const auto& d = *k.divergence;
    auto value = [](int64_t v) {
      if (v < 0 && v >= -4095) return "-" + decode::errno_name(int(-v));
      return v > 65535 || v < -65535 ? fmt::format("{:#x}", uint64_t(v)) : fmt::format("{}", v);
    };
    auto step = [&](const trace::KernelStep& s) {
      std::string who = s.function.empty() ? (d.within.empty() ? "the syscall" : strip_controls(d.within))
                                           : strip_controls(s.function);
      return who + " returned " + value(s.ret);
    };
    out += fmt::format("  kernel: vs a successful call (tid {}): {} identical traced returns, then {}: here {}; "
                       "there {}\n",
                       d.success_tid, d.common,
                       d.within.empty() ? std::string("at the top level") : "in " + strip_controls(d.within),
                       step(d.failing), step(d.succeeding));
  }
  return out;
}

TextRenderer::TextRenderer(TextOptions options) : options_(std::move(options)) {}

void TextRenderer::note_process(pid_t pid) { processes_.insert(pid); }

std::string TextRenderer::prefix(pid_t tid, uint64_t ts_ns) {
  std::string out;
  if (options_.always_pid || processes_.size() > 1) out += fmt::format("[pid {:>5}] ", tid);
  if (options_.relative) {
    uint64_t delta = last_ts_ns_ && ts_ns >= last_ts_ns_ ? ts_ns - last_ts_ns_ : 0;
    out += fmt::format("{:>6}.{:06} ", delta / 1000000000, delta / 1000 % 1000000);
    if (ts_ns) last_ts_ns_ = ts_ns;
  }
  out += render_timestamp(options_.timestamps, static_cast<int64_t>(ts_ns) + options_.realtime_offset_ns);
  return out;
}

std::string render_timestamp(Timestamps timestamps, int64_t realtime_ns) {
  if (timestamps == Timestamps::None) return {};
  const time_t secs = static_cast<time_t>(realtime_ns / 1000000000);
  const int64_t micros = realtime_ns / 1000 % 1000000;
  if (timestamps == Timestamps::Epoch) return fmt::format("{}.{:06} ", secs, micros);
  thread_local time_t cached_secs = -1;
  thread_local std::string cached_hms;
  if (secs != cached_secs) {
    struct tm tm_buf {};
    localtime_r(&secs, &tm_buf);
    cached_hms = fmt::format("{:02}:{:02}:{:02}", tm_buf.tm_hour, tm_buf.tm_min, tm_buf.tm_sec);
    cached_secs = secs;
  }
  if (timestamps == Timestamps::Micros) return fmt::format("{}.{:06} ", cached_hms, micros);
  return cached_hms + ' ';
}

std::string TextRenderer::syscall(const trace::SyscallEvent& event,
                                  const decode::DecodedCall& call,
                                  const explain::Explanation* explanation) {
  const Palette& p = options_.palette;
  std::string out = prefix(event.tid ? event.tid : event.pid, event.enter_ns);
  out += render_call(call);
  out += " = ";
  std::string ret = render_return(event, call);
  out += call.err && event.finished ? p.error(ret) : ret;
  if (event.injected) out += " (INJECTED)";
  if (options_.durations && event.finished && event.exit_ns >= event.enter_ns) {
    uint64_t d = event.exit_ns - event.enter_ns;
    out += fmt::format(" <{}.{:06}>", d / 1000000000, d / 1000 % 1000000);
  }
  out += '\n';
  if (options_.explanations && explanation && !explanation->causes.empty()) {
    out += p.dim("  # " + escape_c(explanation->summary())) + "\n";
  }
  if (event.kernel) out += render_kernel_origin(*event.kernel);
  if (options_.stacks) out += render_user_stack(event);
  return out;
}

std::string TextRenderer::spawn(const trace::SpawnEvent& event) {
  // strace prints the clone/fork call itself; the new process only changes the prefix.
  processes_.insert(event.child_tid ? event.child_tid : event.child_pid);
  processes_.insert(event.parent_tid ? event.parent_tid : event.parent_pid);
  return {};
}

std::string TextRenderer::exec(const trace::ExecEvent&) { return {}; }

std::string TextRenderer::signal(const trace::SignalEvent& event) {
  const std::string name = decode::signal_name(event.signo);
  std::string info = fmt::format("si_signo={}, si_code={}", name,
                                 si_code_name(event.signo, event.si_code));
  if (event.si_code <= 0) info += fmt::format(", si_pid={}, si_uid={}", event.sender_pid, event.sender_uid);
  return prefix(event.tid ? event.tid : event.pid, event.ts_ns) +
         fmt::format("--- {} {{{}}} ---\n", name, info);
}

std::string TextRenderer::exit(const trace::ExitEvent& event) {
  if (event.thread_only) return {};
  std::string what;
  if (event.killed) {
    what = fmt::format("killed by {}{}", decode::signal_name(event.signo),
                       event.core_dumped ? " (core dumped)" : "");
  } else {
    what = fmt::format("exited with {}", event.code);
  }
  const bool bad = event.killed || event.code != 0;
  const Palette& p = options_.palette;
  return prefix(event.pid, event.ts_ns) + (bad ? p.error("+++ " + what + " +++") : "+++ " + what + " +++") + "\n";
}

std::string TextRenderer::detach(const trace::DetachEvent& event) {
  return prefix(event.pid, event.ts_ns) + "+++ detached, still running +++\n";
}

std::string TextRenderer::lost(const trace::LostEvent& event) {
  return options_.palette.error(fmt::format("whyfail: {} events lost ({})", event.count,
                                            escape_c(event.reason))) + "\n";
}

std::string TextRenderer::verdict(const VerdictReport& report) {
  return render_verdict_text(report, options_.palette);
}

std::string TextRenderer::summary(const SummaryTable& table) { return render_summary_text(table); }

}  // namespace whyfail::report
