#include "event_builder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/syscall.h>

#include <cstring>

namespace whyfail::culprit::testing {

namespace {
trace::CapturedBytes bytes(const std::string& s) {
  trace::CapturedBytes c;
  c.bytes = s;
  return c;
}
}  // namespace

trace::SyscallEvent& EventBuilder::call(pid_t pid, int nr, int64_t ret) {
  trace::SyscallEvent e;
  e.seq = ++seq_;
  e.pid = e.tid = pid;
  e.nr = nr;
  e.ret = ret;
  events_.emplace_back(std::move(e));
  return std::get<trace::SyscallEvent>(events_.back());
}

trace::SyscallEvent& EventBuilder::openat(pid_t pid, const std::string& path, int64_t ret, int flags) {
  auto& e = call(pid, SYS_openat, ret);
  e.args[0] = static_cast<uint64_t>(AT_FDCWD);
  e.args[2] = static_cast<uint64_t>(flags);
  e.captured[1] = bytes(path);
  return e;
}

trace::SyscallEvent& EventBuilder::stat(pid_t pid, const std::string& path, int64_t ret) {
  auto& e = call(pid, SYS_newfstatat, ret);
  e.captured[1] = bytes(path);
  return e;
}

trace::SyscallEvent& EventBuilder::access(pid_t pid, const std::string& path, int64_t ret) {
  auto& e = call(pid, SYS_access, ret);
  e.captured[0] = bytes(path);
  return e;
}

trace::SyscallEvent& EventBuilder::execve(pid_t pid, const std::string& path, int64_t ret) {
  auto& e = call(pid, SYS_execve, ret);
  e.captured[0] = bytes(path);
  return e;
}

trace::SyscallEvent& EventBuilder::mkdir(pid_t pid, const std::string& path, int64_t ret) {
  auto& e = call(pid, SYS_mkdir, ret);
  e.captured[0] = bytes(path);
  return e;
}

trace::SyscallEvent& EventBuilder::write(pid_t pid, int fd, const std::string& text) {
  auto& e = call(pid, SYS_write, static_cast<int64_t>(text.size()));
  e.args[0] = static_cast<uint64_t>(fd);
  e.args[2] = text.size();
  e.captured[1] = bytes(text);
  return e;
}

trace::SyscallEvent& EventBuilder::inet(pid_t pid, int nr, int port, int64_t ret) {
  auto& e = call(pid, nr, ret);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(static_cast<uint16_t>(port));
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw(sizeof sin, '\0');
  std::memcpy(raw.data(), &sin, sizeof sin);
  e.args[2] = sizeof sin;
  e.captured[1] = bytes(raw);
  return e;
}

void EventBuilder::spawn(pid_t parent, pid_t child) {
  trace::SpawnEvent s;
  s.parent_pid = s.parent_tid = parent;
  s.child_pid = s.child_tid = child;
  events_.emplace_back(s);
}

void EventBuilder::exec(pid_t pid, const std::string& filename) {
  trace::ExecEvent e;
  e.pid = e.old_tid = pid;
  e.filename = filename;
  events_.emplace_back(e);
}

void EventBuilder::exit(pid_t pid, int code) {
  trace::ExitEvent e;
  e.pid = e.tid = pid;
  e.code = code;
  events_.emplace_back(e);
}

void EventBuilder::kill(pid_t pid, int signo) {
  trace::ExitEvent e;
  e.pid = e.tid = pid;
  e.killed = true;
  e.signo = signo;
  events_.emplace_back(e);
}

}  // namespace whyfail::culprit::testing
