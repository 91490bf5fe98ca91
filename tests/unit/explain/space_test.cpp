// ENOSPC on a real, tiny, full tmpfs in a child's own mount namespace.
#include <sched.h>
#include <sys/mount.h>

#include "test_support.h"

namespace whyfail::explain {
namespace {

TEST(Space, EnospcNamesTheFullFilesystem) {
  SKIP_UNLESS_ROOT();
  test::TempDir t;
  ASSERT_EQ(::mkdir((t / "small").c_str(), 0755), 0);
  std::string mnt = t / "small", file = t / "small/fill";
  static char block[4096];
  test::Child child([&] {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("whyfail-small", mnt.c_str(), "tmpfs", 0, "size=64k") != 0)
      return int64_t{-9999};
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT, 0644);
    if (fd != 3 && (::dup2(fd, 3) < 0 || ::close(fd) != 0)) return int64_t{-9999};
    for (int i = 0; i < 1000; ++i) {
      long r = ::syscall(SYS_write, 3, block, sizeof block);
      if (r < 0) return test::raw(r);
    }
    return int64_t{0};
  });
  if (child.ret() == -9999) GTEST_SKIP() << "cannot mount a tmpfs here";
  ASSERT_EQ(child.ret(), -ENOSPC);
  auto ev = test::make_event(child.pid(), SYS_write, {3, test::ptr(block), sizeof block}, child.ret());
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "fs.no-space");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_TRUE(c->verified);
  EXPECT_NE(c->text.find(mnt), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("tmpfs"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("0 bytes available"), std::string::npos) << c->text;
}

TEST(Space, StickyDirectoryRefusesRemovingOthersFiles) {
  SKIP_UNLESS_ROOT();
  test::TempDir t;
  ASSERT_EQ(::mkdir((t / "shared").c_str(), 0777), 0);
  ASSERT_EQ(::chmod((t / "shared").c_str(), 01777), 0);
  test::write_file(t / "shared/roots", "", 0644);
  std::string path = t / "shared/roots";
  test::Child child([&] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_unlink, path.c_str()));
  });
  ASSERT_EQ(child.ret(), -EPERM);
  auto ev = test::make_event(child.pid(), SYS_unlink, {test::ptr(path)}, child.ret());
  test::capture(ev, 0, path);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "path.sticky-directory");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("1777"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("65534"), std::string::npos) << c->text;
}

}  // namespace
}  // namespace whyfail::explain
