#include "report/summary.h"

#include <gtest/gtest.h>

namespace whyfail::report {
namespace {

trace::SyscallEvent call_event(int64_t ret, uint64_t ns) {
  trace::SyscallEvent ev;
  ev.ret = ret;
  ev.enter_ns = 1000;
  ev.exit_ns = 1000 + ns;
  return ev;
}

decode::DecodedCall named(const std::string& name, int err, const std::string& errno_name) {
  decode::DecodedCall c;
  c.name = name;
  c.err = err;
  c.errno_name = errno_name;
  return c;
}

TEST(SummaryCollector, CountsCallsErrorsTimeAndErrnos) {
  SummaryCollector s;
  s.add(call_event(-2, 100), named("openat", 2, "ENOENT"));
  s.add(call_event(-2, 100), named("openat", 2, "ENOENT"));
  s.add(call_event(-13, 100), named("openat", 13, "EACCES"));
  s.add(call_event(3, 100), named("openat", 0, ""));
  s.add(call_event(0, 1000), named("close", 0, ""));
  const SummaryTable t = s.table();
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].syscall, "close");   // most time first
  EXPECT_EQ(t.rows[1].calls, 4u);
  EXPECT_EQ(t.rows[1].errors, 3u);
  EXPECT_EQ(t.rows[1].total_ns, 400u);
  ASSERT_EQ(t.rows[1].errors_by_errno.size(), 2u);
  EXPECT_EQ(t.rows[1].errors_by_errno[0], (std::pair<std::string, uint64_t>{"ENOENT", 2}));
  EXPECT_EQ(t.calls, 5u);
  EXPECT_EQ(t.errors, 3u);
  const std::string text = render_summary_text(t);
  EXPECT_NE(text.find("total"), std::string::npos);
  EXPECT_NE(text.find("ENOENT 2, EACCES 1"), std::string::npos);
}

}  // namespace
}  // namespace whyfail::report
