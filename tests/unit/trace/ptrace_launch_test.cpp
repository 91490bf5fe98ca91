// Launch mode: real programs from tests/progs run under the ptrace backend.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <set>

#include <gtest/gtest.h>

#include "sysent/syscall_info.h"
#include "trace/ptrace/tracer.h"
#include "event_collector.h"

namespace whyfail::trace {
namespace {

using testing::EventCollector;
using testing::prog;

Result<RunOutcome> run_command(std::vector<std::string> argv, EventCollector& sink,
                               bool only_failures = false) {
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.command = std::move(argv);
  spec.syscalls.set();
  spec.only_failures = only_failures;
  return backend->run(spec, sink);
}

TEST(PtraceLaunch, ExitCodeOfTheCommandIsReported) {
  EventCollector sink;
  auto out = run_command({"/bin/sh", "-c", "exit 3"}, sink);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->launched);
  EXPECT_FALSE(out->killed);
  EXPECT_EQ(out->code, 3);
  EXPECT_EQ(out->shell_status(), 3);
  auto exits = sink.all<ExitEvent>();
  ASSERT_FALSE(exits.empty());
  EXPECT_EQ(exits.back().code, 3);
  EXPECT_FALSE(exits.back().thread_only);
}

TEST(PtraceLaunch, FirstReportedSyscallIsTheExecveOfTheCommand) {
  EventCollector sink;
  auto out = run_command({prog("fails_openat_once")}, sink);
  ASSERT_TRUE(out) << out.error().message();
  auto calls = sink.all<SyscallEvent>();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.front().nr, SYS_execve);
  EXPECT_EQ(calls.front().ret, 0);
  auto execs = sink.all<ExecEvent>();
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_EQ(execs[0].filename, prog("fails_openat_once"));
  EXPECT_EQ(execs[0].comm, "fails_openat_on");  // TASK_COMM_LEN truncates
}

TEST(PtraceLaunch, CommandNotFoundIsACleanError) {
  EventCollector sink;
  auto out = run_command({"whyfail-no-such-command-h2"}, sink);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().err, ENOENT);
  EXPECT_NE(out.error().what.find("whyfail-no-such-command-h2"), std::string::npos);
  EXPECT_TRUE(sink.events().empty());
}

// A file with the given mode and content, removed on scope exit.
class TempFile {
 public:
  TempFile(mode_t mode, const std::string& content) {
    char name[] = "/tmp/whyfail-h2-file-XXXXXX";
    int fd = ::mkstemp(name);
    path_ = name;
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::fchmod(fd, mode);
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(PtraceLaunch, NonExecutableFileIsAnError) {
  TempFile file(0644, "#!/bin/sh\nexit 0\n");
  EventCollector sink;
  auto out = run_command({file.path()}, sink);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().err, EACCES);
}

TEST(PtraceLaunch, ExecFailureInTheChildComesBackAsAnError) {
  // Executable but no format the kernel knows: only execve itself can tell,
  // so the child reports it through the CLOEXEC pipe.
  TempFile file(0755, std::string("\x01\x02garbage", 9));
  EventCollector sink;
  auto out = run_command({file.path()}, sink);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().err, ENOEXEC);
  EXPECT_NE(out.error().what.find("execve"), std::string::npos);
  // The failing execve itself was traced.
  bool failed_execve = false;
  for (const SyscallEvent& s : sink.syscalls(SYS_execve)) failed_execve |= s.ret == -ENOEXEC;
  EXPECT_TRUE(failed_execve);
}

TEST(PtraceLaunch, SequenceNumbersIncreaseAndTimesAreOrdered) {
  EventCollector sink;
  auto out = run_command({prog("threads_and_fork")}, sink);
  ASSERT_TRUE(out) << out.error().message();
  uint64_t last = 0;
  for (const SyscallEvent& s : sink.all<SyscallEvent>()) {
    EXPECT_GT(s.seq, last);
    last = s.seq;
    if (s.finished && s.enter_ns != 0) {
      EXPECT_GE(s.exit_ns, s.enter_ns);
    }
  }
  // Finished calls are delivered while the thread is stopped, unfinished ones not.
  auto events = sink.events();
  auto live = sink.live_flags();
  for (std::size_t i = 0; i < events.size(); ++i)
    if (auto* s = std::get_if<SyscallEvent>(&events[i])) {
      EXPECT_EQ(live[i], s->finished);
    }
}

