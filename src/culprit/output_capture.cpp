#include "culprit/output_capture.h"

#include <fcntl.h>
#include <sys/syscall.h>

#include <algorithm>

namespace whyfail::culprit {

namespace {

// Where a write to `fd` goes, when we care: 1 and 2 always count (even when
// redirected to a pipe, a parent usually forwards that text), others only
// when opened for writing or duplicated from one that counts.
bool kind_of(const std::unordered_map<int, OutputKind>& fds, int fd, OutputKind& kind) {
  auto it = fds.find(fd);
  if (it != fds.end()) {
    kind = it->second;
    return true;
  }
  if (fd == 1) { kind = OutputKind::Stdout; return true; }
  if (fd == 2) { kind = OutputKind::Stderr; return true; }
  return false;
}

std::string written_text(const trace::SyscallEvent& call, int arg) {
  const auto& cap = call.captured[arg];
  if (!cap || cap->fault) return {};
  std::size_t n = std::min<std::size_t>(cap->bytes.size(), static_cast<std::size_t>(call.ret));
  return cap->bytes.substr(0, n);
}

bool opened_for_writing(uint64_t flags) { return (flags & O_ACCMODE) != O_RDONLY; }

}  // namespace

const char* output_kind_name(OutputKind kind) {
  switch (kind) {
    case OutputKind::Stdout: return "stdout";
    case OutputKind::Stderr: return "stderr";
    case OutputKind::LogFile: return "a log file";
  }
  return "output";
}

OutputCapture::Proc& OutputCapture::proc(pid_t pid) { return procs_[pid]; }

void OutputCapture::on_spawn(const trace::SpawnEvent& spawn) {
  if (spawn.is_thread || spawn.child_pid == spawn.parent_pid) return;
  // A forked child starts with its parent's descriptors.
  auto parent = procs_.find(spawn.parent_pid);
  Proc& child = proc(spawn.child_pid);
  if (parent != procs_.end()) child.fds = parent->second.fds;
}

void OutputCapture::on_exec(pid_t pid) { proc(pid); }

void OutputCapture::on_syscall(const trace::SyscallEvent& call, uint64_t order) {
  if (!call.finished || call.ret < 0) return;
  const int fd0 = static_cast<int>(call.args[0]);
  switch (call.nr) {
    case SYS_write:
    case SYS_pwrite64:
    case SYS_writev:
    case SYS_pwritev:
    case SYS_pwritev2: {
      if (call.ret == 0) return;
      OutputKind kind;
      auto it = procs_.find(call.pid);
      static const std::unordered_map<int, OutputKind> kNone;
      if (!kind_of(it == procs_.end() ? kNone : it->second.fds, fd0, kind)) return;
      std::string text = written_text(call, 1);
      if (!text.empty()) keep(call.pid, kind, std::move(text), order);
      return;
    }
    case SYS_open:
    case SYS_openat:
    case SYS_creat: {
      uint64_t flags = call.nr == SYS_open ? call.args[1]
                     : call.nr == SYS_openat ? call.args[2]
                     : static_cast<uint64_t>(O_WRONLY | O_CREAT | O_TRUNC);
      int path_arg = call.nr == SYS_openat ? 1 : 0;
      const auto& cap = call.captured[path_arg];
      // /dev/null swallows text; nobody reads it.
      bool devnull = cap && cap->bytes.rfind("/dev/null", 0) == 0;
      auto& fds = proc(call.pid).fds;
      if (opened_for_writing(flags) && !devnull) fds[static_cast<int>(call.ret)] = OutputKind::LogFile;
      else fds.erase(static_cast<int>(call.ret));
      return;
    }
    case SYS_dup:
    case SYS_dup2:
    case SYS_dup3:
    case SYS_fcntl: {
      if (call.nr == SYS_fcntl && call.args[1] != F_DUPFD && call.args[1] != F_DUPFD_CLOEXEC) return;
      int newfd = static_cast<int>(call.ret);
      auto& fds = proc(call.pid).fds;
      OutputKind kind;
      if (kind_of(fds, fd0, kind)) fds[newfd] = kind;
      else fds.erase(newfd);
      return;
    }
    case SYS_close: {
      auto it = procs_.find(call.pid);
      if (it != procs_.end()) it->second.fds.erase(fd0);
      return;
    }
    default:
      return;
  }
}

namespace {

// stdio and error(3) write one line in pieces ("mkdir: ", "cannot create
// directory", " '/x'", ": File exists", "\n"): glue a process's pieces until
// the line ends so a line is matched as a whole.
bool continues(const Message& last, pid_t pid, OutputKind kind) {
  return last.pid == pid && last.kind == kind && !last.text.empty() && last.text.back() != '\n';
}

}  // namespace

void OutputCapture::keep(pid_t pid, OutputKind kind, std::string text, uint64_t order) {
  Proc& p = proc(pid);
  if (p.head_bytes < kHeadBytes && total_bytes_ < kMaxTotalBytes) {
    std::size_t room = std::min(kHeadBytes - p.head_bytes, kMaxTotalBytes - total_bytes_);
    if (text.size() > room) text.resize(room);
    p.head_bytes += text.size();
    total_bytes_ += text.size();
    if (!head_.empty() && continues(head_.back(), pid, kind)) head_.back().text += text;
    else head_.push_back(Message{pid, order, kind, std::move(text)});
    return;
  }
  // Past the head: keep only the last few writes (a final error line).
  if (text.size() > kTailBytes) text = text.substr(text.size() - kTailBytes);
  p.tail_bytes += text.size();
  if (!p.tail.empty() && continues(p.tail.back(), pid, kind) &&
      p.tail.back().text.size() + text.size() <= kTailBytes)
    p.tail.back().text += text;
  else
    p.tail.push_back(Message{pid, order, kind, std::move(text)});
  while (p.tail_bytes > kTailBytes && p.tail.size() > 1) {
    p.tail_bytes -= p.tail.front().text.size();
    p.tail.pop_front();
  }
}

std::vector<Message> OutputCapture::messages() const {
  std::vector<Message> out = head_;
  for (const auto& [pid, p] : procs_) out.insert(out.end(), p.tail.begin(), p.tail.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const Message& a, const Message& b) { return a.order < b.order; });
  return out;
}

}  // namespace whyfail::culprit
