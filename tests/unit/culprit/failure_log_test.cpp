#include "culprit/failure_log.h"

#include <errno.h>
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include "event_builder.h"

namespace whyfail::culprit {
namespace {

TEST(FailureLog, RepeatsAreCountedNotStored) {
  testing::EventBuilder b;
  for (int i = 0; i < 50000; ++i) b.call(100, SYS_read, -EAGAIN).args[0] = 5;
  b.call(100, SYS_read, -EAGAIN).args[0] = 6;
  FailureLog log;
  uint64_t order = 0;
  for (const auto& e : b.events()) log.add(std::get<trace::SyscallEvent>(e), ++order);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.records()[0]->count, 50000u);
  EXPECT_EQ(log.records()[0]->last_order, 50000u);
}

TEST(FailureLog, BoundedKeepsTheNewest) {
  testing::EventBuilder b;
  for (int i = 0; i < 100; ++i) b.openat(100, "/p/" + std::to_string(i), -ENOENT);
  FailureLog log(10);
  uint64_t order = 0;
  for (const auto& e : b.events()) log.add(std::get<trace::SyscallEvent>(e), ++order);
  EXPECT_EQ(log.size(), 10u);
  EXPECT_EQ(log.dropped(), 90u);
  EXPECT_EQ(log.records().back()->call.captured[1]->bytes, "/p/99");
  EXPECT_EQ(log.records().front()->call.captured[1]->bytes, "/p/90");
}

TEST(FailureLog, ExplanationByAnySeqOfARepeat) {
  testing::EventBuilder b;
  b.openat(100, "/x", -ENOENT);
  auto second = b.openat(100, "/x", -ENOENT);
  FailureLog log;
  uint64_t order = 0;
  for (const auto& e : b.events()) log.add(std::get<trace::SyscallEvent>(e), ++order);
  explain::Explanation ex;
  ex.causes.push_back({"path.missing-component", "/ has no entry x", {}, {}, true, false});
  log.set_explanation(second.seq, ex);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(log.records()[0]->explained);
  EXPECT_EQ(log.records()[0]->explanation.summary(), "/ has no entry x");
}

}  // namespace
}  // namespace whyfail::culprit
