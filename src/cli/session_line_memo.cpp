#include "cli/session_line_memo.h"

namespace whyfail::cli {

namespace {

bool same_bytes(const std::optional<trace::CapturedBytes>& a, const std::optional<trace::CapturedBytes>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->fault == b->fault && a->truncated == b->truncated && a->elements_total == b->elements_total &&
         a->parts == b->parts && a->bytes == b->bytes;
}

// Everything the decoder and the text renderer read from an event, except times
// (the session stores no line when times are shown).
bool same_call(const trace::SyscallEvent& a, const trace::SyscallEvent& b) {
  if (a.pid != b.pid || a.tid != b.tid || a.nr != b.nr || a.ret != b.ret || a.args != b.args ||
      a.finished != b.finished || a.injected != b.injected || a.kernel.has_value() || b.kernel.has_value() ||
      !a.user_stack.empty() || !b.user_stack.empty())
    return false;
  for (std::size_t i = 0; i < a.captured.size(); ++i)
    if (!same_bytes(a.captured[i], b.captured[i])) return false;
  return true;
}

}  // namespace

const std::string* SessionLineMemo::find(const trace::SyscallEvent& call, const explain::Explanation* why) const {
  if (!valid_ || why != why_ || !same_call(call, call_)) return nullptr;
  return &line_;
}

void SessionLineMemo::store(const trace::SyscallEvent& call, const explain::Explanation* why, std::string line) {
  call_ = call;
  why_ = why;
  line_ = std::move(line);
  valid_ = true;
}

}  // namespace whyfail::cli
