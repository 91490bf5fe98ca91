#include "culprit/evidence.h"

#include <errno.h>
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include "event_builder.h"

namespace whyfail::culprit {
namespace {

TEST(Evidence, TokenMatchNeedsBoundaries) {
  EXPECT_TRUE(contains_token("port 80 is taken", "80"));
  EXPECT_FALSE(contains_token("port 8080 is taken", "80"));
  EXPECT_TRUE(contains_token("cannot open 'data.csv'", "data.csv"));
  EXPECT_FALSE(contains_token("metadata", "data"));
}

TEST(Evidence, ErrnoPhrasesStartWithStrerror) {
  EXPECT_EQ(errno_phrases(ENOENT).front(), "no such file or directory");
  EXPECT_EQ(errno_phrases(EADDRINUSE).front(), "address already in use");
}

struct Fixture {
  testing::EventBuilder b;
  FailureLog log;
  OutputCapture out;
  ProcessTree tree;
  void feed() {
    uint64_t order = 0;
    for (const auto& e : b.events()) {
      ++order;
      if (auto* s = std::get_if<trace::SyscallEvent>(&e)) {
        tree.touch(s->pid, order);
        out.on_syscall(*s, order);
        if (s->failed()) log.add(*s, order);
      }
      if (auto* s = std::get_if<trace::SpawnEvent>(&e)) {
        tree.on_spawn(*s, order);
        out.on_spawn(*s);
      }
    }
  }
  MessageEvidence evidence_for(uint64_t seq) {
    MessageCorpus corpus = MessageCorpus::from(out.messages());
    for (const FailureRecord* r : log.records())
      if (r->call.seq == seq) return match_messages(*r, named_objects(r->call), corpus, tree);
    return {};
  }
};

TEST(Evidence, MessageBeforeTheFailureDoesNotCount) {
  Fixture f;
  f.b.write(1, 2, "warning: /etc/app.conf: No such file or directory\n");
  uint64_t seq = f.b.openat(1, "/etc/app.conf", -ENOENT).seq;
  f.feed();
  EXPECT_EQ(f.evidence_for(seq).score, 0.0);
}

TEST(Evidence, PathAndErrnoInOneMessageIsStrongest) {
  Fixture f;
  uint64_t named = f.b.openat(1, "/srv/data/table.csv", -ENOENT).seq;
  uint64_t other = f.b.openat(1, "/srv/other", -ENOENT).seq;
  f.b.write(1, 2, "FileNotFoundError: [Errno 2] No such file or directory: '/srv/data/table.csv'\n");
  f.feed();
  MessageEvidence a = f.evidence_for(named), b = f.evidence_for(other);
  EXPECT_GT(a.score, b.score);
  EXPECT_GT(a.strength, 0.9);
  EXPECT_EQ(a.reasons.size(), 2u);
}

TEST(Evidence, ChildMessageWeighsLessThanOwn) {
  Fixture f;
  f.b.spawn(1, 2);
  uint64_t parent_fail = f.b.inet(1, SYS_bind, 8000, -EADDRINUSE).seq;
  uint64_t child_fail = f.b.inet(2, SYS_bind, 8000, -EADDRINUSE).seq;
  f.b.write(2, 2, "bind 8000: Address already in use\n");
  f.feed();
  EXPECT_GT(f.evidence_for(child_fail).score, f.evidence_for(parent_fail).score);
  EXPECT_GT(f.evidence_for(parent_fail).score, 0.0);
}

}  // namespace
}  // namespace whyfail::culprit
