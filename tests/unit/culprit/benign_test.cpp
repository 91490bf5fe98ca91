#include "culprit/benign.h"

#include <errno.h>
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include "event_builder.h"

namespace whyfail::culprit {
namespace {

// Feeds `b` into a log and a success index, then judges the failure with `seq`.
BenignJudgement judge_seq(testing::EventBuilder& b, uint64_t seq) {
  FailureLog log;
  SuccessIndex successes;
  uint64_t order = 0;
  for (const auto& e : b.events()) {
    ++order;
    const auto* s = std::get_if<trace::SyscallEvent>(&e);
    if (!s) continue;
    if (s->failed()) log.add(*s, order);
    else successes.on_syscall(*s, order);
  }
  for (const FailureRecord* r : log.records())
    if (r->call.seq == seq) return judge_benign(*r, named_objects(r->call), successes);
  ADD_FAILURE() << "no record";
  return {};
}

TEST(Benign, LibrarySearchFoundElsewhereIsStrong) {
  testing::EventBuilder b;
  uint64_t seq = b.openat(1, "/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libssl.so.3", -ENOENT).seq;
  b.openat(1, "/usr/lib/x86_64-linux-gnu/libssl.so.3", 3);
  EXPECT_GE(judge_seq(b, seq).penalty, kBenignStrong);
}

TEST(Benign, LibraryNeverFoundIsOnlyMild) {
  testing::EventBuilder b;
  uint64_t seq = b.openat(1, "/usr/lib/x86_64-linux-gnu/libmissing.so.1", -ENOENT).seq;
  EXPECT_LT(judge_seq(b, seq).penalty, kBenignMedium);
}

TEST(Benign, Locale) {
  testing::EventBuilder b;
  uint64_t seq = b.openat(1, "/usr/share/locale/de/LC_MESSAGES/coreutils.mo", -ENOENT).seq;
  EXPECT_GE(judge_seq(b, seq).penalty, kBenignStrong);
}

TEST(Benign, ProbeThenSuccessOnTheSameName) {
  testing::EventBuilder b;
  uint64_t seq = b.stat(1, "/home/u/.local/bin/tool", -ENOENT).seq;
  b.stat(1, "/usr/bin/tool", 0);
  EXPECT_GE(judge_seq(b, seq).penalty, kBenignStrong);
}

TEST(Benign, TheRealOpenIsNotBenign) {
  testing::EventBuilder b;
  uint64_t seq = b.openat(1, "/tmp/t/nodir/file.txt", -ENOENT).seq;
  EXPECT_EQ(judge_seq(b, seq).penalty, 0.0);
  testing::EventBuilder c;
  uint64_t mk = c.mkdir(1, "/tmp/t/existing", -EEXIST).seq;
  EXPECT_EQ(judge_seq(c, mk).penalty, 0.0);
}

TEST(Benign, NonBlockingTerminalWaitRestart) {
  testing::EventBuilder b;
  uint64_t again = b.call(1, SYS_read, -EAGAIN).seq;
  uint64_t progress = b.inet(1, SYS_connect, 80, -EINPROGRESS).seq;
  auto& tty = b.call(1, SYS_ioctl, -ENOTTY);
  tty.args[1] = 0x5401;
  uint64_t child = b.call(1, SYS_wait4, -ECHILD).seq;
  uint64_t restart = b.call(1, SYS_pselect6, -512).seq;
  for (uint64_t s : {again, progress, tty.seq, child, restart})
    EXPECT_GE(judge_seq(b, s).penalty, kBenignStrong) << s;
}

TEST(Benign, EagainFromForkIsNotBenign) {
  testing::EventBuilder b;
  uint64_t seq = b.call(1, SYS_clone, -EAGAIN).seq;
  EXPECT_EQ(judge_seq(b, seq).penalty, 0.0);
}

TEST(Benign, OptionalConfig) {
  testing::EventBuilder b;
  uint64_t rc = b.openat(1, "/root/.inputrc", -ENOENT).seq;
  uint64_t etc = b.openat(1, "/etc/gitconfig", -ENOENT).seq;
  EXPECT_GE(judge_seq(b, rc).penalty, kBenignMedium);
  EXPECT_GE(judge_seq(b, etc).penalty, kBenignMedium);
}

}  // namespace
}  // namespace whyfail::culprit
