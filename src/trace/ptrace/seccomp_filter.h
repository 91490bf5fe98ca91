// The seccomp filter the launched command installs when the user restricts
// the syscalls (-e trace=): selected syscalls return SECCOMP_RET_TRACE (the
// tracer gets a stop), everything else runs without stopping at all.
#pragma once

#include <linux/filter.h>

#include <vector>

#include "trace/trace_spec.h"

namespace whyfail::trace::ptrace {

// Classic BPF program: x86_64 syscalls in `selected` trace, the rest are
// allowed. Fork, clone and exec need no entry here: the tracer follows them
// through PTRACE_EVENT_* stops, which a filter does not suppress. Syscalls
// also in `message_only` trace only when their first argument is fd 1 or 2.
std::vector<sock_filter> build_seccomp_filter(const SyscallSet& selected,
                                              const SyscallSet& message_only = {});

// Installs `program` in the calling process. Runs in the forked child between
// fork and exec, so it only makes raw system calls. Returns 0 or an errno.
int install_seccomp_filter(const std::vector<sock_filter>& program);

}  // namespace whyfail::trace::ptrace
