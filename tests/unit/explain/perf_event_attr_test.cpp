// perf_event_open with a real (bad) attr: whatever errno this VM returns,
// the validator must name the bad field.
#include "explain/perf_event_attr.h"

#include <linux/perf_event.h>

#include <cstring>
#include <fstream>

#include "test_support.h"

namespace whyfail::explain {
namespace {

std::string attr_bytes(const perf_event_attr& a) { return std::string(reinterpret_cast<const char*>(&a), sizeof a); }

TEST(PerfEventAttr, BadBranchSampleTypeBitIsNamed) {
  perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.type = PERF_TYPE_SOFTWARE;
  a.config = PERF_COUNT_SW_CPU_CLOCK;
  a.sample_period = 1000;
  a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_BRANCH_STACK;
  a.branch_sample_type = PERF_SAMPLE_BRANCH_ANY | (1ULL << 40);
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  int64_t r = test::raw(::syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
  if (r >= 0) ::close(static_cast<int>(r));
  ASSERT_LT(r, 0) << "the kernel accepted an undefined branch_sample_type bit";

  auto findings = validate_perf_event_attr(attr_bytes(a), -1, 0, PerfSystem::read());
  bool named = false;
  for (const auto& f : findings)
    if (f.field == "branch_sample_type" && f.value.find("0x100") != std::string::npos && f.err == EINVAL) named = true;
  EXPECT_TRUE(named);

  auto ev = test::make_event(::getpid(), SYS_perf_event_open, {test::ptr(&a), 0, static_cast<uint64_t>(-1),
                                                               static_cast<uint64_t>(-1), 0}, r);
  test::capture(ev, 0, attr_bytes(a));
  auto ex = test::explain_live(ev);
  if (r == -EINVAL) {
    const Cause* c = test::find_cause(ex, "perf.attr-branch-sample-type");
    ASSERT_NE(c, nullptr) << test::dump(ex);
    EXPECT_TRUE(c->verified);
    EXPECT_NE(c->text.find("branch_sample_type"), std::string::npos);
  } else {
    // EACCES/EPERM (perf_event_paranoid) on this machine: the privilege cause comes first.
    EXPECT_FALSE(ex.causes.empty()) << test::dump(ex);
  }
}

TEST(PerfEventAttr, ParanoidLevelNamedOnEacces) {
  std::ifstream f("/proc/sys/kernel/perf_event_paranoid");
  int level = 0;
  f >> level;
  perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.type = PERF_TYPE_SOFTWARE;
  a.config = PERF_COUNT_SW_CPU_CLOCK;  // kernel not excluded: refused at paranoid >= 2
  test::Child child([&] {
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
  });
  if (child.ret() >= 0 || child.ret() == -9999) GTEST_SKIP() << "perf_event_open allowed here (paranoid " << level << ")";
  auto ev = test::make_event(child.pid(), SYS_perf_event_open, {test::ptr(&a), 0, static_cast<uint64_t>(-1),
                                                                static_cast<uint64_t>(-1), 0}, child.ret());
  test::capture(ev, 0, attr_bytes(a));
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "priv.perf-event-paranoid");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("perf_event_paranoid is " + std::to_string(level)), std::string::npos) << c->text;
}

TEST(PerfEventAttr, FieldChecks) {
  PerfSystem sys;
  sys.max_sample_rate = 1000;
  perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.type = PERF_TYPE_SOFTWARE;
  a.freq = 1;
  a.sample_freq = 5000;
  a.pinned = 1;
  a.use_clockid = 1;
  a.clockid = 99;
  a.__reserved_2 = 1;
  auto f = validate_perf_event_attr(attr_bytes(a), 5, 0, sys);
  auto has = [&](const std::string& field) {
    for (const auto& x : f)
      if (x.field == field) return true;
    return false;
  };
  EXPECT_TRUE(has("sample_freq"));
  EXPECT_TRUE(has("pinned"));
  EXPECT_TRUE(has("clockid"));
  EXPECT_TRUE(has("__reserved_2"));

  perf_event_attr small = a;
  small.size = 32;
  auto f2 = validate_perf_event_attr(attr_bytes(small), -1, 0, sys);
  ASSERT_FALSE(f2.empty());
  EXPECT_EQ(f2[0].err, E2BIG);

  std::string big = attr_bytes(a);
  big.resize(sizeof a + 16, '\0');
  big[sizeof a + 3] = 1;
  uint32_t sz = static_cast<uint32_t>(big.size());
  std::memcpy(&big[4], &sz, 4);
  auto f3 = validate_perf_event_attr(big, -1, 0, sys);
  bool e2big = false;
  for (const auto& x : f3) e2big |= x.err == E2BIG;
  EXPECT_TRUE(e2big);

  perf_event_attr t{};
  t.size = sizeof t;
  t.type = 4242;
  auto f4 = validate_perf_event_attr(attr_bytes(t), -1, 0, PerfSystem::read());
  ASSERT_FALSE(f4.empty());
  EXPECT_EQ(f4[0].field, "type");
}

}  // namespace
}  // namespace whyfail::explain
