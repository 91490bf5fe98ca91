// The kernel's pseudo file systems whyfail reads: tracefs (ftrace, kprobe
// events, tracepoint ids) and securityfs (lockdown). Mounted on demand, as
// `whyfail doctor` promises to, and the caller is told when we did.
#pragma once

#include <string>

#include "util/result.h"

namespace whyfail::platform {

struct KernelFs {
  std::string path;          // where it is mounted: "/sys/kernel/tracing"
  bool mounted_now = false;  // we mounted it during this run
};

// tracefs at /sys/kernel/tracing (or the legacy /sys/kernel/debug/tracing).
Result<KernelFs> ensure_tracefs();

// securityfs at /sys/kernel/security.
Result<KernelFs> ensure_securityfs();

// True when `path` is the root of a mount of file system type `fstype`
// (per /proc/self/mounts).
bool is_mounted(const std::string& path, const std::string& fstype);

}  // namespace whyfail::platform
