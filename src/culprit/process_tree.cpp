#include "culprit/process_tree.h"

#include <algorithm>

namespace whyfail::culprit {

namespace {

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

ProcessInfo& ProcessTree::get(pid_t pid, uint64_t order) {
  auto it = procs_.find(pid);
  if (it != procs_.end()) return it->second;
  if (root_ == 0) root_ = pid;
  if (procs_.size() >= kMaxProcesses) {
    // Forget the oldest ended process; a running one may still matter.
    auto victim = std::find_if(procs_.begin(), procs_.end(),
                               [&](const auto& kv) { return kv.second.exit && kv.first != root_; });
    if (victim != procs_.end()) procs_.erase(victim);
  }
  ProcessInfo& p = procs_[pid];
  p.pid = pid;
  p.first_seq = order;
  return p;
}

void ProcessTree::touch(pid_t pid, uint64_t order) { get(pid, order); }

void ProcessTree::on_spawn(const trace::SpawnEvent& spawn, uint64_t order) {
  ProcessInfo& parent = get(spawn.parent_pid, order);
  if (spawn.is_thread || spawn.child_pid == spawn.parent_pid) return;
  std::string inherited = parent.name;
  ProcessInfo& child = get(spawn.child_pid, order);
  child.parent = spawn.parent_pid;
  if (child.name.empty()) child.name = inherited;
}

void ProcessTree::on_exec(const trace::ExecEvent& exec, uint64_t order) {
  ProcessInfo& p = get(exec.pid, order);
  std::string name = basename_of(exec.filename);
  p.name = name.empty() ? exec.comm : name;
}

void ProcessTree::on_exit(const trace::ExitEvent& exit, uint64_t order) {
  if (exit.thread_only) return;
  ProcessInfo& p = get(exit.pid, order);
  p.exit = exit;
  p.exit_order = order;
}

void ProcessTree::on_detach(const trace::DetachEvent& detach, uint64_t order) {
  get(detach.pid, order).detached = true;
}

const ProcessInfo* ProcessTree::find(pid_t pid) const {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

bool ProcessTree::is_ancestor(pid_t ancestor, pid_t pid) const {
  // Bounded walk: a corrupt parent chain must not loop forever.
  for (int depth = 0; depth < 256 && pid != 0; ++depth) {
    if (pid == ancestor) return true;
    const ProcessInfo* p = find(pid);
    if (!p) return false;
    pid = p->parent;
  }
  return false;
}

bool ProcessTree::failed(const ProcessInfo& p) {
  return p.exit && (p.exit->killed || p.exit->code != 0);
}

std::vector<const ProcessInfo*> ProcessTree::failed_processes() const {
  std::vector<const ProcessInfo*> out;
  for (const auto& [pid, p] : procs_)
    if (failed(p)) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](const ProcessInfo* a, const ProcessInfo* b) { return a->exit_order < b->exit_order; });
  return out;
}

}  // namespace whyfail::culprit
