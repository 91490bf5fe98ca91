// The interface every tracing backend implements. A backend runs or attaches
// to processes, stops for syscalls, fills event records and hands them to a
// sink. The sink is called while the tracee is still stopped where the
// backend can do that (ptrace): an explanation computed inside on_event sees
// the tracee's exact state.
#pragma once

#include <cstdint>
#include <string>

#include "trace/event.h"
#include "trace/trace_spec.h"
#include "util/result.h"

namespace whyfail::trace {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Called once per event, in order. `live` is true when the tracee that
  // produced a SyscallEvent is still stopped at the syscall exit.
  virtual void on_event(const Event& event, bool live) = 0;
};

struct BackendStats {
  uint64_t events = 0;
  uint64_t lost = 0;           // sum of LostEvent counts delivered
  uint64_t syscall_stops = 0;  // stops the tracee paid for (ptrace) or programs run (bpf)
};

// How the traced command ended (launch mode), for whyfail's own exit status.
struct RunOutcome {
  bool launched = false;   // false in -p mode
  bool killed = false;
  int code = 0;
  int signo = 0;
  bool detached = false;   // -p mode ended by Ctrl-C / SIGTERM: processes left running
  // The exit status whyfail should return: code, or 128+signo.
  int shell_status() const { return killed ? 128 + signo : code; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Launch or attach per spec, deliver every event to sink, return when every
  // traced process has ended or been detached.
  virtual Result<RunOutcome> run(const TraceSpec& spec, EventSink& sink) = 0;
  // Ask run() to detach and return soon. Async-signal-safe.
  virtual void request_stop() = 0;
  virtual BackendStats stats() const = 0;
};

}  // namespace whyfail::trace
