// The per-syscall table the BPF program consults at every sys_exit: whether
// the call is traced, reported on success too, stashed at entry, and which
// argument bytes to copy, compiled from sysent::capture_for() of each argument.
#pragma once

#include <vector>

#include "syscalls_abi.h"
#include "trace/trace_spec.h"

namespace whyfail::trace::bpf {

// One rule per syscall number below WF_MAX_SYSCALLS.
std::vector<wf_rule> build_capture_rules(const TraceSpec& spec);

// Whether successful calls are ever reported (then execve needs its entry stash).
bool needs_entry_stash(const TraceSpec& spec);

}  // namespace whyfail::trace::bpf
