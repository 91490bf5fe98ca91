// Path-taking syscalls that really fail, explained against the real process.
#include <sched.h>
#include <sys/mount.h>

#include <linux/limits.h>

#include "explain/path_walk.h"
#include "test_support.h"

namespace whyfail::explain {
namespace {

using test::TempDir;

TEST(PathErrors, EnoentNamesTheMissingMiddleComponent) {
  TempDir t;
  ASSERT_EQ(::mkdir((t / "etc").c_str(), 0755), 0);
  std::string path = t / "etc/app/config.toml";
  int64_t r = test::raw(::syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY, 0));
  ASSERT_EQ(r, -ENOENT);
  auto ev = test::make_event(::getpid(), SYS_openat, {static_cast<uint64_t>(AT_FDCWD), test::ptr(path), O_RDONLY}, r);
  test::capture(ev, 1, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.missing-component");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_TRUE(c->verified);
  EXPECT_NE(c->text.find("\"app\""), std::string::npos) << c->text;
  EXPECT_NE(c->text.find(t / "etc"), std::string::npos) << c->text;
}

TEST(PathErrors, EnoentReadsThePathFromMemoryWhenNotCaptured) {
  TempDir t;
  std::string path = t / "no-such-file";
  int64_t r = test::raw(::syscall(SYS_open, path.c_str(), O_RDONLY, 0));
  ASSERT_EQ(r, -ENOENT);
  auto ev = test::make_event(::getpid(), SYS_open, {test::ptr(path), O_RDONLY}, r);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.missing-final");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("no-such-file"), std::string::npos);
}

TEST(PathErrors, NotLiveAndNotCapturedSaysTheCheckCouldNotBeMade) {
  TempDir t;
  std::string path = t / "x";
  auto ev = test::make_event(::getpid(), SYS_open, {test::ptr(path), O_RDONLY}, -ENOENT);
  ExplainContext ctx;
  ctx.live = false;
  auto ex = explain_failure(ev, ctx);
  const Cause* c = test::find_cause(ex, "check.not-possible");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_FALSE(c->verified);
  EXPECT_TRUE(c->state_after_the_fact);
}

TEST(PathErrors, EaccesAsNobodyOnA0700Directory) {
  SKIP_UNLESS_ROOT();
  TempDir t;
  ASSERT_EQ(::mkdir((t / "secret").c_str(), 0700), 0);
  test::write_file(t / "secret/key", "k", 0644);
  std::string path = t / "secret/key";
  test::Child child([&] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY, 0));
  });
  ASSERT_EQ(child.ret(), -EACCES);
  auto ev = test::make_event(child.pid(), SYS_openat, {static_cast<uint64_t>(AT_FDCWD), test::ptr(path), O_RDONLY},
                             child.ret());
  test::capture(ev, 1, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.no-search-permission");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("uid 65534"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("0700"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find(t / "secret"), std::string::npos) << c->text;
}

TEST(PathErrors, EaccesOnTheFileForTheOpenMode) {
  SKIP_UNLESS_ROOT();
  TempDir t;
  test::write_file(t / "ro", "r", 0644);
  std::string path = t / "ro";
  test::Child child([&] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_open, path.c_str(), O_WRONLY, 0));
  });
  ASSERT_EQ(child.ret(), -EACCES);
  auto ev = test::make_event(child.pid(), SYS_open, {test::ptr(path), O_WRONLY}, child.ret());
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.no-write-permission");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("0644"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("65534"), std::string::npos) << c->text;
}

