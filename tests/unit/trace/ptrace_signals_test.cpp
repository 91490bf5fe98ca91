// Signals under the ptrace backend: delivered unchanged, deaths reported,
// job control (SIGSTOP / SIGCONT) keeps working through PTRACE_LISTEN.
#include <signal.h>
#include <sys/syscall.h>

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "trace/ptrace/tracer.h"
#include "event_collector.h"

namespace whyfail::trace {
namespace {

using namespace std::chrono_literals;
using testing::EventCollector;
using testing::prog;

TraceSpec command_spec(std::vector<std::string> argv) {
  TraceSpec spec;
  spec.command = std::move(argv);
  spec.syscalls.set();
  return spec;
}

char proc_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() ? '?' : line[close + 2];
}

TEST(PtraceSignals, HandledSignalReachesTheTracee) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  auto out = backend->run(command_spec({prog("handles_sigusr1")}), sink);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->code, 42) << "the SIGUSR1 handler must have run";
  auto sigs = sink.all<SignalEvent>();
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0].signo, SIGUSR1);
  EXPECT_EQ(sigs[0].sender_pid, sigs[0].pid) << "sent by the tracee to itself";
  EXPECT_EQ(sigs[0].si_code, SI_USER);
}

TEST(PtraceSignals, RtSigreturnIsNamedInEitherMode) {
  for (bool only_failures : {false, true}) {
    SCOPED_TRACE(only_failures ? "only_failures" : "all");
    EventCollector sink;
    auto backend = ptrace::make_ptrace_backend();
    TraceSpec spec = command_spec({prog("handles_sigusr1")});
    spec.only_failures = only_failures;
    auto out = backend->run(spec, sink);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->code, 42);
    EXPECT_EQ(sink.syscalls(SYS_rt_sigreturn).size(), 1u) << "returning from the SIGUSR1 handler";
    EXPECT_TRUE(sink.syscalls(-1).empty());
  }
}

TEST(PtraceSignals, DeathBySegvIsReportedAs139) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  auto out = backend->run(command_spec({prog("dies_by_signal"), "segv"}), sink);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->killed);
  EXPECT_EQ(out->signo, SIGSEGV);
  EXPECT_EQ(out->shell_status(), 128 + SIGSEGV);
  auto sigs = sink.all<SignalEvent>();
  ASSERT_FALSE(sigs.empty());
  EXPECT_EQ(sigs[0].signo, SIGSEGV);
  EXPECT_EQ(sigs[0].si_code, SEGV_MAPERR);
  auto exits = sink.all<ExitEvent>();
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_TRUE(exits[0].killed);
  EXPECT_EQ(exits[0].signo, SIGSEGV);
}

TEST(PtraceSignals, DeathBySigkillIsReportedAs137) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  auto out = backend->run(command_spec({prog("dies_by_signal"), "kill"}), sink);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->killed);
  EXPECT_EQ(out->signo, SIGKILL);
  EXPECT_EQ(out->shell_status(), 137);
  // kill() never returns: the call is reported unfinished.
  bool unfinished_kill = false;
  for (const SyscallEvent& s : sink.syscalls(SYS_kill)) unfinished_kill |= !s.finished;
  EXPECT_TRUE(unfinished_kill);
}

TEST(PtraceSignals, StoppedTraceeStaysStoppedUntilSigcont) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  Result<RunOutcome> out = fail(0, "not run");
  std::atomic<bool> done{false};
  TraceSpec spec = command_spec({prog("stops_itself")});
  std::thread runner([&] {
    out = backend->run(spec, sink);
    done = true;
  });
  pid_t pid = 0;
  ASSERT_TRUE(sink.wait_for([&](const std::vector<Event>& evs) {
    for (const Event& e : evs)
      if (auto* s = std::get_if<SignalEvent>(&e); s && s->signo == SIGSTOP) {
        pid = s->pid;
        return true;
      }
    return false;
  }));
  // Job control: the process is and stays stopped while whyfail traces it.
  for (int i = 0; i < 30 && proc_state(pid) != 't' && proc_state(pid) != 'T'; ++i)
    std::this_thread::sleep_for(10ms);
  char state = proc_state(pid);
  EXPECT_TRUE(state == 't' || state == 'T') << "state " << state;
  std::this_thread::sleep_for(300ms);
  state = proc_state(pid);
  EXPECT_TRUE(state == 't' || state == 'T') << "state " << state;
  EXPECT_FALSE(done.load());
  ::kill(pid, SIGCONT);
  runner.join();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->code, 7);
  bool saw_cont = false;
  for (const SignalEvent& s : sink.all<SignalEvent>()) saw_cont |= s.signo == SIGCONT;
  EXPECT_TRUE(saw_cont);
}

}  // namespace
}  // namespace whyfail::trace
