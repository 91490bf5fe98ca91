// The ranker on event sequences shaped like real runs (ld.so and locale
// probes, isatty checks, a message on stderr, an exit status).
#include "culprit/culprit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include "event_builder.h"

namespace whyfail::culprit {
namespace {

using testing::EventBuilder;

// What ld.so and glibc do before main() in every dynamically linked program.
void program_start(EventBuilder& b, pid_t pid, const std::string& exe) {
  b.execve(pid, exe, 0);
  b.exec(pid, exe);
  b.access(pid, "/etc/ld.so.preload", -ENOENT);
  b.openat(pid, "/etc/ld.so.cache", 3);
  b.openat(pid, "/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libc.so.6", -ENOENT);
  b.openat(pid, "/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libc.so.6", -ENOENT);
  b.openat(pid, "/lib/x86_64-linux-gnu/libc.so.6", 3);
  b.openat(pid, "/usr/lib/locale/C.utf8/LC_CTYPE", -ENOENT);
  b.openat(pid, "/usr/share/locale/locale.alias", -ENOENT);
}

Verdict run(EventBuilder& b) {
  CulpritFinder finder;
  for (const auto& e : b.events()) finder.observe(e);
  return finder.verdict();
}

const trace::SyscallEvent* last_failure(EventBuilder& b) {
  const trace::SyscallEvent* last = nullptr;
  for (const auto& e : b.events())
    if (auto* s = std::get_if<trace::SyscallEvent>(&e); s && s->failed()) last = s;
  return last;
}

TEST(CulpritFinder, PicksTheOpenTheMessageNamesOverLaterHarmlessFailures) {
  EventBuilder b;
  program_start(b, 100, "/usr/bin/cat");
  auto& culprit = b.openat(100, "/tmp/t/nodir/file.txt", -ENOENT);
  b.write(100, 2, "cat: /tmp/t/nodir/file.txt: No such file or directory\n");
  // Cleanup after the error: harmless failures the naive rule would pick.
  b.call(100, SYS_lseek, -ESPIPE);
  b.call(100, SYS_ioctl, -ENOTTY).args[1] = 0x5401;
  b.exit(100, 1);

  Verdict v = run(b);
  ASSERT_TRUE(v.command_failed);
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->call.seq, culprit.seq);
  EXPECT_NE(last_failure(b)->seq, culprit.seq);  // the naive rule would be wrong here
  EXPECT_EQ(v.program, "cat");
  ASSERT_TRUE(v.exit.has_value());
  EXPECT_EQ(v.exit->code, 1);
  EXPECT_LE(v.runners_up.size(), 3u);
  EXPECT_GT(v.confidence, 0.6);
  EXPECT_LE(v.confidence, 1.0);
  bool says_errno = false;
  for (const auto& e : v.culprit->evidence) says_errno |= e.find("No such file or directory") != std::string::npos;
  EXPECT_TRUE(says_errno);
  for (const auto& r : v.runners_up) EXPECT_FALSE(r.evidence.empty());
}

TEST(CulpritFinder, SucceededRunHasNoCulprit) {
  EventBuilder b;
  program_start(b, 100, "/usr/bin/true");
  b.exit(100, 0);
  Verdict v = run(b);
  EXPECT_FALSE(v.command_failed);
  EXPECT_FALSE(v.culprit.has_value());
  EXPECT_TRUE(v.runners_up.empty());
}

TEST(CulpritFinder, ParentReportsItsChildsFailure) {
  EventBuilder b;
  program_start(b, 100, "/usr/bin/python3");
  b.spawn(100, 101);
  auto& refused = b.inet(101, SYS_connect, 5432, -ECONNREFUSED);
  b.exit(101, 1);   // the child says nothing itself
  b.call(100, SYS_wait4, 101);
  b.call(100, SYS_wait4, -ECHILD);
  b.write(100, 2, "worker: cannot reach database on port 5432\n");
  b.stat(100, "/tmp/t/app.pid", -ENOENT);   // cleanup probe after the message
  b.exit(100, 2);

  Verdict v = run(b);
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->call.seq, refused.seq);
  bool names_port = false;
  for (const auto& e : v.culprit->evidence) names_port |= e.find("5432") != std::string::npos;
  EXPECT_TRUE(names_port);
}

TEST(CulpritFinder, PathSearchByTheShellIsNotTheCulprit) {
  EventBuilder b;
  program_start(b, 100, "/bin/sh");
  b.spawn(100, 101);
  b.execve(101, "/usr/local/sbin/tool", -ENOENT);
  b.execve(101, "/usr/local/bin/tool", -ENOENT);
  b.execve(101, "/usr/bin/tool", 0);
  b.exec(101, "/usr/bin/tool");
  auto& bind = b.inet(101, SYS_bind, 8080, -EADDRINUSE);
  b.write(101, 2, "tool: bind: Address already in use\n");
  b.call(101, SYS_read, -EAGAIN);
  b.exit(101, 1);
  b.call(100, SYS_wait4, -ECHILD);
  b.exit(100, 1);
  Verdict v = run(b);
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->call.seq, bind.seq);
  EXPECT_EQ(v.program, "tool");
}

