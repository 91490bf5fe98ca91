// bpf_usable(): probe by trying, keep the reason. Loads the smallest program
// there is (r0 = 0; exit) rather than guessing from the kernel version.
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "trace/bpf/bpf_backend.h"
#include "util/fd.h"

namespace whyfail::trace::bpf {

namespace {

std::string read_first_line(const char* path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

// Why the kernel may refuse bpf(): the settings a user can check and change.
std::string refusal_reasons() {
  std::string why;
  if (geteuid() != 0) why += "not root (needs CAP_BPF and CAP_PERFMON); ";
  std::string lockdown = read_first_line("/sys/kernel/security/lockdown");
  if (lockdown.find("[confidentiality]") != std::string::npos)
    why += "lockdown=confidentiality forbids reading kernel memory from BPF; ";
  std::string unpriv = read_first_line("/proc/sys/kernel/unprivileged_bpf_disabled");
  if (!unpriv.empty() && unpriv != "0" && geteuid() != 0)
    why += "kernel.unprivileged_bpf_disabled=" + unpriv + "; ";
  if (why.empty()) why = "a seccomp filter or LSM may deny bpf(); ";
  why += "use --backend=ptrace";
  return why;
}

}  // namespace

Result<void> bpf_usable() {
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    return fail(errno, "reading /sys/kernel/btf/vmlinux",
                "this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), which CO-RE needs; use --backend=ptrace");
  const struct bpf_insn insns[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "whyfail_probe", "GPL", insns, 2, nullptr);
  if (fd < 0) {
    int err = -fd;
    return fail(err, "bpf(BPF_PROG_LOAD) of a trivial tracepoint program", refusal_reasons());
  }
  UniqueFd prog(fd);
  return {};
}

}  // namespace whyfail::trace::bpf
