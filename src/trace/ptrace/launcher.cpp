#include "trace/ptrace/launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "trace/ptrace/seccomp_filter.h"

extern char** environ;

namespace whyfail::trace::ptrace {

namespace {

// What the child was doing when it failed, reported through the error pipe.
enum SetupStage : int { kStageSync = 1, kStageCreds, kStageSeccomp, kStageExec };

struct SetupReport {
  int stage;
  int err;
};

bool is_executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

[[noreturn]] void child_fail(int fd, int stage) {
  SetupReport r{stage, errno};
  ssize_t ignored = ::write(fd, &r, sizeof r);
  (void)ignored;
  ::_exit(127);
}

// Runs in the forked child: only async-signal-safe calls.
[[noreturn]] void run_child(const TraceSpec& spec, const std::string& path, char* const* argv,
                            const std::vector<sock_filter>& seccomp, int sync_fd, int report_fd) {
  char go = 0;
  ssize_t n;
  do n = ::read(sync_fd, &go, 1); while (n < 0 && errno == EINTR);
  if (n != 1) child_fail(report_fd, kStageSync);  // the tracer went away before seizing us
  ::close(sync_fd);
  if (spec.run_as_gid != static_cast<gid_t>(-1)) {
    if (::setgroups(1, &spec.run_as_gid) != 0 || ::setgid(spec.run_as_gid) != 0)
      child_fail(report_fd, kStageCreds);
  }
  if (spec.run_as_uid != static_cast<uid_t>(-1) && ::setuid(spec.run_as_uid) != 0)
    child_fail(report_fd, kStageCreds);
  if (!seccomp.empty()) {
    int err = install_seccomp_filter(seccomp);
    if (err != 0) {
      errno = err;
      child_fail(report_fd, kStageSeccomp);
    }
  }
  // The tracer sees this SIGSTOP as a signal-delivery-stop, suppresses it and
  // from then on stops at syscalls: the first one it reports is our execve.
  ::kill(::getpid(), SIGSTOP);
  ::execve(path.c_str(), argv, environ);
  child_fail(report_fd, kStageExec);
}

}  // namespace

Result<std::string> resolve_command(const std::string& name) {
  if (name.empty()) return fail(ENOENT, "run ''", "empty command");
  if (name.find('/') != std::string::npos) {
    struct stat st;
    if (::stat(name.c_str(), &st) != 0) return fail(errno, "run '" + name + "'");
    if (S_ISDIR(st.st_mode)) return fail(EISDIR, "run '" + name + "'", "it is a directory");
    if (::access(name.c_str(), X_OK) != 0) return fail(errno, "run '" + name + "'", "not executable");
    return name;
  }
  const char* path_env = std::getenv("PATH");
  std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  for (;;) {
    std::size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return fail(ENOENT, "run '" + name + "'", "command not found in PATH");
}

Result<LaunchedChild> launch(const TraceSpec& spec, unsigned long ptrace_options,
                             const std::vector<sock_filter>& seccomp) {
  if (spec.command.empty()) return fail(EINVAL, "run the command", "no command given");
  auto path = resolve_command(spec.command[0]);
  if (!path) return tl::unexpected(path.error());

  std::vector<char*> argv;
  for (const std::string& a : spec.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int sync_fds[2], report_fds[2];
  if (::pipe2(sync_fds, O_CLOEXEC) != 0) return fail(errno, "pipe2");
  UniqueFd sync_r(sync_fds[0]), sync_w(sync_fds[1]);
  if (::pipe2(report_fds, O_CLOEXEC) != 0) return fail(errno, "pipe2");
  UniqueFd report_r(report_fds[0]), report_w(report_fds[1]);

  pid_t pid = ::fork();
  if (pid < 0) return fail(errno, "fork");
  if (pid == 0) {
    ::close(sync_fds[1]);
    ::close(report_fds[0]);
    run_child(spec, *path, argv.data(), seccomp, sync_fds[0], report_fds[1]);
  }
  sync_r.reset();
  report_w.reset();

  if (::ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(ptrace_options)) != 0) {
    int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return fail(err, "ptrace(PTRACE_SEIZE, " + std::to_string(pid) + ")",
                err == EPERM ? "ptrace is not permitted here (container without CAP_SYS_PTRACE?)" : "");
  }
  char go = 1;
  if (::write(sync_w.get(), &go, 1) != 1) {
    int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, __WALL);
    return fail(err, "start the traced command");
  }
  sync_w.reset();
  int flags = ::fcntl(report_r.get(), F_GETFL);
  ::fcntl(report_r.get(), F_SETFL, flags | O_NONBLOCK);
  return LaunchedChild{pid, std::move(report_r)};
}

std::optional<Error> read_setup_error(LaunchedChild& child, const std::string& command) {
  SetupReport r{};
  if (!child.setup_error.valid() || ::read(child.setup_error.get(), &r, sizeof r) != sizeof r)
    return std::nullopt;
  switch (r.stage) {
    case kStageSync: return Error{r.err, "start '" + command + "'", "the tracer did not attach"};
    case kStageCreds: return Error{r.err, "switch to the -u user before running '" + command + "'", ""};
    case kStageSeccomp:
      return Error{r.err, "install the seccomp filter for '" + command + "'",
                   "retry with seccomp disabled"};
    case kStageExec: return Error{r.err, "execve '" + command + "'", ""};
    default: return Error{r.err, "start '" + command + "'", ""};
  }
}

}  // namespace whyfail::trace::ptrace