TEST(CulpritFinder, WithoutMessagesTheLastSeriousFailureOfTheFailedProcessWins) {
  EventBuilder b;
  program_start(b, 100, "/usr/bin/prog");
  b.spawn(100, 101);
  b.mkdir(101, "/tmp/other", -EEXIST);   // a helper that coped
  b.exit(101, 0);
  auto& culprit = b.call(100, SYS_perf_event_open, -EINVAL);
  b.call(100, SYS_ioctl, -ENOTTY);
  b.exit(100, 1);
  Verdict v = run(b);
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->call.seq, culprit.seq);
}

TEST(CulpritFinder, ExplanationReachesTheVerdictWhicheverComesFirst) {
  EventBuilder b;
  program_start(b, 100, "/usr/bin/cat");
  auto& culprit = b.openat(100, "/tmp/t/missing", -ENOENT);
  b.exit(100, 1);
  CulpritFinder finder;
  explain::Explanation early;
  early.causes.push_back({"path.missing-component", "/tmp/t has no entry missing", {}, {}, true, false});
  finder.set_explanation(culprit.seq, early);   // before its call is observed
  for (const auto& e : b.events()) finder.observe(e);
  Verdict v = finder.verdict();
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->explanation.summary(), "/tmp/t has no entry missing");
}

TEST(CulpritFinder, KilledProcessFailsTheRun) {
  EventBuilder b;
  program_start(b, 100, "/usr/bin/prog");
  auto& mm = b.call(100, SYS_mmap, -ENOMEM);
  b.kill(100, 11);
  Verdict v = run(b);
  EXPECT_TRUE(v.command_failed);
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->call.seq, mm.seq);
  bool mentions_kill = false;
  for (const auto& e : v.culprit->evidence) mentions_kill |= e.find("killed by signal 11") != std::string::npos;
  EXPECT_TRUE(mentions_kill);
}

TEST(CulpritFinder, VerdictForOneAttachedProcessIgnoresOthers) {
  EventBuilder b;
  b.openat(200, "/srv/a/config.ini", -ENOENT);
  b.write(200, 2, "a: /srv/a/config.ini: No such file or directory\n");
  b.exit(200, 1);
  b.inet(300, SYS_connect, 6379, -ECONNREFUSED);
  b.spawn(300, 301);
  auto& child = b.openat(301, "/var/lib/b/state", -EACCES);
  b.write(301, 2, "b-worker: /var/lib/b/state: Permission denied\n");
  b.exit(301, 3);
  CulpritFinder finder;
  for (const auto& e : b.events()) finder.observe(e);

  Verdict a = finder.verdict_for(200);
  EXPECT_TRUE(a.command_failed);
  ASSERT_TRUE(a.culprit.has_value());
  EXPECT_EQ(a.culprit->call.pid, 200);

  Verdict v = finder.verdict_for(300);   // still running: its child failed
  EXPECT_TRUE(v.command_failed);
  ASSERT_TRUE(v.culprit.has_value());
  EXPECT_EQ(v.culprit->call.seq, child.seq);
  for (const auto& r : v.runners_up) EXPECT_NE(r.call.pid, 200);
}

TEST(CulpritFinder, ASearchUpTheTreeIsRepresentedByItsFirstDirectory) {
  // git looking for its repository: .git, .git/HEAD and HEAD in every parent,
  // no message captured. The last probe ("/HEAD") says least.
  EventBuilder b;
  program_start(b, 100, "/usr/bin/git");
  uint64_t first = 0;
  for (std::string dir : {"/tmp/t/src", "/tmp/t", "/tmp", ""}) {
    auto& git = b.stat(100, dir + "/.git", -ENOENT);
    if (!first) first = git.seq;
    b.stat(100, dir + "/.git/HEAD", -ENOENT);
    b.stat(100, dir + "/HEAD", -ENOENT);
  }
  b.exit(100, 128);
  Verdict v = run(b);
  ASSERT_TRUE(v.culprit.has_value());
  const std::string path = v.culprit->call.captured[1]->bytes;
  EXPECT_EQ(path.rfind("/tmp/t/src/", 0), 0u) << path;
  EXPECT_NE(path.find(".git"), std::string::npos) << path;
}

TEST(CulpritFinder, NoFailuresButNonZeroExit) {
  EventBuilder b;
  b.exec(100, "/usr/bin/false");
  b.exit(100, 1);
  Verdict v = run(b);
  EXPECT_TRUE(v.command_failed);
  EXPECT_FALSE(v.culprit.has_value());
  EXPECT_EQ(v.program, "false");
}

}  // namespace
}  // namespace whyfail::culprit
