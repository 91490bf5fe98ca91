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
  // -k frames the kernel gave with a build-id, and as a bare address (status IP).
  uint64_t stack_ids_valid() const { return stack_ids_valid_; }
  uint64_t stack_ids_ip() const { return stack_ids_ip_; }
  // CLOCK_MONOTONIC of the current read: the time of syscall records the
  // kernel did not stamp (timestamps off).
  void set_read_time(uint64_t ns) { read_ns_ = ns; }

 private:
  std::optional<Event> syscall(const uint8_t* p, std::size_t size);
  void stack_frames(const uint8_t* p, std::size_t size, std::size_t at, std::size_t bytes,
                    std::size_t raw_addresses, SyscallEvent& e);
  uint64_t seq_ = 0;
  uint64_t malformed_ = 0;
  uint64_t stack_ids_valid_ = 0;
  uint64_t stack_ids_ip_ = 0;
  uint64_t read_ns_ = 0;
};

}  // namespace whyfail::trace::bpf