TEST(PtraceLaunch, ThreadsAndForkedChildrenAreFollowed) {
  for (bool only_failures : {false, true}) {
    SCOPED_TRACE(only_failures ? "only_failures" : "all");
    EventCollector sink;
    auto out = run_command({prog("threads_and_fork")}, sink, only_failures);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->code, 0);
    auto spawns = sink.all<SpawnEvent>();
    int threads = 0, processes = 0;
    pid_t root = 0;
    for (const SpawnEvent& s : spawns) {
      if (s.is_thread) {
        ++threads;
        EXPECT_EQ(s.child_pid, s.parent_pid);
      } else {
        ++processes;
        EXPECT_NE(s.child_pid, s.parent_pid);
        EXPECT_EQ(s.child_pid, s.child_tid);
      }
      root = s.parent_pid;
    }
    EXPECT_EQ(threads, 2);
    EXPECT_EQ(processes, 1);
    std::set<pid_t> tids, pids;
    for (const SyscallEvent& s : sink.syscalls(SYS_openat)) {
      if (s.ret != -ENOENT) continue;
      tids.insert(s.tid);
      pids.insert(s.pid);
    }
    EXPECT_EQ(tids.size(), 3u) << "two threads and the child each failed one openat";
    EXPECT_EQ(pids.size(), 2u);
    EXPECT_TRUE(pids.count(root));
    // Each thread and the child ends; the root process ends last.
    auto exits = sink.all<ExitEvent>();
    int thread_exits = 0;
    for (const ExitEvent& e : exits) thread_exits += e.thread_only;
    EXPECT_EQ(thread_exits, 2);
    ASSERT_FALSE(exits.empty());
    EXPECT_EQ(exits.back().pid, root);
    // exit_group never returns: reported unfinished.
    bool unfinished_exit_group = false;
    for (const SyscallEvent& s : sink.syscalls(SYS_exit_group))
      unfinished_exit_group |= !s.finished && s.pid == root;
    EXPECT_TRUE(unfinished_exit_group);
  }
}

TEST(PtraceLaunch, WithoutFollowForksOnlyTheRootThreadIsTraced) {
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.command = {prog("threads_and_fork")};
  spec.syscalls.set();
  spec.follow_forks = false;
  auto out = backend->run(spec, sink);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->code, 0);
  EXPECT_TRUE(sink.all<SpawnEvent>().empty());
  std::set<pid_t> tids;
  for (const SyscallEvent& s : sink.all<SyscallEvent>()) tids.insert(s.tid);
  EXPECT_EQ(tids.size(), 1u);
  for (const SyscallEvent& s : sink.syscalls(SYS_openat)) EXPECT_NE(s.ret, -ENOENT) << "made by a thread or child";
  EXPECT_FALSE(sink.syscalls(SYS_clone).empty()) << "the root's own clone calls are still seen";
}

// -u: the command runs as another user. With a seccomp filter this also takes
// the no_new_privs path, as the user has no CAP_SYS_ADMIN to install it.
TEST(PtraceLaunch, RunsAsAnotherUserWithAndWithoutSeccomp) {
  for (bool seccomp : {false, true}) {
    SCOPED_TRACE(seccomp ? "seccomp" : "plain");
    EventCollector sink;
    auto backend = ptrace::make_ptrace_backend();
    TraceSpec spec;
    spec.command = {"/bin/sh", "-c", "test \"$(id -u):$(id -g)\" = 65534:65534"};
    spec.syscalls.set(SYS_execve);
    spec.restricted = seccomp;
    if (!seccomp) spec.syscalls.set();
    spec.run_as_uid = 65534;
    spec.run_as_gid = 65534;
    auto out = backend->run(spec, sink);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->code, 0) << "id must report 65534:65534";
    EXPECT_GE(sink.syscalls(SYS_execve).size(), 2u) << "sh and the id commands";
  }
}

