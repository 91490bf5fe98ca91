// The running kernel's build configuration (/boot/config-$(uname -r) or
// /proc/config.gz). Only used to explain why a probe failed ("CONFIG_KPROBES
// is not set"), never to decide: probes try the thing itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace whyfail::platform {

struct KernelConfig {
  std::string source;  // the file it came from
  std::string text;    // its content, uncompressed

  // "y", "m", a value, or nullopt for "is not set" / absent.
  std::optional<std::string> get(std::string_view option) const;
};

// Reads (once, then cached) the config of the running kernel.
Result<KernelConfig> kernel_config();

// uname -r.
std::string kernel_release();

}  // namespace whyfail::platform
