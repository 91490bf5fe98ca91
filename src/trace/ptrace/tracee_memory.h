// Copying bytes out of a stopped tracee: process_vm_readv, one page at a time
// so a string ending just before an unmapped page is still read, with a
// PTRACE_PEEKDATA fallback where process_vm_readv is unavailable.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "trace/event.h"

namespace whyfail::trace::ptrace {

class TraceeMemory {
 public:
  explicit TraceeMemory(pid_t tid) : tid_(tid) {}

  // Reads up to `len` bytes at `addr` into `out`; returns how many were read
  // (fewer when an unmapped page is reached).
  std::size_t read(uint64_t addr, void* out, std::size_t len);

  // A NUL-terminated string of at most `limit` bytes.
  CapturedBytes read_string(uint64_t addr, std::size_t limit);

  // `len` bytes, of which at most `limit` are kept.
  CapturedBytes read_buffer(uint64_t addr, std::size_t len, std::size_t limit);

 private:
  std::size_t read_peek(uint64_t addr, void* out, std::size_t len);

  pid_t tid_;
  bool use_peek_ = false;
};

}  // namespace whyfail::trace::ptrace
