// The ptrace backend: PTRACE_SEIZE-based tracer following forks, threads and
// exec, with an optional seccomp filter when the syscalls are restricted.
// See docs/ptrace-backend.md for the stop handling and the decisions taken.
#pragma once

#include <atomic>
#include <memory>

#include "trace/backend.h"

namespace whyfail::trace::ptrace {

std::unique_ptr<Backend> make_ptrace_backend();

}  // namespace whyfail::trace::ptrace
