// *at() flags and the small enums that travel with paths.
#include <fcntl.h>
#include <unistd.h>

#include <array>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

// Kernel values (include/uapi/linux/fcntl.h); glibc hides some behind _GNU_SOURCE.
const std::array kAtFlags = {
    Named{0x100, "AT_SYMLINK_NOFOLLOW"}, Named{0x200, "AT_EACCESS"},
    Named{0x400, "AT_SYMLINK_FOLLOW"},   Named{0x800, "AT_NO_AUTOMOUNT"},
    Named{0x1000, "AT_EMPTY_PATH"},      Named{0x2000, "AT_STATX_FORCE_SYNC"},
    Named{0x4000, "AT_STATX_DONT_SYNC"}, Named{0x8000, "AT_RECURSIVE"},
};
const std::array kUnlinkatFlags = {Named{0x200, "AT_REMOVEDIR"}};
const std::array kRenameFlags = {
    Named{1, "RENAME_NOREPLACE"}, Named{2, "RENAME_EXCHANGE"}, Named{4, "RENAME_WHITEOUT"}};
const std::array kAccessModes = {XLAT(R_OK), XLAT(W_OK), XLAT(X_OK)};

}  // namespace

Value dirfd(int64_t fd) {
  // The register holds an int; AT_FDCWD arrives sign-extended or as 0xffffff9c.
  if (static_cast<int32_t>(fd) == AT_FDCWD) return Value::make_symbol("AT_FDCWD");
  return Value::make_int(static_cast<int32_t>(fd));
}

Value at_flags(uint64_t flags) { return flags_value(flags, kAtFlags); }
Value unlinkat_flags(uint64_t flags) { return flags_value(flags, kUnlinkatFlags); }
Value rename_flags(uint64_t flags) { return flags_value(flags, kRenameFlags); }
Value access_mode(uint64_t mode) { return flags_value(mode, kAccessModes, "F_OK"); }

}  // namespace whyfail::decode::xlat
