#include "sweep/child_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <map>

namespace whyfail::sweep {
namespace {

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Running {
  size_t index;
  double started;
  double deadline;
  bool killed = false;
  int exec_errno_fd = -1;  // read end of a CLOEXEC pipe: exec's errno, or EOF on success
};

// fork + exec with everything prepared before fork (the child only makes
// async-signal-safe calls). Returns the pid, or -1 with errno.
pid_t start(const RunRequest& r, int* errno_fd) {
  std::vector<char*> argv;
  for (const auto& a : r.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out = ::open(r.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = ::open(r.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2] = {-1, -1};
  if (out < 0 || err < 0 || null < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    int e = errno;
    for (int fd : {out, err, null, report[0], report[1]}) if (fd >= 0) ::close(fd);
    errno = e;
    return -1;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    // The sweep's own dispositions must not leak into the command.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(null, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 || ::chdir(r.cwd.c_str()) != 0) {
      int e = errno;
      (void)!::write(report[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execv(argv[0], argv.data());
    int e = errno;
    (void)!::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  int e = errno;
  ::close(out);
  ::close(err);
  ::close(null);
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    errno = e;
    return -1;
  }
  ::setpgid(pid, pid);  // also here: no race with a kill before the child ran setpgid
  *errno_fd = report[0];
  return pid;
}

}  // namespace

bool run_all(const std::vector<RunRequest>& requests, size_t parallel,
             const std::function<int(size_t)>& prepare,
             const std::function<void(size_t, const RunResult&)>& on_done,
             const std::atomic<bool>& interrupt) {
  if (parallel == 0) parallel = 1;
  std::map<pid_t, Running> running;
  size_t next = 0;
  while (next < requests.size() || !running.empty()) {
    if (interrupt.load()) {
      for (auto& [pid, r] : running) ::kill(-pid, SIGKILL);
      for (auto& [pid, r] : running) {
        int st;
        ::waitpid(pid, &st, 0);
        ::close(r.exec_errno_fd);
      }
      return false;
    }
    while (next < requests.size() && running.size() < parallel) {
      const RunRequest& req = requests[next];
      if (int e = prepare(next); e != 0) {
        RunResult res;
        res.start_errno = e;
        on_done(next++, res);
        continue;
      }
      int errno_fd = -1;
      pid_t pid = start(req, &errno_fd);
      if (pid < 0) {
        RunResult res;
        res.start_errno = errno ? errno : EIO;
        on_done(next++, res);
        continue;
      }
      double t = now_s();
      running.emplace(pid, Running{next++, t, t + req.timeout_s, false, errno_fd});
    }
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid > 0) {
      const pid_t pid = info.si_pid;
      // The group may still hold processes the command left behind: end them while
      // the unreaped leader keeps the group id from being reused.
      ::kill(-pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
      auto it = running.find(pid);
      if (it == running.end()) continue;  // not ours (cannot happen: we fork nothing else)
      Running r = it->second;
      running.erase(it);
      RunResult res;
      res.timed_out = r.killed;
      res.wait_status = status;
      res.seconds = now_s() - r.started;
      int e = 0;
      if (::read(r.exec_errno_fd, &e, sizeof e) == static_cast<ssize_t>(sizeof e)) res.start_errno = e;
      ::close(r.exec_errno_fd);
      on_done(r.index, res);
      continue;
    }
    const double t = now_s();
    for (auto& [p, r] : running) {
      if (!r.killed && t >= r.deadline) {
        ::kill(-p, SIGKILL);
        r.killed = true;
      }
    }
    timespec nap{0, 2'000'000};  // 2 ms: a trial lasts tens of milliseconds at least
    ::nanosleep(&nap, nullptr);
  }
  return true;
}

}  // namespace whyfail::sweep
