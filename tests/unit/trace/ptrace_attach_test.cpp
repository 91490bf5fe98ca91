// -p mode: attach to a running process, detach on request_stop and leave it
// running; explain refusals.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
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

// A child running fails_openat_slowly (or `name`) COUNT; killed and reaped on scope exit.
class SlowChild {
 public:
  explicit SlowChild(int count, const char* name = "fails_openat_slowly") {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string n = std::to_string(count);
      std::string path = prog(name);
      ::execl(path.c_str(), path.c_str(), n.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Let it get past its own exec before anyone attaches.
    std::this_thread::sleep_for(100ms);
  }
  ~SlowChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

std::string status_field(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return line.substr(key.size() + 1);
  return {};
}

int failed_opens(const std::vector<Event>& evs) {
  int n = 0;
  for (const Event& e : evs)
    if (auto* s = std::get_if<SyscallEvent>(&e); s && s->nr == SYS_openat && s->ret == -ENOENT) ++n;
  return n;
}

TEST(PtraceAttach, RequestStopDetachesAndLeavesTheProcessRunning) {
  SlowChild child(500);
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {child.pid()};
  spec.syscalls.set();
  spec.only_failures = true;
  Result<RunOutcome> out = fail(0, "not run");
  std::thread runner([&] { out = backend->run(spec, sink); });
  ASSERT_TRUE(sink.wait_for([](const std::vector<Event>& evs) { return failed_opens(evs) >= 3; }));
  backend->request_stop();
  runner.join();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_FALSE(out->launched);
  EXPECT_TRUE(out->detached);
  auto detaches = sink.all<DetachEvent>();
  ASSERT_EQ(detaches.size(), 1u);
  EXPECT_EQ(detaches[0].pid, child.pid());
  // No longer traced, not stopped, and still making progress.
  EXPECT_NE(status_field(child.pid(), "TracerPid").find('0'), std::string::npos);
  EXPECT_EQ(std::stoi(status_field(child.pid(), "TracerPid")), 0);
  std::this_thread::sleep_for(100ms);
  std::string state = status_field(child.pid(), "State");
  EXPECT_EQ(state.find('t'), std::string::npos) << state;
  EXPECT_EQ(state.find('T'), std::string::npos) << state;
  int status = 0;
  EXPECT_EQ(::waitpid(child.pid(), &status, WNOHANG), 0) << "it must still be running";
}

TEST(PtraceAttach, NoSuchProcess) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {999999999};
  auto out = backend->run(spec, sink);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().err, ESRCH);
  EXPECT_NE(out.error().hint.find("no such process"), std::string::npos);
}

TEST(PtraceAttach, AlreadyTracedNamesTheTracer) {
  SlowChild child(500);
  ASSERT_EQ(::ptrace(PTRACE_SEIZE, child.pid(), nullptr, nullptr), 0);
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {child.pid()};
  auto out = backend->run(spec, sink);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().err, EPERM);
  EXPECT_NE(out.error().hint.find("already traced by PID " + std::to_string(::getpid())),
            std::string::npos)
      << out.error().message();
}

TEST(PtraceAttach, SecondPidFailingDetachesTheFirst) {
  SlowChild child(500);
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {child.pid(), 999999999};
  auto out = backend->run(spec, sink);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().err, ESRCH);
  EXPECT_EQ(std::stoi(status_field(child.pid(), "TracerPid")), 0);
  std::this_thread::sleep_for(50ms);
  std::string state = status_field(child.pid(), "State");
  EXPECT_EQ(state.find('t'), std::string::npos) << state;
}

bool is_stopped(pid_t pid) {
  std::string state = status_field(pid, "State");
  return state.find('T') != std::string::npos || state.find('t') != std::string::npos;
}

bool wait_until(const std::function<bool()>& cond) {
  for (int i = 0; i < 300; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// A process stopped by job control before and while traced must still be
// stopped after whyfail detaches, and must run again on SIGCONT.
TEST(PtraceAttach, GroupStoppedProcessStaysStoppedAfterDetach) {
  SlowChild child(500);
  ::kill(child.pid(), SIGSTOP);
  ASSERT_TRUE(wait_until([&] { return is_stopped(child.pid()); }));
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {child.pid()};
  spec.syscalls.set();
  Result<RunOutcome> out = fail(0, "not run");
  std::thread runner([&] { out = backend->run(spec, sink); });
  ASSERT_TRUE(wait_until([&] { return std::atoi(status_field(child.pid(), "TracerPid").c_str()) != 0; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(is_stopped(child.pid()));
  EXPECT_EQ(failed_opens(sink.events()), 0) << "a stopped process makes no calls";
  backend->request_stop();
  runner.join();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->detached);
  EXPECT_EQ(std::stoi(status_field(child.pid(), "TracerPid")), 0);
  std::this_thread::sleep_for(100ms);
  EXPECT_NE(status_field(child.pid(), "State").find('T'), std::string::npos)
      << "still in its group-stop: " << status_field(child.pid(), "State");
  ::kill(child.pid(), SIGCONT);
  EXPECT_TRUE(wait_until([&] { return !is_stopped(child.pid()); })) << "it runs again on SIGCONT";
}

TEST(PtraceAttach, JobControlWhileAttached) {
  SlowChild child(500);
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {child.pid()};
  spec.syscalls.set();
  spec.only_failures = true;
  Result<RunOutcome> out = fail(0, "not run");
  std::thread runner([&] { out = backend->run(spec, sink); });
  ASSERT_TRUE(sink.wait_for([](const std::vector<Event>& evs) { return failed_opens(evs) >= 1; }));
  ::kill(child.pid(), SIGSTOP);
  ASSERT_TRUE(wait_until([&] { return is_stopped(child.pid()); }));
  int before = failed_opens(sink.events());
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(is_stopped(child.pid()));
  EXPECT_LE(failed_opens(sink.events()), before + 1) << "no progress while stopped";
  ::kill(child.pid(), SIGCONT);
  ASSERT_TRUE(sink.wait_for([&](const std::vector<Event>& evs) { return failed_opens(evs) >= before + 3; }))
      << "it goes on after SIGCONT";
  backend->request_stop();
  runner.join();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_FALSE(is_stopped(child.pid()));
}

TEST(PtraceAttach, EveryThreadOfTheProcessIsTraced) {
  SlowChild child(500, "threads_fail_slowly");
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.attach_pids = {child.pid()};
  spec.syscalls.set();
  spec.only_failures = true;
  Result<RunOutcome> out = fail(0, "not run");
  std::thread runner([&] { out = backend->run(spec, sink); });
  std::set<pid_t> tids;
  bool all = sink.wait_for([&](const std::vector<Event>& evs) {
    tids.clear();
    for (const Event& e : evs)
      if (auto* s = std::get_if<SyscallEvent>(&e); s && s->nr == SYS_openat && s->ret == -ENOENT) {
        EXPECT_EQ(s->pid, child.pid());
        tids.insert(s->tid);
      }
    return tids.size() == 4;
  });
  backend->request_stop();
  runner.join();
  EXPECT_TRUE(all) << "threads seen: " << tids.size();
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->detached);
  EXPECT_EQ(sink.all<DetachEvent>().size(), 1u);
  EXPECT_EQ(std::stoi(status_field(child.pid(), "TracerPid")), 0);
  int status = 0;
  EXPECT_EQ(::waitpid(child.pid(), &status, WNOHANG), 0) << "it must still be running";
}

}  // namespace
}  // namespace whyfail::trace
