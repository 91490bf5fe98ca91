// The one entry point the CLI needs for --kernel: pick candidate functions,
// arm the origin tracer, and fill SyscallEvent::kernel for failed syscalls.
//
//   auto s = KernelOriginSession::start(opts);        // Error: one line to print, carry on
//   s->trace_process(pid);                             // or trace_process(getpid()) before launch
//   ... in EventSink::on_event, for a failed SyscallEvent: s->annotate(ev);
#pragma once

#include <sys/types.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "origin/origin_loader.h"
#include "trace/event.h"
#include "util/result.h"

namespace whyfail::origin {

struct SessionOptions {
  std::vector<std::string> func_globs;   // --kernel-funcs 'perf_*,*_attr' (split on ',')
  std::vector<std::string> learned;      // functions from learn_functions() (a learning run)
  size_t max_functions = 3000;           // bound on what is attached
  int errno_filter = 0;                  // --errno, when only one is wanted
  bool follow_forks = true;
  std::optional<Mechanism> mechanism;    // default: fexit, then kretprobe
};

class KernelOriginSession {
 public:
  static Result<std::unique_ptr<KernelOriginSession>> start(const SessionOptions& opts);

  Result<void> trace_process(pid_t tgid);
  void untrace_process(pid_t tgid);
  // For a failed syscall: sets ev.kernel from the matching record (same tid,
  // number and return value). At a ptrace exit stop the record is already
  // committed (sys_exit's tracepoint runs before the ptrace report).
  void annotate(trace::SyscallEvent& ev);

  // "fexit on 115 kernel functions (attach 7.30 s)"
  std::string summary() const;
  const AttachStats& stats() const { return tracer_->stats(); }
  const CandidateSet& candidates() const { return candidates_; }
  OriginCounters counters() const { return tracer_->counters(); }
  // The records themselves, for a caller without SyscallEvents.
  OriginTracer& tracer() { return *tracer_; }

 private:
  KernelOriginSession() = default;
  void drain(int timeout_ms);
  std::unique_ptr<OriginTracer> tracer_;
  CandidateSet candidates_;
  std::map<pid_t, std::deque<FailedInvocation>> by_tid_;
};

// A learning run: runs argv to completion under the function_graph tracer
// restricted to it and its children (set_ftrace_pid, function-fork), and
// returns the kernel functions it called (bounded by max_depth). Its exit
// status goes to *status when given.
Result<std::vector<std::string>> learn_functions(const std::vector<std::string>& argv, int max_depth = 16,
                                                 int* status = nullptr);

// "perf_*,*_attr" -> {"perf_*", "*_attr"}
std::vector<std::string> split_globs(const std::string& list);

}  // namespace whyfail::origin
