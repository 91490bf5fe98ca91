// -k: the user-space stack of a thread stopped at a syscall, unwound with
// libdw (CFI from .eh_frame/.debug_frame, so binaries without frame pointers
// unwind too). One Dwfl session per process, rebuilt lazily after exec or a
// change of its mappings, never per event.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

struct Dwfl;

namespace whyfail::trace::ptrace {

class StackUnwinder {
 public:
  StackUnwinder() = default;
  StackUnwinder(const StackUnwinder&) = delete;
  StackUnwinder& operator=(const StackUnwinder&) = delete;
  ~StackUnwinder() { clear(); }

  // Return addresses of `tid` (a ptrace-stopped thread of `pid`), innermost
  // first, at most `max_frames`. Empty if the stack cannot be unwound.
  // `activations`, when given, gets for each whether it is an interrupted pc
  // (the innermost, or one a signal interrupted) rather than a return address.
  std::vector<uint64_t> unwind(pid_t pid, pid_t tid, std::size_t max_frames = 64,
                               std::vector<bool>* activations = nullptr);

  // The process's mappings changed (mmap, munmap, exec): re-read them when next needed.
  void invalidate(pid_t pid);
  // The process is gone.
  void forget(pid_t pid);
  void clear();

 private:
  struct Session {
    Dwfl* dwfl = nullptr;
    bool stale = false;
  };
  Dwfl* session_for(pid_t pid);

  std::unordered_map<pid_t, Session> sessions_;
};

}  // namespace whyfail::trace::ptrace
