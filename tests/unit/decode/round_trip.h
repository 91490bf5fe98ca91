// Helpers for the decode tests: turn a decoded "A|B|0x40" back into a number
// using the test's own name->value map built from the system headers, so a
// test compares two independent views of the same constants.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "decode/value.h"
#include "trace/event.h"

namespace whyfail::decode::test {

using NameMap = std::map<std::string, uint64_t>;

// The value a flag-set text denotes; nullopt if a token is unknown.
std::optional<uint64_t> encode(const std::string& text, const NameMap& names);

// The field `name` of a Struct value, or nullptr.
const Value* field(const Value& v, const std::string& name);

// A capture holding `bytes` (not truncated, no fault).
trace::CapturedBytes capture_of(const void* data, size_t size);

}  // namespace whyfail::decode::test
