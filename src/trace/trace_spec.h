// What to trace, as the backend needs to know it. Display choices (what to
// print) are not here; the backend only needs to know what to stop for and
// what to capture.
#pragma once

#include <sys/types.h>

#include <bitset>
#include <cstddef>
#include <string>
#include <vector>

#include "inject/rule.h"

namespace whyfail::trace {

inline constexpr std::size_t kMaxSyscalls = 1024;
static_assert(kMaxSyscalls == inject::kMaxSyscalls);
using SyscallSet = std::bitset<kMaxSyscalls>;

struct TraceSpec {
  std::vector<std::string> command;   // run this (argv), or
  std::vector<pid_t> attach_pids;     // attach to these
  bool follow_forks = true;           // -f (default on)
  SyscallSet syscalls;                // which syscalls to stop for (all set = all)
  bool restricted = false;            // syscalls is a subset: the launched command gets a seccomp filter
  SyscallSet message_only;            // of syscalls, those added only for the program's messages
                                      // (not asked for): a seccomp filter stops them only for fd 1 and 2
  bool use_seccomp = true;            // allowed to use a seccomp filter when restricted
  std::size_t string_limit = 64;      // -s: bytes captured from buffers and non-path strings
  std::size_t path_limit = 4096;      // bytes captured from path strings (PATH_MAX)
  bool only_failures = false;         // the consumer wants failed calls only (plus what culprit needs):
                                      // a backend may drop the rest before they leave the kernel
  std::size_t message_limit = 4096;   // bytes captured from successful writes in only_failures mode:
                                      // the program's own error messages, which the culprit reads
  bool user_stacks = false;           // -k
  bool timestamps = true;             // the consumer shows or exports event times (-t, -r, -T, -c,
                                      // JSON): when false a backend may skip reading the clock
                                      // per call and stamp events when it reads them instead
  uid_t run_as_uid = static_cast<uid_t>(-1);  // -u USER
  gid_t run_as_gid = static_cast<gid_t>(-1);
  // -e inject=/fault=/delay= (ptrace backend only; docs/injection.md). Their
  // syscalls must be in `syscalls` (and not in message_only) so a seccomp
  // filter stops for them.
  std::vector<inject::InjectRule> inject_rules;

  // System-wide mode (--system, BPF backend only): every process, narrowed by these filters.
  bool system_wide = false;
  std::vector<std::string> comm_filter;   // --comm
  std::vector<pid_t> pid_filter;          // --pid
  std::vector<uid_t> uid_filter;          // --uid
  std::vector<int> errno_filter;          // --errno: report only these errnos (empty: any failure)
  double duration_s = 0;                  // --duration: stop after this many seconds (0: until Ctrl-C)
  std::size_t ring_buffer_bytes = 0;      // BPF ring buffer size (0: backend default)
};

}  // namespace whyfail::trace
