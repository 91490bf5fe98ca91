#include "platform/kernel_config.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace whyfail::platform {
namespace {

TEST(KernelConfig, GetParsesLines) {
  KernelConfig cfg{"test", "# comment\nCONFIG_A=y\nCONFIG_AB=m\n# CONFIG_C is not set\n"
                           "CONFIG_S=\"text\"\nXCONFIG_D=y\n"};
  EXPECT_EQ(cfg.get("CONFIG_A").value_or("-"), "y");
  EXPECT_EQ(cfg.get("AB").value_or("-"), "m");
  EXPECT_FALSE(cfg.get("CONFIG_C"));
  EXPECT_EQ(cfg.get("CONFIG_S").value_or("-"), "text");
  EXPECT_FALSE(cfg.get("CONFIG_D"));  // only at line start
}

TEST(KernelConfig, ReleaseIsUname) {
  struct utsname u {};
  ASSERT_EQ(uname(&u), 0);
  EXPECT_EQ(kernel_release(), u.release);
}

TEST(KernelConfig, AgreesWithWhatTheKernelExposes) {
  auto cfg = kernel_config();
  if (!cfg) GTEST_SKIP() << cfg.error().message();
  // Facts visible without the config: files only some options create.
  const bool btf_file = access("/sys/kernel/btf/vmlinux", F_OK) == 0;
  EXPECT_EQ(cfg->get("CONFIG_DEBUG_INFO_BTF").has_value(), btf_file) << cfg->source;
  const bool seccomp_file = access("/proc/sys/kernel/seccomp/actions_avail", F_OK) == 0;
  EXPECT_EQ(cfg->get("CONFIG_SECCOMP_FILTER").has_value(), seccomp_file) << cfg->source;
  const bool kprobe_pmu = access("/sys/bus/event_source/devices/kprobe", F_OK) == 0;
  EXPECT_EQ(cfg->get("CONFIG_KPROBES").has_value() && cfg->get("CONFIG_KPROBE_EVENTS").has_value(),
            kprobe_pmu)
      << cfg->source;
}

}  // namespace
}  // namespace whyfail::platform
