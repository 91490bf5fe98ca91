// ENOSPC/EDQUOT: which filesystem is full (blocks or inodes), read with
// fstatfs on the file or directory the call wrote to; inotify's ENOSPC is a
// watch limit, not disk space.
#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include <cerrno>

#include "explain/families.h"
#include "explain/path_calls.h"
#include "explain/path_errors.h"
#include "explain/path_walk.h"
#include "explain/text.h"
#include "util/fd.h"

namespace whyfail::explain {

namespace {

std::vector<Cause> fs_causes(const Call& call, int fd, const std::string& what) {
  struct statfs sf {};
  std::string p = "/proc/self/fd/" + std::to_string(fd);
  if (::statfs(p.c_str(), &sf) != 0) return {unchecked_cause("the filesystem of " + what, "statfs failed")};
  auto m = mount_of(call.proc(), fd);
  std::string fs = m ? mount_text(*m) : std::string("its filesystem");
  uint64_t bsize = static_cast<uint64_t>(sf.f_bsize);
  std::string blocks = std::to_string(sf.f_bavail * bsize) + " bytes available to unprivileged users (" +
                       std::to_string(sf.f_bfree * bsize) + " free of " + std::to_string(sf.f_blocks * bsize) + ")";
  std::string inodes = std::to_string(sf.f_ffree) + " free inodes of " + std::to_string(sf.f_files);
  std::vector<Cause> out;
  if (call.err() == EDQUOT) {
    Cause c = make_cause("fs.quota-exceeded",
                         "the disk quota of uid " + std::to_string(call.proc().creds().fsuid) + " on " + fs +
                             " is exhausted (blocks or inodes)",
                         "free space owned by the user or ask for a larger quota (quota -v)");
    c.evidence.push_back(blocks);
    c.evidence.push_back(inodes);
    c.verified = false;
    out.push_back(c);
    return out;
  }
  if (sf.f_files > 0 && sf.f_ffree == 0) {
    out.push_back(make_cause("fs.no-inodes", what + " is on " + fs + ", which has no free inodes left (" + inodes +
                                                 "); " + blocks,
                             "delete files (many small ones) on that filesystem"));
  } else if (sf.f_bavail == 0 || sf.f_bavail * bsize < 1024 * 1024) {
    Cause c = make_cause("fs.no-space", what + " is on " + fs + ", which is full: " + blocks,
                         "free space on that filesystem or write elsewhere");
    if (sf.f_bfree > sf.f_bavail) c.evidence.push_back("the remaining free blocks are reserved for root");
    out.push_back(c);
  } else {
    Cause c = make_cause("fs.no-space", what + " is on " + fs + ": " + blocks + ", " + inodes +
                                            " (space may have been freed since the call failed)");
    c.verified = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<Cause> explain_space(const Call& call) {
  if (call.nr() == SYS_inotify_add_watch || call.nr() == SYS_inotify_init1 || call.nr() == SYS_inotify_init) {
    auto watches = read_sysctl_int("/proc/sys/fs/inotify/max_user_watches");
    auto instances = read_sysctl_int("/proc/sys/fs/inotify/max_user_instances");
    if (call.err() != ENOSPC && call.err() != EMFILE) return {};
    return {make_cause("limit.inotify",
                       "the user's inotify limit is reached: fs.inotify.max_user_watches = " +
                           (watches ? std::to_string(*watches) : std::string("?")) +
                           ", fs.inotify.max_user_instances = " + (instances ? std::to_string(*instances) : std::string("?")),
                       "raise the sysctl (sysctl -w fs.inotify.max_user_watches=N) or watch fewer files")};
  }
  if (auto pc = path_call(call.nr())) {
    std::string why;
    auto path = call.string_arg(pc->path_arg, &why);
    if (!path) return {unchecked_cause("the path argument", why)};
    WalkOptions o;
    o.dirfd = pc->dirfd_arg >= 0 ? call.int_arg(pc->dirfd_arg) : AT_FDCWD;
    WalkResult w = walk_path(call.proc(), *path, o);
    int fd = w.final_fd.valid() ? w.final_fd.get() : w.parent_fd.get();
    if (fd < 0) return walk_failure_causes(call, w, *path);
    return fs_causes(call, fd, quote(*path));
  }
  // Descriptor calls (write, fallocate, ...): the fd is argument 0.
  int fd = call.int_arg(0);
  std::string link = call.proc().proc_path("fd/" + std::to_string(fd));
  UniqueFd f(::open(link.c_str(), O_PATH | O_CLOEXEC));
  if (!f.valid()) return {unchecked_cause("descriptor " + std::to_string(fd), "it is no longer open")};
  return fs_causes(call, f.get(), quote(call.proc().fd_path(fd).value_or("descriptor " + std::to_string(fd))));
}

}  // namespace whyfail::explain
