#include "views/cgroup_filter.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

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

bool is_cgroup2_dir(const std::string& path, struct stat& st) {
  struct statfs fs {};
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC && stat(path.c_str(), &st) == 0 &&
         S_ISDIR(st.st_mode);
}

}  // namespace

Result<CgroupFilter> resolve_cgroup(const std::string& arg) {
  const std::string root = cgroup2_mount();
  const std::string hint = "pass a cgroup v2 directory under " + root + ", absolute or relative to it" +
                           " (the path after 0:: in /proc/PID/cgroup)";
  if (arg.empty()) return fail(EINVAL, "--cgroup: empty path", hint);
  // An absolute path is taken as it is, then (as /proc/PID/cgroup shows
  // them) below the mount; a relative one below the mount only.
  std::vector<std::string> tries;
  if (arg[0] == '/') tries.push_back(arg);
  if (arg.rfind(root, 0) != 0) tries.push_back(root + "/" + arg);
  bool exists = false;
  char real[PATH_MAX];
  struct stat st {};
  bool found = false;
  for (const std::string& t : tries) {
    if (!realpath(t.c_str(), real)) continue;
    exists = true;
    if (is_cgroup2_dir(real, st)) {
      found = true;
      break;
    }
  }
  if (!found) {
    if (exists) return fail(0, "--cgroup " + arg + ": not a cgroup v2 directory", hint);
    return fail(ENOENT, "--cgroup " + arg, hint);
  }
  CgroupFilter f;
  f.id = st.st_ino;
  // Depth: parents on the same cgroup2 mount, up to its root (never "/").
  std::string up = real;
  for (std::size_t slash = up.rfind('/'); slash != std::string::npos && slash > 0; slash = up.rfind('/')) {
    up.resize(slash);
    struct stat ust {};
    if (!is_cgroup2_dir(up, ust) || ust.st_dev != st.st_dev) break;
    ++f.level;
  }
  return f;
}

}  // namespace whyfail::views
