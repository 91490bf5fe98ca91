// Path-taking syscalls: walk the path as the tracee and map the errno to
// the component or final-object check that fails.
#include "explain/path_errors.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "explain/families.h"
#include "explain/path_calls.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

constexpr int kCapChown = 0;
constexpr int kCapFowner = 3;
constexpr int kCapSysChroot = 18;

std::string dir_label(const std::string& dir, const struct stat& st) {
  return quote(dir) + " (" + describe_inode(st) + ")";
}

void add_links(Cause& c, const WalkResult& w) {
  for (const auto& l : w.links) c.evidence.push_back("symlink followed: " + escape(l));
}

bool proc_pid_dir(const char* name) {
  if (!*name) return false;
  for (const char* p = name; *p; ++p)
    if (*p < '0' || *p > '9') return false;
  return true;
}

template <typename F>
void for_each_pid(F f) {
  DIR* d = ::opendir("/proc");
  if (!d) return;
  while (dirent* e = ::readdir(d))
    if (proc_pid_dir(e->d_name)) f(static_cast<pid_t>(std::atoi(e->d_name)));
  ::closedir(d);
}

// The options and the mask the open flags imply.
struct OpenSpec {
  int flags = 0;
  bool known = false;
};

int open_mask(int flags) {
  int mask = 0;
  switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = R_OK; break;
    case O_WRONLY: mask = W_OK; break;
    default: mask = R_OK | W_OK; break;
  }
  if (flags & O_TRUNC) mask |= W_OK;
  return mask;
}

Cause missing_cause(const WalkResult& w, const std::string& path, bool final_component) {
  std::string text;
  std::string code;
  if (w.via_symlink) {
    code = "path.dangling-symlink";
    text = quote(path) + " leads through a symlink to " + quote(w.component_path) +
           ", which does not exist: " + quote(w.failing_dir) + " has no entry " + quote(w.component);
  } else if (final_component) {
    code = "path.missing-final";
    text = quote(w.failing_dir) + " has no entry " + quote(w.component) + ", so " + quote(path) +
           " does not exist";
  } else {
    code = "path.missing-component";
    text = "directory " + quote(w.failing_dir) + " has no entry " + quote(w.component) +
           ", so " + quote(path) + " cannot be resolved past it";
  }
  if (!w.detail.empty()) text += " (" + w.detail + ")";
  Cause c = make_cause(code, text, "create " + quote(w.component_path) + " or fix the path");
  c.evidence.push_back("nearest existing ancestor: " + dir_label(w.failing_dir, w.failing_dir_st));
  add_links(c, w);
  return c;
}

}  // namespace

Cause unchecked_cause(const std::string& what, const std::string& why) {
  Cause c = make_cause("check.not-possible", what + " could not be checked: " + why);
  c.verified = false;
  return c;
}

std::string mount_text(const MountEntry& m) {
  return quote(m.mount_point) + " (" + escape(m.fs_type) + " " + quote(m.source) + ", " +
         escape(m.options) + ")";
}

std::vector<std::string> processes_executing(const struct stat& st) {
  std::vector<std::string> out;
  for_each_pid([&](pid_t pid) {
    struct stat e {};
    std::string exe = "/proc/" + std::to_string(pid) + "/exe";
    if (::stat(exe.c_str(), &e) == 0 && e.st_dev == st.st_dev && e.st_ino == st.st_ino)
      out.push_back(std::to_string(pid) + " (" + escape(process_comm(pid)) + ")");
  });
  return out;
}

std::vector<std::string> processes_writing(const struct stat& st) {
  std::vector<std::string> out;
  for_each_pid([&](pid_t pid) {
    ProcState p(pid);
    std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
      if (!proc_pid_dir(e->d_name)) continue;
      struct stat f {};
      if (::stat((dir + "/" + e->d_name).c_str(), &f) != 0) continue;
      if (f.st_dev != st.st_dev || f.st_ino != st.st_ino) continue;
      auto entry = p.fd(std::atoi(e->d_name));
      if (entry && entry->has_info && (entry->flags & O_ACCMODE) != O_RDONLY)
        out.push_back(std::to_string(pid) + " (" + escape(process_comm(pid)) + ") fd " + e->d_name);
    }
    ::closedir(d);
  });
  return out;
}

