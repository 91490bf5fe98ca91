#include "culprit/benign.h"

#include <errno.h>
#include <sys/syscall.h>

#include <array>
#include <string_view>

namespace whyfail::culprit {

namespace {

// Kernel-internal restart codes (include/linux/errno.h); a tracer sees them
// at syscall exit before the signal handling restarts the call.
constexpr int kERestartSys = 512;
constexpr int kERestartNoIntr = 513;
constexpr int kERestartNoHand = 514;
constexpr int kERestartRestartBlock = 516;

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_probe_call(int nr) {
  switch (nr) {
    case SYS_access: case SYS_faccessat: case SYS_faccessat2:
    case SYS_stat: case SYS_lstat: case SYS_newfstatat: case SYS_statx:
    case SYS_readlink: case SYS_readlinkat: case SYS_statfs:
      return true;
    default:
      return false;
  }
}

bool is_open_call(int nr) {
  return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2;
}

// Calls where EAGAIN / EINPROGRESS means "not now" on a non-blocking fd.
bool is_nonblocking_io(int nr) {
  switch (nr) {
    case SYS_read: case SYS_readv: case SYS_pread64: case SYS_recvfrom: case SYS_recvmsg:
    case SYS_recvmmsg: case SYS_write: case SYS_writev: case SYS_sendto: case SYS_sendmsg:
    case SYS_sendmmsg: case SYS_accept: case SYS_accept4: case SYS_connect: case SYS_futex:
    case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_poll: case SYS_ppoll:
    case SYS_io_getevents: case SYS_splice: case SYS_tee:
      return true;
    default:
      return false;
  }
}

bool is_wait_call(int nr) { return nr == SYS_wait4 || nr == SYS_waitid; }

// Directories the dynamic linker walks looking for a library.
bool is_library_path(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  bool shared_object = contains(base, ".so");
  return (shared_object && (contains(path, "/lib") || contains(path, "glibc-hwcaps") ||
                            contains(path, "/tls/"))) ||
         contains(path, "glibc-hwcaps/") || starts_with(path, "/etc/ld.so.");
}

bool is_locale_path(std::string_view path) {
  return contains(path, "/locale/") || ends_with(path, "/locale") || contains(path, "locale.alias") ||
         contains(path, "/gconv") || ends_with(path, ".mo") || contains(path, "/i18n/") ||
         contains(path, "/LC_") || ends_with(path, "/charset.alias");
}

// The interpreter's own module search (standard library, site-packages,
// byte-code caches), never the user's program.
bool is_interpreter_search_path(std::string_view path) {
  return contains(path, "/lib/python") || contains(path, "/.pyenv/") || contains(path, "__pycache__") ||
         ends_with(path, ".pyc") || ends_with(path, "pyvenv.cfg") || contains(path, "site-packages") ||
         ends_with(path, "._pth") || ends_with(path, "pybuilddir.txt") || ends_with(path, ".pth") ||
         (contains(path, "/python3") && ends_with(path, ".zip")) ||
         contains(path, "/perl5/") || contains(path, "/node_modules/");
}

// Optional configuration: dotfiles in a home directory, files under /etc or
// ~/.config a program reads when present.
bool is_optional_config(std::string_view path) {
  bool home = starts_with(path, "/root/") || starts_with(path, "/home/");
  if (home && contains(path, "/.")) return true;
  if (starts_with(path, "/etc/")) return true;
  if (starts_with(path, "/usr/share/") || (starts_with(path, "/usr/lib/") && !contains(path, ".so")))
    return true;
  return false;
}

// Kernel interfaces that vary by kernel and configuration: probing them is
// how programs discover features.
bool is_kernel_interface(std::string_view path) {
  return starts_with(path, "/proc/") || starts_with(path, "/sys/") || starts_with(path, "/dev/");
}

bool is_terminal_ioctl(uint64_t request) {
  // TCGETS, TCSETS*, TIOCGWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCGSID, TCGETS2
  switch (request) {
    case 0x5401: case 0x5402: case 0x5403: case 0x5404: case 0x540F: case 0x5410:
    case 0x5413: case 0x5429: case 0x802C542A:
      return true;
    default:
      return false;
  }
}

BenignJudgement judge(double penalty, std::string reason) { return {penalty, std::move(reason)}; }

}  // namespace

BenignJudgement judge_benign(const FailureRecord& record, const NamedObjects& objects,
                             const SuccessIndex& successes) {
  const trace::SyscallEvent& call = record.call;
  const int err = call.error();
  const int nr = call.nr;

  switch (err) {
    case EINTR:
    case kERestartSys:
    case kERestartNoIntr:
    case kERestartNoHand:
    case kERestartRestartBlock:
      return judge(kBenignStrong, "interrupted by a signal and restarted or retried");
    default:
      break;
  }
  if ((err == EAGAIN || err == EINPROGRESS || err == EALREADY || err == ETIMEDOUT) &&
      is_nonblocking_io(nr))
    return judge(kBenignStrong, "\"try again later\" on a non-blocking descriptor");
  if (err == ECHILD && is_wait_call(nr))
    return judge(kBenignStrong, "wait found no child left to reap");
  if (nr == SYS_ioctl && (err == ENOTTY || is_terminal_ioctl(call.args[1])))
    return judge(kBenignStrong, "terminal check on a descriptor that is not a terminal");
  if ((nr == SYS_readlink || nr == SYS_readlinkat) && err == EINVAL)
    return judge(kBenignStrong, "readlink on a file that is not a symlink (path canonicalisation)");
  if (nr == SYS_lseek && err == ESPIPE)
    return judge(kBenignStrong, "seek on a pipe or socket (a position probe)");
  if (err == ENODATA || err == EOPNOTSUPP)
    return judge(kBenignMedium, "optional attribute or feature not present");
  if (err == ENOSYS)
    return judge(kBenignMedium, "feature probe: this kernel lacks the call");
  if (err == ENOTCONN && (nr == SYS_getpeername || nr == SYS_shutdown))
    return judge(kBenignStrong, "asking whether a socket is connected");
  if (err == ESRCH)
    return judge(kBenignMedium, "the target process had already gone");

  // Cleanup that removes a file "if present" (rm -f, stale locks and pid files).
  if (err == ENOENT && (nr == SYS_unlink || nr == SYS_unlinkat))
    return judge(kBenignMedium, "removing something that was already gone");

  const bool lookup_errno = err == ENOENT || err == ENOTDIR || err == EACCES || err == ELOOP;
  if (nr == SYS_execve || nr == SYS_execveat) {
    // A shell or execvp walking $PATH: a later exec succeeded.
    if (lookup_errno && successes.last_exec(call.pid) > record.last_order)
      return judge(kBenignStrong, "$PATH search: a later exec succeeded");
    return {};
  }
  if (!lookup_errno || objects.paths.empty()) return {};

  const std::string& path = objects.paths.front();
  const std::string base = base_name(path);
  const uint64_t later_same_path = successes.last_on_path(path);
  const uint64_t later_same_base = successes.last_on_basename(base);
  const bool found_later = later_same_path > record.last_order || later_same_base > record.last_order;

  // The interpreter's own search first: it probes ".so" names too.
  if (is_interpreter_search_path(path))
    return judge(kBenignStrong, "interpreter module search path");
  // The loader always tries these first; the plain directory comes last.
  if (starts_with(path, "/etc/ld.so.") || contains(path, "glibc-hwcaps/") || contains(path, "/tls/"))
    return judge(kBenignStrong, "dynamic loader search path");
  if (is_library_path(path))
    return found_later ? judge(kBenignStrong, "library search path (the library was found elsewhere)")
                       : judge(kBenignMild, "library search path");
  if (is_locale_path(path)) return judge(kBenignStrong, "locale or translation look-up");
  if (found_later && (is_probe_call(nr) || is_open_call(nr)))
    return judge(kBenignStrong, "probe followed by a successful call on " + base);
  if (err == ENOENT && is_optional_config(path))
    return judge(kBenignMedium, "optional configuration file absent");
  if (err == ENOENT && is_kernel_interface(path))
    return judge(kBenignMedium, "kernel interface probe");
  if (is_probe_call(nr)) return judge(kBenignMild, "existence probe");
  return {};
}

}  // namespace whyfail::culprit
