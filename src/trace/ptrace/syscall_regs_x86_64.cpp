#include <sys/ptrace.h>
#include <sys/user.h>

#include <cstddef>

#include "trace/ptrace/syscall_regs.h"

namespace whyfail::trace::ptrace {

bool read_syscall_regs(pid_t tid, SyscallRegs& out) {
  user_regs_struct regs;
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  out.nr = static_cast<int>(regs.orig_rax);
  out.args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
  out.ret = static_cast<int64_t>(regs.rax);
  return true;
}

bool set_syscall_nr(pid_t tid, int nr) {
  auto value = static_cast<long>(nr);  // -1 sign-extends: the kernel compares orig_rax as a long
  return ::ptrace(PTRACE_POKEUSER, tid, reinterpret_cast<void*>(offsetof(user_regs_struct, orig_rax)),
                  reinterpret_cast<void*>(value)) == 0;
}

bool set_syscall_return(pid_t tid, int64_t ret) {
  return ::ptrace(PTRACE_POKEUSER, tid, reinterpret_cast<void*>(offsetof(user_regs_struct, rax)),
                  reinterpret_cast<void*>(static_cast<long>(ret))) == 0;
}

StopOp syscall_stop_op(pid_t tid) {
  __ptrace_syscall_info info{};
  long n = ::ptrace(PTRACE_GET_SYSCALL_INFO, tid,
                    reinterpret_cast<void*>(sizeof info), &info);
  if (n <= 0) return StopOp::Unknown;
  switch (info.op) {
    case PTRACE_SYSCALL_INFO_ENTRY: return StopOp::Entry;
    case PTRACE_SYSCALL_INFO_EXIT: return StopOp::Exit;
    case PTRACE_SYSCALL_INFO_SECCOMP: return StopOp::Seccomp;
    default: return StopOp::Unknown;
  }
}

}  // namespace whyfail::trace::ptrace
