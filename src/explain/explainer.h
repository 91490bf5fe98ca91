// Entry point: explain one failed syscall from the tracee's real state.
#pragma once

#include "explain/explanation.h"
#include "trace/event.h"

namespace whyfail::explain {

struct ExplainContext {
  // True when the tracee is stopped at this syscall's exit (ptrace): /proc
  // reads reflect the state at failure time. False: read after the fact.
  bool live = false;
};

Explanation explain_failure(const trace::SyscallEvent& event, const ExplainContext& context);

}  // namespace whyfail::explain
