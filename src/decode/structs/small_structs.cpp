// Small fixed-size structs: timespec, rlimit, sigset_t, kernel sigaction.
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include <array>
#include <cstring>
#include <string>

#include "decode/decoder.h"
#include "decode/structs/structs.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::structs {

namespace {

Value truncated_struct() {
  Value v;
  v.kind = Value::Kind::Struct;
  v.truncated = true;
  return v;
}

uint64_t u64_at(std::string_view bytes, size_t off) {
  uint64_t v = 0;
  std::memcpy(&v, bytes.data() + off, sizeof v);
  return v;
}

// include/uapi/asm-generic/signal-defs.h and arch/x86 SA_RESTORER.
using xlat::Named;

const std::array kSaFlags = {
    Named{0x00000001, "SA_NOCLDSTOP"}, Named{0x00000002, "SA_NOCLDWAIT"},
    Named{0x00000004, "SA_SIGINFO"},   Named{0x00000400, "SA_UNSUPPORTED"},
    Named{0x00000800, "SA_EXPOSE_TAGBITS"}, Named{0x04000000, "SA_RESTORER"},
    Named{0x08000000, "SA_ONSTACK"},   Named{0x10000000, "SA_RESTART"},
    Named{0x40000000, "SA_NODEFER"},   Named{0x80000000, "SA_RESETHAND"},
};



constexpr int kSigsetBits = 64;  // the kernel's _NSIG on x86_64

std::string short_signal_name(int signo) {
  std::string name = signal_name(signo);
  return name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
}

}  // namespace

Value timespec(std::string_view bytes) {
  struct ::timespec ts;
  if (bytes.size() < sizeof ts) return truncated_struct();
  std::memcpy(&ts, bytes.data(), sizeof ts);
  Value v;
  v.kind = Value::Kind::Struct;
  v.fields.emplace_back("tv_sec", Value::make_int(ts.tv_sec));
  v.fields.emplace_back("tv_nsec", Value::make_int(ts.tv_nsec));
  return v;
}

Value rlimit(std::string_view bytes) {
  struct ::rlimit rl;
  if (bytes.size() < sizeof rl) return truncated_struct();
  std::memcpy(&rl, bytes.data(), sizeof rl);
  auto limit = [](rlim_t r) {
    return r == RLIM_INFINITY ? Value::make_symbol("RLIM_INFINITY") : Value::make_uint(r);
  };
  Value v;
  v.kind = Value::Kind::Struct;
  v.fields.emplace_back("rlim_cur", limit(rl.rlim_cur));
  v.fields.emplace_back("rlim_max", limit(rl.rlim_max));
  return v;
}

Value sigset(std::string_view bytes) {
  if (bytes.size() < sizeof(uint64_t)) {
    Value v;
    v.kind = Value::Kind::Array;
    v.truncated = true;
    return v;
  }
  uint64_t mask = u64_at(bytes, 0);
  int set = __builtin_popcountll(mask);
  // Like strace: when most signals are set, list the ones that are not.
  bool inverted = set > kSigsetBits / 2;
  std::string out = inverted ? "~[" : "[";
  bool first = true;
  for (int signo = 1; signo <= kSigsetBits; ++signo) {
    bool bit = (mask >> (signo - 1)) & 1;
    if (bit == inverted) continue;
    if (!first) out += ' ';
    out += short_signal_name(signo);
    first = false;
  }
  return Value::make_symbol(out + "]");
}

Value kernel_sigaction(std::string_view bytes) {
  // x86_64 kernel layout: handler, flags, restorer, mask (8 bytes each).
  if (bytes.size() < 32) return truncated_struct();
  uint64_t handler = u64_at(bytes, 0);
  uint64_t flags = u64_at(bytes, 8);
  uint64_t restorer = u64_at(bytes, 16);
  Value v;
  v.kind = Value::Kind::Struct;
  Value h;
  if (handler == reinterpret_cast<uint64_t>(SIG_DFL))
    h = Value::make_symbol("SIG_DFL");
  else if (handler == reinterpret_cast<uint64_t>(SIG_IGN))
    h = Value::make_symbol("SIG_IGN");
  else
    h = Value::make_hex(handler);
  v.fields.emplace_back("sa_handler", std::move(h));
  v.fields.emplace_back("sa_mask", sigset(bytes.substr(24, 8)));
  v.fields.emplace_back("sa_flags", xlat::flags_value(flags, kSaFlags));
  if (flags & 0x04000000) v.fields.emplace_back("sa_restorer", Value::make_hex(restorer));
  return v;
}

}  // namespace whyfail::decode::structs
