// The sweep's errno table. Each family lists, in the order trials run, errnos from
// the ERRORS section of its man 2 page that the call can return at run time for
// reasons outside the program (resources, I/O, the peer, permissions, signals), and
// never the ones that only a programming error produces (EBADF, EFAULT, EINVAL):
// those say nothing about resilience.
#include "sweep/errno_candidates.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace whyfail::sweep {
namespace {

struct Family {
  int fd_arg = -1;     // descriptor argument
  int path_arg = -1;   // path argument
  int flags_arg = -1;  // open flags argument (open, openat, creat: implicit O_CREAT)
  enum Kind {
    Open, Read, Write, Sync, Close, Mmap, Socket, Connect, Accept, SendRecv, Bind, Listen,
    PathLookup, Create, Remove, Rename, Truncate, Exec, Fork, Pipe, Dup, Wait, Sleep, Poll,
  } kind;
};

const std::map<std::string, Family>& families() {
  static const std::map<std::string, Family> table = {
      {"open", {-1, 0, 1, Family::Open}},
      {"openat", {0, 1, 2, Family::Open}},
      {"openat2", {0, 1, -1, Family::Open}},
      {"creat", {-1, 0, -1, Family::Open}},
      {"read", {0, -1, -1, Family::Read}},
      {"pread64", {0, -1, -1, Family::Read}},
      {"readv", {0, -1, -1, Family::Read}},
      {"preadv", {0, -1, -1, Family::Read}},
      {"preadv2", {0, -1, -1, Family::Read}},
      {"write", {0, -1, -1, Family::Write}},
      {"pwrite64", {0, -1, -1, Family::Write}},
      {"writev", {0, -1, -1, Family::Write}},
      {"pwritev", {0, -1, -1, Family::Write}},
      {"pwritev2", {0, -1, -1, Family::Write}},
      {"sendfile", {0, -1, -1, Family::Write}},
      {"copy_file_range", {2, -1, -1, Family::Write}},
      {"fsync", {0, -1, -1, Family::Sync}},
      {"fdatasync", {0, -1, -1, Family::Sync}},
      {"sync_file_range", {0, -1, -1, Family::Sync}},
      {"close", {0, -1, -1, Family::Close}},
      {"mmap", {4, -1, -1, Family::Mmap}},
      {"mremap", {-1, -1, -1, Family::Mmap}},
      {"socket", {-1, -1, -1, Family::Socket}},
      {"connect", {0, -1, -1, Family::Connect}},
      {"accept", {0, -1, -1, Family::Accept}},
      {"accept4", {0, -1, -1, Family::Accept}},
      {"sendto", {0, -1, -1, Family::SendRecv}},
      {"sendmsg", {0, -1, -1, Family::SendRecv}},
      {"recvfrom", {0, -1, -1, Family::SendRecv}},
      {"recvmsg", {0, -1, -1, Family::SendRecv}},
      {"bind", {0, -1, -1, Family::Bind}},
      {"listen", {0, -1, -1, Family::Listen}},
      {"stat", {-1, 0, -1, Family::PathLookup}},
      {"lstat", {-1, 0, -1, Family::PathLookup}},
      {"newfstatat", {0, 1, -1, Family::PathLookup}},
      {"statx", {0, 1, -1, Family::PathLookup}},
      {"access", {-1, 0, -1, Family::PathLookup}},
      {"faccessat", {0, 1, -1, Family::PathLookup}},
      {"faccessat2", {0, 1, -1, Family::PathLookup}},
      {"readlink", {-1, 0, -1, Family::PathLookup}},
      {"readlinkat", {0, 1, -1, Family::PathLookup}},
      {"chdir", {-1, 0, -1, Family::PathLookup}},
      {"mkdir", {-1, 0, -1, Family::Create}},
      {"mkdirat", {0, 1, -1, Family::Create}},
      {"symlink", {-1, 1, -1, Family::Create}},
      {"symlinkat", {1, 2, -1, Family::Create}},
      {"link", {-1, 1, -1, Family::Create}},
      {"linkat", {2, 3, -1, Family::Create}},
      {"unlink", {-1, 0, -1, Family::Remove}},
      {"unlinkat", {0, 1, -1, Family::Remove}},
      {"rmdir", {-1, 0, -1, Family::Remove}},
      {"rename", {-1, 0, -1, Family::Rename}},
      {"renameat", {0, 1, -1, Family::Rename}},
      {"renameat2", {0, 1, -1, Family::Rename}},
      {"ftruncate", {0, -1, -1, Family::Truncate}},
      {"fallocate", {0, -1, -1, Family::Truncate}},
      {"execve", {-1, 0, -1, Family::Exec}},
      {"execveat", {0, 1, -1, Family::Exec}},
      {"fork", {-1, -1, -1, Family::Fork}},
      {"vfork", {-1, -1, -1, Family::Fork}},
      {"clone", {-1, -1, -1, Family::Fork}},
      {"clone3", {-1, -1, -1, Family::Fork}},
      {"pipe", {-1, -1, -1, Family::Pipe}},
      {"pipe2", {-1, -1, -1, Family::Pipe}},
      {"dup", {0, -1, -1, Family::Dup}},
      {"wait4", {-1, -1, -1, Family::Wait}},
      {"waitid", {-1, -1, -1, Family::Wait}},
      {"nanosleep", {-1, -1, -1, Family::Sleep}},
      {"clock_nanosleep", {-1, -1, -1, Family::Sleep}},
      {"poll", {-1, -1, -1, Family::Poll}},
      {"ppoll", {-1, -1, -1, Family::Poll}},
      {"select", {-1, -1, -1, Family::Poll}},
      {"pselect6", {-1, -1, -1, Family::Poll}},
      {"epoll_wait", {-1, -1, -1, Family::Poll}},
      {"epoll_pwait", {-1, -1, -1, Family::Poll}},
      {"epoll_pwait2", {-1, -1, -1, Family::Poll}},
  };
  return table;
}

FdKind kind_of(const RecordedCall& call, int fd_arg) {
  if (fd_arg < 0 || fd_arg >= 6 || !call.fd_paths[fd_arg]) return FdKind::Unknown;
  return fd_kind(*call.fd_paths[fd_arg]);
}

}  // namespace

