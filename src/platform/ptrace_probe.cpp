// ptrace and seccomp, each tried on a child of our own that lives a few
// hundred microseconds.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/capability.h"
#include "platform/probes.h"
#include "platform/refusal.h"
#include "platform/sysctl.h"

namespace whyfail::platform {

namespace {

Feature yes(std::string name, std::string detail) {
  return Feature{std::move(name), Availability::Yes, std::move(detail), {}};
}

Feature no(std::string name, std::string detail, std::string consequence) {
  return Feature{std::move(name), Availability::No, std::move(detail), std::move(consequence)};
}

std::string yama_detail() {
  auto scope = read_sysctl_int("kernel.yama.ptrace_scope");
  if (!scope) return "no Yama LSM (kernel.yama.ptrace_scope absent)";
  switch (*scope) {
    case 0: return "kernel.yama.ptrace_scope=0 (classic)";
    case 1: return "kernel.yama.ptrace_scope=1 (descendants only; -p needs CAP_SYS_PTRACE)";
    case 2: return "kernel.yama.ptrace_scope=2 (CAP_SYS_PTRACE only)";
    case 3: return "kernel.yama.ptrace_scope=3 (no attach at all)";
    default: return "kernel.yama.ptrace_scope=" + std::to_string(*scope);
  }
}

void reap(pid_t child) {
  ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, __WALL) < 0 && errno == EINTR) {
  }
}

}  // namespace

Feature probe_ptrace() {
  std::string detail = yama_detail();
  detail += has_capability(kCapSysPtrace) ? ", CAP_SYS_PTRACE" : ", no CAP_SYS_PTRACE";
  const pid_t child = ::fork();
  if (child < 0) return Feature{"ptrace", Availability::Unknown, "fork: " + refusal(errno), {}};
  if (child == 0) {
    for (;;) ::pause();
  }
  long rc = ::ptrace(PTRACE_SEIZE, child, nullptr, nullptr);
  const int err = errno;
  reap(child);
  if (rc != 0) {
    std::string consequence = "whyfail cannot trace at all with ptrace";
    if (err == EPERM)
      consequence += "; run as root, lower kernel.yama.ptrace_scope, or use --backend=bpf";
    return no("ptrace", "PTRACE_SEIZE of a child: " + refusal(err) + "; " + detail, consequence);
  }
  // Attaching to other users' processes (-p) needs CAP_SYS_PTRACE.
  return yes("ptrace", "PTRACE_SEIZE of a child works; " + detail);
}

Feature probe_seccomp() {
  const std::string consequence =
      "-e trace= cannot spare the tracee the stops for untraced syscalls: every syscall stops "
      "(as strace without --seccomp-bpf), much slower";
  // SECCOMP_RET_TRACE is what lets a filter hand chosen syscalls to the tracer.
  uint32_t action = SECCOMP_RET_TRACE;
  if (::syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
    return no("seccomp", "SECCOMP_GET_ACTION_AVAIL(SECCOMP_RET_TRACE): " + refusal(errno),
              consequence);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0)
    return Feature{"seccomp", Availability::Unknown, "pipe: " + refusal(errno), {}};
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return Feature{"seccomp", Availability::Unknown, "fork: " + refusal(errno), {}};
  }
  if (child == 0) {
    // Install an allow-everything filter, as whyfail's launcher would.
    sock_filter allow[] = {{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}};
    sock_fprog prog{1, allow};
    int err = 0;
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
      err = errno;
    (void)!::write(pipefd[1], &err, sizeof err);
    ::_exit(0);
  }
  ::close(pipefd[1]);
  int err = -1;
  ssize_t n;
  while ((n = ::read(pipefd[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  ::close(pipefd[0]);
  reap(child);
  if (n != sizeof err)
    return Feature{"seccomp", Availability::Unknown, "probe child died before reporting", {}};
  if (err != 0)
    return no("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER) in a child: " + refusal(err), consequence);
  return yes("seccomp", "filter installed in a child; SECCOMP_RET_TRACE available");
}

}  // namespace whyfail::platform
