// Dispatch: one SyscallEvent -> DecodedCall, one ArgType at a time. The
// families under xlat/ and structs/ do the work; this file only knows which
// to call and how a missing, NULL or unreadable capture is shown.
#include "decode/decoder.h"

#include <fcntl.h>

#include <algorithm>
#include <string_view>

#include "decode/structs/structs.h"
#include "decode/xlat/flags.h"
#include "sysent/syscall_info.h"

namespace whyfail::decode {

namespace {

using sysent::ArgInfo;
using sysent::ArgType;
using sysent::RetType;
using sysent::SyscallInfo;
using trace::CapturedBytes;

// Kernel ABI: these are C ints; the upper half of the register is junk.
uint64_t u32(uint64_t raw) { return raw & 0xffffffffu; }
int32_t i32(uint64_t raw) { return static_cast<int32_t>(raw); }

class CallDecoder {
 public:
  CallDecoder(const trace::SyscallEvent& event, const SyscallInfo& info, const DecodeOptions& options)
      : event_(event), info_(info), options_(options) {}

  // execve's third and execveat's fourth argument: the environment, which
  // strace abbreviates (it is long and rarely the point).
  bool is_environment(int i) const {
    std::string_view name = info_.name;
    return (name == "execve" && i == 2) || (name == "execveat" && i == 3);
  }

