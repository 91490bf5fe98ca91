#include <signal.h>

#include <gtest/gtest.h>

#include "decode/decoder.h"

namespace whyfail::decode {
namespace {

TEST(SignalNames, NamesMapBackForEverySignal) {
  for (int s = 1; s <= 64; ++s) {
    std::string name = signal_name(s);
    EXPECT_EQ(signal_by_name(name), s) << name;
  }
}

TEST(SignalNames, AgreesWithGlibcNumbers) {
  EXPECT_EQ(signal_name(SIGINT), "SIGINT");
  EXPECT_EQ(signal_name(SIGCHLD), "SIGCHLD");
  EXPECT_EQ(signal_name(SIGSYS), "SIGSYS");
  EXPECT_EQ(signal_by_name("TERM"), SIGTERM);
  // glibc's SIGRTMIN skips the two signals NPTL reserves; the kernel's is 32.
  int offset = SIGRTMIN - 32;
  EXPECT_EQ(signal_name(SIGRTMIN), "SIGRTMIN+" + std::to_string(offset));
  EXPECT_EQ(signal_name(32), "SIGRTMIN");
  EXPECT_EQ(signal_name(0), "SIG0");
  EXPECT_EQ(signal_by_name("SIGNOPE"), -1);
}

}  // namespace
}  // namespace whyfail::decode