// -k: the stack of a failed call is unwound (libdw) through the program's frames.
TEST(PtraceLaunch, UserStackOfAFailedCallPassesThroughItsCaller) {
  for (bool only_failures : {false, true}) {
    SCOPED_TRACE(only_failures ? "only_failures" : "all");
    EventCollector sink;
    auto backend = ptrace::make_ptrace_backend();
    TraceSpec spec;
    spec.command = {prog("fails_openat_deep")};
    spec.syscalls.set();
    spec.user_stacks = true;
    spec.only_failures = only_failures;
    auto out = backend->run(spec, sink);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->code, 0);
    const SyscallEvent* failed = nullptr;
    auto opens = sink.syscalls(SYS_openat);
    for (const SyscallEvent& s : opens)
      if (s.ret == -ENOENT && s.captured[1] && s.captured[1]->bytes.rfind("/nonexistent/whyfail/0x", 0) == 0)
        failed = &s;
    ASSERT_NE(failed, nullptr);
    uint64_t inner = std::stoull(failed->captured[1]->bytes.substr(std::string("/nonexistent/whyfail/").size()), nullptr, 16);
    ASSERT_GE(failed->user_stack.size(), 3u);
    bool through_inner = false;
    for (uint64_t pc : failed->user_stack) through_inner |= pc > inner && pc < inner + 512;
    EXPECT_TRUE(through_inner) << "no frame in inner_caller at 0x" << std::hex << inner;
  }
}

TEST(PtraceLaunch, MultiThreadedExecTakesOverTheLeaderTid) {
  EventCollector sink;
  auto out = run_command({prog("thread_execs")}, sink);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->code, 5) << "the exec'd image must run to its own exit";
  auto execs = sink.all<ExecEvent>();
  ASSERT_EQ(execs.size(), 2u);
  const ExecEvent& threaded = execs[1];
  EXPECT_NE(threaded.old_tid, threaded.pid) << "the exec came from a non-leader thread";
  EXPECT_EQ(threaded.filename, prog("thread_execs"));
  // The execve exit is reported for the leader tid, which the thread took over.
  bool exec_exit_as_leader = false;
  for (const SyscallEvent& s : sink.syscalls(SYS_execve))
    exec_exit_as_leader |= s.finished && s.ret == 0 && s.tid == threaded.pid && s.pid == threaded.pid;
  EXPECT_TRUE(exec_exit_as_leader);
  // The old leader (blocked in read) never returns from its call.
  bool leader_unfinished = false;
  for (const SyscallEvent& s : sink.all<SyscallEvent>())
    leader_unfinished |= !s.finished && s.tid == threaded.pid && s.nr == SYS_read;
  EXPECT_TRUE(leader_unfinished);
}

TEST(PtraceLaunch, FailedOpenatCarriesArgumentsAndPath) {
  for (bool only_failures : {false, true}) {
    SCOPED_TRACE(only_failures ? "only_failures" : "all");
    EventCollector sink;
    auto out = run_command({prog("fails_openat_once")}, sink, only_failures);
    ASSERT_TRUE(out) << out.error().message();
    const SyscallEvent* failed = nullptr;
    auto opens = sink.syscalls(SYS_openat);
    for (const SyscallEvent& s : opens)
      if (s.ret == -ENOENT) failed = &s;
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->error(), ENOENT);
    EXPECT_EQ(static_cast<int>(failed->args[0]), AT_FDCWD);
    EXPECT_NE(failed->args[1], 0u);
    EXPECT_EQ(failed->args[2], static_cast<uint64_t>(O_RDONLY | O_CLOEXEC));
    if (sysent::syscall_by_nr(SYS_openat) == nullptr)
      GTEST_SKIP() << "syscall table not landed yet: no capture rules, so no path";
    ASSERT_TRUE(failed->captured[1].has_value());
    EXPECT_EQ(failed->captured[1]->bytes, "/nonexistent/whyfail/openat-capture");
    EXPECT_FALSE(failed->captured[1]->truncated);
    EXPECT_FALSE(failed->captured[1]->fault);
  }
}

TEST(PtraceLaunch, PathLimitTruncates) {
  if (sysent::syscall_by_nr(SYS_openat) == nullptr) GTEST_SKIP() << "syscall table not landed yet";
  EventCollector sink;
  auto backend = ptrace::make_ptrace_backend();
  TraceSpec spec;
  spec.command = {prog("fails_openat_once")};
  spec.syscalls.set();
  spec.path_limit = 10;
  auto out = backend->run(spec, sink);
  ASSERT_TRUE(out) << out.error().message();
  bool seen = false;
  for (const SyscallEvent& s : sink.syscalls(SYS_openat)) {
    if (s.ret != -ENOENT) continue;
    seen = true;
    ASSERT_TRUE(s.captured[1].has_value());
    EXPECT_EQ(s.captured[1]->bytes, std::string("/nonexistent/whyfail/openat-capture").substr(0, 10));
    EXPECT_TRUE(s.captured[1]->truncated);
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace whyfail::trace
