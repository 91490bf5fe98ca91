#include "trace/ptrace/attacher.h"

#include <dirent.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace whyfail::trace::ptrace {

namespace {

constexpr int kCapSysPtrace = 19;

struct ProcStatus {
  bool found = false;
  std::string name;
  pid_t tgid = 0;
  pid_t tracer_pid = 0;
  uid_t real_uid = 0;
  uid_t effective_uid = 0;
  unsigned long long cap_eff = 0;
};

ProcStatus read_status(pid_t pid) {
  ProcStatus st;
  std::ifstream in("/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    st.found = true;
    auto value = [&](const char* key) -> const char* {
      std::size_t n = std::char_traits<char>::length(key);
      return line.compare(0, n, key) == 0 ? line.c_str() + n : nullptr;
    };
    if (const char* v = value("Name:")) st.name = std::string(v + std::strspn(v, " \t"));
    else if (const char* v = value("Tgid:")) st.tgid = std::atoi(v);
    else if (const char* v = value("TracerPid:")) st.tracer_pid = std::atoi(v);
    else if (const char* v = value("Uid:")) {
      char* end = nullptr;
      st.real_uid = static_cast<uid_t>(std::strtoul(v, &end, 10));
      st.effective_uid = static_cast<uid_t>(std::strtoul(end, nullptr, 10));
    } else if (const char* v = value("CapEff:")) st.cap_eff = std::strtoull(v, nullptr, 16);
  }
  return st;
}

int yama_scope() {
  std::ifstream in("/proc/sys/kernel/yama/ptrace_scope");
  int scope = -1;
  if (!(in >> scope)) return -1;
  return scope;
}

// Why the kernel refused PTRACE_SEIZE with EPERM, from what /proc shows.
std::string explain_eperm(pid_t pid) {
  ProcStatus target = read_status(pid);
  ProcStatus self = read_status(0);
  bool cap_ptrace = (self.cap_eff >> kCapSysPtrace) & 1;
  if (target.tracer_pid != 0) {
    ProcStatus tracer = read_status(target.tracer_pid);
    return "already traced by PID " + std::to_string(target.tracer_pid) +
           (tracer.name.empty() ? "" : " (" + tracer.name + ")") + "; only one tracer at a time";
  }
  int scope = yama_scope();
  if (scope == 3) return "kernel.yama.ptrace_scope=3 forbids attaching to any process";
  if (!cap_ptrace) {
    uid_t me = geteuid();
    if (target.real_uid != me || target.effective_uid != me)
      return "process belongs to uid " + std::to_string(target.effective_uid) +
             " and whyfail lacks CAP_SYS_PTRACE; run as that user or as root";
    if (scope >= 1) return "kernel.yama.ptrace_scope=" + std::to_string(scope) +
                           " only lets a process trace its descendants; run as root or set it to 0";
    return "the process is not dumpable (setuid or prctl(PR_SET_DUMPABLE, 0))";
  }
  return "the kernel refused (lockdown or an LSM policy?)";
}

std::vector<pid_t> list_tasks(pid_t pid) {
  std::vector<pid_t> tids;
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/task").c_str());
  if (!dir) return tids;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    tids.push_back(static_cast<pid_t>(std::atoi(e->d_name)));
  }
  ::closedir(dir);
  return tids;
}

}  // namespace

Result<void> attach_process(pid_t pid, unsigned long options, std::vector<AttachedThread>& seized) {
  std::string what = "attach to PID " + std::to_string(pid);
  if (pid <= 0) return fail(ESRCH, what, "not a process ID");
  ProcStatus status = read_status(pid);
  if (!status.found) return fail(ESRCH, what, "no such process");
  if (status.tgid != 0 && status.tgid != pid)
    return fail(EINVAL, what, "it is a thread of process " + std::to_string(status.tgid) + "; give that PID");
  if (pid == ::getpid()) return fail(EPERM, what, "whyfail cannot trace itself");
  if (status.tracer_pid != 0) return fail(EPERM, what, explain_eperm(pid));

  std::vector<pid_t> done;
  for (bool grew = true; grew;) {
    grew = false;
    for (pid_t tid : list_tasks(pid)) {
      if (std::find(done.begin(), done.end(), tid) != done.end()) continue;
      done.push_back(tid);
      if (::ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(options)) != 0) {
        int err = errno;
        if (err == ESRCH && tid != pid) continue;  // the thread exited meanwhile
        if (err == ESRCH) return fail(err, what, "no such process (it just exited)");
        if (err == EPERM) return fail(err, what, explain_eperm(pid));
        return fail(err, "ptrace(PTRACE_SEIZE, " + std::to_string(tid) + ")");
      }
      seized.push_back(AttachedThread{tid, pid});
      grew = true;
      // The interrupt gives us a first stop from which to start syscall tracing.
      ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
    }
  }
  return {};
}

}  // namespace whyfail::trace::ptrace
