#include "decode/xlat/xlat.h"

#include <cstdio>

namespace whyfail::decode::xlat {

namespace {

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string flags_text(uint64_t value, std::span<const Named> table, std::string_view zero) {
  if (value == 0) {
    for (const auto& e : table)
      if (e.value == 0) return std::string(e.name);
    return std::string(zero.empty() ? "0" : zero);
  }
  std::string out;
  uint64_t left = value;
  for (const auto& e : table) {
    if (e.value == 0 || (left & e.value) != e.value) continue;
    if (!out.empty()) out += '|';
    out += e.name;
    left &= ~e.value;
  }
  if (left) {
    if (!out.empty()) out += '|';
    out += hex(left);
  }
  return out;
}

std::string_view enum_name(uint64_t value, std::span<const Named> table) {
  for (const auto& e : table)
    if (e.value == value) return e.name;
  return {};
}

Value enum_value(int64_t value, std::span<const Named> table, bool as_hex) {
  auto name = enum_name(static_cast<uint64_t>(value), table);
  if (!name.empty()) return Value::make_symbol(std::string(name));
  return as_hex ? Value::make_hex(static_cast<uint64_t>(value)) : Value::make_int(value);
}

Value flags_value(uint64_t value, std::span<const Named> table, std::string_view zero) {
  return Value::make_symbol(flags_text(value, table, zero));
}

int64_t value_of(std::string_view name, std::span<const Named> table) {
  for (const auto& e : table)
    if (e.name == name) return static_cast<int64_t>(e.value);
  return -1;
}

}  // namespace whyfail::decode::xlat
