// One tracing run: builds the TraceSpec from the options, runs the backend with a
// sink that decodes, explains, ranks and prints, then prints the verdict.
#pragma once

#include <functional>
#include <string>

#include "cli/options.h"
#include "cli/output.h"
#include "cli/syscall_filter.h"
#include "trace/backend.h"
#include "trace/trace_spec.h"
#include "util/result.h"

namespace whyfail::cli {

// What the backend must stop for: the shown syscalls, plus what the culprit finder
// needs even when the display is restricted (the program's writes, which carry its
// error messages, exec and exit).
trace::TraceSpec build_trace_spec(const Options& options, const SyscallFilter& display);

// Runs the trace and prints everything to `out`. Returns whyfail's exit status:
// the command's (128+N when killed by N) in launch mode, 0 with -p and --system.
// `warn` gets one-line warnings (a feature that could not start; the trace goes on).
Result<int> run_session(const Options& options, trace::Backend& backend, Output& out,
                        const std::function<void(const std::string&)>& warn);

}  // namespace whyfail::cli
