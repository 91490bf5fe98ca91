#include "cli/explain_cache.h"

#include <gtest/gtest.h>

namespace whyfail::cli {
namespace {

trace::SyscallEvent failure(const std::string& path, uint64_t ptr = 0x1000) {
  trace::SyscallEvent ev;
  ev.pid = 5;
  ev.nr = 257;
  ev.ret = -2;
  ev.args = {static_cast<uint64_t>(-100), ptr, 0, 0, 0, 0};
  trace::CapturedBytes c;
  c.bytes = path;
  ev.captured[1] = c;
  return ev;
}

explain::Explanation says(const std::string& text) {
  explain::Explanation e;
  e.causes.push_back({"code", text, {}, "", true, false});
  return e;
}

TEST(ExplainCache, IdenticalFailuresHitEvenAtAnotherAddress) {
  ExplainCache cache(4);
  EXPECT_EQ(cache.find(failure("/a")), nullptr);
  cache.insert(failure("/a"), says("a"));
  const auto* hit = cache.find(failure("/a", 0x2000));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->summary(), "a");
  EXPECT_EQ(cache.find(failure("/b")), nullptr);
  trace::SyscallEvent other_flags = failure("/a");
  other_flags.args[2] = 0x40;   // O_CREAT: a different call
  EXPECT_EQ(cache.find(other_flags), nullptr);
  trace::SyscallEvent other_errno = failure("/a");
  other_errno.ret = -13;
  EXPECT_EQ(cache.find(other_errno), nullptr);
}

TEST(ExplainCache, BoundedLeastRecentlyUsedGoesFirst) {
  ExplainCache cache(2);
  cache.insert(failure("/1"), says("1"));
  cache.insert(failure("/2"), says("2"));
  ASSERT_NE(cache.find(failure("/1")), nullptr);   // /1 is now the most recent
  cache.insert(failure("/3"), says("3"));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find(failure("/1")), nullptr);
  EXPECT_EQ(cache.find(failure("/2")), nullptr);
  for (int k = 0; k < 100000; ++k) cache.find(failure("/3"));
  EXPECT_EQ(cache.size(), 2u);
}

}  // namespace
}  // namespace whyfail::cli