TEST(PathErrors, EnotdirNamesTheFileUsedAsADirectory) {
  TempDir t;
  test::write_file(t / "plain", "", 0644);
  std::string path = t / "plain/sub";
  int64_t r = test::raw(::syscall(SYS_newfstatat, AT_FDCWD, path.c_str(), nullptr, 0));
  // newfstatat with a NULL buffer faults only after the lookup succeeds.
  ASSERT_EQ(r, -ENOTDIR);
  auto ev = test::make_event(::getpid(), SYS_newfstatat, {static_cast<uint64_t>(AT_FDCWD), test::ptr(path), 0, 0}, r);
  test::capture(ev, 1, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.not-a-directory");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find(t / "plain"), std::string::npos);
  EXPECT_NE(c->text.find("regular file"), std::string::npos);
}

TEST(PathErrors, EloopShowsTheCycle) {
  TempDir t;
  ASSERT_EQ(::symlink("b", (t / "a").c_str()), 0);
  ASSERT_EQ(::symlink("a", (t / "b").c_str()), 0);
  std::string path = t / "a";
  int64_t r = test::raw(::syscall(SYS_open, path.c_str(), O_RDONLY, 0));
  ASSERT_EQ(r, -ELOOP);
  auto ev = test::make_event(::getpid(), SYS_open, {test::ptr(path), O_RDONLY}, r);
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.symlink-loop");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find((t / "a") + " -> b"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find((t / "b") + " -> a"), std::string::npos) << c->text;
}

TEST(PathErrors, EnametoolongComponentAndWholePath) {
  TempDir t;
  std::string longname(300, 'n');
  std::string path = t / longname;
  int64_t r = test::raw(::syscall(SYS_open, path.c_str(), O_RDONLY, 0));
  ASSERT_EQ(r, -ENAMETOOLONG);
  auto ev = test::make_event(::getpid(), SYS_open, {test::ptr(path), O_RDONLY}, r);
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.name-too-long");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("300"), std::string::npos);
  EXPECT_NE(c->text.find(std::to_string(NAME_MAX)), std::string::npos);

  std::string huge;
  while (huge.size() < PATH_MAX + 10) huge += "/d";
  r = test::raw(::syscall(SYS_open, huge.c_str(), O_RDONLY, 0));
  ASSERT_EQ(r, -ENAMETOOLONG);
  auto ev2 = test::make_event(::getpid(), SYS_open, {test::ptr(huge), O_RDONLY}, r);
  test::capture(ev2, 0, huge);
  auto ex2 = test::explain_live(ev2);
  const Cause* c2 = test::find_cause(ex2, "path.too-long");
  ASSERT_NE(c2, nullptr) << test::dump(ex2);
  EXPECT_NE(c2->text.find(std::to_string(huge.size())), std::string::npos);
  EXPECT_NE(c2->text.find(std::to_string(PATH_MAX)), std::string::npos);
}

TEST(PathErrors, EisdirOpeningADirectoryForWriting) {
  TempDir t;
  std::string path = t.path();
  int64_t r = test::raw(::syscall(SYS_open, path.c_str(), O_WRONLY, 0));
  ASSERT_EQ(r, -EISDIR);
  auto ev = test::make_event(::getpid(), SYS_open, {test::ptr(path), O_WRONLY}, r);
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  ASSERT_NE(test::find_cause(ex, "path.is-a-directory"), nullptr) << test::dump(ex);
}

TEST(PathErrors, EexistSaysWhatIsThere) {
  TempDir t;
  test::write_file(t / "taken", "", 0640);
  std::string path = t / "taken";
  int64_t r = test::raw(::syscall(SYS_mkdir, path.c_str(), 0755));
  ASSERT_EQ(r, -EEXIST);
  auto ev = test::make_event(::getpid(), SYS_mkdir, {test::ptr(path), 0755}, r);
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.already-exists");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("regular file"), std::string::npos);
  EXPECT_NE(c->text.find("0640"), std::string::npos);
}

TEST(PathErrors, EnotemptyListsEntries) {
  TempDir t;
  ASSERT_EQ(::mkdir((t / "full").c_str(), 0755), 0);
  test::write_file(t / "full/leftover.txt", "", 0644);
  std::string path = t / "full";
  int64_t r = test::raw(::syscall(SYS_rmdir, path.c_str()));
  ASSERT_EQ(r, -ENOTEMPTY);
  auto ev = test::make_event(::getpid(), SYS_rmdir, {test::ptr(path)}, r);
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.directory-not-empty");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("leftover.txt"), std::string::npos);
}

// Mount tests run in a child with its own mount namespace: the explainer must
// see the child's mounts through /proc/PID, not the test's.
TEST(PathErrors, ExdevAcrossATmpfsMount) {
  SKIP_UNLESS_ROOT();
  TempDir t;
  ASSERT_EQ(::mkdir((t / "mnt").c_str(), 0755), 0);
  test::write_file(t / "file", "", 0644);
  std::string mnt = t / "mnt", from = t / "file", to = t / "mnt/file";
  test::Child child([&] {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("whyfail-test", mnt.c_str(), "tmpfs", 0, "size=1m") != 0)
      return int64_t{-9999};
    return test::raw(::syscall(SYS_rename, from.c_str(), to.c_str()));
  });
  if (child.ret() == -9999) GTEST_SKIP() << "cannot mount a tmpfs here";
  ASSERT_EQ(child.ret(), -EXDEV);
  auto ev = test::make_event(child.pid(), SYS_rename, {test::ptr(from), test::ptr(to)}, child.ret());
  test::capture(ev, 0, from);
  test::capture(ev, 1, to);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.cross-mount");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("tmpfs"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find(mnt), std::string::npos) << c->text;
}

