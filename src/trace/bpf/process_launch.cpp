#include "process_launch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "trace/ptrace/launcher.h"  // resolve_command: the same PATH search for both backends

namespace whyfail::trace::bpf {

namespace {

void write_all(int fd, const void* p, std::size_t n) {
  while (::write(fd, p, n) < 0 && errno == EINTR) {
  }
}

}  // namespace

Result<HeldChild> HeldChild::fork_held(const std::vector<std::string>& argv, uid_t uid, gid_t gid) {
  if (argv.empty()) return fail(EINVAL, "launching the command", "no command given");
  // Resolved here, not by execvp in the child: the child is traced from the
  // fork, so each PATH entry execvp tried would be reported as a failed
  // execve of the command (the ptrace backend starts after them).
  auto path = ptrace::resolve_command(argv[0]);
  if (!path) return tl::unexpected(path.error());
  int go[2], err[2];
  if (::pipe2(go, O_CLOEXEC) != 0) return fail(errno, "pipe2");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(go[0]);
    ::close(go[1]);
    return fail(e, "pipe2");
  }
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {go[0], go[1], err[0], err[1]}) ::close(fd);
    return fail(e, "fork");
  }
  if (pid == 0) {
    ::close(go[1]);
    ::close(err[0]);
    char c;
    ssize_t n;
    while ((n = ::read(go[0], &c, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1) _exit(127);  // the tracer went away before releasing us
    int e = 0;
    if (gid != static_cast<gid_t>(-1) && ::setgid(gid) != 0) e = errno;
    if (!e && uid != static_cast<uid_t>(-1) && ::setuid(uid) != 0) e = errno;
    if (!e) {
      ::execv(path->c_str(), cargv.data());
      e = errno;
    }
    write_all(err[1], &e, sizeof e);
    _exit(127);
  }
  ::close(go[0]);
  ::close(err[1]);
  HeldChild h;
  h.pid_ = pid;
  h.go_.reset(go[1]);
  h.exec_err_.reset(err[0]);
  return h;
}

HeldChild::~HeldChild() {
  if (pid_ > 0 && !released_) abandon();
}

Result<void> HeldChild::release() {
  released_ = true;
  char c = 'g';
  write_all(go_.get(), &c, 1);
  go_.reset();
  int e = 0;
  ssize_t n;
  while ((n = ::read(exec_err_.get(), &e, sizeof e)) < 0 && errno == EINTR) {
  }
  exec_err_.reset();
  if (n == static_cast<ssize_t>(sizeof e))
    return fail(e, "exec of the traced command", e == ENOENT ? "command not found" : "");
  return {};
}

void HeldChild::abandon() {
  if (pid_ <= 0) return;
  go_.reset();  // the child reads EOF and exits 127
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::vector<pid_t> process_tree(pid_t root) {
  std::vector<pid_t> out;
  std::set<pid_t> seen;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    if (!seen.insert(p).second) continue;
    out.push_back(p);
    std::error_code ec;
    std::filesystem::directory_iterator it("/proc/" + std::to_string(p) + "/task", ec);
    if (ec) continue;
    for (const auto& task : it) {
      std::ifstream f(task.path() / "children");
      pid_t c;
      while (f >> c) todo.push_back(c);
    }
  }
  return out;
}

bool process_exists(pid_t pid) {
  if (::kill(pid, 0) == 0 || errno == EPERM) {
    // A zombie still answers kill(0): it has exited for our purposes.
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(f, line)) return false;
    std::size_t close = line.rfind(')');
    return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
  }
  return false;
}

}  // namespace whyfail::trace::bpf
