// Which rule, if any, applies to one call at its entry: the rules' filters,
// then the :when= count, kept per rule, per syscall and per thread as strace
// keeps it ("per syscall and per tracee"); only calls that pass a rule's
// filters count for it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "inject/rule.h"

namespace whyfail::inject {

// What the tracer can find out about the call being decided. Each is asked
// only when a rule covering the call has the matching filter, and at most
// once per call, so the costs (reading /proc, the tracee's memory,
// unwinding its stack) are paid only where a filter needs them.
class CallFacts {
 public:
  virtual ~CallFacts() = default;
  virtual std::string comm() = 0;
  virtual std::string exe() = 0;
  virtual std::optional<std::string> path() = 0;          // nullopt: no path argument
  virtual std::vector<std::string> functions() = 0;       // user-space frames, innermost first
  virtual std::string call_site() = 0;                    // "" when the stack is unknown
};

class Injector {
 public:
  explicit Injector(std::vector<InjectRule> rules = {});

  bool empty() const { return rules_.empty(); }
  const std::vector<InjectRule>& rules() const { return rules_; }
  // Some rule names syscall `nr`: its entry must be looked at.
  bool covers(int nr) const;
  // Counts the call for every rule that covers `nr` and whose filters pass,
  // and returns the one to apply: of those whose :when= fires, the last on
  // the command line (as in strace, where a later rule for a syscall replaces
  // an earlier one). nullptr: the call runs untouched.
  const InjectRule* decide(pid_t tid, int nr, CallFacts& facts);
  // The thread is gone: its counts go with it.
  void forget_thread(pid_t tid) { counts_.erase(tid); }

 private:
  std::vector<InjectRule> rules_;
  SyscallBits covered_;
  // tid -> (rule index << 10 | nr) -> calls counted so far.
  std::unordered_map<pid_t, std::unordered_map<uint32_t, uint32_t>> counts_;
};

// fnmatch(3) without flags.
bool glob_matches(const std::string& pattern, const std::string& text);

}  // namespace whyfail::inject
