// The man page fallback against the installed pages.
#include "explain/man_pages.h"

#include <sys/stat.h>

#include "test_support.h"

namespace whyfail::explain {
namespace {

bool have_page(const std::string& name) {
  struct stat st;
  return ::stat(("/usr/share/man/man2/" + name + ".2.gz").c_str(), &st) == 0;
}

TEST(ManPages, ParsesTheErrorsOfOpen) {
  if (!have_page("open")) GTEST_SKIP() << "manpages-dev not installed";
  auto entries = man_page_errors("open");
  ASSERT_FALSE(entries.empty());
  bool enoent = false;
  for (const auto& e : entries)
    for (const auto& n : e.errnos)
      if (n == "ENOENT" && !e.text.empty()) enoent = true;
  EXPECT_TRUE(enoent);
  for (const auto& e : entries) EXPECT_EQ(e.text.find("\\f"), std::string::npos) << e.text;
}

TEST(ManPages, FollowsSoRedirectsAndKernelNames) {
  if (!have_page("stat")) GTEST_SKIP() << "manpages-dev not installed";
  EXPECT_FALSE(man_page_errors("newfstatat").empty());
  EXPECT_FALSE(man_page_errors("lstat").empty());
}

TEST(ManPages, FallbackForAnErrnoWithoutAnExplainer) {
  if (!have_page("pipe2") && !have_page("pipe")) GTEST_SKIP() << "manpages-dev not installed";
  int fds[2];
  int64_t r = test::raw(::syscall(SYS_pipe2, fds, 0x7fff0000));
  ASSERT_EQ(r, -EINVAL);
  auto ex = test::explain_live(test::make_event(::getpid(), SYS_pipe2, {test::ptr(fds), 0x7fff0000}, r));
  const Cause* c = test::find_cause(ex, "manpage.possible-cause");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_FALSE(c->verified);
  EXPECT_NE(c->text.find("flags"), std::string::npos) << c->text;
  // Only the EINVAL entries, never another errno's.
  for (const auto& cause : ex.causes) EXPECT_EQ(cause.code, "manpage.possible-cause");
}

TEST(ManPages, UnknownSyscallGivesNothingRatherThanInventing) {
  EXPECT_TRUE(man_page_causes("no_such_syscall_xyz", "EINVAL").empty());
  EXPECT_TRUE(man_page_causes("../../etc/passwd", "EINVAL").empty());
}

}  // namespace
}  // namespace whyfail::explain
