// Process-control enums: wait options, prctl, arch_prctl, personality,
// resource limits, sigprocmask, futex operations.
#include <asm/prctl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <array>
#include <string>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

const std::array kWait = {XLAT(WNOHANG), XLAT(WUNTRACED), XLAT(WEXITED), XLAT(WCONTINUED),
                          XLAT(WNOWAIT), XLAT(__WNOTHREAD), XLAT(__WALL), XLAT(__WCLONE)};

const std::array kPrctl = {
    XLAT(PR_SET_PDEATHSIG), XLAT(PR_GET_PDEATHSIG), XLAT(PR_GET_DUMPABLE), XLAT(PR_SET_DUMPABLE),
    XLAT(PR_GET_UNALIGN),   XLAT(PR_SET_UNALIGN),   XLAT(PR_GET_KEEPCAPS), XLAT(PR_SET_KEEPCAPS),
    XLAT(PR_GET_FPEMU),     XLAT(PR_SET_FPEMU),     XLAT(PR_GET_FPEXC),    XLAT(PR_SET_FPEXC),
    XLAT(PR_GET_TIMING),    XLAT(PR_SET_TIMING),    XLAT(PR_SET_NAME),     XLAT(PR_GET_NAME),
    XLAT(PR_GET_ENDIAN),    XLAT(PR_SET_ENDIAN),    XLAT(PR_GET_SECCOMP),  XLAT(PR_SET_SECCOMP),
    XLAT(PR_CAPBSET_READ),  XLAT(PR_CAPBSET_DROP),  XLAT(PR_GET_TSC),      XLAT(PR_SET_TSC),
    XLAT(PR_GET_SECUREBITS), XLAT(PR_SET_SECUREBITS), XLAT(PR_SET_TIMERSLACK), XLAT(PR_GET_TIMERSLACK),
    XLAT(PR_TASK_PERF_EVENTS_DISABLE), XLAT(PR_TASK_PERF_EVENTS_ENABLE), XLAT(PR_MCE_KILL),
    XLAT(PR_MCE_KILL_GET),  XLAT(PR_SET_MM),        XLAT(PR_SET_PTRACER),  XLAT(PR_SET_CHILD_SUBREAPER),
    XLAT(PR_GET_CHILD_SUBREAPER), XLAT(PR_SET_NO_NEW_PRIVS), XLAT(PR_GET_NO_NEW_PRIVS),
    XLAT(PR_GET_TID_ADDRESS), XLAT(PR_SET_THP_DISABLE), XLAT(PR_GET_THP_DISABLE),
    XLAT(PR_MPX_ENABLE_MANAGEMENT), XLAT(PR_MPX_DISABLE_MANAGEMENT), XLAT(PR_SET_FP_MODE),
    XLAT(PR_GET_FP_MODE),   XLAT(PR_CAP_AMBIENT),   XLAT(PR_SVE_SET_VL),   XLAT(PR_SVE_GET_VL),
    XLAT(PR_GET_SPECULATION_CTRL), XLAT(PR_SET_SPECULATION_CTRL), XLAT(PR_PAC_RESET_KEYS),
    XLAT(PR_SET_TAGGED_ADDR_CTRL), XLAT(PR_GET_TAGGED_ADDR_CTRL), XLAT(PR_SET_IO_FLUSHER),
    XLAT(PR_GET_IO_FLUSHER), XLAT(PR_SET_SYSCALL_USER_DISPATCH), XLAT(PR_SCHED_CORE),
    Named{0x53564d41, "PR_SET_VMA"}, Named{65, "PR_SET_MDWE"},
    Named{66, "PR_GET_MDWE"},
};