TEST(PathErrors, ErofsNamesTheReadOnlyMount) {
  SKIP_UNLESS_ROOT();
  TempDir t;
  ASSERT_EQ(::mkdir((t / "ro").c_str(), 0755), 0);
  std::string mnt = t / "ro", path = t / "ro/new";
  test::Child child([&] {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("whyfail-ro", mnt.c_str(), "tmpfs", MS_RDONLY, "size=1m") != 0)
      return int64_t{-9999};
    return test::raw(::syscall(SYS_open, path.c_str(), O_WRONLY | O_CREAT, 0644));
  });
  if (child.ret() == -9999) GTEST_SKIP() << "cannot mount a tmpfs here";
  ASSERT_EQ(child.ret(), -EROFS);
  auto ev = test::make_event(child.pid(), SYS_open, {test::ptr(path), O_WRONLY | O_CREAT, 0644}, child.ret());
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.read-only-mount");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find(mnt), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("whyfail-ro"), std::string::npos) << c->text;
}

TEST(PathErrors, EtxtbsyNamesTheRunningProcess) {
  TempDir t;
  std::string exe = t / "sleeper";
  {
    int in = ::open("/bin/sleep", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(in, 0);
    int out = ::open(exe.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
    char buf[65536];
    ssize_t n;
    while ((n = ::read(in, buf, sizeof buf)) > 0) ASSERT_EQ(::write(out, buf, n), n);
    ::close(in);
    ::close(out);
  }
  pid_t runner = ::fork();
  if (runner == 0) {
    ::execl(exe.c_str(), "sleeper", "30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the child runs the copy.
  for (int i = 0; i < 200; ++i) {
    auto l = std::string(256, '\0');
    ssize_t n = ::readlink(("/proc/" + std::to_string(runner) + "/exe").c_str(), l.data(), l.size());
    if (n > 0 && l.substr(0, static_cast<size_t>(n)) == exe) break;
    ::usleep(10000);
  }
  int64_t r = test::raw(::syscall(SYS_open, exe.c_str(), O_WRONLY, 0));
  auto ev = test::make_event(::getpid(), SYS_open, {test::ptr(exe), O_WRONLY}, r);
  test::capture(ev, 0, exe);
  auto ex = test::explain_live(ev);
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  ASSERT_EQ(r, -ETXTBSY);
  const Cause* c = test::find_cause(ex, "path.text-busy");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find(std::to_string(runner)), std::string::npos) << c->text;
}

TEST(PathErrors, AccessChecksTheRealUid) {
  SKIP_UNLESS_ROOT();
  TempDir t;
  test::write_file(t / "mine", "", 0600);
  std::string path = t / "mine";
  // Real uid nobody, effective uid root: access() answers for nobody.
  test::Child child([&] {
    if (::setresuid(test::kNobody, 0, 0) != 0) return int64_t{-9999};
    return test::raw(::syscall(SYS_access, path.c_str(), R_OK));
  });
  ASSERT_EQ(child.ret(), -EACCES);
  auto ev = test::make_event(child.pid(), SYS_access, {test::ptr(path), R_OK}, child.ret());
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.access-denied");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("65534"), std::string::npos) << c->text;
}

TEST(PathErrors, VanishedProcessIsReportedNotCrashed) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  auto ev = test::make_event(pid, SYS_open, {0, O_RDONLY}, -ENOENT);
  test::capture(ev, 0, "/nonexistent");
  auto ex = test::explain_live(ev);
  EXPECT_NE(test::find_cause(ex, "check.process-gone"), nullptr) << test::dump(ex);
}

}  // namespace
}  // namespace whyfail::explain

namespace whyfail::explain {
namespace {

TEST(PathErrors, AbsolutePathOfAVanishedProcessIsStillWalkedAsAPossibleCause) {
  test::TempDir t;
  std::string path = t / "gone-dir/file";
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(::syscall(SYS_open, path.c_str(), O_RDONLY, 0) == -1 ? 0 : 1);
  int st = 0;
  ::waitpid(pid, &st, 0);
  ASSERT_EQ(WEXITSTATUS(st), 0);
  auto ev = test::make_event(pid, SYS_open, {test::ptr(path), O_RDONLY}, -ENOENT);
  test::capture(ev, 0, path);
  ExplainContext ctx;
  auto ex = explain_failure(ev, ctx);
  const Cause* c = test::find_cause(ex, "path.missing-component");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_FALSE(c->verified);
  EXPECT_TRUE(c->state_after_the_fact);
  EXPECT_NE(c->text.find("\"gone-dir\""), std::string::npos) << c->text;
  EXPECT_NE(test::find_cause(ex, "check.process-gone"), nullptr);
}

}  // namespace
}  // namespace whyfail::explain
