// Kernel tunables read from /proc/sys, by their sysctl name.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace whyfail::platform {

// read_sysctl("kernel.perf_event_paranoid") -> "2" (trailing newline removed).
// Fails with ENOENT when the kernel has no such knob (feature not built).
Result<std::string> read_sysctl(std::string_view name);

// The same, parsed as an integer (EINVAL when the value is not one).
Result<long> read_sysctl_int(std::string_view name);

// "kernel.perf_event_paranoid" -> "/proc/sys/kernel/perf_event_paranoid".
std::string sysctl_path(std::string_view name);

}  // namespace whyfail::platform
