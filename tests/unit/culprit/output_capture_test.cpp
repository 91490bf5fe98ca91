#include "culprit/output_capture.h"

#include <fcntl.h>
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include "event_builder.h"

namespace whyfail::culprit {
namespace {

void feed(OutputCapture& out, testing::EventBuilder& b) {
  uint64_t order = 0;
  for (const auto& e : b.events()) {
    ++order;
    if (auto* s = std::get_if<trace::SyscallEvent>(&e)) out.on_syscall(*s, order);
    if (auto* s = std::get_if<trace::SpawnEvent>(&e)) out.on_spawn(*s);
  }
}

TEST(OutputCapture, KeepsStdoutStderrAndLogFilesOnly) {
  testing::EventBuilder b;
  b.write(100, 1, "hello\n");
  b.write(100, 2, "oops\n");
  b.write(100, 7, "binary to a socket\n");
  b.openat(100, "/var/log/app.log", 7, O_WRONLY | O_CREAT | O_APPEND);
  b.write(100, 7, "error: disk\n");
  b.openat(100, "/dev/null", 8, O_WRONLY);
  b.write(100, 8, "swallowed\n");
  OutputCapture out;
  feed(out, b);
  auto m = out.messages();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].kind, OutputKind::Stdout);
  EXPECT_EQ(m[1].kind, OutputKind::Stderr);
  EXPECT_EQ(m[2].kind, OutputKind::LogFile);
  EXPECT_EQ(m[2].text, "error: disk\n");
}

TEST(OutputCapture, DupAndForkCarryTheKind) {
  testing::EventBuilder b;
  b.openat(100, "/tmp/build.log", 3, O_WRONLY | O_CREAT);
  auto& dup = b.call(100, SYS_dup2, 9);
  dup.args[0] = 3;
  dup.args[1] = 9;
  b.spawn(100, 101);
  b.write(101, 9, "child logs\n");
  b.call(100, SYS_close, 0).args[0] = 9;
  b.write(100, 9, "after close\n");
  OutputCapture out;
  feed(out, b);
  auto m = out.messages();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].pid, 101);
  EXPECT_EQ(m[0].kind, OutputKind::LogFile);
}

TEST(OutputCapture, BoundedHeadAndTail) {
  testing::EventBuilder b;
  std::string line(100, 'x');
  line += '\n';
  for (int i = 0; i < 1000; ++i) b.write(100, 1, line);
  b.write(100, 2, "fatal: the end\n");
  OutputCapture out;
  feed(out, b);
  std::size_t total = 0;
  for (const auto& m : out.messages()) total += m.text.size();
  EXPECT_LE(total, OutputCapture::kHeadBytes + OutputCapture::kTailBytes);
  EXPECT_EQ(out.messages().back().text, "fatal: the end\n");
}

TEST(OutputCapture, WriteShorterThanCapture) {
  testing::EventBuilder b;
  auto& w = b.write(100, 2, "partial write");
  w.ret = 7;
  OutputCapture out;
  feed(out, b);
  ASSERT_EQ(out.messages().size(), 1u);
  EXPECT_EQ(out.messages()[0].text, "partial");
}

}  // namespace
}  // namespace whyfail::culprit

namespace whyfail::culprit {
namespace {

TEST(OutputCapture, PiecesOfOneLineAreGlued) {
  testing::EventBuilder b;
  b.write(100, 2, "mkdir: ");
  b.write(101, 2, "other process\n");
  b.write(100, 2, "cannot create directory '/x'");
  b.write(100, 2, ": File exists");
  b.write(100, 2, "\n");
  b.write(100, 2, "next line\n");
  OutputCapture out;
  uint64_t order = 0;
  for (const auto& e : b.events()) out.on_syscall(std::get<trace::SyscallEvent>(e), ++order);
  auto m = out.messages();
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[2].text, "cannot create directory '/x': File exists\n");
  EXPECT_EQ(m[3].text, "next line\n");
}

TEST(OutputCapture, EndlessLineStaysBounded) {
  testing::EventBuilder b;
  for (int i = 0; i < 20000; ++i) b.write(100, 1, "no newline ");
  OutputCapture out;
  uint64_t order = 0;
  for (const auto& e : b.events()) out.on_syscall(std::get<trace::SyscallEvent>(e), ++order);
  std::size_t total = 0;
  for (const auto& m : out.messages()) total += m.text.size();
  EXPECT_LE(total, OutputCapture::kHeadBytes + OutputCapture::kTailBytes);
}

}  // namespace
}  // namespace whyfail::culprit
