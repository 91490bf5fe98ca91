#include "trace/ptrace/seccomp_filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

namespace whyfail::trace::ptrace {

namespace {

// x32 syscalls carry this bit in nr with AUDIT_ARCH_X86_64; whyfail decodes
// only the native 64-bit ABI, so they (and i386 ones) run untraced.
constexpr uint32_t kX32SyscallBit = 0x40000000;

sock_filter stmt(uint16_t code, uint32_t k) { return sock_filter{code, 0, 0, k}; }
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
  return sock_filter{code, jt, jf, k};
}

}  // namespace

std::vector<sock_filter> build_seccomp_filter(const SyscallSet& selected, const SyscallSet& message_only) {
  std::vector<sock_filter> prog;
  prog.reserve(8 + 2 * selected.count());
  prog.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  prog.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  prog.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, kX32SyscallBit, 0, 1));
  prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  // One compare + one return per syscall: jump offsets stay 0/1, so the
  // 8-bit jt/jf limit never matters however many syscalls are selected.
  for (std::size_t nr = 0; nr < selected.size(); ++nr) {
    if (!selected.test(nr)) continue;
    if (message_only.test(nr)) {
      // Only writes to stdout/stderr: compare the low word of args[0]
      // (little-endian) with 1 and 2. Every path of this block returns, so
      // loading the argument over the syscall number is safe.
      prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 5));
      prog.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])));
      prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0));
      prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 2, 1, 0));
      prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
      prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
      continue;
    }
    prog.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1));
    prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  }
  prog.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return prog;
}

int install_seccomp_filter(const std::vector<sock_filter>& program) {
  sock_fprog fprog{static_cast<unsigned short>(program.size()),
                   const_cast<sock_filter*>(program.data())};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0) return 0;
  if (errno != EACCES) return errno;
  // Without CAP_SYS_ADMIN (e.g. after -u USER) the kernel demands
  // no_new_privs; set it only then, as it disables setuid binaries.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) return errno;
  return 0;
}

}  // namespace whyfail::trace::ptrace
