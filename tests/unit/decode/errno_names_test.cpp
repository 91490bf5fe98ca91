#include <errno.h>

#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>

#include "decode/decoder.h"

namespace whyfail::decode {
namespace {

TEST(ErrnoNames, EveryLinuxErrnoHasANameThatMapsBack) {
  // 1..EHWPOISON is every errno Linux defines; 41 and 58 are unused numbers.
  for (int e = 1; e <= EHWPOISON; ++e) {
    if (e == 41 || e == 58) continue;
    std::string name = errno_name(e);
    ASSERT_NE(name, "E" + std::to_string(e)) << e;
    EXPECT_EQ(errno_by_name(name), e) << name;
    EXPECT_EQ(errno_text(e), std::strerror(e)) << name;
  }
}

TEST(ErrnoNames, PrimaryNamesAndAliases) {
  EXPECT_EQ(errno_name(ENOENT), "ENOENT");
  EXPECT_EQ(errno_name(EAGAIN), "EAGAIN");  // not EWOULDBLOCK
  EXPECT_EQ(errno_by_name("EWOULDBLOCK"), EAGAIN);
  EXPECT_EQ(errno_by_name("ENOTSUP"), EOPNOTSUPP);
  EXPECT_EQ(errno_by_name("EDEADLOCK"), EDEADLK);
  EXPECT_EQ(errno_by_name("ENOSUCH"), -1);
}

TEST(ErrnoNames, KernelInternalCodes) {
  EXPECT_EQ(errno_name(512), "ERESTARTSYS");
  EXPECT_EQ(errno_name(513), "ERESTARTNOINTR");
  EXPECT_EQ(errno_name(514), "ERESTARTNOHAND");
  EXPECT_EQ(errno_name(515), "ENOIOCTLCMD");
  EXPECT_EQ(errno_name(516), "ERESTART_RESTARTBLOCK");
  EXPECT_EQ(errno_name(521), "EBADHANDLE");
  EXPECT_EQ(errno_name(524), "ENOTSUPP");
  EXPECT_EQ(errno_name(529), "EIOCBQUEUED");
  for (int e = 512; e <= 531; ++e) {
    if (e == 520) continue;  // unused
    std::string name = errno_name(e);
    EXPECT_EQ(errno_by_name(name), e);
    // glibc does not know these; our text must not be its "Unknown error".
    EXPECT_EQ(errno_text(e).find("Unknown error"), std::string::npos) << name;
  }
  EXPECT_EQ(errno_name(999), "E999");
  auto all = all_errnos();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

}  // namespace
}  // namespace whyfail::decode
