#include "platform/kernel_fs.h"

#include <sys/mount.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <sstream>

namespace whyfail::platform {

bool is_mounted(const std::string& path, const std::string& fstype) {
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string dev, dir, type;
    fields >> dev >> dir >> type;
    if (dir == path && type == fstype) return true;
  }
  return false;
}

namespace {

Result<KernelFs> ensure(const std::string& path, const std::string& fstype,
                        const std::string& legacy_path) {
  // Two threads mounting at once would stack two mounts on one directory.
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (is_mounted(path, fstype)) return KernelFs{path, false};
  if (!legacy_path.empty() && is_mounted(legacy_path, fstype)) return KernelFs{legacy_path, false};
  if (::mount(fstype.c_str(), path.c_str(), fstype.c_str(), MS_NOSUID | MS_NODEV | MS_NOEXEC,
              nullptr) != 0) {
    const int err = errno;
    // EBUSY: someone mounted it between our check and our mount; fine.
    if (err == EBUSY && is_mounted(path, fstype)) return KernelFs{path, false};
    return fail(err, "mount -t " + fstype + " " + fstype + " " + path,
                err == EPERM ? "needs CAP_SYS_ADMIN in the initial mount namespace"
                             : "is " + fstype + " built into this kernel?");
  }
  return KernelFs{path, true};
}

}  // namespace

Result<KernelFs> ensure_tracefs() {
  return ensure("/sys/kernel/tracing", "tracefs", "/sys/kernel/debug/tracing");
}

Result<KernelFs> ensure_securityfs() {
  return ensure("/sys/kernel/security", "securityfs", "");
}

}  // namespace whyfail::platform