FdKind fd_kind(const std::string& a) {
  if (a.empty()) return FdKind::Unknown;
  if (a.rfind("pipe:[", 0) == 0) return FdKind::Pipe;
  if (a.rfind("/dev/pts/", 0) == 0 || a.rfind("/dev/tty", 0) == 0 || a == "/dev/console") return FdKind::Terminal;
  if (a.rfind("/dev/", 0) == 0) return FdKind::CharDevice;
  if (a.rfind("/proc/", 0) == 0 || a.rfind("/sys/", 0) == 0) return FdKind::Other;
  if (a[0] == '/') return FdKind::RegularFile;
  // Sockets: "socket:[N]", "TCP:[...]", "UNIX:[...]", "UDPv6:[...]", "NETLINK:[N]".
  auto colon = a.find(":[");
  if (colon != std::string::npos && colon > 0) {
    bool upper = true;
    for (size_t i = 0; i < colon; i++) upper = upper && !(a[i] >= 'a' && a[i] <= 'z');
    if (upper || a.rfind("socket:[", 0) == 0) return FdKind::Socket;
  }
  return FdKind::Other;  // anon_inode:..., a deleted file, ...
}

std::vector<int> candidate_errnos(const RecordedCall& call, const CallContext& context) {
  auto it = families().find(call.name);
  if (it == families().end()) return {};
  const Family& f = it->second;
  const FdKind kind = kind_of(call, f.fd_arg);
  switch (f.kind) {
    case Family::Open: {
      // open(2): ENOENT (a component or, without O_CREAT, the file is missing),
      // EACCES (search or open permission), EMFILE (per-process descriptor limit);
      // with O_CREAT: ENOSPC (no room for the new inode) instead of ENOENT.
      bool creates = call.name == "creat";
      if (f.flags_arg >= 0) creates = (call.raw_args[f.flags_arg] & O_CREAT) != 0;
      if (call.name == "openat2") creates = true;  // how->flags is not decoded here: both cases
      if (creates) return {EACCES, ENOSPC, EMFILE};
      return {ENOENT, EACCES, EMFILE};
    }
    case Family::Read:
      // read(2): EIO (low-level I/O error) on files; EINTR (signal before any data)
      // on slow devices: pipes, sockets, terminals; ECONNRESET on sockets (recv(2)).
      switch (kind) {
        case FdKind::RegularFile: return {EIO};
        case FdKind::Pipe: return {EINTR};
        case FdKind::Terminal: return {EINTR, EIO};
        case FdKind::Socket: return {EAGAIN, EINTR, ECONNRESET};
        default: return {};
      }
    case Family::Write:
      // copy_file_range(2), sendfile(2): ENOSPC, EIO; no EINTR in their ERRORS.
      if (call.name == "copy_file_range" || call.name == "sendfile") {
        return kind == FdKind::RegularFile ? std::vector<int>{ENOSPC, EIO} : std::vector<int>{};
      }
      // write(2): ENOSPC (device full), EIO (writeback error), EINTR (signal before
      // any data was written) on files; EINTR on pipes (EPIPE comes with SIGPIPE,
      // which an errno alone cannot reproduce); EAGAIN, EINTR, ECONNRESET on sockets (send(2)).
      switch (kind) {
        case FdKind::RegularFile: return {ENOSPC, EIO, EINTR};
        case FdKind::Pipe: return {EINTR};
        case FdKind::Terminal: return {EIO};
        case FdKind::Socket: return {EAGAIN, EINTR, ECONNRESET};
        default: return {};
      }
    case Family::Sync:
      // fsync(2): EIO (an earlier writeback failed), ENOSPC (no room to write it back).
      if (kind == FdKind::RegularFile) return {EIO, ENOSPC};
      return {};
    case Family::Close:
      // close(2): EIO, and ENOSPC/EDQUOT on NFS, report a deferred write error; only
      // meaningful for a file this process wrote to.
      if (kind == FdKind::RegularFile && context.fd_was_written) return {EIO, ENOSPC};
      return {};
    case Family::Mmap:
      // mmap(2): ENOMEM (no memory, or the mapping limit); EAGAIN for locked memory
      // is left out (it needs MAP_LOCKED).
      return {ENOMEM};
    case Family::Socket:
      // socket(2): EMFILE, ENOBUFS/ENOMEM (no buffers), EACCES (not permitted).
      return {EMFILE, ENOBUFS, EACCES};
    case Family::Connect:
      // connect(2): ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EINTR.
      return {ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EINTR};
    case Family::Accept:
      // accept(2): EINTR, ECONNABORTED, EMFILE.
      return {EINTR, ECONNABORTED, EMFILE};
    case Family::SendRecv:
      // send(2)/recv(2): EAGAIN (would block / timed out), EINTR, ECONNRESET.
      return {EAGAIN, EINTR, ECONNRESET};
    case Family::Bind:
      // bind(2): EADDRINUSE, EACCES (privileged port or path permission).
      return {EADDRINUSE, EACCES};
    case Family::Listen:
      // listen(2): EADDRINUSE (another socket listens on the port).
      return {EADDRINUSE};
    case Family::PathLookup:
      // An empty path with AT_EMPTY_PATH is fstat(2) of the descriptor: it has no error
      // worth trying (EBADF, EFAULT, ENOMEM, EOVERFLOW).
      if (f.path_arg >= 0 && call.strings[f.path_arg] && call.strings[f.path_arg]->empty()) return {};
      // stat(2), access(2), readlink(2), chdir(2): ENOENT, EACCES.
      return {ENOENT, EACCES};
    case Family::Create:
      // mkdir(2), link(2), symlink(2): EACCES, EEXIST, ENOSPC.
      return {EACCES, EEXIST, ENOSPC};
    case Family::Remove:
      // unlink(2), rmdir(2): EACCES, ENOENT, EBUSY.
      return {EACCES, ENOENT, EBUSY};
    case Family::Rename:
      // rename(2): EACCES, ENOSPC, EXDEV (not on one filesystem).
      return {EACCES, ENOSPC, EXDEV};
    case Family::Truncate:
      // ftruncate(2): EIO; fallocate(2): ENOSPC, EIO.
      if (kind != FdKind::RegularFile) return {};
      return call.name == "fallocate" ? std::vector<int>{ENOSPC, EIO} : std::vector<int>{EIO};
    case Family::Exec:
      // execve(2): ENOENT, EACCES, ENOMEM. The command's own start is not a site.
      if (context.is_initial_exec) return {};
      return {ENOENT, EACCES, ENOMEM};
    case Family::Fork:
      // fork(2)/clone(2): EAGAIN (RLIMIT_NPROC, threads-max), ENOMEM.
      return {EAGAIN, ENOMEM};
    case Family::Pipe:
      // pipe(2): EMFILE, ENFILE.
      return {EMFILE, ENFILE};
    case Family::Dup:
      // dup(2): EMFILE.
      return {EMFILE};
    case Family::Wait:
    case Family::Sleep:
    case Family::Poll:
      // wait(2), nanosleep(2), poll(2), select(2), epoll_wait(2): EINTR.
      return {EINTR};
  }
  return {};
}

bool is_data_call(const std::string& s) {
  auto it = families().find(s);
  if (it == families().end()) return false;
  auto k = it->second.kind;
  return k == Family::Write || k == Family::Sync || k == Family::Close || k == Family::Truncate ||
         s == "sendto" || s == "sendmsg";
}

int fd_argument(const std::string& s) {
  auto it = families().find(s);
  return it == families().end() ? -1 : it->second.fd_arg;
}

int path_argument(const std::string& s) {
  auto it = families().find(s);
  return it == families().end() ? -1 : it->second.path_arg;
}

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "E" + std::to_string(err);
}

}  // namespace whyfail::sweep
