// Where each path-taking syscall keeps its dirfd, path and flags, and what it
// asks of the final component. x86_64 argument positions.
#pragma once

#include <optional>

namespace whyfail::explain {

enum class PathIntent {
  Open,      // open family: access from the open flags
  Lookup,    // stat family, readlink, statfs: only the walk matters
  Access,    // access family: mask argument, real uid unless AT_EACCESS
  Exec,      // execve, execveat
  Create,    // mkdir, mknod, symlink (new name): must not exist, parent w+x
  Remove,    // unlink, rmdir: parent w+x, sticky rules
  Rename,    // rename family: two paths
  Link,      // link family: old must exist, new must not
  Chdir,     // chdir: final must be a searchable directory
  Chroot,    // chroot: as chdir plus CAP_SYS_CHROOT
  Write,     // truncate: final needs write
  Attr,      // chmod/chown/utime family: owner or capability
};

struct PathCall {
  int nr = -1;
  PathIntent intent = PathIntent::Lookup;
  int dirfd_arg = -1;   // -1: AT_FDCWD
  int path_arg = 0;
  int flags_arg = -1;   // open flags / AT_* flags / access mode, per intent
  int at_flags_arg = -1;// AT_* flags (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_EACCESS)
  bool follow = true;   // follows a final symlink by default
  int dirfd2_arg = -1;  // second path (rename, link): dirfd and path
  int path2_arg = -1;
  bool rmdir = false;   // unlinkat with AT_REMOVEDIR decides at run time
};

std::optional<PathCall> path_call(int nr);

}  // namespace whyfail::explain
