// --kernel: arms the origin tracer (src/origin) for the traced processes.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cli/options.h"
#include "origin/session.h"

namespace whyfail::cli {

// Starts the origin session and follows the traced processes (launch mode: whyfail
// itself, so the command it forks is followed). When it cannot run, `warn` gets one
// line and the trace goes on without it (nullptr).
std::unique_ptr<origin::KernelOriginSession> start_kernel_origin(
    const Options& options, const std::function<void(const std::string&)>& warn);

}  // namespace whyfail::cli
