// Capture sizes against the structs the system headers define.
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <gtest/gtest.h>

#include "sysent/capture.h"

namespace whyfail::sysent {
namespace {

TEST(Capture, StructSizesMatchHeaders) {
  EXPECT_EQ(capture_for(ArgType::StatOut).fixed_size, sizeof(struct stat));
  EXPECT_EQ(capture_for(ArgType::StatxOut).fixed_size, sizeof(struct statx));
  EXPECT_EQ(capture_for(ArgType::TimespecIn).fixed_size, sizeof(struct timespec));
  EXPECT_EQ(capture_for(ArgType::RlimitIn).fixed_size, sizeof(struct rlimit));
  EXPECT_EQ(capture_for(ArgType::IoUringParams).fixed_size, sizeof(struct io_uring_params));
  EXPECT_EQ(capture_for(ArgType::SockaddrIn).fixed_size, sizeof(struct sockaddr_storage));
  EXPECT_EQ(capture_for(ArgType::FdPairOut).fixed_size, 2 * sizeof(int));
  EXPECT_EQ(capture_for(ArgType::OpenHow).fixed_size, sizeof(struct open_how));
  EXPECT_EQ(capture_for(ArgType::CloneArgs).fixed_size, CLONE_ARGS_SIZE_VER0);
}

TEST(Capture, WhenMatchesDirection) {
  EXPECT_EQ(capture_for(ArgType::Path).when, CaptureWhen::Entry);
  EXPECT_TRUE(capture_for(ArgType::Path).is_path);
  EXPECT_EQ(capture_for(ArgType::BufOut).when, CaptureWhen::Exit);
  EXPECT_EQ(capture_for(ArgType::BufOut).size_from, SizeFrom::Ret);
  EXPECT_EQ(capture_for(ArgType::BufIn).size_from, SizeFrom::Arg);
  EXPECT_EQ(capture_for(ArgType::Fd).kind, CaptureKind::None);
}

}  // namespace
}  // namespace whyfail::sysent
