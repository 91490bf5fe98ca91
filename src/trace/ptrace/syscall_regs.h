// Reading a stopped thread's syscall registers (x86_64).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>

namespace whyfail::trace::ptrace {

struct SyscallRegs {
  int nr = -1;                    // orig_rax
  std::array<uint64_t, 6> args{}; // rdi rsi rdx r10 r8 r9
  int64_t ret = 0;                // rax (the return value at exit)
};

// PTRACE_GETREGS: one system call gives number, arguments and return value.
// At a syscall exit the argument registers still hold the arguments, except
// after a successful execve (new image) and rt_sigreturn (restored context).
bool read_syscall_regs(pid_t tid, SyscallRegs& out);

// Injection: at a syscall entry stop, the number the kernel will run (-1:
// none, the call is skipped); at its exit stop, the value the caller sees.
// PTRACE_POKEUSER of orig_rax / rax.
bool set_syscall_nr(pid_t tid, int nr);
bool set_syscall_return(pid_t tid, int64_t ret);

enum class StopOp { Entry, Exit, Seccomp, Unknown };

// PTRACE_GET_SYSCALL_INFO: whether a syscall stop is an entry or an exit.
// Used once per attached thread, whose position in a syscall is unknown.
StopOp syscall_stop_op(pid_t tid);

}  // namespace whyfail::trace::ptrace
