// Who is whose parent, what each process ran and how it ended: the shape of a
// run the ranker needs to tell the process that failed from its bystanders.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/event.h"

namespace whyfail::culprit {

struct ProcessInfo {
  pid_t pid = 0;
  pid_t parent = 0;                  // 0 when unknown (the root, or an attached process)
  std::string name;                  // basename of the last exec, or inherited from the parent
  uint64_t first_seq = 0;            // order of the first thing seen from it
  std::optional<trace::ExitEvent> exit;
  uint64_t exit_order = 0;           // position in the event stream of its exit
  bool detached = false;
};

class ProcessTree {
 public:
  // `order` is the position of the event in the stream (syscall seqs are not
  // enough: spawns and exits carry none).
  void on_spawn(const trace::SpawnEvent& spawn, uint64_t order);
  void on_exec(const trace::ExecEvent& exec, uint64_t order);
  void on_exit(const trace::ExitEvent& exit, uint64_t order);
  void on_detach(const trace::DetachEvent& detach, uint64_t order);
  // Registers a pid seen in a syscall (the root shows up this way first).
  void touch(pid_t pid, uint64_t order);

  const ProcessInfo* find(pid_t pid) const;
  // The first process seen: in launch mode, the command itself.
  pid_t root() const { return root_; }
  // True when `ancestor` is `pid` or one of its ancestors.
  bool is_ancestor(pid_t ancestor, pid_t pid) const;
  // Same process, ancestor or descendant.
  bool related(pid_t a, pid_t b) const { return is_ancestor(a, b) || is_ancestor(b, a); }
  // Processes that exited non-zero or were killed, in exit order.
  std::vector<const ProcessInfo*> failed_processes() const;
  static bool failed(const ProcessInfo& p);

 private:
  ProcessInfo& get(pid_t pid, uint64_t order);
  std::unordered_map<pid_t, ProcessInfo> procs_;
  pid_t root_ = 0;
  // Bounded: a fork bomb must not grow this without limit.
  static constexpr std::size_t kMaxProcesses = 65536;
};

}  // namespace whyfail::culprit
