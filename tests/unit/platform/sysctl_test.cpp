#include "platform/sysctl.h"

#include <sys/utsname.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace whyfail::platform {
namespace {

TEST(Sysctl, PathFromDottedName) {
  EXPECT_EQ(sysctl_path("kernel.perf_event_paranoid"), "/proc/sys/kernel/perf_event_paranoid");
  EXPECT_EQ(sysctl_path("net/ipv4/ip_forward"), "/proc/sys/net/ipv4/ip_forward");
}

TEST(Sysctl, MatchesUname) {
  // Independent source: the uname() syscall, not /proc/sys.
  struct utsname u {};
  ASSERT_EQ(uname(&u), 0);
  auto ostype = read_sysctl("kernel.ostype");
  ASSERT_TRUE(ostype) << ostype.error().message();
  EXPECT_EQ(*ostype, u.sysname);
  auto release = read_sysctl("kernel.osrelease");
  ASSERT_TRUE(release) << release.error().message();
  EXPECT_EQ(*release, u.release);
}

TEST(Sysctl, MatchesSysctlCommand) {
  FILE* p = popen("sysctl -n kernel.pid_max 2>/dev/null", "r");
  ASSERT_NE(p, nullptr);
  char buf[64] = {};
  const bool got = fgets(buf, sizeof buf, p) != nullptr;
  pclose(p);
  if (!got) GTEST_SKIP() << "sysctl(8) not installed (procps)";
  auto v = read_sysctl_int("kernel.pid_max");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(*v, std::stol(buf));
}

TEST(Sysctl, MissingKnobIsEnoent) {
  auto v = read_sysctl("kernel.whyfail_no_such_knob");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().err, ENOENT);
}

TEST(Sysctl, NonNumberIsEinval) {
  auto v = read_sysctl_int("kernel.ostype");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().err, EINVAL);
}

}  // namespace
}  // namespace whyfail::platform
