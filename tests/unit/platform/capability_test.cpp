#include "platform/capability.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace whyfail::platform {
namespace {

// The capget(2) syscall is the independent source: the kernel's own view,
// not /proc/self/status text.
uint64_t capget_effective() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return 0;
  return static_cast<uint64_t>(data[0].effective) | (static_cast<uint64_t>(data[1].effective) << 32);
}

TEST(Capability, MatchesCapget) {
  EXPECT_EQ(effective_capabilities(), capget_effective());
  EXPECT_EQ(has_capability(kCapSysPtrace), ((capget_effective() >> CAP_SYS_PTRACE) & 1) != 0);
  EXPECT_EQ(has_capability(kCapBpf), ((capget_effective() >> CAP_BPF) & 1) != 0);
}

TEST(Capability, ConstantsMatchKernelHeaders) {
  EXPECT_EQ(kCapSysPtrace, CAP_SYS_PTRACE);
  EXPECT_EQ(kCapSysAdmin, CAP_SYS_ADMIN);
  EXPECT_EQ(kCapPerfmon, CAP_PERFMON);
  EXPECT_EQ(kCapBpf, CAP_BPF);
}

TEST(Capability, OutOfRange) {
  EXPECT_FALSE(has_capability(-1));
  EXPECT_FALSE(has_capability(64));
}

}  // namespace
}  // namespace whyfail::platform
