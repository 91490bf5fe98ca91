// One -e inject= / -e fault= / -e delay= rule, as the tracer applies it.
// No dependencies: trace/trace_spec.h carries these to the ptrace backend.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>

namespace whyfail::inject {

inline constexpr std::size_t kMaxSyscalls = 1024;  // = trace::kMaxSyscalls
using SyscallBits = std::bitset<kMaxSyscalls>;

// :when=FIRST[..LAST][+[STEP]], counted from 1 over the calls a rule sees.
struct When {
  uint32_t first = 1;
  uint32_t last = 0;   // 0: no last
  uint32_t step = 1;   // 0: only call number `first`
  // Whether call number `n` (1-based) of this rule's count is injected.
  bool fires(uint64_t n) const;
};

struct InjectRule {
  std::string text;          // as written after "-e ", for messages
  std::string set_expr;      // the syscall set as written (parsed like -e trace=)
  SyscallBits syscalls;      // filled from set_expr by the command line

  bool has_error = false;    // :error=ERRNO
  int error = 0;
  bool has_retval = false;   // :retval=N
  int64_t retval = 0;
  int signal = 0;            // :signal=SIG (0: none)
  uint64_t delay_enter_ns = 0;
  uint64_t delay_exit_ns = 0;
  int substitute_nr = -1;    // :syscall=NAME runs this harmless call instead of none
  When when;

  // whyfail's own filters; empty: any. Globs are fnmatch(3) patterns without
  // flags, so '*' also matches '/'.
  std::string comm;          // :comm=GLOB, the process's comm
  std::string exe;           // :exe=GLOB, the process's executable path
  std::string path;          // :path=GLOB, the call's path argument as passed
  std::string caller;        // :caller=GLOB, the function name of any user-space frame
  std::string site;          // :site=KEY, symbolize::call_site_key() of the call

  // The call does not reach the kernel; its result is injected.
  bool replaces_result() const { return has_error || has_retval; }
  int64_t injected_return() const { return has_error ? -static_cast<int64_t>(error) : retval; }
  bool needs_stack() const { return !caller.empty() || !site.empty(); }
};

}  // namespace whyfail::inject
