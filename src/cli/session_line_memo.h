// The text line of the last failure, reused for an identical repeat. A loop failing the
// same call a million times would otherwise decode and render the same line a million
// times, and on a 2-CPU machine that work competes with the traced program.
#pragma once

#include <string>

#include "explain/explanation.h"
#include "trace/event.h"

namespace whyfail::cli {

class SessionLineMemo {
 public:
  // The line rendered for `call` when it is the same call as the remembered one (same
  // thread, syscall, arguments, captured bytes and result) explained by the same
  // explanation; else nullptr.
  const std::string* find(const trace::SyscallEvent& call, const explain::Explanation* why) const;
  // Remember `line` as the rendering of `call`. Only for a line that depends on nothing
  // else: no timestamps or durations, no descriptor looked up in /proc, no stack or
  // kernel origin (the session decides).
  void store(const trace::SyscallEvent& call, const explain::Explanation* why, std::string line);
  // Anything else happened (another event, a line that cannot be reused): forget.
  void clear() { valid_ = false; }

 private:
  bool valid_ = false;
  trace::SyscallEvent call_;
  const explain::Explanation* why_ = nullptr;
  std::string line_;
};

}  // namespace whyfail::cli
