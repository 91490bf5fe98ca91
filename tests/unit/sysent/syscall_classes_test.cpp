#include <sys/syscall.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "sysent/syscall_classes.h"

namespace whyfail::sysent {
namespace {

bool contains(const std::vector<int>& v, long nr) {
  return std::find(v.begin(), v.end(), static_cast<int>(nr)) != v.end();
}

TEST(SyscallClasses, ParsesStraceNames) {
  EXPECT_EQ(parse_class("%file"), kClassFile);
  EXPECT_EQ(parse_class("file"), kClassFile);
  EXPECT_EQ(parse_class("%net"), kClassNetwork);
  EXPECT_EQ(parse_class("%network"), kClassNetwork);
  EXPECT_EQ(parse_class("%creds"), kClassCreds);
  EXPECT_FALSE(parse_class("%bogus").has_value());
  for (auto name : class_names()) EXPECT_TRUE(syscalls_in_class(name).has_value()) << name;
}

TEST(SyscallClasses, MembersMatchStraceDefinitions) {
  auto file = syscalls_in_class("%file").value();
  EXPECT_TRUE(contains(file, SYS_openat));
  EXPECT_TRUE(contains(file, SYS_execve));
  EXPECT_FALSE(contains(file, SYS_read));
  auto desc = syscalls_in_class("%desc").value();
  EXPECT_TRUE(contains(desc, SYS_read));
  EXPECT_TRUE(contains(desc, SYS_openat));
  auto net = syscalls_in_class("%network").value();
  EXPECT_TRUE(contains(net, SYS_connect));
  EXPECT_FALSE(contains(net, SYS_openat));
  auto process = syscalls_in_class("%process").value();
  EXPECT_TRUE(contains(process, SYS_clone));
  EXPECT_TRUE(contains(process, SYS_wait4));
  auto memory = syscalls_in_class("%memory").value();
  EXPECT_TRUE(contains(memory, SYS_mmap));
  EXPECT_TRUE(contains(memory, SYS_brk));
  auto signal = syscalls_in_class("%signal").value();
  EXPECT_TRUE(contains(signal, SYS_rt_sigaction));
  EXPECT_TRUE(contains(signal, SYS_kill));
  auto lstat = syscalls_in_class("%lstat").value();
  ASSERT_EQ(lstat.size(), 1u);
  EXPECT_EQ(lstat[0], SYS_lstat);
  auto stat = syscalls_in_class("%%stat").value();
  EXPECT_TRUE(contains(stat, SYS_statx));
  EXPECT_FALSE(syscalls_in_class("%nonsense").has_value());
}

TEST(SyscallClasses, CloseMatchesForTypos) {
  auto m = close_syscall_names("opnat");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0], "openat");
  m = close_syscall_names("stta");
  EXPECT_NE(std::find(m.begin(), m.end(), "stat"), m.end());
  m = close_syscall_names("clone4");
  EXPECT_NE(std::find(m.begin(), m.end(), "clone3"), m.end());
  EXPECT_LE(close_syscall_names("x", 3).size(), 3u);
  EXPECT_TRUE(close_syscall_names("qqqqqqqqqqqqqqqqqqqq").empty());
}

}  // namespace
}  // namespace whyfail::sysent
