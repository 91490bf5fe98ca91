#include "round_trip.h"

#include <cstring>

namespace whyfail::decode::test {

std::optional<uint64_t> encode(const std::string& text, const NameMap& names) {
  uint64_t out = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t bar = text.find('|', start);
    std::string tok = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    if (auto it = names.find(tok); it != names.end()) {
      out |= it->second;
    } else if (tok.rfind("0x", 0) == 0) {
      out |= std::stoull(tok, nullptr, 16);
    } else if (tok == "0") {
    } else {
      return std::nullopt;
    }
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

const Value* field(const Value& v, const std::string& name) {
  for (const auto& [k, fv] : v.fields)
    if (k == name) return &fv;
  return nullptr;
}

trace::CapturedBytes capture_of(const void* data, size_t size) {
  trace::CapturedBytes c;
  c.bytes.assign(static_cast<const char*>(data), size);
  return c;
}

}  // namespace whyfail::decode::test
