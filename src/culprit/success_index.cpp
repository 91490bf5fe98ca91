#include "culprit/success_index.h"

#include <sys/syscall.h>

#include "culprit/named_objects.h"

namespace whyfail::culprit {

void SuccessIndex::note(std::unordered_map<std::string, uint64_t>& map, const std::string& key,
                        uint64_t order) {
  auto it = map.find(key);
  if (it != map.end()) it->second = order;
  else if (map.size() < kMaxNames) map.emplace(key, order);
}

void SuccessIndex::on_syscall(const trace::SyscallEvent& call, uint64_t order) {
  if (!call.finished || call.error() != 0) return;
  if (call.nr == SYS_execve || call.nr == SYS_execveat) {
    if (execs_.size() < kMaxNames || execs_.count(call.pid)) execs_[call.pid] = order;
  }
  for (const std::string& path : named_objects(call).paths) {
    note(paths_, path, order);
    note(bases_, base_name(path), order);
  }
}

void SuccessIndex::on_exec(const trace::ExecEvent& exec, uint64_t order) {
  if (execs_.size() < kMaxNames || execs_.count(exec.pid)) execs_[exec.pid] = order;
  if (!exec.filename.empty()) {
    note(paths_, exec.filename, order);
    note(bases_, base_name(exec.filename), order);
  }
}

uint64_t SuccessIndex::last_on_path(const std::string& path) const {
  auto it = paths_.find(path);
  return it == paths_.end() ? 0 : it->second;
}

uint64_t SuccessIndex::last_on_basename(const std::string& base) const {
  auto it = bases_.find(base);
  return it == bases_.end() ? 0 : it->second;
}

uint64_t SuccessIndex::last_exec(pid_t pid) const {
  auto it = execs_.find(pid);
  return it == execs_.end() ? 0 : it->second;
}

}  // namespace whyfail::culprit
