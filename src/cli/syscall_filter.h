// -e trace=EXPR: which syscalls to show, as strace spells it.
#pragma once

#include <string>
#include <vector>

#include "trace/trace_spec.h"
#include "util/result.h"

namespace whyfail::cli {

struct SyscallFilter {
  trace::SyscallSet set;     // the syscalls to show
  bool restricted = false;   // false: every syscall
};

// Parses each expression (the part after "trace="), in order: NAME, %CLASS, /REGEX,
// all, none, comma-separated, a leading '!' negating the expression, '?' before an
// element ignoring it when unknown. Several expressions accumulate, as in strace.
// An unknown name is an error naming the closest known ones.
Result<SyscallFilter> parse_syscall_filter(const std::vector<std::string>& expressions);

}  // namespace whyfail::cli
