// Arms the kernel error-origin tracer: loads origin.bpf.c, attaches its
// return program to every candidate function with the best mechanism the
// kernel allows (BPF fexit, else kretprobes), registers the traced
// processes, and hands back each failing syscall's recorded returns.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "origin/candidates.h"
#include "origin/error_path.h"
#include "symbolize/kallsyms.h"
#include "trace/event.h"
#include "util/result.h"

namespace whyfail::origin {

enum class Mechanism { Fexit, Kretprobe };
const char* mechanism_name(Mechanism m);

struct ArmOptions {
  std::vector<Candidate> functions;        // from select_candidates()
  std::optional<Mechanism> mechanism;      // force one; default: fexit, then kretprobe
  bool follow_forks = true;
  int errno_filter = 0;                    // commit only this errno (0: any failure)
  std::vector<int> syscalls;               // only these syscall numbers (empty: all)
  // Called every 1000 functions tried with (tried, seconds so far): the
  // attach of thousands takes minutes where ftrace is slow.
  std::function<void(size_t, double)> progress;
  // Kretprobes by function name, as libbpf does, instead of by address. Only
  // for bench/run-origin-bench.sh, to measure what the address saves.
  bool kretprobe_by_name = false;
};

struct AttachStats {
  Mechanism mechanism = Mechanism::Fexit;
  size_t requested = 0;
  size_t attached = 0;
  size_t failed = 0;
  double load_seconds = 0;     // object load (verifier) before the mass attach
  double attach_seconds = 0;   // the mass attach
  // Where the mass attach goes, summed over the functions: fexit: loading
  // each program copy (verifier, JIT) / attaching it (trampoline, ftrace
  // update); kretprobe: opening each perf event (registers and arms the
  // probe, ftrace update) / linking the program to it.
  double prepare_seconds = 0;
  double link_seconds = 0;
  std::vector<std::string> failures;   // the first few, "name: error"
};

// One failing syscall as the kernel side recorded it.
struct FailedInvocation {
  pid_t pid = 0;
  pid_t tid = 0;
  int nr = -1;
  int64_t ret = 0;
  uint64_t enter_ns = 0;  // CLOCK_MONOTONIC (bpf_ktime_get_ns)
  uint64_t exit_ns = 0;
  uint32_t dropped = 0;
  std::vector<FunctionReturn> returns;
};

struct OriginCounters {
  uint64_t committed = 0, discarded = 0, ring_full = 0, returns_dropped = 0, off_stack = 0,
           no_state = 0, success_kept = 0;
};

class OriginTracer {
 public:
  // Loads and attaches. The Error says which mechanism failed and why
  // (lockdown, kprobes not built in, no BTF...) in one line.
  static Result<std::unique_ptr<OriginTracer>> arm(const ArmOptions& opts,
                                                   std::shared_ptr<const symbolize::Kallsyms> ksyms);
  ~OriginTracer();

  // Trace the syscalls of this process (and, with follow_forks, its future children).
  Result<void> trace_process(pid_t tgid);
  void untrace_process(pid_t tgid);

  // Waits up to timeout_ms for failing invocations and returns those committed.
  Result<std::vector<FailedInvocation>> poll(int timeout_ms);
  // The origin of one failing invocation, symbolized, with where it parted
  // from the syscall's last successful invocation when there was one.
  trace::KernelOrigin explain(const FailedInvocation& inv) const;
  // The last successful invocation of syscall `nr` in the traced processes
  // that went through a traced function (kept by sys_exit, one per number).
  std::optional<FailedInvocation> last_success(int nr) const;

  const AttachStats& stats() const { return stats_; }
  OriginCounters counters() const;

 private:
  struct Impl;
  OriginTracer();
  std::unique_ptr<Impl> impl_;
  AttachStats stats_;
};

// libbpf's recent warnings on this thread (a refused program's verifier log), for diagnosis.
std::string libbpf_log();

// Whether this kernel allows any mechanism, without attaching anything: the
// cheap check for `doctor` and for a one-line warning. Loads a tiny program.
Result<Mechanism> origin_usable();

}  // namespace whyfail::origin
