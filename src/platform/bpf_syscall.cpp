#include "platform/bpf_syscall.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace whyfail::platform {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int Fd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

long sys_bpf(int cmd, union bpf_attr* attr) {
  return ::syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

Result<Fd> load_trivial_prog(bpf_prog_type type, bpf_attach_type expected_attach,
                             unsigned attach_btf_id) {
  // r0 = 0; exit
  bpf_insn insns[2];
  std::memset(insns, 0, sizeof insns);
  insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
  insns[0].dst_reg = BPF_REG_0;
  insns[0].imm = 0;
  insns[1].code = BPF_JMP | BPF_EXIT;
  static const char license[] = "GPL";
  char log[512] = {};

  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = type;
  attr.insns = reinterpret_cast<uint64_t>(insns);
  attr.insn_cnt = 2;
  attr.license = reinterpret_cast<uint64_t>(license);
  attr.expected_attach_type = expected_attach;
  attr.attach_btf_id = attach_btf_id;
  attr.log_buf = reinterpret_cast<uint64_t>(log);
  attr.log_size = sizeof log;
  attr.log_level = 1;
  long fd = sys_bpf(BPF_PROG_LOAD, &attr);
  if (fd < 0 && errno == ENOSPC) {  // log too small: retry without it
    attr.log_buf = 0;
    attr.log_size = 0;
    attr.log_level = 0;
    fd = sys_bpf(BPF_PROG_LOAD, &attr);
  }
  if (fd < 0) {
    const int err = errno;
    std::string hint(log);
    while (!hint.empty() && (hint.back() == '\n')) hint.pop_back();
    return fail(err, "bpf(BPF_PROG_LOAD, type " + std::to_string(type) + ")", hint);
  }
  return Fd(static_cast<int>(fd));
}

Result<Fd> create_map(bpf_map_type type, unsigned key_size, unsigned value_size,
                      unsigned max_entries) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.map_type = type;
  attr.key_size = key_size;
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  long fd = sys_bpf(BPF_MAP_CREATE, &attr);
  if (fd < 0) return fail(errno, "bpf(BPF_MAP_CREATE, type " + std::to_string(type) + ")");
  return Fd(static_cast<int>(fd));
}

}  // namespace whyfail::platform
