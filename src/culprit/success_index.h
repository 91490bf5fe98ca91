// Which names later calls reached successfully. A failed probe followed by a
// successful call on the same name (or the same basename elsewhere: a search
// path) was a look-up, not the failure.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "trace/event.h"

namespace whyfail::culprit {

class SuccessIndex {
 public:
  static constexpr std::size_t kMaxNames = 100000;

  void on_syscall(const trace::SyscallEvent& call, uint64_t order);
  // A successful exec, as the backend reports it (the syscall exit may not
  // carry the path when the backend reports execs apart).
  void on_exec(const trace::ExecEvent& exec, uint64_t order);

  // Order of the last success on this exact path / basename, 0 when none.
  uint64_t last_on_path(const std::string& path) const;
  uint64_t last_on_basename(const std::string& base) const;
  // Last successful exec of this process (order), 0 when none.
  uint64_t last_exec(pid_t pid) const;

 private:
  void note(std::unordered_map<std::string, uint64_t>& map, const std::string& key, uint64_t order);
  std::unordered_map<std::string, uint64_t> paths_;
  std::unordered_map<std::string, uint64_t> bases_;
  std::unordered_map<pid_t, uint64_t> execs_;
};

}  // namespace whyfail::culprit
