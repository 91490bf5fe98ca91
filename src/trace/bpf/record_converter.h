// Turns ring-buffer records of syscalls.bpf.c into trace::Event values, filled
// exactly as the ptrace backend fills them (seq, pid/tid, args, ret, captures).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "trace/event.h"

namespace whyfail::trace::bpf {

class RecordConverter {
 public:
  // nullopt for a record too short or of an unknown type (never expected; counted).
  std::optional<Event> convert(const void* data, std::size_t size);
  uint64_t malformed() const { return malformed_; }

 private:
  std::optional<Event> syscall(const uint8_t* p, std::size_t size);
  uint64_t seq_ = 0;
  uint64_t malformed_ = 0;
};

}  // namespace whyfail::trace::bpf
