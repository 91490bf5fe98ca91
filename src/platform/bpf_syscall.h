// Minimal raw bpf()/perf_event_open() wrappers for the probes: the probes must
// say why the kernel refused, so they talk to it without libbpf in between.
#pragma once

#include <linux/bpf.h>

#include <string>

#include "util/result.h"

namespace whyfail::platform {

// Owns one file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

// Loads "r0 = 0; exit" as a program of `type`. The verifier log (if any)
// goes into the error's hint.
Result<Fd> load_trivial_prog(bpf_prog_type type, bpf_attach_type expected_attach = {},
                             unsigned attach_btf_id = 0);

Result<Fd> create_map(bpf_map_type type, unsigned key_size, unsigned value_size,
                      unsigned max_entries);

// bpf(cmd, attr) returning -1/errno.
long sys_bpf(int cmd, union bpf_attr* attr);

}  // namespace whyfail::platform
