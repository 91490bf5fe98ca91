#include "platform/capability.h"

#include <fstream>
#include <string>

namespace whyfail::platform {

uint64_t effective_capabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

bool has_capability(int cap) {
  return cap >= 0 && cap < 64 && (effective_capabilities() >> cap) & 1;
}

}  // namespace whyfail::platform
