// Builds event sequences the way a backend reports them, for the ranker's tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <deque>
#include <vector>

#include "trace/event.h"

namespace whyfail::culprit::testing {

class EventBuilder {
 public:
  // A syscall exit with raw args; `ret` < 0 is -errno.
  trace::SyscallEvent& call(pid_t pid, int nr, int64_t ret);
  trace::SyscallEvent& openat(pid_t pid, const std::string& path, int64_t ret, int flags = 0);
  trace::SyscallEvent& stat(pid_t pid, const std::string& path, int64_t ret);
  trace::SyscallEvent& access(pid_t pid, const std::string& path, int64_t ret);
  trace::SyscallEvent& execve(pid_t pid, const std::string& path, int64_t ret);
  trace::SyscallEvent& write(pid_t pid, int fd, const std::string& text);
  trace::SyscallEvent& inet(pid_t pid, int nr, int port, int64_t ret);   // bind/connect to 127.0.0.1:port
  trace::SyscallEvent& mkdir(pid_t pid, const std::string& path, int64_t ret);
  void spawn(pid_t parent, pid_t child);
  void exec(pid_t pid, const std::string& filename);
  void exit(pid_t pid, int code);
  void kill(pid_t pid, int signo);

  // A deque: references returned above stay valid as events are added.
  std::deque<trace::Event>& events() { return events_; }

 private:
  uint64_t seq_ = 0;
  std::deque<trace::Event> events_;
};

}  // namespace whyfail::culprit::testing
