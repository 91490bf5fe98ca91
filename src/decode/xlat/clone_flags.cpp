// clone(2) flags; the low byte is the signal sent to the parent on exit.
#include <linux/sched.h>
#include <signal.h>

#include <array>
#include <string>

#include "decode/decoder.h"
#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

constexpr uint64_t kCsignal = 0xff;

const std::array kClone = {
    XLAT(CLONE_VM),        XLAT(CLONE_FS),             XLAT(CLONE_FILES),
    XLAT(CLONE_SIGHAND),   Named{0x1000, "CLONE_PIDFD"}, XLAT(CLONE_PTRACE),
    XLAT(CLONE_VFORK),     XLAT(CLONE_PARENT),         XLAT(CLONE_THREAD),
    XLAT(CLONE_NEWNS),     XLAT(CLONE_SYSVSEM),        XLAT(CLONE_SETTLS),
    XLAT(CLONE_PARENT_SETTID), XLAT(CLONE_CHILD_CLEARTID), XLAT(CLONE_DETACHED),
    XLAT(CLONE_UNTRACED),  XLAT(CLONE_CHILD_SETTID),   Named{0x02000000, "CLONE_NEWCGROUP"},
    XLAT(CLONE_NEWUTS),    XLAT(CLONE_NEWIPC),         XLAT(CLONE_NEWUSER),
    XLAT(CLONE_NEWPID),    XLAT(CLONE_NEWNET),         XLAT(CLONE_IO),
    Named{0x80, "CLONE_NEWTIME"},  // shares the exit-signal byte; only valid in clone3/unshare
    Named{0x100000000ull, "CLONE_CLEAR_SIGHAND"}, Named{0x200000000ull, "CLONE_INTO_CGROUP"},
};

}  // namespace

Value clone_flags(uint64_t flags) {
  // A low byte above the last signal number is not an exit signal: unshare
  // and setns pass plain CLONE_NEW* bits, and CLONE_NEWTIME lives there.
  constexpr uint64_t kMaxSignal = 64;
  const bool has_signal = (flags & kCsignal) <= kMaxSignal;
  const uint64_t sig = has_signal ? flags & kCsignal : 0;
  const uint64_t rest = has_signal ? flags & ~kCsignal : flags;
  std::string named = rest ? flags_text(rest, kClone) : std::string();
  std::string signame = sig ? signal_name(static_cast<int>(sig)) : std::string();
  if (named.empty() && signame.empty()) return Value::make_symbol("0");
  if (named.empty()) return Value::make_symbol(signame);
  if (signame.empty()) return Value::make_symbol(named);
  named.append(1, '|').append(signame);
  return Value::make_symbol(named);
}

}  // namespace whyfail::decode::xlat
