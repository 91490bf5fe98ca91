// Small enums and masks: lseek whence, clocks, epoll_ctl, mount, perf, bpf,
// eventfd, memfd, getrandom, statx.
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/stat.h>
#include <sys/epoll.h>
#include <time.h>

#include <array>
#include <string>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

const std::array kWhence = {Named{0, "SEEK_SET"}, Named{1, "SEEK_CUR"}, Named{2, "SEEK_END"},
                            Named{3, "SEEK_DATA"}, Named{4, "SEEK_HOLE"}};

const std::array kClocks = {
    XLAT(CLOCK_REALTIME), XLAT(CLOCK_MONOTONIC), XLAT(CLOCK_PROCESS_CPUTIME_ID),
    XLAT(CLOCK_THREAD_CPUTIME_ID), XLAT(CLOCK_MONOTONIC_RAW), XLAT(CLOCK_REALTIME_COARSE),
    XLAT(CLOCK_MONOTONIC_COARSE), XLAT(CLOCK_BOOTTIME), XLAT(CLOCK_REALTIME_ALARM),
    XLAT(CLOCK_BOOTTIME_ALARM), Named{10, "CLOCK_SGI_CYCLE"}, XLAT(CLOCK_TAI)};

const std::array kEpollCtl = {XLAT(EPOLL_CTL_ADD), XLAT(EPOLL_CTL_DEL), XLAT(EPOLL_CTL_MOD)};

// MS_* from include/uapi/linux/mount.h (<sys/mount.h> and <linux/mount.h> clash in one TU).
const std::array kMount = {
    Named{1, "MS_RDONLY"},       Named{2, "MS_NOSUID"},       Named{4, "MS_NODEV"},
    Named{8, "MS_NOEXEC"},       Named{16, "MS_SYNCHRONOUS"}, Named{32, "MS_REMOUNT"},
    Named{64, "MS_MANDLOCK"},    Named{128, "MS_DIRSYNC"},    Named{256, "MS_NOSYMFOLLOW"},
    Named{1024, "MS_NOATIME"},   Named{2048, "MS_NODIRATIME"}, Named{4096, "MS_BIND"},
    Named{8192, "MS_MOVE"},      Named{16384, "MS_REC"},      Named{32768, "MS_SILENT"},
    Named{1 << 16, "MS_POSIXACL"}, Named{1 << 17, "MS_UNBINDABLE"}, Named{1 << 18, "MS_PRIVATE"},
    Named{1 << 19, "MS_SLAVE"},  Named{1 << 20, "MS_SHARED"}, Named{1 << 21, "MS_RELATIME"},
    Named{1 << 22, "MS_KERNMOUNT"}, Named{1 << 23, "MS_I_VERSION"}, Named{1 << 24, "MS_STRICTATIME"},
    Named{1 << 25, "MS_LAZYTIME"}, Named{1 << 30, "MS_ACTIVE"}, Named{1u << 31, "MS_NOUSER"},
};
constexpr uint64_t kMsMgcVal = 0xc0ed0000;  // pre-2.4 magic in the high 16 bits
constexpr uint64_t kMsMgcMask = 0xffff0000;

const std::array kPerfFlags = {XLAT(PERF_FLAG_FD_NO_GROUP), XLAT(PERF_FLAG_FD_OUTPUT),
                               XLAT(PERF_FLAG_PID_CGROUP), XLAT(PERF_FLAG_FD_CLOEXEC)};

const std::array kBpfCmds = {
    XLAT(BPF_MAP_CREATE),     XLAT(BPF_MAP_LOOKUP_ELEM), XLAT(BPF_MAP_UPDATE_ELEM),
    XLAT(BPF_MAP_DELETE_ELEM), XLAT(BPF_MAP_GET_NEXT_KEY), XLAT(BPF_PROG_LOAD),
    XLAT(BPF_OBJ_PIN),        XLAT(BPF_OBJ_GET),         XLAT(BPF_PROG_ATTACH),
    XLAT(BPF_PROG_DETACH),    XLAT(BPF_PROG_TEST_RUN),   XLAT(BPF_PROG_GET_NEXT_ID),
    XLAT(BPF_MAP_GET_NEXT_ID), XLAT(BPF_PROG_GET_FD_BY_ID), XLAT(BPF_MAP_GET_FD_BY_ID),
    XLAT(BPF_OBJ_GET_INFO_BY_FD), XLAT(BPF_PROG_QUERY),  XLAT(BPF_RAW_TRACEPOINT_OPEN),
    XLAT(BPF_BTF_LOAD),       XLAT(BPF_BTF_GET_FD_BY_ID), XLAT(BPF_TASK_FD_QUERY),
    XLAT(BPF_MAP_LOOKUP_AND_DELETE_ELEM), XLAT(BPF_MAP_FREEZE), XLAT(BPF_BTF_GET_NEXT_ID),
    XLAT(BPF_MAP_LOOKUP_BATCH), XLAT(BPF_MAP_LOOKUP_AND_DELETE_BATCH), XLAT(BPF_MAP_UPDATE_BATCH),
    XLAT(BPF_MAP_DELETE_BATCH), XLAT(BPF_LINK_CREATE),   XLAT(BPF_LINK_UPDATE),
    XLAT(BPF_LINK_GET_FD_BY_ID), XLAT(BPF_LINK_GET_NEXT_ID), XLAT(BPF_ENABLE_STATS),
    XLAT(BPF_ITER_CREATE),    XLAT(BPF_LINK_DETACH),     XLAT(BPF_PROG_BIND_MAP),
};

