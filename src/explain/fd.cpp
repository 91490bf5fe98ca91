// Descriptor errors: EBADF (not open, wrong access mode, O_PATH), EMFILE
// (RLIMIT_NOFILE), ENFILE (the system-wide file table).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <cerrno>
#include <sstream>

#include "explain/families.h"
#include "explain/path_errors.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

enum class FdUse { Read, Write, Other };

struct FdArg {
  int arg = -1;
  FdUse use = FdUse::Other;
};

// Which argument is the descriptor, and whether the call reads or writes it.
FdArg fd_arg(int nr) {
  switch (nr) {
    case SYS_read: case SYS_pread64: case SYS_readv: case SYS_preadv: case SYS_preadv2:
      return {0, FdUse::Read};
    case SYS_write: case SYS_pwrite64: case SYS_writev: case SYS_pwritev: case SYS_pwritev2:
    case SYS_ftruncate: case SYS_fallocate:
      return {0, FdUse::Write};
    case SYS_sendfile: return {0, FdUse::Write};
    case SYS_mmap: return {4, FdUse::Other};
    case SYS_close: case SYS_fstat: case SYS_lseek: case SYS_ioctl: case SYS_fcntl: case SYS_dup:
    case SYS_dup2: case SYS_dup3: case SYS_fsync: case SYS_fdatasync: case SYS_getdents64:
    case SYS_fchmod: case SYS_fchown: case SYS_fchdir: case SYS_flock: case SYS_fstatfs:
    case SYS_connect: case SYS_bind: case SYS_listen: case SYS_accept: case SYS_accept4:
    case SYS_sendto: case SYS_recvfrom: case SYS_sendmsg: case SYS_recvmsg: case SYS_shutdown:
    case SYS_getsockopt: case SYS_setsockopt: case SYS_getsockname: case SYS_getpeername:
    case SYS_epoll_ctl: case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_fgetxattr:
    case SYS_fsetxattr: case SYS_syncfs: case SYS_fadvise64: case SYS_readahead:
    case SYS_inotify_add_watch: case SYS_timerfd_settime: case SYS_timerfd_gettime:
    case SYS_splice: case SYS_tee: case SYS_copy_file_range: case SYS_close_range:
      return {0, FdUse::Other};
    default:
      return {};
  }
}

std::string fd_table_line(const std::vector<FdEntry>& fds, size_t max) {
  std::string s;
  size_t n = 0;
  for (const auto& f : fds) {
    if (n++ == max) { s += ", ..."; break; }
    if (!s.empty()) s += ", ";
    s += std::to_string(f.fd) + " -> " + escape(f.target);
  }
  return s.empty() ? "no descriptors" : s;
}

std::string accmode_text(int flags) {
  if (flags & O_PATH) return "O_PATH";
  switch (flags & O_ACCMODE) {
    case O_RDONLY: return "O_RDONLY";
    case O_WRONLY: return "O_WRONLY";
    default: return "O_RDWR";
  }
}

std::vector<Cause> ebadf(const Call& call) {
  FdArg fa = fd_arg(call.nr());
  if (fa.arg < 0) return {};
  if (call.nr() == SYS_mmap && (call.arg(3) & MAP_ANONYMOUS)) return {};
  int fd = call.int_arg(fa.arg);
  const ProcState& proc = call.proc();
  if (!proc.alive()) return {unchecked_cause("descriptor " + std::to_string(fd), "the process has exited")};
  if (fd < 0) {
    return {make_cause("fd.negative",
                       "descriptor " + std::to_string(fd) +
                           " is negative: most likely the -1 of an earlier failed open()/socket() used without a check",
                       "check the result of the call that produced this descriptor")};
  }
  auto entry = proc.fd(fd);
  if (!entry) {
    auto fds = proc.fds();
    Cause c = make_cause("fd.not-open",
                         "descriptor " + std::to_string(fd) + " is not open in process " + std::to_string(proc.pid()) +
                             " (" + std::to_string(fds.size()) + " descriptors open)",
                         "use a descriptor that is open; it may have been closed earlier or never opened");
    c.evidence.push_back("open descriptors: " + fd_table_line(fds, 16));
    return {c};
  }
  if (!entry->has_info) return {};
  int flags = entry->flags;
  std::string desc = "descriptor " + std::to_string(fd) + " (" + escape(entry->target) + ") is open " + accmode_text(flags);
  if (flags & O_PATH) {
    return {make_cause("fd.opath", desc + ": an O_PATH descriptor only names a file; " + call.name() + "() cannot use it",
                       "open the file without O_PATH")};
  }
  if (fa.use == FdUse::Write && (flags & O_ACCMODE) == O_RDONLY) {
    return {make_cause("fd.not-open-for-writing", desc + ", read-only, so it cannot be written",
                       "open it with O_WRONLY or O_RDWR")};
  }
  if (fa.use == FdUse::Read && (flags & O_ACCMODE) == O_WRONLY) {
    return {make_cause("fd.not-open-for-reading", desc + ", write-only, so it cannot be read",
                       "open it with O_RDONLY or O_RDWR")};
  }
  return {};
}

std::vector<Cause> emfile(const Call& call) {
  const ProcState& proc = call.proc();
  Limit lim = proc.limit(RLIMIT_NOFILE);
  size_t open = proc.fd_count();
  if (!lim.known) return {unchecked_cause("RLIMIT_NOFILE", "/proc/" + std::to_string(proc.pid()) + "/limits is not readable")};
  auto show = [](const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : std::string("unlimited"); };
  Cause c = make_cause("fd.too-many-open",
                       "process " + std::to_string(proc.pid()) + " has " + std::to_string(open) +
                           " descriptors open; its RLIMIT_NOFILE soft limit is " + show(lim.soft) + " (hard " +
                           show(lim.hard) + "), and a new descriptor must be below the soft limit",
                       "close descriptors that are no longer needed (a leak?), or raise the limit: ulimit -n " +
                           show(lim.hard));
  auto fds = proc.fds();
  c.evidence.push_back("open descriptors: " + fd_table_line(fds, 12));
  return {c};
}

std::vector<Cause> enfile() {
  auto nr = read_text_file("/proc/sys/fs/file-nr", 256);
  if (!nr) return {unchecked_cause("the system-wide file table", "/proc/sys/fs/file-nr is not readable")};
  std::istringstream in(*nr);
  uint64_t allocated = 0, unused = 0, max = 0;
  in >> allocated >> unused >> max;
  return {make_cause("fd.system-file-table-full",
                     "the system has " + std::to_string(allocated) + " open files allocated; fs.file-max is " +
                         std::to_string(max),
                     "raise fs.file-max (sysctl -w fs.file-max=N) or find the process that leaks descriptors")};
}

}  // namespace

std::vector<Cause> explain_fd(const Call& call) {
  switch (call.err()) {
    case EBADF: return ebadf(call);
    case EMFILE: return emfile(call);
    case ENFILE: return enfile();
    default: return {};
  }
}

}  // namespace whyfail::explain
