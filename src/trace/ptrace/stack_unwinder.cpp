#include "trace/ptrace/stack_unwinder.h"

#include <elfutils/libdwfl.h>

namespace whyfail::trace::ptrace {

namespace {

char* no_debuginfo_path = nullptr;

const Dwfl_Callbacks kCallbacks = {
    dwfl_linux_proc_find_elf,
    dwfl_standard_find_debuginfo,
    nullptr,
    &no_debuginfo_path,
};

struct Walk {
  std::vector<uint64_t>* out;
  std::vector<bool>* activations;
  std::size_t max;
};

int on_frame(Dwfl_Frame* frame, void* arg) {
  auto* walk = static_cast<Walk*>(arg);
  Dwarf_Addr pc = 0;
  bool activation = false;
  if (!dwfl_frame_pc(frame, &pc, &activation)) return DWARF_CB_ABORT;
  walk->out->push_back(pc);
  if (walk->activations) walk->activations->push_back(activation);
  return walk->out->size() >= walk->max ? DWARF_CB_ABORT : DWARF_CB_OK;
}

}  // namespace

Dwfl* StackUnwinder::session_for(pid_t pid) {
  Session& s = sessions_[pid];
  if (s.dwfl && !s.stale) return s.dwfl;
  if (s.dwfl) {
    // Same process, new mappings: re-report the modules, keep the session.
    dwfl_report_begin(s.dwfl);
    if (dwfl_linux_proc_report(s.dwfl, pid) != 0) return nullptr;
    dwfl_report_end(s.dwfl, nullptr, nullptr);
    s.stale = false;
    return s.dwfl;
  }
  s.dwfl = dwfl_begin(&kCallbacks);
  if (!s.dwfl) return nullptr;
  // The thread is already ptrace-stopped by us: libdw must not attach itself.
  if (dwfl_linux_proc_report(s.dwfl, pid) != 0 || dwfl_report_end(s.dwfl, nullptr, nullptr) != 0 ||
      dwfl_linux_proc_attach(s.dwfl, pid, true) != 0) {
    dwfl_end(s.dwfl);
    s.dwfl = nullptr;
    return nullptr;
  }
  return s.dwfl;
}

std::vector<uint64_t> StackUnwinder::unwind(pid_t pid, pid_t tid, std::size_t max_frames,
                                            std::vector<bool>* activations) {
  std::vector<uint64_t> out;
  if (activations) activations->clear();
  Dwfl* dwfl = session_for(pid);
  if (!dwfl) return out;
  Walk walk{&out, activations, max_frames};
  dwfl_getthread_frames(dwfl, tid, on_frame, &walk);  // a partial stack is still useful
  return out;
}

void StackUnwinder::invalidate(pid_t pid) {
  auto it = sessions_.find(pid);
  if (it != sessions_.end()) it->second.stale = true;
}

void StackUnwinder::forget(pid_t pid) {
  auto it = sessions_.find(pid);
  if (it == sessions_.end()) return;
  if (it->second.dwfl) dwfl_end(it->second.dwfl);
  sessions_.erase(it);
}

void StackUnwinder::clear() {
  for (auto& [pid, s] : sessions_)
    if (s.dwfl) dwfl_end(s.dwfl);
  sessions_.clear();
}

}  // namespace whyfail::trace::ptrace
