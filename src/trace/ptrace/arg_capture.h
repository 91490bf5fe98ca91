// Filling SyscallEvent::captured from the tracee's memory, following the
// shared capture rules (sysent::capture_for), so the ptrace and BPF backends
// produce the same bytes for the same call.
#pragma once

#include "sysent/syscall_info.h"
#include "trace/event.h"
#include "trace/trace_spec.h"

namespace whyfail::trace::ptrace {

enum class CapturePhase {
  Entry,  // inputs, read before the kernel runs
  Exit,   // outputs (on success) and in/out structs; event.ret must be set
};

// Captures the arguments of `info` that belong to `phase` into event.captured.
void capture_args(const sysent::SyscallInfo& info, CapturePhase phase, const TraceSpec& spec,
                  SyscallEvent& event);

}  // namespace whyfail::trace::ptrace
