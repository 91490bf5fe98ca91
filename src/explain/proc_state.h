// The tracee's state, read from /proc/PID: credentials, cwd and root, limits,
// descriptors and mounts. Every read tolerates the process vanishing: a
// missing field is empty/nullopt, never an exception.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace whyfail::explain {

struct Creds {
  bool valid = false;  // false: /proc/PID/status could not be read
  uid_t ruid = 0, euid = 0, suid = 0, fsuid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0, fsgid = 0;
  std::vector<gid_t> groups;
  uint64_t cap_eff = 0;
  int seccomp = -1;        // 0 none, 1 strict, 2 filter; -1 unknown
  int no_new_privs = -1;
  std::string comm;        // Name: field

  bool has_cap(int cap) const { return cap >= 0 && cap < 64 && (cap_eff >> cap) & 1; }
  bool in_group(gid_t gid) const;
};

// One RLIMIT_* pair; nullopt means unlimited.
struct Limit {
  bool known = false;
  std::optional<uint64_t> soft, hard;
};

struct FdEntry {
  int fd = -1;
  std::string target;      // readlink of /proc/PID/fd/N ("/etc/passwd", "socket:[123]")
  bool has_info = false;   // fdinfo was readable
  int flags = 0;           // fdinfo flags (octal in the file)
  uint64_t pos = 0;
  int mnt_id = -1;
};

struct MountEntry {
  int id = -1, parent = -1;
  unsigned major = 0, minor = 0;
  std::string root;         // root of the mount within its filesystem
  std::string mount_point;  // as the tracee sees it
  std::string options;      // per-mount options: rw/ro, nosuid, noexec, ...
  std::string fs_type;
  std::string source;
  std::string super_options;

  bool has_option(const std::string& opt) const;  // in per-mount options
  bool read_only() const { return has_option("ro"); }
};

class ProcState {
 public:
  explicit ProcState(pid_t pid);

  pid_t pid() const { return pid_; }
  bool alive() const;                    // /proc/PID still exists
  const Creds& creds() const { return creds_; }
  std::string proc_path(const std::string& rel) const;  // "/proc/PID/<rel>"

  // readlink of /proc/PID/cwd, /proc/PID/root, /proc/PID/fd/N (as the tracee sees it).
  std::optional<std::string> cwd() const;
  std::optional<std::string> root() const;
  std::optional<std::string> fd_path(int fd) const;

  Limit limit(int resource) const;       // from /proc/PID/limits
  std::vector<FdEntry> fds() const;      // sorted by fd
  std::optional<FdEntry> fd(int fd) const;
  size_t fd_count() const;
  std::vector<MountEntry> mounts() const;
  std::optional<MountEntry> mount_by_id(int id) const;
  // A "Key:  value kB" line of /proc/PID/status.
  std::optional<uint64_t> status_number(const std::string& key) const;
  size_t map_count() const;              // lines of /proc/PID/maps

 private:
  pid_t pid_;
  Creds creds_;
};

// Small /proc readers shared by the explainers.
std::optional<std::string> read_text_file(const std::string& path, size_t max = 1 << 20);
std::optional<int64_t> read_sysctl_int(const std::string& path);  // first integer in the file
std::optional<std::string> read_link(const std::string& path);
// "comm" of a process, or "" when gone.
std::string process_comm(pid_t pid);

}  // namespace whyfail::explain
