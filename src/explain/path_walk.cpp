#include "explain/path_walk.h"

#include <linux/limits.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <set>
#include <tuple>

#include "explain/text.h"

namespace whyfail::explain {

namespace {

// The kernel gives up after 40 symlinks in one lookup (MAXSYMLINKS).
constexpr int kMaxSymlinks = 40;

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string parent_of(const std::string& p) {
  if (p.empty() || p == "/") return p.empty() ? "/" : p;
  size_t slash = p.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

std::deque<std::string> split_components(std::string_view path, bool* trailing_slash) {
  std::deque<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  if (trailing_slash) *trailing_slash = !path.empty() && path.back() == '/';
  return out;
}

bool same_inode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

UniqueFd open_path(int dirfd, const std::string& name) {
  return UniqueFd(::openat(dirfd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
}

}  // namespace

std::string mask_text(int mask) {
  std::string s;
  if (mask & R_OK) s += "read";
  if (mask & W_OK) s += s.empty() ? "write" : "+write";
  if (mask & X_OK) s += s.empty() ? "execute/search" : "+execute/search";
  return s.empty() ? "existence" : s;
}

bool may_access(const Creds& creds, const struct stat& st, int mask) {
  mask &= (R_OK | W_OK | X_OK);
  unsigned bits;
  if (creds.fsuid == st.st_uid) bits = (st.st_mode >> 6) & 7;
  else if (creds.in_group(st.st_gid)) bits = (st.st_mode >> 3) & 7;
  else bits = st.st_mode & 7;
  if ((static_cast<unsigned>(mask) & ~bits) == 0) return true;
  bool dir = S_ISDIR(st.st_mode);
  // CAP_DAC_READ_SEARCH (2): read any file, read and search any directory.
  if (creds.has_cap(2) && (dir ? !(mask & W_OK) : mask == R_OK)) return true;
  // CAP_DAC_OVERRIDE (1): anything, except executing a file with no x bit at all.
  if (creds.has_cap(1) && (dir || !(mask & X_OK) || (st.st_mode & 0111))) return true;
  return false;
}

std::string access_denial(const Creds& creds, const struct stat& st, int mask) {
  std::string cls;
  unsigned bits;
  if (creds.fsuid == st.st_uid) {
    cls = "uid " + std::to_string(creds.fsuid) + " is the owner; owner bits";
    bits = (st.st_mode >> 6) & 7;
  } else if (creds.in_group(st.st_gid)) {
    cls = "uid " + std::to_string(creds.fsuid) + " is not the owner but is in group " +
          group_name(st.st_gid) + "; group bits";
    bits = (st.st_mode >> 3) & 7;
  } else {
    cls = "uid " + std::to_string(creds.fsuid) + " (gid " + std::to_string(creds.fsgid) +
          ") is neither the owner " + user_name(st.st_uid) + " nor in group " +
          group_name(st.st_gid) + "; other bits";
    bits = st.st_mode & 7;
  }
  std::string rwx = std::string(bits & 4 ? "r" : "-") + (bits & 2 ? "w" : "-") + (bits & 1 ? "x" : "-");
  bool dir = S_ISDIR(st.st_mode);
  std::string need = mask_text(mask);
  if (mask == X_OK) need = dir ? "search (x)" : "execute (x)";
  std::string s = cls + " are " + rwx + ", " + need + " needed";
  if (!creds.has_cap(1)) s += "; no CAP_DAC_OVERRIDE";
  else if (!dir && (mask & X_OK) && !(st.st_mode & 0111)) s += "; CAP_DAC_OVERRIDE does not grant execute when no x bit is set";
  if (!creds.has_cap(2) && !(mask & W_OK)) s += ", no CAP_DAC_READ_SEARCH";
  return s;
}

std::optional<MountEntry> mount_of(const ProcState& proc, int fd) {
  if (fd < 0) return std::nullopt;
  struct statx sx {};
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) != 0 || !(sx.stx_mask & STATX_MNT_ID))
    return std::nullopt;
  return proc.mount_by_id(static_cast<int>(sx.stx_mnt_id));
}

bool has_posix_acl(int fd) {
  std::string p = "/proc/self/fd/" + std::to_string(fd);
  char buf[1];
  ssize_t n = ::getxattr(p.c_str(), "system.posix_acl_access", buf, 0);
  return n > 0;
}

WalkResult walk_path(const ProcState& proc, std::string_view path, const WalkOptions& options) {
  WalkResult r;
  if (!proc.creds().valid) {
    r.detail = "/proc/" + std::to_string(proc.pid()) + "/status is not readable (process gone?)";
    return r;
  }
  if (path.size() >= PATH_MAX) {
    r.status = WalkStatus::PathTooLong;
    r.detail = std::to_string(path.size());
    return r;
  }
  if (path.empty() && !options.empty_path_ok) {
    r.status = WalkStatus::EmptyPath;
    return r;
  }

  UniqueFd root(::open(proc.proc_path("root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  struct stat root_st {};
  if (!root.valid() || ::fstat(root.get(), &root_st) != 0) {
    r.detail = "cannot open " + proc.proc_path("root") + ": " + std::string(strerror(errno));
    return r;
  }

  UniqueFd cur;
  std::string cur_path;
  if (!path.empty() && path[0] == '/') {
    cur = UniqueFd(::fcntl(root.get(), F_DUPFD_CLOEXEC, 0));
    cur_path = "/";
  } else if (options.dirfd == AT_FDCWD) {
    cur = UniqueFd(::open(proc.proc_path("cwd").c_str(), O_PATH | O_CLOEXEC));
    cur_path = proc.cwd().value_or(".");
    if (!cur.valid()) {
      r.detail = "cannot open " + proc.proc_path("cwd") + ": " + std::string(strerror(errno));
      return r;
    }
  } else {
    std::string link = proc.proc_path("fd/" + std::to_string(options.dirfd));
    cur = UniqueFd(::open(link.c_str(), O_PATH | O_CLOEXEC));
    if (!cur.valid()) {
      if (errno == ENOENT && proc.alive()) {
        r.status = WalkStatus::BadDirfd;
      } else {
        r.detail = "cannot open " + link + ": " + std::string(strerror(errno));
      }
      return r;
    }
    cur_path = proc.fd_path(options.dirfd).value_or("fd " + std::to_string(options.dirfd));
  }
  struct stat cur_st {};
  if (::fstat(cur.get(), &cur_st) != 0) {
    r.detail = "fstat of the start directory failed";
    return r;
  }
  if (!S_ISDIR(cur_st.st_mode) && !path.empty()) {
    if (options.dirfd != AT_FDCWD && path[0] != '/') {
      r.status = WalkStatus::DirfdNotDirectory;
      r.failing_dir = cur_path;
      r.failing_dir_st = cur_st;
      return r;
    }
  }

  std::deque<std::string> todo = split_components(path, &r.trailing_slash);
  const Creds& creds = options.creds ? *options.creds : proc.creds();
  int symlinks = 0;
  std::set<std::tuple<dev_t, ino_t, size_t>> seen_links;
  struct LinkStep { dev_t dev; ino_t ino; size_t remaining; std::string text; };
  std::vector<LinkStep> followed;

  if (todo.empty()) {
    // "/" or "" with AT_EMPTY_PATH or "///": the start itself is the result.
    r.reached_parent = true;
    r.parent_path = cur_path;
    r.parent_st = cur_st;
    r.final_name = "";
    r.final_path = cur_path;
    r.final_exists = true;
    r.final_st = cur_st;
    r.final_fd = std::move(cur);
    r.status = WalkStatus::Ok;
    return r;
  }

  while (!todo.empty()) {
    std::string name = todo.front();
    todo.pop_front();
    bool last = todo.empty();
    if (name.size() > NAME_MAX) {
      r.status = WalkStatus::NameTooLong;
      r.failing_dir = cur_path;
      r.failing_dir_st = cur_st;
      r.component = name;
      r.detail = std::to_string(name.size());
      return r;
    }
    // Searching a directory needs x on it, for every component including "..".
    if (!may_access(creds, cur_st, X_OK)) {
      r.status = WalkStatus::NoSearch;
      r.failing_dir = cur_path;
      r.failing_dir_st = cur_st;
      r.component = name;
      r.component_path = join(cur_path, name);
      return r;
    }
    if (last) {
      r.reached_parent = true;
      r.parent_path = cur_path;
      r.parent_st = cur_st;
      r.parent_fd = UniqueFd(::fcntl(cur.get(), F_DUPFD_CLOEXEC, 0));
      r.final_name = name;
      r.final_path = join(cur_path, name);
    }
    if (name == "..") {
      // The kernel never goes above the process root (chroot).
      if (!same_inode(cur_st, root_st)) {
        UniqueFd up = open_path(cur.get(), "..");
        if (!up.valid() || ::fstat(up.get(), &cur_st) != 0) {
          r.status = WalkStatus::Unchecked;
          r.detail = "lookup of .. in " + escape(cur_path) + " failed";
          return r;
        }
        cur = std::move(up);
        cur_path = parent_of(cur_path);
      }
      if (last) {
        r.final_exists = true;
        r.final_st = cur_st;
        r.final_path = cur_path;
        r.final_fd = std::move(cur);
        r.status = WalkStatus::Ok;
        return r;
      }
      continue;
    }
    if (name == ".") {
      if (!last) continue;
      r.final_exists = true;
      r.final_st = cur_st;
      r.final_path = cur_path;
      r.final_fd = std::move(cur);
      r.status = WalkStatus::Ok;
      return r;
    }

    struct stat st {};
    if (::fstatat(cur.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      int e = errno;
      if (e == ENOENT) {
        r.status = WalkStatus::Missing;
        r.failing_dir = cur_path;
        r.failing_dir_st = cur_st;
        r.component = name;
        r.component_path = join(cur_path, name);
        r.via_symlink = !followed.empty();
        if (last) r.final_exists = false;
        return r;
      }
      if (e == ENOTDIR) {  // cur vanished or changed under us
        r.status = WalkStatus::Unchecked;
        r.detail = "the directory " + escape(cur_path) + " changed during the walk";
        return r;
      }
      r.status = WalkStatus::Unchecked;
      r.detail = "fstatat(" + escape(join(cur_path, name)) + "): " + strerror(e);
      return r;
    }

    bool follow = S_ISLNK(st.st_mode) && (!last || options.follow_final || r.trailing_slash);
    if (follow) {
      std::string target(PATH_MAX, '\0');
      ssize_t n = ::readlinkat(cur.get(), name.c_str(), target.data(), target.size());
      if (n < 0) {
        r.status = WalkStatus::Unchecked;
        r.detail = "readlink(" + escape(join(cur_path, name)) + "): " + strerror(errno);
        return r;
      }
      target.resize(static_cast<size_t>(n));
      std::string text = join(cur_path, name) + " -> " + target;
      r.links.push_back(text);
      auto key = std::make_tuple(st.st_dev, st.st_ino, todo.size());
      bool repeat = !seen_links.insert(key).second;
      followed.push_back({st.st_dev, st.st_ino, todo.size(), text});
      if (repeat || ++symlinks > kMaxSymlinks) {
        r.status = WalkStatus::Loop;
        // The cycle: from the first time this link was followed in the same state.
        size_t first = 0;
        if (repeat) {
          for (size_t i = 0; i < followed.size(); ++i)
            if (followed[i].dev == st.st_dev && followed[i].ino == st.st_ino &&
                followed[i].remaining == todo.size()) { first = i; break; }
        }
        for (size_t i = first; i + (repeat ? 1 : 0) < followed.size(); ++i) r.cycle.push_back(followed[i].text);
        r.failing_dir = cur_path;
        r.component = name;
        r.component_path = join(cur_path, name);
        r.detail = repeat ? "cycle" : "more than 40 symlinks";
        return r;
      }
      if (target.empty()) {
        r.status = WalkStatus::Missing;
        r.failing_dir = cur_path;
        r.failing_dir_st = cur_st;
        r.component = name;
        r.component_path = join(cur_path, name);
        r.via_symlink = true;
        r.detail = "empty symlink target";
        return r;
      }
      bool trailing = false;
      auto parts = split_components(target, &trailing);
      if (last && (trailing || r.trailing_slash)) r.trailing_slash = true;
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_front(*it);
      if (target[0] == '/') {
        cur = UniqueFd(::fcntl(root.get(), F_DUPFD_CLOEXEC, 0));
        cur_st = root_st;
        cur_path = "/";
      }
      if (todo.empty()) {  // a link to "/" as the last component
        r.final_exists = true;
        r.final_st = cur_st;
        r.final_path = cur_path;
        r.final_fd = UniqueFd(::fcntl(cur.get(), F_DUPFD_CLOEXEC, 0));
        r.status = WalkStatus::Ok;
        return r;
      }
      continue;
    }

    std::string next_path = join(cur_path, name);
    if (!last && !S_ISDIR(st.st_mode)) {
      r.status = WalkStatus::NotDirectory;
      r.failing_dir = cur_path;
      r.failing_dir_st = cur_st;
      r.component = name;
      r.component_path = next_path;
      r.component_st = st;
      return r;
    }
    UniqueFd next = open_path(cur.get(), name);
    if (!next.valid()) {
      r.status = WalkStatus::Unchecked;
      r.detail = "open(" + escape(next_path) + "): " + strerror(errno);
      return r;
    }
    if (last) {
      if (r.trailing_slash && !S_ISDIR(st.st_mode)) {
        r.status = WalkStatus::NotDirectory;
        r.failing_dir = cur_path;
        r.failing_dir_st = cur_st;
        r.component = name;
        r.component_path = next_path;
        r.component_st = st;
        r.final_exists = true;
        r.final_st = st;
        return r;
      }
      r.final_exists = true;
      r.final_st = st;
      r.final_path = next_path;
      r.final_fd = std::move(next);
      r.status = WalkStatus::Ok;
      return r;
    }
    cur = std::move(next);
    cur_st = st;
    cur_path = next_path;
  }
  r.status = WalkStatus::Unchecked;
  r.detail = "walk ended without a result";
  return r;
}

}  // namespace whyfail::explain
