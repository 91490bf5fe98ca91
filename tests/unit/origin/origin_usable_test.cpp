// On the machine the tests run on: either the origin tracer arms, or the
// Error names the mechanisms that failed and why, in one line.
#include <gtest/gtest.h>
#include <unistd.h>

#include "origin/origin_loader.h"

using namespace whyfail::origin;

TEST(OriginUsable, ArmsOrSaysWhyNot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: BPF and tracefs";
  auto r = origin_usable();
  if (r) GTEST_SKIP() << "this kernel allows " << mechanism_name(*r)
                      << ": the refusal path is exercised on a refusing kernel only";
  std::string msg = r.error().message();
  SCOPED_TRACE(msg);
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_NE(msg.find("fexit"), std::string::npos);
  EXPECT_NE(msg.find("kretprobe"), std::string::npos);
}
