#include "cli/session.h"

#include <fmt/format.h>

#include <ctime>
#include <memory>

#include "cli/kernel_origin.h"
#include "cli/session_sink.h"
#include "cli/signals.h"
#include "decode/decoder.h"
#include "report/json.h"
#include "report/text.h"
#include "sysent/syscall_info.h"

namespace whyfail::cli {

namespace {

// Calls the culprit finder needs to see whatever the display shows: the program's
// own messages (writes to any fd), and how processes start and end.
constexpr const char* kCulpritNeeds[] = {
    "write", "writev", "pwrite64", "pwritev", "pwritev2", "sendto", "sendmsg",
    "execve", "execveat", "exit", "exit_group",
};

// The calls of kCulpritNeeds whose first argument is the fd they write to.
bool is_message_call(std::string_view name) {
  return name == "write" || name == "writev" || name == "pwrite64" || name == "pwritev" ||
         name == "pwritev2" || name == "sendto" || name == "sendmsg";
}

int64_t realtime_offset_ns() {
  timespec real {}, mono {};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  return (static_cast<int64_t>(real.tv_sec) - mono.tv_sec) * 1000000000 + (real.tv_nsec - mono.tv_nsec);
}

std::unique_ptr<report::Renderer> make_renderer(const Options& options, const Output& out) {
  if (options.json) return std::make_unique<report::JsonRenderer>();
  report::TextOptions text;
  text.timestamps = options.timestamps;
  text.relative = options.relative;
  text.durations = options.durations;
  text.stacks = options.user_stacks;
  text.explanations = options.explain_each;
  text.always_pid = options.system;
  text.palette.on = report::use_color(options.color, out.fd());
  text.realtime_offset_ns = realtime_offset_ns();
  return std::make_unique<report::TextRenderer>(text);
}

report::VerdictReport make_report(const culprit::Verdict& verdict, const SessionSink& sink) {
  report::VerdictReport r;
  r.verdict = &verdict;
  if (verdict.culprit) r.culprit = report::DecodedCandidate{&*verdict.culprit, sink.decoded(verdict.culprit->call)};
  for (const auto& c : verdict.runners_up) {
    if (r.runners_up.size() == 3) break;
    r.runners_up.push_back(report::DecodedCandidate{&c, sink.decoded(c.call)});
  }
  return r;
}

}  // namespace

trace::TraceSpec build_trace_spec(const Options& options, const SyscallFilter& display) {
  trace::TraceSpec spec;
  spec.command = options.command;
  spec.attach_pids = options.pids;
  spec.follow_forks = true;
  spec.syscalls = display.set;
  spec.restricted = display.restricted;
  if (display.restricted) {
    for (const char* name : kCulpritNeeds) {
      const auto* info = sysent::syscall_by_name(name);
      if (!info) continue;
      const auto nr = static_cast<std::size_t>(info->nr);
      // A write the user did not ask for matters only as an error message:
      // stdout/stderr. Stopping for every write would cost what -e saves.
      if (!spec.syscalls.test(nr) && is_message_call(name)) spec.message_only.set(nr);
      spec.syscalls.set(nr);
    }
  }
  spec.inject_rules = options.inject_rules;
  if (display.restricted) {
    // The seccomp filter must stop for every call a rule may inject into,
    // whatever its fd; the culprit sees injected failures like real ones.
    for (const inject::InjectRule& rule : options.inject_rules) {
      spec.syscalls |= rule.syscalls;
      spec.message_only &= ~rule.syscalls;
    }
  }
  spec.use_seccomp = options.seccomp != SeccompChoice::Off;
  spec.string_limit = options.string_limit;
  spec.only_failures = options.status == StatusFilter::Failed && !options.summary;
  spec.user_stacks = options.user_stacks;
  // Times leave whyfail only through these; the culprit does not read them.
  spec.timestamps = options.json || options.timestamps != report::Timestamps::None || options.relative ||
                    options.durations || options.summary;
  spec.system_wide = options.system;
  spec.comm_filter = options.comm_filter;
  spec.pid_filter = options.pid_filter;
  spec.uid_filter = options.uid_filter;
  for (const std::string& e : options.errno_filter) {
    int n = decode::errno_by_name(e);
    spec.errno_filter.push_back(n >= 0 ? n : std::stoi(e));
  }
  spec.duration_s = options.duration_s;
  return spec;
}

Result<int> run_session(const Options& options, trace::Backend& backend, Output& out,
                        const std::function<void(const std::string&)>& warn) {
  auto display = parse_syscall_filter(options.trace_exprs);
  if (!display) return tl::unexpected(display.error());
  const trace::TraceSpec spec = build_trace_spec(options, *display);
  auto renderer = make_renderer(options, out);
  auto origin = start_kernel_origin(options, warn);
  SessionSink sink(options, *display, *renderer, out, origin.get());

  const bool launch = !options.command.empty();
  if (launch) install_launch_signals();
  else install_attach_signals(&backend);
  auto outcome = backend.run(spec, sink);
  restore_signals();
  if (!outcome) {
    sink.release_buffer(true);
    out.flush();
    return tl::unexpected(outcome.error());
  }

  if (launch) {
    const culprit::Verdict verdict = sink.finder().verdict();
    const bool failed = verdict.command_failed || outcome->killed || outcome->code != 0;
    sink.release_buffer(failed);
    if (options.summary) out.write(renderer->summary(sink.summary()));
    report::VerdictReport r = make_report(verdict, sink);
    r.outcome = *outcome;
    r.failures_seen = sink.failures_seen();
    r.failures_hidden = failed ? 0 : sink.failures_hidden();
    out.write(renderer->verdict(r));
  } else {
    sink.release_buffer(true);
    if (options.summary) out.write(renderer->summary(sink.summary()));
    if (!options.system) {
      for (pid_t pid : options.pids) {
        const culprit::Verdict verdict = sink.finder().verdict_for(pid);
        report::VerdictReport r = make_report(verdict, sink);
        r.pid = pid;
        r.detached = outcome->detached || sink.detached(pid);
        r.failures_seen = sink.failures_seen(pid);
        out.write(renderer->verdict(r));
      }
    }
  }
  out.flush();
  if (sink.internal_error()) return fail(0, *sink.internal_error(), "please report this as a whyfail bug");
  return launch ? outcome->shell_status() : 0;
}

}  // namespace whyfail::cli
