#include "decode/decoder.h"

#include <cstring>

#include "sysent/syscall_info.h"

namespace whyfail::decode {

// Placeholder until the decoders land: every argument as hex.
DecodedCall decode_syscall(const trace::SyscallEvent& event, const DecodeOptions&) {
  DecodedCall call;
  const auto* info = sysent::syscall_by_nr(event.nr);
  call.name = info ? std::string(info->name) : "syscall_" + std::to_string(event.nr);
  int nargs = info ? info->nargs : 6;
  for (int i = 0; i < nargs; ++i) call.args.push_back(Value::make_hex(event.args[i]));
  call.err = event.error();
  call.ret = Value::make_int(event.ret);
  if (call.err) {
    call.errno_name = errno_name(call.err);
    call.errno_text = errno_text(call.err);
  }
  return call;
}

std::string errno_name(int err) { return "E" + std::to_string(err); }
std::string errno_text(int err) { return std::strerror(err); }
int errno_by_name(const std::string&) { return -1; }
std::string signal_name(int signo) { return "SIG" + std::to_string(signo); }

}  // namespace whyfail::decode
