// Restricted tracing (-e trace=openat) with and without the seccomp filter,
// and what happens to the tracee when the tracer process is SIGKILLed.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "trace/ptrace/tracer.h"
#include "event_collector.h"

namespace whyfail::trace {
namespace {

using namespace std::chrono_literals;
using testing::EventCollector;
using testing::prog;

TraceSpec openat_only(std::vector<std::string> argv, bool use_seccomp) {
  TraceSpec spec;
  spec.command = std::move(argv);
  spec.syscalls.set(SYS_openat);
  spec.restricted = true;
  spec.use_seccomp = use_seccomp;
  return spec;
}

struct Traced {
  std::vector<SyscallEvent> calls;
  BackendStats stats;
  RunOutcome outcome;
};

Traced trace_openat_only(bool use_seccomp) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  auto out = backend->run(openat_only({prog("threads_and_fork")}, use_seccomp), sink);
  EXPECT_TRUE(out) << out.error().message();
  return Traced{sink.all<SyscallEvent>(), backend->stats(), out ? *out : RunOutcome{}};
}

TEST(PtraceSeccomp, OnlySelectedSyscallsAreReportedAndStopped) {
  Traced filtered = trace_openat_only(true);
  Traced unfiltered = trace_openat_only(false);
  for (const Traced* t : {&filtered, &unfiltered}) {
    EXPECT_EQ(t->outcome.code, 0);
    std::set<pid_t> failing_tids;
    for (const SyscallEvent& s : t->calls) {
      EXPECT_EQ(s.nr, SYS_openat);
      if (s.ret == -ENOENT) failing_tids.insert(s.tid);
    }
    EXPECT_EQ(failing_tids.size(), 3u) << "both threads and the forked child";
  }
  // The same openat calls are seen either way...
  EXPECT_EQ(filtered.calls.size(), unfiltered.calls.size());
  // ...but with the filter the tracee stops only for them (one seccomp stop
  // and one exit stop each), without it for every syscall entry and exit.
  EXPECT_LE(filtered.stats.syscall_stops, 2 * filtered.calls.size());
  EXPECT_GT(unfiltered.stats.syscall_stops, 4 * unfiltered.calls.size());
}

// Writes added for the culprit's sake (not asked for) stop only when they go
// to stdout or stderr: the filter compares their first argument.
TEST(PtraceSeccomp, MessageOnlyWritesStopForStdoutAndStderrOnly) {
  // (Not a shell: its redirections dup2 the target onto fd 1 and write there.)
  TraceSpec spec = openat_only({"/usr/bin/python3", "-S", "-c",
                                "import os; os.write(1, b'out\\n'); os.write(2, b'err\\n'); "
                                "fd = os.open('/dev/null', os.O_WRONLY); os.write(fd, b'file')"},
                               true);
  spec.syscalls.set(SYS_write);
  spec.message_only.set(SYS_write);
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  auto out = backend->run(spec, sink);
  ASSERT_TRUE(out) << out.error().message();
  std::multiset<uint64_t> write_fds;
  for (const SyscallEvent& s : sink.all<SyscallEvent>())
    if (s.nr == SYS_write) write_fds.insert(s.args[0]);
  EXPECT_EQ(write_fds.count(1), 1u);
  EXPECT_EQ(write_fds.count(2), 1u);
  EXPECT_EQ(write_fds.size(), 2u) << "the write to /dev/null must not stop";
}

// With a seccomp filter whyfail never detaches (the tracee would be left with
// ENOSYS): request_stop is ignored and the command runs to its end, traced.
TEST(PtraceSeccomp, RequestStopDoesNotDetachAFilteredTracee) {
  std::string marker = "/tmp/whyfail-h2-marker-stop-" + std::to_string(::getpid());
  std::remove(marker.c_str());
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec = openat_only({prog("fails_openat_slowly"), "15", "", marker}, true);
  Result<RunOutcome> out = fail(0, "not run");
  std::thread runner([&] { out = backend->run(spec, sink); });
  ASSERT_TRUE(sink.wait_for([](const std::vector<Event>& evs) {
    for (const Event& e : evs)
      if (auto* s = std::get_if<SyscallEvent>(&e); s && s->ret == -ENOENT) return true;
    return false;
  }));
  backend->request_stop();
  runner.join();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_FALSE(out->detached);
  EXPECT_EQ(out->code, 0);
  EXPECT_EQ(::access(marker.c_str(), F_OK), 0);
  int failed = 0;
  for (const SyscallEvent& s : sink.syscalls(SYS_openat)) failed += s.ret == -ENOENT;
  EXPECT_EQ(failed, 15) << "every call was still traced";
  std::remove(marker.c_str());
}

// Runs the backend in a forked "whyfail" process, SIGKILLs that process while
// the tracee (fails_openat_slowly, 0.5 s) runs, and returns the tracee's wait
// status, collected as its subreaper. `marker` exists if the tracee finished.
int tracee_status_after_tracer_death(bool use_seccomp, const std::string& marker) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  char dir_template[] = "/tmp/whyfail-h2-XXXXXX";
  std::string dir = ::mkdtemp(dir_template);
  std::string pidfile = dir + "/pid";
  std::remove(marker.c_str());
  pid_t tracer = ::fork();
  if (tracer == 0) {
    EventCollector sink;
    auto backend = ptrace::make_ptrace_backend();
    auto out = backend->run(
        openat_only({prog("fails_openat_slowly"), "25", pidfile, marker}, use_seccomp), sink);
    ::_exit(out ? 0 : 1);
  }
  pid_t tracee = 0;
  for (int i = 0; i < 500 && tracee == 0; ++i) {
    std::ifstream in(pidfile);
    if (!(in >> tracee)) {
      tracee = 0;
      std::this_thread::sleep_for(5ms);
    }
  }
  EXPECT_GT(tracee, 0);
  ::kill(tracer, SIGKILL);
  ::waitpid(tracer, nullptr, 0);
  int status = -1;
  if (tracee > 0) {
    EXPECT_EQ(::waitpid(tracee, &status, 0), tracee);
  }
  std::remove(pidfile.c_str());
  ::rmdir(dir.c_str());
  return status;
}

TEST(PtraceTracerDeath, WithoutSeccompTheTraceeRunsToItsEnd) {
  std::string marker = "/tmp/whyfail-h2-marker-plain-" + std::to_string(::getpid());
  int status = tracee_status_after_tracer_death(false, marker);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(::access(marker.c_str(), F_OK), 0) << "it ran to the end";
  std::remove(marker.c_str());
}

TEST(PtraceTracerDeath, WithSeccompTheTraceeIsKilledNotLeftHalfBroken) {
  std::string marker = "/tmp/whyfail-h2-marker-seccomp-" + std::to_string(::getpid());
  int status = tracee_status_after_tracer_death(true, marker);
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_NE(::access(marker.c_str(), F_OK), 0) << "it must not have gone on with ENOSYS";
}

}  // namespace
}  // namespace whyfail::trace
