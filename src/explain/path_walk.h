// Walks a path the way the kernel's path lookup does, but in user space and
// as the tracee: from its cwd, root (/proc/PID/root, so chroots and mount
// namespaces resolve as the tracee sees them) or one of its descriptors,
// component by component, checking search permission with the tracee's
// fsuid/fsgid/groups/capabilities and following symlinks itself (absolute
// targets restart at the tracee's root, not ours).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "explain/proc_state.h"
#include "util/fd.h"

namespace whyfail::explain {

enum class WalkStatus {
  Ok,               // every component resolved; final_* describe the result
  Missing,          // component is absent from failing_dir
  NotDirectory,     // component_path is not a directory but more follows
  NoSearch,         // failing_dir lacks search (x) permission for the tracee
  Loop,             // too many symlinks or a cycle (cycle lists it)
  NameTooLong,      // one component exceeds NAME_MAX
  PathTooLong,      // the whole path reaches PATH_MAX
  EmptyPath,        // "" without AT_EMPTY_PATH
  BadDirfd,         // dirfd is not open in the tracee
  DirfdNotDirectory,// dirfd refers to a non-directory
  Unchecked,        // could not be checked (process gone, /proc unreadable): see detail
};

struct WalkOptions {
  int dirfd = AT_FDCWD;       // the tracee's dirfd argument
  bool follow_final = true;   // false: lstat-like (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, unlink, ...)
  bool empty_path_ok = false; // AT_EMPTY_PATH
  const Creds* creds = nullptr; // checks as these instead of the tracee's fs creds (access(): real ids)
};

struct WalkResult {
  WalkStatus status = WalkStatus::Unchecked;
  std::string detail;            // Unchecked: why; NameTooLong: the component
  std::string failing_dir;       // the tracee's view of the directory where the walk stopped
  struct stat failing_dir_st {};
  std::string component;         // the component that failed (raw bytes)
  std::string component_path;    // failing_dir + "/" + component
  struct stat component_st {};   // NotDirectory: what the component is
  bool via_symlink = false;      // the failing component came from a symlink target

  // The last component and its parent (set when the walk reached the last component).
  bool reached_parent = false;
  std::string parent_path;
  struct stat parent_st {};
  UniqueFd parent_fd;            // O_PATH
  std::string final_name;
  std::string final_path;
  bool final_exists = false;
  struct stat final_st {};       // after following a final symlink when follow_final
  UniqueFd final_fd;             // O_PATH, when final_exists
  bool trailing_slash = false;

  std::vector<std::string> links;  // "link -> target" for each symlink followed
  std::vector<std::string> cycle;  // Loop: the symlinks that form the cycle
};

WalkResult walk_path(const ProcState& proc, std::string_view path, const WalkOptions& options);

// Whether the tracee's credentials grant `mask` (R_OK|W_OK|X_OK) on an inode,
// with the kernel's DAC rules incl. CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH.
bool may_access(const Creds& creds, const struct stat& st, int mask);
// Why access is denied: which permission class applied and what it grants.
std::string access_denial(const Creds& creds, const struct stat& st, int mask);
// "rwx"-style text of a mask.
std::string mask_text(int mask);

// The mount an O_PATH fd is on (statx STATX_MNT_ID matched in the tracee's mountinfo).
std::optional<MountEntry> mount_of(const ProcState& proc, int fd);
// True when the inode carries a POSIX ACL (the kernel checks it too).
bool has_posix_acl(int fd);

}  // namespace whyfail::explain