  Value arg(int i) const {
    const ArgInfo& a = info_.args[static_cast<size_t>(i)];
    const uint64_t raw = event_.args[static_cast<size_t>(i)];
    const auto& cap = event_.captured[static_cast<size_t>(i)];
    switch (a.type) {
      case ArgType::Int: return Value::make_int(i32(raw));
      case ArgType::UInt: return Value::make_uint(raw);
      case ArgType::Hex: return Value::make_hex(raw);
      case ArgType::Ptr: return raw ? Value::make_hex(raw) : Value::make_null();
      case ArgType::Offset: return Value::make_int(static_cast<int64_t>(raw));
      case ArgType::Pid: return Value::make_int(i32(raw));
      case ArgType::Uid:
      case ArgType::Gid:
        // (uid_t)-1 means "unchanged" (setresuid, chown): show it as -1.
        return u32(raw) == 0xffffffffu ? Value::make_int(-1) : Value::make_uint(u32(raw));
      case ArgType::Fd: return fd(i32(raw));
      case ArgType::DirFd: {
        Value v = xlat::dirfd(static_cast<int64_t>(raw));
        return v.kind == Value::Kind::Symbol ? v : fd(i32(raw));
      }
      case ArgType::Path:
      case ArgType::String:
      case ArgType::BufIn:
      case ArgType::BufOut:
        return captured(raw, cap, [](const CapturedBytes& c) { return Value::make_bytes(c.bytes, c.truncated); });
      case ArgType::StringArray: {
        Value v = captured(raw, cap, structs::string_array);
        if (v.kind == Value::Kind::Array && !options_.verbose && is_environment(i)) {
          v.elided = true;
          v.u = raw;
          v.i = static_cast<int64_t>(std::max<std::size_t>(cap ? cap->elements_total : 0, v.items.size()));
        }
        return v;
      }
      case ArgType::IovecIn:
      case ArgType::IovecOut: return captured(raw, cap, structs::iovec);
      case ArgType::SockaddrIn:
      case ArgType::SockaddrOut:
        return captured(raw, cap, [](const CapturedBytes& c) { return structs::sockaddr(c.bytes, c.truncated); });
      case ArgType::StatOut: return captured(raw, cap, [](const CapturedBytes& c) { return structs::stat(c.bytes); });
      case ArgType::StatxOut: return captured(raw, cap, [](const CapturedBytes& c) { return structs::statx(c.bytes); });
      case ArgType::FdPairOut:
        return captured(raw, cap, [this](const CapturedBytes& c) {
          Value v = structs::fd_pair(c.bytes);
          for (auto& item : v.items) item = fd(static_cast<int>(item.i));
          return v;
        });
      case ArgType::PerfEventAttr:
        return captured(raw, cap, [](const CapturedBytes& c) { return structs::perf_event_attr(c.bytes, c.truncated); });
      case ArgType::IoUringParams:
        return captured(raw, cap, [](const CapturedBytes& c) { return structs::io_uring_params(c.bytes); });
      case ArgType::TimespecIn: return captured(raw, cap, [](const CapturedBytes& c) { return structs::timespec(c.bytes); });
      case ArgType::SigsetIn: return captured(raw, cap, [](const CapturedBytes& c) { return structs::sigset(c.bytes); });
      case ArgType::SigactionIn:
        return captured(raw, cap, [](const CapturedBytes& c) { return structs::kernel_sigaction(c.bytes); });
      case ArgType::RlimitIn:
      case ArgType::RlimitOut: return captured(raw, cap, [](const CapturedBytes& c) { return structs::rlimit(c.bytes); });
      case ArgType::OpenHow: return captured(raw, cap, [](const CapturedBytes& c) { return structs::open_how(c.bytes); });
      case ArgType::CloneArgs:
        return captured(raw, cap, [](const CapturedBytes& c) { return structs::clone_args(c.bytes); });
      case ArgType::PollFds: {
        uint64_t nfds = a.len_arg >= 0 ? event_.args[static_cast<size_t>(a.len_arg)] : 0;
        return captured(raw, cap, [nfds, this](const CapturedBytes& c) {
          Value v = structs::pollfds(c.bytes, c.truncated, nfds);
          for (auto& item : v.items) item.fields[0].second = fd(static_cast<int>(item.fields[0].second.i));
          return v;
        });
      }
      case ArgType::OpenFlags: return xlat::open_flags(u32(raw));
      case ArgType::Mode: return xlat::file_mode(u32(raw));
      case ArgType::AtFlags: return xlat::at_flags(u32(raw));
      case ArgType::AccessMode: return xlat::access_mode(u32(raw));
      case ArgType::ProtFlags: return xlat::prot_flags(raw);
      case ArgType::MapFlags: return xlat::map_flags(raw);
      case ArgType::MsyncFlags: return xlat::msync_flags(raw);
      case ArgType::MadviseAdvice: return xlat::madvise_advice(raw);
      case ArgType::CloneFlags: return xlat::clone_flags(raw);
      case ArgType::SocketDomain: return xlat::socket_domain(u32(raw));
      case ArgType::SocketType: return xlat::socket_type(u32(raw));
      case ArgType::SocketProto: return xlat::socket_proto(u32(sibling(ArgType::SocketDomain)), u32(raw));
      case ArgType::SockOptLevel: return xlat::sockopt_level(u32(raw));
      case ArgType::SockOptName: return xlat::sockopt_name(u32(sibling(ArgType::SockOptLevel)), u32(raw));
      case ArgType::MsgFlags: return xlat::msg_flags(u32(raw));
      case ArgType::ShutdownHow: return xlat::shutdown_how(u32(raw));
      case ArgType::FcntlCmd: return xlat::fcntl_cmd(u32(raw));
      case ArgType::IoctlReq: return xlat::ioctl_request(raw);
      case ArgType::Signal:
        return i32(raw) > 0 ? Value::make_symbol(signal_name(i32(raw))) : Value::make_int(i32(raw));
      case ArgType::SigprocmaskHow: return xlat::sigprocmask_how(u32(raw));
      case ArgType::WaitOptions: return xlat::wait_options(raw);
      case ArgType::Whence: return xlat::whence(u32(raw));
      case ArgType::FutexOp: return xlat::futex_op(u32(raw));
      case ArgType::PrctlOption: return xlat::prctl_option(u32(raw));
      case ArgType::ArchPrctlCode: return xlat::arch_prctl_code(u32(raw));
      case ArgType::RlimitResource: return xlat::rlimit_resource(u32(raw));
      case ArgType::ClockId: return xlat::clock_id(i32(raw));
      case ArgType::EpollCtlOp: return xlat::epoll_ctl_op(u32(raw));
      case ArgType::UnlinkatFlags: return xlat::unlinkat_flags(u32(raw));
      case ArgType::RenameFlags: return xlat::rename_flags(u32(raw));
      case ArgType::MountFlags: return xlat::mount_flags(raw);
      case ArgType::PerfFlags: return xlat::perf_flags(raw);
      case ArgType::BpfCmd: return xlat::bpf_cmd(u32(raw));
      case ArgType::EventfdFlags: return xlat::eventfd_flags(u32(raw));
      case ArgType::PipeFlags: return xlat::pipe_flags(u32(raw));
      case ArgType::GetrandomFlags: return xlat::getrandom_flags(u32(raw));
      case ArgType::MemfdFlags: return xlat::memfd_flags(u32(raw));
      case ArgType::StatxMask: return xlat::statx_mask(u32(raw));
      case ArgType::PersonalityFlags: return xlat::personality(u32(raw));
    }
    return Value::make_hex(raw);
  }

