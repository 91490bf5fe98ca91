// struct open_how (openat2): open flags, mode, and RESOLVE_* path-walk limits.
#include <linux/openat2.h>

#include <array>
#include <cstring>

#include "decode/structs/structs.h"
#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::structs {

namespace {

using xlat::Named;

const std::array kResolve = {XLAT(RESOLVE_NO_XDEV), XLAT(RESOLVE_NO_MAGICLINKS), XLAT(RESOLVE_NO_SYMLINKS),
                             XLAT(RESOLVE_BENEATH), XLAT(RESOLVE_IN_ROOT), XLAT(RESOLVE_CACHED)};

}  // namespace

Value open_how(std::string_view bytes) {
  Value v;
  v.kind = Value::Kind::Struct;
  ::open_how how;
  if (bytes.size() < sizeof how) {
    v.truncated = true;
    return v;
  }
  std::memcpy(&how, bytes.data(), sizeof how);
  // Unlike open(2), openat2 rejects unknown flag bits and a mode without
  // O_CREAT/O_TMPFILE (EINVAL), so all three fields are always shown.
  v.fields.emplace_back("flags", xlat::open_flags(how.flags));
  v.fields.emplace_back("mode", xlat::file_mode(how.mode));
  v.fields.emplace_back("resolve", xlat::flags_value(how.resolve, kResolve));
  return v;
}

}  // namespace whyfail::decode::structs
