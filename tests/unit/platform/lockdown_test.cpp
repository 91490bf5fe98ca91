#include "platform/lockdown.h"

#include <cerrno>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "platform/kernel_config.h"
#include "platform/kernel_fs.h"

namespace whyfail::platform {
namespace {

TEST(Lockdown, ParsesBracketedMode) {
  EXPECT_EQ(parse_lockdown("[none] integrity confidentiality\n").value(), Lockdown::None);
  EXPECT_EQ(parse_lockdown("none [integrity] confidentiality\n").value(), Lockdown::Integrity);
  EXPECT_EQ(parse_lockdown("none integrity [confidentiality]").value(), Lockdown::Confidentiality);
  EXPECT_FALSE(parse_lockdown("none integrity confidentiality"));
  EXPECT_FALSE(parse_lockdown("[bogus]"));
}

TEST(Lockdown, ModeMatchesSecurityfs) {
  auto mode = lockdown_mode();
  if (!mode && mode.error().err == ENOENT) GTEST_SKIP() << "kernel without the lockdown LSM";
  ASSERT_TRUE(mode) << mode.error().message();
  // lockdown_mode() mounted securityfs if needed; now read it ourselves.
  ASSERT_TRUE(is_mounted("/sys/kernel/security", "securityfs"));
  std::ifstream in("/sys/kernel/security/lockdown");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string expected = "[" + std::string(to_string(*mode)) + "]";
  EXPECT_NE(text.str().find(expected), std::string::npos) << text.str();
}

TEST(Lockdown, AtLeastWhatTheConfigForces) {
  auto mode = lockdown_mode();
  if (!mode) GTEST_SKIP() << mode.error().message();
  auto cfg = kernel_config();
  if (!cfg) GTEST_SKIP() << cfg.error().message();
  // Lockdown can be raised at run time but never lowered below the forced level.
  if (cfg->get("CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY"))
    EXPECT_EQ(*mode, Lockdown::Confidentiality);
  else if (cfg->get("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY"))
    EXPECT_NE(*mode, Lockdown::None);
  else
    GTEST_SKIP() << "config forces no lockdown level";
}

}  // namespace
}  // namespace whyfail::platform