const std::array kEventfd = {Named{02000000, "EFD_CLOEXEC"}, Named{04000, "EFD_NONBLOCK"},
                             Named{1, "EFD_SEMAPHORE"}};

const std::array kMemfd = {Named{1, "MFD_CLOEXEC"}, Named{2, "MFD_ALLOW_SEALING"},
                           Named{4, "MFD_HUGETLB"}, Named{8, "MFD_NOEXEC_SEAL"},
                           Named{16, "MFD_EXEC"}};

const std::array kGrnd = {Named{1, "GRND_NONBLOCK"}, Named{2, "GRND_RANDOM"}, Named{4, "GRND_INSECURE"}};

const std::array kStatxMask = {
    Named{STATX_ALL, "STATX_ALL"}, Named{STATX_BASIC_STATS, "STATX_BASIC_STATS"},
    XLAT(STATX_TYPE),  XLAT(STATX_MODE),  XLAT(STATX_NLINK), XLAT(STATX_UID),  XLAT(STATX_GID),
    XLAT(STATX_ATIME), XLAT(STATX_MTIME), XLAT(STATX_CTIME), XLAT(STATX_INO),  XLAT(STATX_SIZE),
    XLAT(STATX_BLOCKS), XLAT(STATX_BTIME), XLAT(STATX_MNT_ID), Named{0x2000, "STATX_DIOALIGN"},
    Named{0x4000, "STATX_MNT_ID_UNIQUE"}, Named{0x8000, "STATX_SUBVOL"},
    Named{0x10000, "STATX_WRITE_ATOMIC"}, Named{0x80000000u, "STATX__RESERVED"},
};

const std::array kStatxAttrs = {
    XLAT(STATX_ATTR_COMPRESSED), XLAT(STATX_ATTR_IMMUTABLE), XLAT(STATX_ATTR_APPEND),
    XLAT(STATX_ATTR_NODUMP),     XLAT(STATX_ATTR_ENCRYPTED), XLAT(STATX_ATTR_AUTOMOUNT),
    XLAT(STATX_ATTR_MOUNT_ROOT), XLAT(STATX_ATTR_VERITY),    XLAT(STATX_ATTR_DAX),
};

}  // namespace

Value whence(uint64_t w) { return enum_value(static_cast<int64_t>(w), kWhence); }

Value clock_id(int64_t clock) {
  // Negative ids are dynamic clocks (a CPU clock of a pid, or an fd); numbers then.
  if (clock < 0) return Value::make_int(static_cast<int32_t>(clock));
  return enum_value(clock, kClocks);
}

Value epoll_ctl_op(uint64_t op) { return enum_value(static_cast<int64_t>(op), kEpollCtl); }

Value mount_flags(uint64_t flags) {
  std::string out;
  if ((flags & kMsMgcMask) == kMsMgcVal) {
    out = "MS_MGC_VAL";
    flags &= ~kMsMgcMask;
    if (!flags) return Value::make_symbol(out);
    out += '|';
  }
  return Value::make_symbol(out + flags_text(flags, kMount));
}

Value perf_flags(uint64_t flags) { return flags_value(flags, kPerfFlags); }
Value bpf_cmd(uint64_t cmd) { return enum_value(static_cast<int64_t>(cmd), kBpfCmds); }
Value eventfd_flags(uint64_t flags) { return flags_value(flags, kEventfd); }

Value memfd_flags(uint64_t flags) {
  // With MFD_HUGETLB, bits 26..31 hold log2 of the huge page size (as MAP_HUGE_*).
  uint64_t huge = (flags >> 26) & 0x3f;
  std::string out = flags_text(flags & ~(0x3full << 26), kMemfd);
  if (huge) {
    static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    out += "|MFD_HUGE_" + std::to_string(1ull << (huge % 10)) + kUnits[huge / 10];
  }
  return Value::make_symbol(out);
}

Value getrandom_flags(uint64_t flags) { return flags_value(flags, kGrnd); }
Value statx_mask(uint64_t mask) { return flags_value(mask, kStatxMask); }
Value statx_attributes(uint64_t attrs) { return flags_value(attrs, kStatxAttrs); }

}  // namespace whyfail::decode::xlat
