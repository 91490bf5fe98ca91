// What the tracer remembers about one traced thread between stops.
#pragma once

#include <sys/types.h>

#include "inject/rule.h"
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
  // Injection (docs/injection.md), set at the entry of a call a rule applies to.
  const inject::InjectRule* inject_rule = nullptr;
  bool result_replaced = false;  // orig_rax was changed: the exit stop writes the rule's result
  int injected_nr = -1;          // the call's own number (orig_rax now says -1 or syscall=)
  // Held in its stop by a delay until hold_due_ns; the timer resumes it with held_sig.
  bool held = false;
  uint64_t hold_due_ns = 0;
  int held_sig = 0;
};

}  // namespace whyfail::trace::ptrace
