// What each syscall argument is. One enum drives both decoding (how to print
// it) and capture (which bytes a backend must copy out of the tracee), so the
// ptrace backend and the in-kernel BPF backend fill the same event record.
#pragma once

#include <cstdint>

namespace whyfail::sysent {

enum class ArgType : uint8_t {
  // plain numbers
  Int,          // signed decimal
  UInt,         // unsigned decimal (sizes, counts)
  Hex,          // unsigned hex (opaque values)
  Ptr,          // user pointer, printed as hex or NULL
  Offset,       // off_t / loff_t
  Pid,          // pid_t
  Uid,          // uid_t (-1 printed as -1)
  Gid,          // gid_t
  // descriptors
  Fd,           // a file descriptor (annotated with what it refers to under -y)
  DirFd,        // dirfd: AT_FDCWD or an fd
  // bytes read from the tracee
  Path,         // NUL-terminated path, read at entry
  String,       // NUL-terminated non-path string, read at entry
  StringArray,  // NULL-terminated array of strings (execve argv/envp), read at entry
  BufIn,        // buffer whose length is another argument (len_arg), read at entry
  BufOut,       // buffer filled by the kernel, length = return value, read at exit
  IovecIn,      // struct iovec[len_arg], contents read at entry
  IovecOut,     // struct iovec[len_arg], contents (up to ret bytes) read at exit
  SockaddrIn,   // struct sockaddr, length in len_arg, read at entry
  SockaddrOut,  // struct sockaddr filled by the kernel, length via socklen_t* in len_arg
  StatOut,      // struct stat, read at exit on success
  StatxOut,     // struct statx, read at exit on success
  FdPairOut,    // int[2] (pipe, socketpair), read at exit on success
  PerfEventAttr,  // struct perf_event_attr, read at entry (size from its own size field)
  IoUringParams,  // struct io_uring_params, read at entry and exit
  TimespecIn,   // struct timespec, read at entry
  SigsetIn,     // sigset_t, read at entry (len_arg holds sigsetsize)
  SigactionIn,  // struct sigaction (kernel layout), read at entry
  RlimitIn,     // struct rlimit, read at entry
  RlimitOut,    // struct rlimit, read at exit on success
  // symbolic values
  OpenFlags,    // O_*
  Mode,         // file mode, octal (S_IF* for mknod)
  AtFlags,      // AT_*
  AccessMode,   // F_OK / R_OK|W_OK|X_OK
  ProtFlags,    // PROT_*
  MapFlags,     // MAP_*
  MsyncFlags,   // MS_*
  MadviseAdvice,// MADV_*
  CloneFlags,   // CLONE_* (low byte: exit signal)
  SocketDomain, // AF_*
  SocketType,   // SOCK_* | SOCK_NONBLOCK | SOCK_CLOEXEC
  SocketProto,  // IPPROTO_* (interpreted with the domain)
  SockOptLevel, // SOL_*
  SockOptName,  // SO_* / TCP_* (interpreted with the level)
  MsgFlags,     // MSG_*
  ShutdownHow,  // SHUT_*
  FcntlCmd,     // F_*
  IoctlReq,     // TCGETS, FIONREAD, ...
  Signal,       // SIGxxx
  SigprocmaskHow,  // SIG_BLOCK ...
  WaitOptions,  // WNOHANG | ...
  Whence,       // SEEK_*
  FutexOp,      // FUTEX_*
  PrctlOption,  // PR_*
  ArchPrctlCode,// ARCH_*
  RlimitResource,  // RLIMIT_*
  ClockId,      // CLOCK_*
  EpollCtlOp,   // EPOLL_CTL_*
  PollFds,      // struct pollfd[len_arg], read at entry
  UnlinkatFlags,// AT_REMOVEDIR
  RenameFlags,  // RENAME_*
  MountFlags,   // MS_*
  PerfFlags,    // PERF_FLAG_*
  BpfCmd,       // BPF_*
  EventfdFlags, // EFD_*
  PipeFlags,    // O_CLOEXEC | O_NONBLOCK | O_DIRECT
  GetrandomFlags,  // GRND_*
  MemfdFlags,   // MFD_*
  StatxMask,    // STATX_*
  PersonalityFlags,
  OpenHow,      // struct open_how (openat2), 24 bytes, read at entry
  CloneArgs,    // struct clone_args (clone3), its first 64 bytes (CLONE_ARGS_SIZE_VER0), read at entry
};

// What the return value is.
enum class RetType : uint8_t {
  Int,      // 0 or -errno
  Fd,       // a new descriptor (annotated under -y)
  Size,     // byte count
  Pid,      // a pid/tid
  Addr,     // an address (mmap, brk): printed as hex
  Hex,      // other opaque value
  Mode,     // a file mode (umask's previous mask): printed in octal
  NoReturn, // exit, exit_group: never returns; rt_sigreturn: returns the old rax
};

}  // namespace whyfail::sysent
