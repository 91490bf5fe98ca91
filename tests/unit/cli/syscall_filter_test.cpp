#include "cli/syscall_filter.h"

#include <gtest/gtest.h>

#include "sysent/syscall_classes.h"
#include "sysent/syscall_info.h"

namespace whyfail::cli {
namespace {

int nr(const char* name) {
  const auto* info = sysent::syscall_by_name(name);
  EXPECT_NE(info, nullptr) << name;
  return info ? info->nr : 0;
}

TEST(SyscallFilter, EmptyMeansEverything) {
  auto f = parse_syscall_filter({});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->restricted);
  EXPECT_TRUE(f->set.test(nr("openat")));
}

TEST(SyscallFilter, NamesAndClasses) {
  auto f = parse_syscall_filter({"openat,close"});
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->restricted);
  EXPECT_EQ(f->set.count(), 2u);
  auto file = parse_syscall_filter({"%file"});
  ASSERT_TRUE(file);
  // Exactly what the syscall table puts in the class.
  EXPECT_EQ(file->set.count(), sysent::syscalls_in_class("%file")->size());
  EXPECT_TRUE(file->set.test(nr("openat")));
  EXPECT_FALSE(file->set.test(nr("getpid")));
}

TEST(SyscallFilter, NegationAndAccumulation) {
  auto f = parse_syscall_filter({"!openat"});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->set.test(nr("openat")));
  EXPECT_TRUE(f->set.test(nr("close")));
  auto g = parse_syscall_filter({"openat", "close"});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->set.count(), 2u);
  auto none = parse_syscall_filter({"none"});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->set.count(), 0u);
}

TEST(SyscallFilter, RegexAndOptional) {
  auto f = parse_syscall_filter({"/^open"});
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->set.test(nr("open")));
  EXPECT_TRUE(f->set.test(nr("openat")));
  EXPECT_FALSE(f->set.test(nr("close")));
  auto o = parse_syscall_filter({"?nosuchcall,close"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->set.count(), 1u);
}

TEST(SyscallFilter, UnknownNameSuggestsCloseMatches) {
  auto f = parse_syscall_filter({"opnat"});
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().what.find("opnat"), std::string::npos);
  EXPECT_NE(f.error().hint.find("openat"), std::string::npos);
  auto c = parse_syscall_filter({"%nosuchclass"});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().hint.find("%file"), std::string::npos);
}

}  // namespace
}  // namespace whyfail::cli
