// Tables of named constants and the two ways to turn a number into a name:
// as a flag set ("O_WRONLY|O_CREAT|0x40000000") or as one enum value
// ("SEEK_END", or the number when unknown). Every family under xlat/ is a
// table of these plus, where the bits have structure, a small function.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "decode/value.h"

namespace whyfail::decode::xlat {

struct Named {
  uint64_t value;
  std::string_view name;
};

#define XLAT(c) ::whyfail::decode::xlat::Named { static_cast<uint64_t>(c), #c }

// "A|B|0x40": every table entry whose bits are all set (a multi-bit entry
// before its parts), the unknown remainder as hex. `zero` names the empty set
// (e.g. "0"); empty `zero` means print "0".
std::string flags_text(uint64_t value, std::span<const Named> table, std::string_view zero = "0");

// The entry's name, or nullopt-like empty string when unknown.
std::string_view enum_name(uint64_t value, std::span<const Named> table);

// A Symbol for a known enum value; the number (Int, or Hex when `hex`) otherwise.
Value enum_value(int64_t value, std::span<const Named> table, bool hex = false);

// A Symbol with flags_text.
Value flags_value(uint64_t value, std::span<const Named> table, std::string_view zero = "0");

// Reverse lookup for tests and option parsing: the value of a name, or -1.
int64_t value_of(std::string_view name, std::span<const Named> table);

}  // namespace whyfail::decode::xlat
