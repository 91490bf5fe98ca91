// What the tracer remembers about one traced thread between stops.
#pragma once

#include <sys/types.h>

#include "trace/event.h"

namespace whyfail::trace::ptrace {

struct TraceeThread {
  pid_t tid = 0;
  pid_t tgid = 0;
  bool in_syscall = false;     // entry seen, exit not yet
  bool state_known = true;     // false after -p attach until GET_SYSCALL_INFO told entry from exit
  bool startup = false;        // launched child before its own SIGSTOP: nothing is reported yet
  bool listening = false;      // in a group-stop, parked with PTRACE_LISTEN
  bool entry_read = false;     // pending.nr/args were read at entry (else they are read at exit)
  bool exec_happened = false;  // the pending syscall is an execve that replaced the image
  SyscallEvent pending;        // the syscall in progress
};

}  // namespace whyfail::trace::ptrace
