// Starting the traced command: fork, let the tracer PTRACE_SEIZE the child,
// then the child installs the seccomp filter (if any), stops itself with
// SIGSTOP so the tracer begins syscall tracing exactly before execve, and
// execs. The child keeps the user's environment, fds and signal state; only
// the two plumbing pipes are CLOEXEC.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "trace/trace_spec.h"
#include "util/fd.h"
#include "util/result.h"

namespace whyfail::trace::ptrace {

struct LaunchedChild {
  pid_t pid = 0;
  UniqueFd setup_error;  // read end: the child writes {stage, errno} if it fails before exec
};

// The file execve would run for `name`, searching PATH like execvp.
Result<std::string> resolve_command(const std::string& name);

// Forks and seizes the command. `seccomp` empty: no filter.
Result<LaunchedChild> launch(const TraceSpec& spec, unsigned long ptrace_options,
                             const std::vector<sock_filter>& seccomp);

// After the child ended: the error it reported before or at exec, if any.
// std::nullopt when the child reported nothing.
std::optional<Error> read_setup_error(LaunchedChild& child, const std::string& command);

}  // namespace whyfail::trace::ptrace
