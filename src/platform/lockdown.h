// Kernel lockdown (security/lockdown): integrity mode forbids changing the
// running kernel's code (which is what kprobes, fexit trampolines and ftrace
// filters do on some kernels); confidentiality also hides kernel memory.
#pragma once

#include <string_view>

#include "util/result.h"

namespace whyfail::platform {

enum class Lockdown { None, Integrity, Confidentiality };

// The active mode, from /sys/kernel/security/lockdown ("none [integrity]
// confidentiality"). Mounts securityfs if it is not mounted. ENOENT when the
// kernel has no lockdown LSM (which means: not locked down).
Result<Lockdown> lockdown_mode();

// Parses the file's content; the bracketed word is the active mode.
Result<Lockdown> parse_lockdown(std::string_view content);

std::string_view to_string(Lockdown mode);

}  // namespace whyfail::platform