  // How many arguments to show: the signature's count, minus a trailing
  // argument the call does not read (open's mode without O_CREAT/O_TMPFILE,
  // fcntl's third argument for F_GETFL and friends), as strace shows them.
  int shown_args() const {
    int n = info_.nargs;
    if (n >= 2 && info_.args[static_cast<size_t>(n - 1)].type == ArgType::Mode &&
        info_.args[static_cast<size_t>(n - 2)].type == ArgType::OpenFlags) {
      uint64_t flags = event_.args[static_cast<size_t>(n - 2)];
      constexpr uint64_t kTmpfileBit = 020000000;
      if (!(flags & O_CREAT) && !(flags & kTmpfileBit)) --n;
    }
    if (n == 3 && info_.args[1].type == ArgType::FcntlCmd &&
        !xlat::fcntl_arg(u32(event_.args[1]), event_.args[2]).has_value())
      --n;
    return n;
  }

  Value third_fcntl_arg() const {
    return *xlat::fcntl_arg(u32(event_.args[1]), event_.args[2]);
  }

  Value ret() const {
    const int64_t r = event_.ret;
    if (!event_.finished || event_.error()) return Value::make_int(r);
    switch (info_.ret) {
      case RetType::Fd: return fd(static_cast<int>(r));
      case RetType::Addr:
      case RetType::Hex: return Value::make_hex(static_cast<uint64_t>(r));
      case RetType::Mode: return Value::make_octal(static_cast<uint64_t>(r));
      case RetType::Int:
      case RetType::Size:
      case RetType::Pid:
      case RetType::NoReturn: return Value::make_int(r);
    }
    return Value::make_int(r);
  }

  Value fd(int n) const {
    if (n < 0 || !options_.describe_fd) return Value::make_fd(n);
    return Value::make_fd(n, options_.describe_fd(event_.pid, n));
  }

 private:
  // The raw value of the first argument of `type` (the domain for a
  // protocol, the level for an option name).
  uint64_t sibling(ArgType type) const {
    for (int i = 0; i < info_.nargs; ++i)
      if (info_.args[static_cast<size_t>(i)].type == type) return event_.args[static_cast<size_t>(i)];
    return 0;
  }

  // NULL -> Null; fault -> Unreadable(address); nothing captured (an output
  // of a failed call, or a backend that skipped it) -> the address; else decode.
  template <typename F>
  Value captured(uint64_t raw, const std::optional<CapturedBytes>& cap, F&& decode) const {
    if (raw == 0) return Value::make_null();
    if (!cap) return Value::make_hex(raw);
    if (cap->fault) return Value::make_unreadable(raw);
    return decode(*cap);
  }

  const trace::SyscallEvent& event_;
  const SyscallInfo& info_;
  const DecodeOptions& options_;
};

}  // namespace

DecodedCall decode_syscall(const trace::SyscallEvent& event, const DecodeOptions& options) {
  DecodedCall call;
  const SyscallInfo* info = sysent::syscall_by_nr(event.nr);
  call.err = event.error();
  if (call.err) {
    call.errno_name = errno_name(call.err);
    call.errno_text = errno_text(call.err);
  }
  if (!info) {
    call.name = "syscall_" + std::to_string(event.nr);
    for (uint64_t a : event.args) call.args.push_back(Value::make_hex(a));
    call.ret = Value::make_int(event.ret);
    return call;
  }
  call.name = std::string(info->name);
  CallDecoder d(event, *info, options);
  if (!info->known_signature) {
    for (int i = 0; i < info->nargs; ++i) call.args.push_back(Value::make_hex(event.args[static_cast<size_t>(i)]));
    call.ret = d.ret();
    return call;
  }
  const int shown = d.shown_args();
  for (int i = 0; i < shown; ++i) {
    bool fcntl_third = i == 2 && info->args[1].type == sysent::ArgType::FcntlCmd;
    call.args.push_back(fcntl_third ? d.third_fcntl_arg() : d.arg(i));
  }
  call.ret = d.ret();
  return call;
}

Value decode_arg(const trace::SyscallEvent& event, int index, const DecodeOptions& options) {
  const SyscallInfo* info = sysent::syscall_by_nr(event.nr);
  if (!info || !info->known_signature || index < 0 || index >= info->nargs)
    return Value::make_hex(index >= 0 && index < 6 ? event.args[static_cast<size_t>(index)] : 0);
  return CallDecoder(event, *info, options).arg(index);
}

}  // namespace whyfail::decode
