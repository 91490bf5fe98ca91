#include "explain/path_calls.h"

#include <sys/syscall.h>

#include "explain/families.h"

namespace whyfail::explain {

std::optional<PathCall> path_call(int nr) {
  using I = PathIntent;
  // {nr, intent, dirfd, path, flags, at_flags, follow, dirfd2, path2, rmdir}
  switch (nr) {
    case SYS_open: return PathCall{nr, I::Open, -1, 0, 1, -1, true};
    case SYS_openat: return PathCall{nr, I::Open, 0, 1, 2, -1, true};
    case SYS_openat2: return PathCall{nr, I::Open, 0, 1, -1, -1, true};  // flags in struct open_how
    case SYS_creat: return PathCall{nr, I::Open, -1, 0, -1, -1, true};
    case SYS_stat: return PathCall{nr, I::Lookup, -1, 0, -1, -1, true};
    case SYS_lstat: return PathCall{nr, I::Lookup, -1, 0, -1, -1, false};
    case SYS_newfstatat: return PathCall{nr, I::Lookup, 0, 1, -1, 3, true};
    case SYS_statx: return PathCall{nr, I::Lookup, 0, 1, -1, 2, true};
    case SYS_statfs: return PathCall{nr, I::Lookup, -1, 0, -1, -1, true};
    case SYS_readlink: return PathCall{nr, I::Lookup, -1, 0, -1, -1, false};
    case SYS_readlinkat: return PathCall{nr, I::Lookup, 0, 1, -1, -1, false};
    case SYS_access: return PathCall{nr, I::Access, -1, 0, 1, -1, true};
    case SYS_faccessat: return PathCall{nr, I::Access, 0, 1, 2, -1, true};
    case SYS_faccessat2: return PathCall{nr, I::Access, 0, 1, 2, 3, true};
    case SYS_execve: return PathCall{nr, I::Exec, -1, 0, -1, -1, true};
    case SYS_execveat: return PathCall{nr, I::Exec, 0, 1, -1, 4, true};
    case SYS_mkdir: return PathCall{nr, I::Create, -1, 0, 1, -1, false};
    case SYS_mkdirat: return PathCall{nr, I::Create, 0, 1, 2, -1, false};
    case SYS_mknod: return PathCall{nr, I::Create, -1, 0, 1, -1, false};
    case SYS_mknodat: return PathCall{nr, I::Create, 0, 1, 2, -1, false};
    case SYS_symlink: return PathCall{nr, I::Create, -1, 1, -1, -1, false};
    case SYS_symlinkat: return PathCall{nr, I::Create, 1, 2, -1, -1, false};
    case SYS_rmdir: {
      PathCall c{nr, I::Remove, -1, 0, -1, -1, false};
      c.rmdir = true;
      return c;
    }
    case SYS_unlink: return PathCall{nr, I::Remove, -1, 0, -1, -1, false};
    case SYS_unlinkat: return PathCall{nr, I::Remove, 0, 1, 2, -1, false};
    case SYS_rename: return PathCall{nr, I::Rename, -1, 0, -1, -1, false, -1, 1};
    case SYS_renameat: return PathCall{nr, I::Rename, 0, 1, -1, -1, false, 2, 3};
    case SYS_renameat2: return PathCall{nr, I::Rename, 0, 1, 4, -1, false, 2, 3};
    case SYS_link: return PathCall{nr, I::Link, -1, 0, -1, -1, false, -1, 1};
    case SYS_linkat: return PathCall{nr, I::Link, 0, 1, -1, 4, false, 2, 3};
    case SYS_chdir: return PathCall{nr, I::Chdir, -1, 0, -1, -1, true};
    case SYS_chroot: return PathCall{nr, I::Chroot, -1, 0, -1, -1, true};
    case SYS_truncate: return PathCall{nr, I::Write, -1, 0, -1, -1, true};
    case SYS_chmod: return PathCall{nr, I::Attr, -1, 0, -1, -1, true};
    case SYS_fchmodat: return PathCall{nr, I::Attr, 0, 1, -1, -1, true};
#ifdef SYS_fchmodat2
    case SYS_fchmodat2: return PathCall{nr, I::Attr, 0, 1, -1, 3, true};
#endif
    case SYS_chown: return PathCall{nr, I::Attr, -1, 0, -1, -1, true};
    case SYS_lchown: return PathCall{nr, I::Attr, -1, 0, -1, -1, false};
    case SYS_fchownat: return PathCall{nr, I::Attr, 0, 1, -1, 4, true};
    case SYS_utime: return PathCall{nr, I::Attr, -1, 0, -1, -1, true};
    case SYS_utimes: return PathCall{nr, I::Attr, -1, 0, -1, -1, true};
    case SYS_utimensat: return PathCall{nr, I::Attr, 0, 1, -1, 3, true};
    default: return std::nullopt;
  }
}

bool is_path_call(int nr) { return path_call(nr).has_value(); }
bool is_exec_call(int nr) { return nr == SYS_execve || nr == SYS_execveat; }

}  // namespace whyfail::explain
