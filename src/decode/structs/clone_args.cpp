// struct clone_args (clone3), the CLONE_ARGS_SIZE_VER0 part.
#include <linux/sched.h>

#include <cstring>

#include "decode/decoder.h"
#include "decode/structs/structs.h"
#include "decode/xlat/flags.h"

namespace whyfail::decode::structs {

namespace {

// The VER0 layout: eight u64 fields (include/uapi/linux/sched.h).
struct CloneArgsVer0 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};
static_assert(sizeof(CloneArgsVer0) == CLONE_ARGS_SIZE_VER0);

Value pointer(uint64_t p) { return p ? Value::make_hex(p) : Value::make_null(); }

}  // namespace

Value clone_args(std::string_view bytes) {
  Value v;
  v.kind = Value::Kind::Struct;
  CloneArgsVer0 a;
  if (bytes.size() < sizeof a) {
    v.truncated = true;
    return v;
  }
  std::memcpy(&a, bytes.data(), sizeof a);
  auto& f = v.fields;
  // clone3 keeps the exit signal in its own field; in flags the low byte may
  // only hold CLONE_NEWTIME (0x80). Anything else there is shown raw (EINVAL).
  const uint64_t low = a.flags & 0xff;
  f.emplace_back("flags", low == 0 || low == CLONE_NEWTIME ? xlat::clone_flags(a.flags) : Value::make_hex(a.flags));
  if (a.flags & CLONE_PIDFD) f.emplace_back("pidfd", pointer(a.pidfd));
  if (a.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) f.emplace_back("child_tid", pointer(a.child_tid));
  if (a.flags & CLONE_PARENT_SETTID) f.emplace_back("parent_tid", pointer(a.parent_tid));
  f.emplace_back("exit_signal", a.exit_signal ? Value::make_symbol(signal_name(static_cast<int>(a.exit_signal)))
                                              : Value::make_int(0));
  f.emplace_back("stack", pointer(a.stack));
  f.emplace_back("stack_size", Value::make_hex(a.stack_size));
  if (a.flags & CLONE_SETTLS) f.emplace_back("tls", Value::make_hex(a.tls));
  return v;
}

}  // namespace whyfail::decode::structs
