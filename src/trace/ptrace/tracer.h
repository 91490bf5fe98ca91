// The ptrace backend: PTRACE_SEIZE-based tracer following forks, threads and exec.
#pragma once

#include <atomic>
#include <memory>

#include "trace/backend.h"

namespace whyfail::trace::ptrace {

std::unique_ptr<Backend> make_ptrace_backend();

}  // namespace whyfail::trace::ptrace
