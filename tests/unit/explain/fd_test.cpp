// Descriptor errors on real descriptors.
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace whyfail::explain {
namespace {

TEST(Fd, EbadfOnADescriptorThatIsNotOpen) {
  const int fd = 987;
  ::close(fd);
  char b = 'x';
  int64_t r = test::raw(::syscall(SYS_write, fd, &b, 1));
  ASSERT_EQ(r, -EBADF);
  auto ex = test::explain_live(test::make_event(::getpid(), SYS_write, {static_cast<uint64_t>(fd), test::ptr(&b), 1}, r));
  const Cause* c = test::find_cause(ex, "fd.not-open");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("987"), std::string::npos);
  ASSERT_FALSE(c->evidence.empty());
  EXPECT_NE(c->evidence[0].find("0 -> "), std::string::npos) << c->evidence[0];
}

TEST(Fd, EbadfWritingAReadOnlyDescriptor) {
  int fd = ::open("/etc/hostname", O_RDONLY | O_CLOEXEC);
  if (fd < 0) fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  char b = 'x';
  int64_t r = test::raw(::syscall(SYS_write, fd, &b, 1));
  auto ev = test::make_event(::getpid(), SYS_write, {static_cast<uint64_t>(fd), test::ptr(&b), 1}, r);
  auto ex = test::explain_live(ev);
  ::close(fd);
  ASSERT_EQ(r, -EBADF);
  const Cause* c = test::find_cause(ex, "fd.not-open-for-writing");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("O_RDONLY"), std::string::npos);
}

TEST(Fd, EmfileWithALoweredRlimitInAChild) {
  test::Child child([] {
    struct rlimit rl {16, 16};
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) return int64_t{-9999};
    for (;;) {
      long r = ::syscall(SYS_open, "/dev/null", O_RDONLY, 0);
      if (r < 0) return test::raw(r);
    }
  });
  ASSERT_EQ(child.ret(), -EMFILE);
  // The limit as the system reports it for that process.
  struct rlimit rl {};
  ASSERT_EQ(::prlimit(child.pid(), RLIMIT_NOFILE, nullptr, &rl), 0);
  auto ev = test::make_event(child.pid(), SYS_open, {0, O_RDONLY}, child.ret());
  test::capture(ev, 0, "/dev/null");
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "fd.too-many-open");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("soft limit is " + std::to_string(rl.rlim_cur)), std::string::npos) << c->text;
  size_t open = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(child.pid()) + "/fd")) {
    (void)e;
    ++open;
  }
  EXPECT_NE(c->text.find("has " + std::to_string(open) + " descriptors open"), std::string::npos) << c->text;
}

TEST(Fd, EnfileReadsTheSystemTable) {
  // ENFILE cannot be provoked safely; the explainer must still read the real file-nr.
  auto ev = test::make_event(::getpid(), SYS_open, {0, O_RDONLY}, -ENFILE);
  test::capture(ev, 0, "/dev/null");
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "fd.system-file-table-full");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  std::ifstream nr("/proc/sys/fs/file-nr");
  uint64_t a, b, max;
  nr >> a >> b >> max;
  EXPECT_NE(c->text.find("fs.file-max is " + std::to_string(max)), std::string::npos) << c->text;
}

}  // namespace
}  // namespace whyfail::explain