const std::array kArchPrctl = {
    XLAT(ARCH_SET_GS), XLAT(ARCH_SET_FS), XLAT(ARCH_GET_FS), XLAT(ARCH_GET_GS),
    XLAT(ARCH_GET_CPUID), XLAT(ARCH_SET_CPUID), Named{0x1021, "ARCH_GET_XCOMP_SUPP"},
    Named{0x1022, "ARCH_GET_XCOMP_PERM"}, Named{0x1023, "ARCH_REQ_XCOMP_PERM"},
    Named{0x1024, "ARCH_GET_XCOMP_GUEST_PERM"}, Named{0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"},
    XLAT(ARCH_MAP_VDSO_X32), XLAT(ARCH_MAP_VDSO_32), XLAT(ARCH_MAP_VDSO_64),
    Named{0x4001, "ARCH_GET_UNTAG_MASK"}, Named{0x4002, "ARCH_ENABLE_TAGGED_ADDR"},
    Named{0x4003, "ARCH_GET_MAX_TAG_BITS"}, Named{0x4004, "ARCH_FORCE_TAGGED_SVA"},
    Named{0x5001, "ARCH_SHSTK_ENABLE"}, Named{0x5002, "ARCH_SHSTK_DISABLE"},
    Named{0x5003, "ARCH_SHSTK_LOCK"}, Named{0x5004, "ARCH_SHSTK_UNLOCK"},
    Named{0x5005, "ARCH_SHSTK_STATUS"},
};

const std::array kPersonalityTypes = {
    XLAT(PER_LINUX), XLAT(PER_LINUX_32BIT), XLAT(PER_SVR4), XLAT(PER_SVR3), XLAT(PER_BSD),
    XLAT(PER_SUNOS), XLAT(PER_LINUX32), XLAT(PER_OSF4), XLAT(PER_HPUX)};
const std::array kPersonalityFlags = {
    XLAT(UNAME26), XLAT(ADDR_NO_RANDOMIZE), XLAT(FDPIC_FUNCPTRS), XLAT(MMAP_PAGE_ZERO),
    XLAT(ADDR_COMPAT_LAYOUT), XLAT(READ_IMPLIES_EXEC), XLAT(ADDR_LIMIT_32BIT), XLAT(SHORT_INODE),
    XLAT(WHOLE_SECONDS), XLAT(STICKY_TIMEOUTS), XLAT(ADDR_LIMIT_3GB)};

const std::array kRlimits = {
    XLAT(RLIMIT_CPU),   XLAT(RLIMIT_FSIZE),  XLAT(RLIMIT_DATA),    XLAT(RLIMIT_STACK),
    XLAT(RLIMIT_CORE),  XLAT(RLIMIT_RSS),    XLAT(RLIMIT_NPROC),   XLAT(RLIMIT_NOFILE),
    XLAT(RLIMIT_MEMLOCK), XLAT(RLIMIT_AS),   XLAT(RLIMIT_LOCKS),   XLAT(RLIMIT_SIGPENDING),
    XLAT(RLIMIT_MSGQUEUE), XLAT(RLIMIT_NICE), XLAT(RLIMIT_RTPRIO), XLAT(RLIMIT_RTTIME)};

const std::array kSigprocmask = {XLAT(SIG_BLOCK), XLAT(SIG_UNBLOCK), XLAT(SIG_SETMASK)};

const std::array kFutexCmds = {
    XLAT(FUTEX_WAIT),     XLAT(FUTEX_WAKE),          XLAT(FUTEX_FD),           XLAT(FUTEX_REQUEUE),
    XLAT(FUTEX_CMP_REQUEUE), XLAT(FUTEX_WAKE_OP),    XLAT(FUTEX_LOCK_PI),      XLAT(FUTEX_UNLOCK_PI),
    XLAT(FUTEX_TRYLOCK_PI), XLAT(FUTEX_WAIT_BITSET), XLAT(FUTEX_WAKE_BITSET),
    XLAT(FUTEX_WAIT_REQUEUE_PI), XLAT(FUTEX_CMP_REQUEUE_PI), Named{13, "FUTEX_LOCK_PI2"},
};

}  // namespace

Value wait_options(uint64_t options) { return flags_value(options & 0xffffffffu, kWait); }

Value prctl_option(uint64_t option) { return enum_value(static_cast<int64_t>(option), kPrctl); }

Value arch_prctl_code(uint64_t code) { return enum_value(static_cast<int64_t>(code), kArchPrctl, true); }

Value personality(uint64_t persona) {
  if ((persona & 0xffffffffu) == 0xffffffffu) return Value::make_hex(persona);  // query only
  auto type = enum_name(persona & PER_MASK, kPersonalityTypes);
  std::string out = type.empty() ? std::to_string(persona & PER_MASK) : std::string(type);
  uint64_t flags = persona & ~static_cast<uint64_t>(PER_MASK);
  if (flags) out += "|" + flags_text(flags, kPersonalityFlags);
  return Value::make_symbol(out);
}

Value rlimit_resource(uint64_t res) { return enum_value(static_cast<int64_t>(res), kRlimits); }

Value sigprocmask_how(uint64_t how) { return enum_value(static_cast<int64_t>(how), kSigprocmask); }

Value futex_op(uint64_t op) {
  // The command is the low bits; FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME
  // modify it. strace users know the combined FUTEX_WAIT_PRIVATE spelling.
  uint64_t cmd = op & FUTEX_CMD_MASK;
  auto name = enum_name(cmd, kFutexCmds);
  std::string out = name.empty() ? std::to_string(cmd) : std::string(name);
  if (op & FUTEX_PRIVATE_FLAG) out += "_PRIVATE";
  if (op & FUTEX_CLOCK_REALTIME) out += "|FUTEX_CLOCK_REALTIME";
  uint64_t rest = op & ~static_cast<uint64_t>(FUTEX_CMD_MASK | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (rest) out += "|" + flags_text(rest, {});
  return Value::make_symbol(out);
}

}  // namespace whyfail::decode::xlat
