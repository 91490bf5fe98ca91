#include "views/cgroup_filter.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>

namespace whyfail::views {

namespace {

// Where cgroup v2 is mounted: /sys/fs/cgroup on a unified system,
// /sys/fs/cgroup/unified on a hybrid one.
std::string cgroup2_mount() {
  std::ifstream in("/proc/self/mounts");
  std::string dev, dir, type, rest;
  while (in >> dev >> dir >> type && std::getline(in, rest))
    if (type == "cgroup2") return dir;
  return "/sys/fs/cgroup";
}

}  // namespace

Result<CgroupFilter> resolve_cgroup(const std::string& arg) {
  const std::string root = cgroup2_mount();
  const std::string hint = "pass a cgroup v2 directory, absolute or relative to " + root +
                           " (the path after 0:: in /proc/PID/cgroup)";
  if (arg.empty()) return fail(EINVAL, "--cgroup: empty path", hint);
  std::string path = arg[0] == '/' && arg.rfind(root, 0) == 0 ? arg : root + "/" + arg;
  char real[PATH_MAX];
  if (!realpath(path.c_str(), real)) return fail(errno, "--cgroup " + arg, hint);
  struct statfs fs {};
  struct stat st {};
  if (statfs(real, &fs) != 0 || stat(real, &st) != 0) return fail(errno, "--cgroup " + arg, hint);
  if (fs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode))
    return fail(ENOTDIR, "--cgroup " + arg + ": not a cgroup v2 directory", hint);
  CgroupFilter f;
  f.id = st.st_ino;
  // Depth: parents on the same cgroup2 mount, up to its root.
  std::string p = real;
  while (p != "/") {
    std::string up = p.substr(0, p.find_last_of('/'));
    if (up.empty()) up = "/";
    struct stat ust {};
    struct statfs ufs {};
    if (stat(up.c_str(), &ust) != 0 || statfs(up.c_str(), &ufs) != 0) break;
    if (ust.st_dev != st.st_dev || ufs.f_type != CGROUP2_SUPER_MAGIC) break;
    ++f.level;
    p = up;
  }
  return f;
}

}  // namespace whyfail::views
