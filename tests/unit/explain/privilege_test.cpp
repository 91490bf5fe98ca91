// Privilege failures made for real by a child that dropped to nobody.
#include <signal.h>

#include "test_support.h"

namespace whyfail::explain {
namespace {

TEST(Privilege, KillAProcessOfAnotherUserNamesItsOwner) {
  SKIP_UNLESS_ROOT();
  pid_t target = ::getpid();  // runs as root
  test::Child child([&] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_kill, target, 0));
  });
  ASSERT_EQ(child.ret(), -EPERM);
  auto ev = test::make_event(child.pid(), SYS_kill, {static_cast<uint64_t>(target), 0}, child.ret());
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "priv.not-owner");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("process " + std::to_string(target)), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("uid 0"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("CAP_KILL"), std::string::npos) << c->text;
}

TEST(Privilege, SetuidWithoutCapSetuid) {
  SKIP_UNLESS_ROOT();
  test::Child child([] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_setuid, 0));
  });
  ASSERT_EQ(child.ret(), -EPERM);
  auto ev = test::make_event(child.pid(), SYS_setuid, {0}, child.ret());
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "priv.missing-capability");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("CAP_SETUID"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("uid 65534"), std::string::npos) << c->text;
}

TEST(Privilege, ChmodOfAFileOwnedBySomeoneElse) {
  SKIP_UNLESS_ROOT();
  test::TempDir t;
  test::write_file(t / "rootfile", "", 0644);
  std::string path = t / "rootfile";
  test::Child child([&] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_chmod, path.c_str(), 0666));
  });
  ASSERT_EQ(child.ret(), -EPERM);
  auto ev = test::make_event(child.pid(), SYS_chmod, {test::ptr(path), 0666}, child.ret());
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "priv.not-owner");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("root(0)"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("65534"), std::string::npos) << c->text;
}

}  // namespace
}  // namespace whyfail::explain
