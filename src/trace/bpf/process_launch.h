// Starting the traced command so that its very first instruction is traced:
// fork, hold the child before exec on a pipe until its pid is in the traced
// set, then let it exec. Also: the live descendants of a process, for -p.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "util/fd.h"
#include "util/result.h"

namespace whyfail::trace::bpf {

class HeldChild {
 public:
  // Forks; the child waits, then (optionally) drops to uid/gid and execvp()s argv.
  static Result<HeldChild> fork_held(const std::vector<std::string>& argv, uid_t uid, gid_t gid);
  HeldChild(HeldChild&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)), released_(o.released_), go_(std::move(o.go_)),
        exec_err_(std::move(o.exec_err_)) {}
  HeldChild& operator=(HeldChild&&) = delete;
  ~HeldChild();

  pid_t pid() const { return pid_; }
  // Lets the child exec; returns the exec error (the child then exits 127).
  Result<void> release();
  // Kills and reaps a child that was never released (setup failed).
  void abandon();

 private:
  HeldChild() = default;
  pid_t pid_ = -1;
  bool released_ = false;
  UniqueFd go_;        // write end: one byte lets the child exec
  UniqueFd exec_err_;  // read end: EOF = exec succeeded, else the child's errno
};

// pid and every process below it (from /proc/PID/task/*/children), pid first.
std::vector<pid_t> process_tree(pid_t pid);

// Whether a process with this tgid still exists (not yet reaped).
bool process_exists(pid_t pid);

}  // namespace whyfail::trace::bpf
