// This process's effective capabilities, as the kernel checks them.
#pragma once

#include <cstdint>

namespace whyfail::platform {

inline constexpr int kCapSysPtrace = 19;
inline constexpr int kCapSysAdmin = 21;
inline constexpr int kCapPerfmon = 38;
inline constexpr int kCapBpf = 39;

// CapEff from /proc/self/status (0 when unreadable).
uint64_t effective_capabilities();

bool has_capability(int cap);

}  // namespace whyfail::platform
