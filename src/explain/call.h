// One failed call as the explainers see it: the event, the tracee's state and
// access to its arguments (captured bytes, or the tracee's memory while it is
// still stopped at the syscall exit).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explain/explainer.h"
#include "explain/explanation.h"
#include "explain/proc_state.h"
#include "trace/event.h"

namespace whyfail::explain {

class Call {
 public:
  Call(const trace::SyscallEvent& event, const ExplainContext& context, const ProcState& proc);

  const trace::SyscallEvent& event() const { return event_; }
  const ExplainContext& context() const { return context_; }
  const ProcState& proc() const { return proc_; }
  int err() const { return err_; }
  int nr() const { return event_.nr; }
  const std::string& name() const { return name_; }
  uint64_t arg(int i) const { return (i >= 0 && i < 6) ? event_.args[static_cast<size_t>(i)] : 0; }
  int int_arg(int i) const { return static_cast<int>(static_cast<int32_t>(arg(i))); }

  // A NUL-terminated string argument: the captured bytes, else (live only)
  // read from /proc/PID/mem. nullopt: not available (why in *why).
  std::optional<std::string> string_arg(int i, std::string* why = nullptr) const;
  // `len` bytes at argument i (a struct): captured, else read live.
  std::optional<std::string> bytes_arg(int i, size_t len, std::string* why = nullptr) const;
  // Raw read of the tracee's memory (live only).
  std::optional<std::string> read_memory(uint64_t addr, size_t len) const;

  // Mark every cause with the timing of the state it was read from.
  void finish(std::vector<Cause>& causes) const;

 private:
  const trace::SyscallEvent& event_;
  const ExplainContext& context_;
  const ProcState& proc_;
  int err_;
  std::string name_;
};

// The syscall's name ("openat"), from the syscall table or whyfail's own list.
std::string syscall_name(int nr);

}  // namespace whyfail::explain
