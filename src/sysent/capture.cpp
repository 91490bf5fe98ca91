#include "sysent/capture.h"

namespace whyfail::sysent {

namespace {

ArgCapture at_entry(CaptureKind kind, SizeFrom size_from = SizeFrom::None, uint16_t fixed = 0) {
  return ArgCapture{kind, CaptureWhen::Entry, size_from, fixed, false};
}
ArgCapture at_exit(CaptureKind kind, SizeFrom size_from = SizeFrom::None, uint16_t fixed = 0) {
  return ArgCapture{kind, CaptureWhen::Exit, size_from, fixed, false};
}

// x86_64 kernel struct sizes (uapi layouts; checked against the headers in tests).
constexpr uint16_t kStatSize = 144;
constexpr uint16_t kStatxSize = 256;
constexpr uint16_t kTimespecSize = 16;
constexpr uint16_t kRlimitSize = 16;
constexpr uint16_t kKernelSigactionSize = 32;  // handler, flags, restorer, mask (8-byte sigset)
constexpr uint16_t kIoUringParamsSize = 120;
constexpr uint16_t kSockaddrStorageSize = 128;
constexpr uint16_t kOpenHowSize = 24;
// clone3 accepts 64, 80 or 88 bytes; the first 64 hold every field but
// set_tid and cgroup, and are always there when the call can succeed.
constexpr uint16_t kCloneArgsVer0Size = 64;

}  // namespace

ArgCapture capture_for(ArgType type) {
  switch (type) {
    case ArgType::Path: {
      ArgCapture c = at_entry(CaptureKind::CString);
      c.is_path = true;
      return c;
    }
    case ArgType::String: return at_entry(CaptureKind::CString);
    case ArgType::StringArray: return at_entry(CaptureKind::StringArray);
    case ArgType::BufIn: return at_entry(CaptureKind::Buffer, SizeFrom::Arg);
    case ArgType::BufOut: return at_exit(CaptureKind::Buffer, SizeFrom::Ret);
    case ArgType::IovecIn: return at_entry(CaptureKind::Iovec, SizeFrom::Arg);
    case ArgType::IovecOut: return at_exit(CaptureKind::Iovec, SizeFrom::Ret);
    case ArgType::SockaddrIn: return at_entry(CaptureKind::Sockaddr, SizeFrom::Arg, kSockaddrStorageSize);
    case ArgType::SockaddrOut: return at_exit(CaptureKind::Sockaddr, SizeFrom::Arg, kSockaddrStorageSize);
    case ArgType::StatOut: return at_exit(CaptureKind::Struct, SizeFrom::None, kStatSize);
    case ArgType::StatxOut: return at_exit(CaptureKind::Struct, SizeFrom::None, kStatxSize);
    case ArgType::FdPairOut: return at_exit(CaptureKind::Struct, SizeFrom::None, 8);
    case ArgType::PerfEventAttr: return at_entry(CaptureKind::PerfAttr);
    case ArgType::IoUringParams: {
      // In/out: the kernel reads flags and sq_entries, writes the rest. Read at
      // exit so a failure shows what the tracee passed, a success what it got.
      ArgCapture c = at_entry(CaptureKind::Struct, SizeFrom::None, kIoUringParamsSize);
      c.when = CaptureWhen::EntryAndExit;
      return c;
    }
    case ArgType::TimespecIn: return at_entry(CaptureKind::Struct, SizeFrom::None, kTimespecSize);
    case ArgType::SigsetIn: return at_entry(CaptureKind::Struct, SizeFrom::None, 8);
    case ArgType::SigactionIn: return at_entry(CaptureKind::Struct, SizeFrom::None, kKernelSigactionSize);
    case ArgType::RlimitIn: return at_entry(CaptureKind::Struct, SizeFrom::None, kRlimitSize);
    case ArgType::RlimitOut: return at_exit(CaptureKind::Struct, SizeFrom::None, kRlimitSize);
    case ArgType::OpenHow: return at_entry(CaptureKind::Struct, SizeFrom::None, kOpenHowSize);
    case ArgType::CloneArgs: return at_entry(CaptureKind::Struct, SizeFrom::None, kCloneArgsVer0Size);
    case ArgType::PollFds: return at_entry(CaptureKind::Buffer, SizeFrom::Arg);  // len_arg = nfds; 8 bytes each
    case ArgType::Int:
    case ArgType::UInt:
    case ArgType::Hex:
    case ArgType::Ptr:
    case ArgType::Offset:
    case ArgType::Pid:
    case ArgType::Uid:
    case ArgType::Gid:
    case ArgType::Fd:
    case ArgType::DirFd:
    case ArgType::OpenFlags:
    case ArgType::Mode:
    case ArgType::AtFlags:
    case ArgType::AccessMode:
    case ArgType::ProtFlags:
    case ArgType::MapFlags:
    case ArgType::MsyncFlags:
    case ArgType::MadviseAdvice:
    case ArgType::CloneFlags:
    case ArgType::SocketDomain:
    case ArgType::SocketType:
    case ArgType::SocketProto:
    case ArgType::SockOptLevel:
    case ArgType::SockOptName:
    case ArgType::MsgFlags:
    case ArgType::ShutdownHow:
    case ArgType::FcntlCmd:
    case ArgType::IoctlReq:
    case ArgType::Signal:
    case ArgType::SigprocmaskHow:
    case ArgType::WaitOptions:
    case ArgType::Whence:
    case ArgType::FutexOp:
    case ArgType::PrctlOption:
    case ArgType::ArchPrctlCode:
    case ArgType::RlimitResource:
    case ArgType::ClockId:
    case ArgType::EpollCtlOp:
    case ArgType::UnlinkatFlags:
    case ArgType::RenameFlags:
    case ArgType::MountFlags:
    case ArgType::PerfFlags:
    case ArgType::BpfCmd:
    case ArgType::EventfdFlags:
    case ArgType::PipeFlags:
    case ArgType::GetrandomFlags:
    case ArgType::MemfdFlags:
    case ArgType::StatxMask:
    case ArgType::PersonalityFlags:
      return {};
  }
  return {};
}

}  // namespace whyfail::sysent
