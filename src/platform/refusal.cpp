#include "platform/refusal.h"

#include <cerrno>
#include <cstring>

#include "platform/capability.h"
#include "platform/lockdown.h"

namespace whyfail::platform {

std::string errno_name(int err) {
  // Only the values a probe can plausibly meet; the decoder owns the full table.
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case E2BIG: return "E2BIG";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case 524: return "ENOTSUPP";  // kernel-internal, leaks out of bpf()
    default: return "errno " + std::to_string(err);
  }
}

std::string refusal(int err) {
  std::string out = errno_name(err);
  if (err != 524) {
    out += " (";
    out += std::strerror(err);
    out += ")";
  } else {
    out += " (operation not supported by this kernel)";
  }
  if (err == EPERM && !has_capability(kCapSysAdmin)) {
    out += "; this process lacks CAP_SYS_ADMIN (run as root)";
  } else if (err == EPERM) {
    // Privileged and still refused: the kernel's policy, not ours.
    auto mode = lockdown_mode();
    if (mode && *mode != Lockdown::None) {
      out += "; lockdown=";
      out += to_string(*mode);
      out += " blocks it";
    }
  }
  return out;
}

}  // namespace whyfail::platform
