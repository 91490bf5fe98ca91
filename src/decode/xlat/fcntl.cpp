// fcntl(2) commands, and the third argument interpreted per command.
#include <fcntl.h>
#include <signal.h>

#include <array>

#include "decode/decoder.h"
#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

// Kernel values (include/uapi/asm-generic/fcntl.h, linux/fcntl.h); on x86_64
// F_GETLK64 and friends equal F_GETLK, so only one name is listed.
constexpr uint64_t kLinuxBase = 1024;  // F_LINUX_SPECIFIC_BASE
const std::array kCmds = {
    Named{0, "F_DUPFD"},   Named{1, "F_GETFD"},   Named{2, "F_SETFD"},  Named{3, "F_GETFL"},
    Named{4, "F_SETFL"},   Named{5, "F_GETLK"},   Named{6, "F_SETLK"},  Named{7, "F_SETLKW"},
    Named{8, "F_SETOWN"},  Named{9, "F_GETOWN"},  Named{10, "F_SETSIG"}, Named{11, "F_GETSIG"},
    Named{15, "F_SETOWN_EX"}, Named{16, "F_GETOWN_EX"}, Named{17, "F_GETOWNER_UIDS"},
    Named{36, "F_OFD_GETLK"}, Named{37, "F_OFD_SETLK"}, Named{38, "F_OFD_SETLKW"},
    Named{kLinuxBase + 0, "F_SETLEASE"}, Named{kLinuxBase + 1, "F_GETLEASE"},
    Named{kLinuxBase + 2, "F_NOTIFY"},   Named{kLinuxBase + 6, "F_DUPFD_CLOEXEC"},
    Named{kLinuxBase + 7, "F_SETPIPE_SZ"}, Named{kLinuxBase + 8, "F_GETPIPE_SZ"},
    Named{kLinuxBase + 9, "F_ADD_SEALS"},  Named{kLinuxBase + 10, "F_GET_SEALS"},
    Named{kLinuxBase + 11, "F_GET_RW_HINT"}, Named{kLinuxBase + 12, "F_SET_RW_HINT"},
    Named{kLinuxBase + 13, "F_GET_FILE_RW_HINT"}, Named{kLinuxBase + 14, "F_SET_FILE_RW_HINT"},
};

const std::array kLeases = {Named{0, "F_RDLCK"}, Named{1, "F_WRLCK"}, Named{2, "F_UNLCK"}};
const std::array kSeals = {Named{1, "F_SEAL_SEAL"}, Named{2, "F_SEAL_SHRINK"}, Named{4, "F_SEAL_GROW"},
                           Named{8, "F_SEAL_WRITE"}, Named{16, "F_SEAL_FUTURE_WRITE"}};
const std::array kNotify = {Named{1, "DN_ACCESS"}, Named{2, "DN_MODIFY"}, Named{4, "DN_CREATE"},
                            Named{8, "DN_DELETE"}, Named{16, "DN_RENAME"}, Named{32, "DN_ATTRIB"},
                            Named{0x80000000u, "DN_MULTISHOT"}};

}  // namespace

Value fcntl_cmd(uint64_t cmd) { return enum_value(static_cast<int64_t>(cmd), kCmds); }

std::optional<Value> fcntl_arg(uint64_t cmd, uint64_t arg) {
  auto as_int = Value::make_int(static_cast<int32_t>(arg));
  switch (cmd) {
    case 1: case 3: case 9: case 11: case kLinuxBase + 1: case kLinuxBase + 8:
    case kLinuxBase + 10:
      return std::nullopt;                       // F_GET*: no argument
    case 2: return fd_flags(arg);                // F_SETFD: FD_CLOEXEC
    case 4: return open_flags(arg);              // F_SETFL: O_* status flags
    case 10: return Value::make_symbol(signal_name(static_cast<int>(arg)));  // F_SETSIG
    case kLinuxBase + 0: return enum_value(static_cast<int64_t>(arg), kLeases);  // F_SETLEASE
    case kLinuxBase + 2: return flags_value(arg, kNotify);
    case kLinuxBase + 9: return flags_value(arg, kSeals);
    case 0: case kLinuxBase + 6: case 8: case kLinuxBase + 7:
      return as_int;                             // F_DUPFD*, F_SETOWN, F_SETPIPE_SZ
  }
  return Value::make_hex(arg);                   // a pointer (struct flock, f_owner_ex)
}

}  // namespace whyfail::decode::xlat