std::vector<std::string> directory_entries(int dir_fd, size_t max, size_t* total) {
  std::vector<std::string> out;
  if (total) *total = 0;
  std::string p = "/proc/self/fd/" + std::to_string(dir_fd);
  DIR* d = ::opendir(p.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    if (total) ++*total;
    if (out.size() < max) out.push_back(e->d_name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Cause> erofs_causes(const Call& call, int fd, const std::string& path) {
  auto m = mount_of(call.proc(), fd);
  if (!m) return {unchecked_cause("the mount of " + quote(path), "statx(STATX_MNT_ID) or mountinfo unavailable")};
  if (!m->read_only() && m->super_options.find("ro") != 0)
    return {};
  Cause c = make_cause("path.read-only-mount",
                       quote(path) + " is on " + mount_text(*m) + ", which is mounted read-only",
                       "remount it read-write (mount -o remount,rw " + quote(m->mount_point) +
                           ") or write elsewhere");
  c.evidence.push_back("mount id " + std::to_string(m->id) + ", superblock options " + escape(m->super_options));
  return {c};
}

std::vector<Cause> walk_failure_causes(const Call& call, const WalkResult& w, const std::string& path) {
  const Creds& creds = call.proc().creds();
  switch (w.status) {
    case WalkStatus::Ok:
      return {};
    case WalkStatus::Missing:
      return {missing_cause(w, path, w.reached_parent && w.component == w.final_name && !w.via_symlink)};
    case WalkStatus::NotDirectory: {
      Cause c = make_cause("path.not-a-directory",
                           quote(w.component_path) + " is a " + file_type(w.component_st.st_mode) +
                               ", not a directory, but " + quote(path) + " uses it as one",
                           "fix the path; a directory was expected at " + quote(w.component_path));
      c.evidence.push_back(quote(w.component_path) + ": " + describe_inode(w.component_st));
      add_links(c, w);
      return {c};
    }
    case WalkStatus::NoSearch: {
      Cause c = make_cause(
          "path.no-search-permission",
          "uid " + std::to_string(creds.fsuid) + " gid " + std::to_string(creds.fsgid) +
              " may not search directory " + quote(w.failing_dir) + " (mode " +
              octal_mode(w.failing_dir_st.st_mode) + ", owner " + user_name(w.failing_dir_st.st_uid) +
              ", group " + group_name(w.failing_dir_st.st_gid) + "), so " + quote(w.component) +
              " inside it cannot be looked up",
          "grant x on " + quote(w.failing_dir) + " (chmod o+x, or add the user to its group) or run as its owner");
      c.evidence.push_back(access_denial(creds, w.failing_dir_st, X_OK));
      add_links(c, w);
      return {c};
    }
    case WalkStatus::Loop: {
      std::string text;
      if (w.detail == "cycle") {
        text = quote(path) + " runs into a symlink cycle at " + quote(w.component_path) + ":";
        for (const auto& l : w.cycle) text += " " + escape(l) + ";";
        if (!text.empty() && text.back() == ';') text.pop_back();
      } else {
        text = quote(path) + " needs more than 40 symlinks to resolve (the kernel's limit)";
      }
      Cause c = make_cause("path.symlink-loop", text, "make one of the symlinks in the cycle point to a real file");
      add_links(c, w);
      return {c};
    }
    case WalkStatus::NameTooLong: {
      std::string shown = w.component.substr(0, 40);
      Cause c = make_cause("path.name-too-long",
                           "component " + quote(shown) + "... in " + quote(w.failing_dir) + " is " +
                               w.detail + " bytes long; NAME_MAX is " + std::to_string(NAME_MAX),
                           "shorten that file name");
      return {c};
    }
    case WalkStatus::PathTooLong: {
      Cause c = make_cause("path.too-long",
                           "the path is " + w.detail + " bytes long; PATH_MAX is " + std::to_string(PATH_MAX) +
                               " bytes including the terminating NUL",
                           "use a shorter path, or open a directory and use a relative path with *at()");
      return {c};
    }
    case WalkStatus::EmptyPath:
      return {make_cause("path.empty", "the path is the empty string \"\" (and AT_EMPTY_PATH was not given)",
                         "pass a real path")};
    case WalkStatus::BadDirfd: {
      Cause c = make_cause("fd.not-open", "the directory descriptor is not open in process " +
                                              std::to_string(call.proc().pid()),
                           "pass AT_FDCWD or an open directory descriptor");
      return {c};
    }
    case WalkStatus::DirfdNotDirectory:
      return {make_cause("path.dirfd-not-directory",
                         "the directory descriptor refers to " + quote(w.failing_dir) + ", a " +
                             file_type(w.failing_dir_st.st_mode) + ", not a directory",
                         "pass a descriptor of a directory (or an absolute path)")};
    case WalkStatus::Unchecked:
      return {unchecked_cause("the path " + quote(path), w.detail)};
  }
  return {};
}

namespace {

struct Target {
  std::string path;
  WalkResult walk;
};

std::optional<Target> walk_arg(const Call& call, int dirfd_arg, int path_arg, WalkOptions opts,
                               std::vector<Cause>& out) {
  std::string why;
  auto path = call.string_arg(path_arg, &why);
  if (!path) {
    out.push_back(unchecked_cause("the path argument", why));
    return std::nullopt;
  }
  const auto& cap = call.event().captured[static_cast<size_t>(path_arg)];
  if (cap && cap->truncated && path->size() + 1 >= PATH_MAX) {
    Target t;
    t.path = *path;
    t.walk.status = WalkStatus::PathTooLong;
    t.walk.detail = "at least " + std::to_string(path->size());
    return t;
  }
  opts.dirfd = dirfd_arg >= 0 ? call.int_arg(dirfd_arg) : AT_FDCWD;
  Target t{*path, walk_path(call.proc(), *path, opts)};
  return t;
}

Cause final_denied(const Creds& creds, const WalkResult& w, int mask, const std::string& code) {
  Cause c = make_cause(code,
                       "uid " + std::to_string(creds.fsuid) + " has no " + mask_text(mask) + " permission on " +
                           quote(w.final_path) + " (" + describe_inode(w.final_st) + ")",
                       "change its mode or owner (chmod/chown) or run as a user that may " + mask_text(mask) + " it");
  c.evidence.push_back(access_denial(creds, w.final_st, mask));
  if (w.final_fd.valid() && has_posix_acl(w.final_fd.get()))
    c.evidence.push_back("the file has a POSIX ACL, which the kernel also checks (getfacl)");
  return c;
}

Cause parent_denied(const Creds& creds, const WalkResult& w, const std::string& action) {
  Cause c = make_cause("path.no-write-permission-dir",
                       "uid " + std::to_string(creds.fsuid) + " may not " + action + " in directory " +
                           quote(w.parent_path) + " (" + describe_inode(w.parent_st) +
                           "): writing a directory entry needs w and x on it",
                       "grant w on " + quote(w.parent_path) + " or work in a directory the user owns");
  c.evidence.push_back(access_denial(creds, w.parent_st, W_OK | X_OK));
  if (w.parent_fd.valid() && has_posix_acl(w.parent_fd.get()))
    c.evidence.push_back("the directory has a POSIX ACL, which the kernel also checks (getfacl)");
  return c;
}

Cause exists_cause(const WalkResult& w) {
  Cause c = make_cause("path.already-exists",
                       quote(w.final_path) + " already exists: a " + describe_inode(w.final_st),
                       "remove it first, pick another name, or drop O_EXCL");
  return c;
}

std::vector<Cause> not_empty_causes(const WalkResult& w) {
  size_t total = 0;
  auto names = w.final_fd.valid() ? directory_entries(w.final_fd.get(), 5, &total) : std::vector<std::string>{};
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + quote(n);
  if (total > names.size()) list += ", ...";
  Cause c = make_cause("path.directory-not-empty",
                       "directory " + quote(w.final_path) + " is not empty: it holds " + std::to_string(total) +
                           " entr" + (total == 1 ? "y" : "ies") + (list.empty() ? "" : " (" + list + ")"),
                       "remove its contents first (rm -r)");
  return {c};
}

std::vector<Cause> text_busy_causes(const WalkResult& w, bool for_write) {
  std::vector<Cause> out;
  if (!w.final_exists) return out;
  if (for_write) {
    auto runners = processes_executing(w.final_st);
    std::string list;
    for (const auto& r : runners) list += (list.empty() ? "" : ", ") + r;
    if (!runners.empty())
      out.push_back(make_cause("path.text-busy",
                               quote(w.final_path) + " is being executed by process " + list +
                                   "; a running executable cannot be opened for writing",
                               "stop that process, or write a new file and rename() it over the old one"));
  } else {
    auto writers = processes_writing(w.final_st);
    std::string list;
    for (const auto& r : writers) list += (list.empty() ? "" : ", ") + r;
    if (!writers.empty())
      out.push_back(make_cause("path.text-busy",
                               quote(w.final_path) + " is open for writing by process " + list +
                                   "; a file open for writing cannot be executed",
                               "close the writer (finish writing the file) before executing it"));
  }
  if (out.empty())
    out.push_back(unchecked_cause("which process keeps " + quote(w.final_path) + " busy",
                                  "no process runs it or has it open for writing any more"));
  return out;
}

int at_flags(const Call& call, const PathCall& pc) {
  return pc.at_flags_arg >= 0 ? call.int_arg(pc.at_flags_arg) : 0;
}

std::vector<Cause> explain_open_like(const Call& call, const PathCall& pc, Target& t, int open_flags) {
  const Creds& creds = call.proc().creds();
  WalkResult& w = t.walk;
  int err = call.err();
  std::vector<Cause> out;
  bool creat = open_flags & O_CREAT;
  switch (err) {
    case ENOENT:
      if (w.final_exists) break;
      if (creat && w.reached_parent)  // O_CREAT: only the parent must exist; its walk failed above
        break;
      break;
    case EACCES: {
      if (!w.final_exists && creat && w.reached_parent && !may_access(creds, w.parent_st, W_OK | X_OK)) {
        out.push_back(parent_denied(creds, w, "create " + quote(w.final_name)));
        break;
      }
      if (w.final_exists) {
        int mask = (pc.intent == PathIntent::Open) ? open_mask(open_flags) : W_OK;
        if (!may_access(creds, w.final_st, mask)) {
          bool no_read = (mask & R_OK) && !may_access(creds, w.final_st, R_OK);
          out.push_back(final_denied(creds, w, mask, no_read ? "path.no-read-permission" : "path.no-write-permission"));
        } else if (creat && (w.parent_st.st_mode & S_ISVTX) && (w.parent_st.st_mode & 0002) &&
                   w.final_st.st_uid != creds.fsuid && w.final_st.st_uid != w.parent_st.st_uid) {
          // fs.protected_regular / protected_fifos refuse O_CREAT on others' files in sticky dirs.
          Cause c = make_cause("path.protected-sticky-create",
                               quote(w.final_path) + " belongs to " + user_name(w.final_st.st_uid) +
                                   " in the world-writable sticky directory " + quote(w.parent_path) +
                                   "; fs.protected_regular/protected_fifos forbid opening it with O_CREAT",
                               "open it without O_CREAT, or use a private directory");
          if (auto v = read_sysctl_int("/proc/sys/fs/protected_regular"))
            c.evidence.push_back("fs.protected_regular = " + std::to_string(*v));
          out.push_back(c);
        }
      }
      break;
    }
    case EEXIST:
      if (w.final_exists) out.push_back(exists_cause(w));
      break;
    case EISDIR:
      if (w.final_exists && S_ISDIR(w.final_st.st_mode))
        out.push_back(make_cause("path.is-a-directory",
                                 quote(w.final_path) + " is a directory; it cannot be opened for writing" +
                                     std::string(creat ? " or created as a file" : ""),
                                 "use a file path inside it, or open it O_RDONLY|O_DIRECTORY"));
      break;
    case ELOOP:
      if (w.final_exists && (open_flags & O_NOFOLLOW)) {
        struct stat l {};
        if (w.parent_fd.valid() && ::fstatat(w.parent_fd.get(), w.final_name.c_str(), &l, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(l.st_mode))
          out.push_back(make_cause("path.nofollow-symlink",
                                   quote(w.final_path) + " is a symlink and O_NOFOLLOW forbids following it",
                                   "open the link target, or drop O_NOFOLLOW"));
      }
      break;
    case ENOTDIR:
      if (w.final_exists && !S_ISDIR(w.final_st.st_mode))
        out.push_back(make_cause("path.not-a-directory",
                                 quote(w.final_path) + " is a " + file_type(w.final_st.st_mode) +
                                     ", but O_DIRECTORY (or a trailing slash) requires a directory",
                                 "pass a directory"));
      break;
    case ETXTBSY:
      out = text_busy_causes(w, true);
      break;
    case EROFS:
      out = erofs_causes(call, w.final_exists ? w.final_fd.get() : w.parent_fd.get(), w.final_path);
      break;
    default:
      break;
  }
  return out;
}

}  // namespace

std::vector<Cause> explain_path_call(const Call& call) {
  auto pc = path_call(call.nr());
  if (!pc) return {};
  std::vector<Cause> out;
  int err = call.err();
  int flags = at_flags(call, *pc);

  WalkOptions opts;
  opts.follow_final = pc->follow;
  if (flags & AT_SYMLINK_NOFOLLOW) opts.follow_final = false;
  if (pc->intent == PathIntent::Link && (flags & AT_SYMLINK_FOLLOW)) opts.follow_final = true;
  if (flags & AT_EMPTY_PATH) opts.empty_path_ok = true;

  int open_flags = 0;
  if (pc->intent == PathIntent::Open) {
    if (call.nr() == SYS_creat) {
      open_flags = O_CREAT | O_WRONLY | O_TRUNC;
    } else if (call.nr() == SYS_openat2) {
      if (auto how = call.bytes_arg(2, 24); how && how->size() >= 8) std::memcpy(&open_flags, how->data(), sizeof(int));
    } else {
      open_flags = call.int_arg(pc->flags_arg);
    }
    if ((open_flags & O_NOFOLLOW) || ((open_flags & O_CREAT) && (open_flags & O_EXCL))) opts.follow_final = false;
  }

  // access() checks with the real uid/gid; a non-root real uid loses the
  // capabilities (the kernel's access_override_creds()).
  Creds access_creds = call.proc().creds();
  if (pc->intent == PathIntent::Access && !(flags & AT_EACCESS)) {
    access_creds.fsuid = access_creds.ruid;
    access_creds.fsgid = access_creds.rgid;
    if (access_creds.ruid != 0) access_creds.cap_eff = 0;
    opts.creds = &access_creds;
  }

  auto t = walk_arg(call, pc->dirfd_arg, pc->path_arg, opts, out);
  if (!t) return out;
  WalkResult& w = t->walk;

  if (pc->intent == PathIntent::Exec) return explain_exec(call);

  // A walk that stopped early is the cause when its failure matches the errno.
  if (w.status != WalkStatus::Ok) {
    auto causes = walk_failure_causes(call, w, t->path);
    bool matches = false;
    switch (w.status) {
      case WalkStatus::Missing: matches = err == ENOENT; break;
      case WalkStatus::NotDirectory: matches = err == ENOTDIR; break;
      case WalkStatus::NoSearch: matches = err == EACCES; break;
      case WalkStatus::Loop: matches = err == ELOOP; break;
      case WalkStatus::NameTooLong:
      case WalkStatus::PathTooLong: matches = err == ENAMETOOLONG; break;
      case WalkStatus::EmptyPath: matches = err == ENOENT; break;
      case WalkStatus::BadDirfd: matches = err == EBADF; break;
      case WalkStatus::DirfdNotDirectory: matches = err == ENOTDIR; break;
      case WalkStatus::Unchecked: matches = true; break;
      case WalkStatus::Ok: break;
    }
    // Creating calls fail with ENOENT only for a missing parent; a missing final is expected.
    bool creating = (pc->intent == PathIntent::Open && (open_flags & O_CREAT)) ||
                    pc->intent == PathIntent::Create || pc->intent == PathIntent::Rename ||
                    pc->intent == PathIntent::Link;
    if (w.status == WalkStatus::Missing && w.reached_parent && w.component == w.final_name && !w.via_symlink &&
        creating && pc->path2_arg < 0 && err != ENOENT)
      matches = false;
    if (matches) return causes;
    if (!call.context().live && w.status == WalkStatus::Missing) {
      for (auto& c : causes) {
        c.verified = false;
        c.text += " (now; the state may have changed since the call failed)";
      }
      return causes;
    }
    // e.g. EROFS for a create whose final component is (correctly) missing: fall through.
    if (w.status != WalkStatus::Missing || !w.reached_parent) return {};
  }

  const Creds& creds = opts.creds ? *opts.creds : call.proc().creds();
  switch (pc->intent) {
    case PathIntent::Open:
      out = explain_open_like(call, *pc, *t, open_flags);
      break;
    case PathIntent::Write:
      out = explain_open_like(call, *pc, *t, O_WRONLY);
      break;
    case PathIntent::Access: {
      int mask = call.int_arg(pc->flags_arg) & (R_OK | W_OK | X_OK);
      if (err == EACCES && w.final_exists && !may_access(creds, w.final_st, mask)) {
        Cause c = final_denied(creds, w, mask, "path.access-denied");
        if (!(flags & AT_EACCESS) && creds.fsuid != call.proc().creds().fsuid)
          c.evidence.push_back("access() checks the real uid " + std::to_string(creds.fsuid) +
                               ", not the effective uid " + std::to_string(call.proc().creds().euid));
        out.push_back(c);
      } else if (err == EROFS && w.final_exists) {
        out = erofs_causes(call, w.final_fd.get(), w.final_path);
      } else if (err == ETXTBSY) {
        out = text_busy_causes(w, true);
      }
      break;
    }
    case PathIntent::Create:
      if (err == EEXIST && w.final_exists) out.push_back(exists_cause(w));
      else if (err == EACCES && w.reached_parent && !may_access(creds, w.parent_st, W_OK | X_OK))
        out.push_back(parent_denied(creds, w, "create " + quote(w.final_name)));
      else if (err == EROFS && w.parent_fd.valid())
        out = erofs_causes(call, w.parent_fd.get(), w.final_path);
      break;
    case PathIntent::Remove: {
      bool rmdir = pc->rmdir || (call.nr() == SYS_unlinkat && (call.int_arg(2) & AT_REMOVEDIR));
      if (err == EACCES && w.reached_parent && !may_access(creds, w.parent_st, W_OK | X_OK)) {
        out.push_back(parent_denied(creds, w, "remove " + quote(w.final_name)));
      } else if (err == EPERM && w.final_exists && (w.parent_st.st_mode & S_ISVTX) &&
                 creds.fsuid != w.final_st.st_uid && creds.fsuid != w.parent_st.st_uid && !creds.has_cap(kCapFowner)) {
        Cause c = make_cause("path.sticky-directory",
                             quote(w.parent_path) + " has the sticky bit (mode " + octal_mode(w.parent_st.st_mode) +
                                 "): only the owner of " + quote(w.final_name) + " (" + user_name(w.final_st.st_uid) +
                                 ") or of the directory may remove it, not uid " + std::to_string(creds.fsuid),
                             "remove it as its owner");
        out.push_back(c);
      } else if ((err == EISDIR || err == EPERM) && !rmdir && w.final_exists && S_ISDIR(w.final_st.st_mode)) {
        out.push_back(make_cause("path.is-a-directory", quote(w.final_path) + " is a directory; unlink() removes files only",
                                 "use rmdir() (or unlinkat with AT_REMOVEDIR)"));
      } else if (err == ENOTDIR && rmdir && w.final_exists && !S_ISDIR(w.final_st.st_mode)) {
        out.push_back(make_cause("path.not-a-directory",
                                 quote(w.final_path) + " is a " + file_type(w.final_st.st_mode) + ", not a directory",
                                 "use unlink() for files"));
      } else if ((err == ENOTEMPTY || err == EEXIST) && w.final_exists) {
        out = not_empty_causes(w);
      } else if (err == EBUSY && w.final_exists) {
        for (const auto& m : call.proc().mounts())
          if (m.mount_point == w.final_path)
            out.push_back(make_cause("path.mount-point", quote(w.final_path) + " is a mount point: " + mount_text(m),
                                     "unmount it first"));
      } else if (err == EROFS && w.parent_fd.valid()) {
        out = erofs_causes(call, w.parent_fd.get(), w.final_path);
      }
      break;
    }
    case PathIntent::Rename:
    case PathIntent::Link: {
      WalkOptions o2;
      o2.follow_final = false;
      std::vector<Cause> ignored;
      auto t2 = walk_arg(call, pc->dirfd2_arg, pc->path2_arg, o2, ignored);
      if (!t2) {
        out = ignored;
        break;
      }
      WalkResult& w2 = t2->walk;
      if (w2.status != WalkStatus::Ok && !(w2.status == WalkStatus::Missing && w2.reached_parent &&
                                           w2.component == w2.final_name)) {
        out = walk_failure_causes(call, w2, t2->path);
        break;
      }
      if (err == EXDEV) {
        auto m1 = mount_of(call.proc(), w.final_exists ? w.final_fd.get() : w.parent_fd.get());
        auto m2 = mount_of(call.proc(), w2.parent_fd.get());
        if (m1 && m2 && m1->id != m2->id) {
          out.push_back(make_cause("path.cross-mount",
                                   quote(t->path) + " is on mount " + mount_text(*m1) + " but " + quote(t2->path) +
                                       " is on mount " + mount_text(*m2) + "; " + call.name() +
                                       "() cannot cross mounts",
                                   "copy the file and delete the original (mv does this), or stay on one mount"));
        }
      } else if (err == EEXIST && w2.final_exists) {
        out.push_back(exists_cause(w2));
      } else if ((err == ENOTEMPTY || err == EEXIST) && w2.final_exists && S_ISDIR(w2.final_st.st_mode)) {
        out = not_empty_causes(w2);
      } else if (err == EISDIR && w2.final_exists && S_ISDIR(w2.final_st.st_mode)) {
        out.push_back(make_cause("path.is-a-directory",
                                 quote(w2.final_path) + " is a directory and cannot be replaced by a non-directory",
                                 "remove it first or pick another name"));
      } else if (err == EACCES) {
        if (w.reached_parent && !may_access(creds, w.parent_st, W_OK | X_OK) && pc->intent == PathIntent::Rename)
          out.push_back(parent_denied(creds, w, "remove " + quote(w.final_name)));
        if (w2.reached_parent && !may_access(creds, w2.parent_st, W_OK | X_OK))
          out.push_back(parent_denied(creds, w2, "create " + quote(w2.final_name)));
      } else if (err == EPERM && pc->intent == PathIntent::Link && w.final_exists && S_ISDIR(w.final_st.st_mode)) {
        out.push_back(make_cause("path.hard-link-to-directory", quote(w.final_path) + " is a directory; hard links to directories are not allowed",
                                 "use a symlink"));
      } else if (err == EPERM && pc->intent == PathIntent::Link && w.final_exists && w.final_st.st_uid != creds.fsuid &&
                 !creds.has_cap(kCapFowner)) {
        Cause c = make_cause("path.protected-hardlink",
                             "uid " + std::to_string(creds.fsuid) + " does not own " + quote(w.final_path) + " (" +
                                 user_name(w.final_st.st_uid) + "); fs.protected_hardlinks forbids linking to it",
                             "link a file the user owns, or copy it");
        if (auto v = read_sysctl_int("/proc/sys/fs/protected_hardlinks")) c.evidence.push_back("fs.protected_hardlinks = " + std::to_string(*v));
        out.push_back(c);
      } else if (err == EROFS && w2.parent_fd.valid()) {
        out = erofs_causes(call, w2.parent_fd.get(), t2->path);
      } else if (err == EPERM && pc->intent == PathIntent::Rename && w.final_exists && (w.parent_st.st_mode & S_ISVTX) &&
                 creds.fsuid != w.final_st.st_uid && creds.fsuid != w.parent_st.st_uid && !creds.has_cap(kCapFowner)) {
        out.push_back(make_cause("path.sticky-directory",
                                 quote(w.parent_path) + " has the sticky bit: only the owner of " + quote(w.final_name) +
                                     " (" + user_name(w.final_st.st_uid) + ") may move it, not uid " + std::to_string(creds.fsuid),
                                 "move it as its owner"));
      }
      break;
    }
    case PathIntent::Chdir:
    case PathIntent::Chroot:
      if (err == ENOTDIR && w.final_exists && !S_ISDIR(w.final_st.st_mode)) {
        out.push_back(make_cause("path.not-a-directory",
                                 quote(w.final_path) + " is a " + file_type(w.final_st.st_mode) + ", not a directory",
                                 "pass a directory"));
      } else if (err == EACCES && w.final_exists && !may_access(creds, w.final_st, X_OK)) {
        out.push_back(final_denied(creds, w, X_OK, "path.no-search-permission"));
      } else if (err == EPERM && pc->intent == PathIntent::Chroot && !creds.has_cap(kCapSysChroot)) {
        out.push_back(make_cause("priv.missing-capability",
                                 "chroot() needs CAP_SYS_CHROOT, which process " + std::to_string(call.proc().pid()) +
                                     " (uid " + std::to_string(creds.euid) + ") does not have",
                                 "run as root or grant CAP_SYS_CHROOT"));
      }
      break;
    case PathIntent::Attr:
      if (err == EPERM && w.final_exists) {
        bool chown = call.nr() == SYS_chown || call.nr() == SYS_lchown || call.nr() == SYS_fchownat;
        if (creds.fsuid != w.final_st.st_uid && !creds.has_cap(chown ? kCapChown : kCapFowner)) {
          out.push_back(make_cause("priv.not-owner",
                                   quote(w.final_path) + " is owned by " + user_name(w.final_st.st_uid) +
                                       ", not by uid " + std::to_string(creds.fsuid) + ", and the process lacks " +
                                       (chown ? "CAP_CHOWN" : "CAP_FOWNER"),
                                   "run as the owner or as root"));
        } else if (chown && !creds.has_cap(kCapChown)) {
          out.push_back(make_cause("priv.missing-capability",
                                   "changing the owner of " + quote(w.final_path) + " needs CAP_CHOWN (an owner may only change the group to one of its own groups)",
                                   "run as root"));
        }
      } else if (err == EACCES && w.final_exists && !may_access(creds, w.final_st, W_OK)) {
        out.push_back(final_denied(creds, w, W_OK, "path.no-write-permission"));
      } else if (err == EROFS && w.final_exists) {
        out = erofs_causes(call, w.final_fd.get(), w.final_path);
      }
      break;
    case PathIntent::Lookup:
    case PathIntent::Exec:
      break;
  }

  if (out.empty() && err == ENOENT && w.status == WalkStatus::Ok && w.final_exists) {
    Cause c = make_cause("path.exists-now",
                         quote(t->path) + " exists now (" + describe_inode(w.final_st) +
                             "); it was probably created after the call failed");
    c.verified = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace whyfail::explain
