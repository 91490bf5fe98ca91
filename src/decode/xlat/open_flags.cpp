// open(2) flags. The access mode is a 2-bit number, not a flag (O_RDONLY is
// 0), so it is named first and the rest decoded as bits.
#include <fcntl.h>

#include <array>
#include <string>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

// glibc defines O_LARGEFILE as 0 on x86_64; the kernel's bit is 0100000 and
// 32-bit-compat callers (and the kernel itself for 64-bit opens) set it.
constexpr uint64_t kLargefile = 0100000;
constexpr uint64_t kTmpfileBit = 020000000;  // __O_TMPFILE; O_TMPFILE includes O_DIRECTORY

const std::array kOpenFlags = {
    Named{kTmpfileBit | O_DIRECTORY, "O_TMPFILE"},  // before O_DIRECTORY: two bits, one name
    XLAT(O_CREAT),     XLAT(O_EXCL),      XLAT(O_NOCTTY),   XLAT(O_TRUNC),
    XLAT(O_APPEND),    XLAT(O_NONBLOCK),  XLAT(O_DSYNC),
    Named{O_SYNC & ~static_cast<uint64_t>(O_DSYNC), "__O_SYNC"},  // O_SYNC = __O_SYNC|O_DSYNC
    XLAT(FASYNC),      XLAT(O_DIRECT),    Named{kLargefile, "O_LARGEFILE"},
    XLAT(O_DIRECTORY), XLAT(O_NOFOLLOW),  XLAT(O_NOATIME),  XLAT(O_CLOEXEC),
    XLAT(O_PATH),      Named{kTmpfileBit, "__O_TMPFILE"},
};

const std::array kPipeFlags = {XLAT(O_NONBLOCK), XLAT(O_DIRECT), XLAT(O_CLOEXEC)};
const std::array kFdFlags = {XLAT(FD_CLOEXEC)};

std::string access_name(uint64_t acc) {
  switch (acc) {
    case O_RDONLY: return "O_RDONLY";
    case O_WRONLY: return "O_WRONLY";
    case O_RDWR: return "O_RDWR";
  }
  return "O_ACCMODE";  // 3: not a valid access mode, but the kernel accepts it for ioctl-only opens
}

}  // namespace

Value open_flags(uint64_t flags) {
  std::string out = access_name(flags & O_ACCMODE);
  uint64_t rest = flags & ~static_cast<uint64_t>(O_ACCMODE);
  // O_SYNC is two bits; name it as strace users know it when both are set.
  std::string sync;
  if ((rest & O_SYNC) == static_cast<uint64_t>(O_SYNC)) {
    sync = "O_SYNC";
    rest &= ~static_cast<uint64_t>(O_SYNC);
  }
  if (!sync.empty()) out += "|" + sync;
  if (rest) out += "|" + flags_text(rest, kOpenFlags);
  return Value::make_symbol(out);
}

Value pipe_flags(uint64_t flags) { return flags_value(flags, kPipeFlags); }

Value fd_flags(uint64_t flags) { return flags_value(flags, kFdFlags); }

}  // namespace whyfail::decode::xlat
