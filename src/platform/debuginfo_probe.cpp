// Kernel debug info: what turns a kernel origin into file:line.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "platform/kernel_config.h"
#include "platform/probes.h"

namespace whyfail::platform {

Feature probe_vmlinux_debuginfo() {
  const std::string rel = kernel_release();
  // The places elfutils and perf look, most specific first.
  const std::vector<std::string> candidates = {
      "/usr/lib/debug/boot/vmlinux-" + rel,
      "/usr/lib/debug/lib/modules/" + rel + "/vmlinux",
      "/lib/modules/" + rel + "/build/vmlinux",
      "/boot/vmlinux-" + rel,
  };
  for (const auto& path : candidates) {
    if (::access(path.c_str(), R_OK) == 0)
      return Feature{"vmlinux_debuginfo", Availability::Yes, path, {}};
  }
  std::string detail = "no vmlinux for " + rel + " in /usr/lib/debug/boot, /lib/modules/" + rel +
                       "/build, /boot";
  if (::access("/sys/kernel/btf/vmlinux", R_OK) == 0)
    detail += "; BTF present (types and function signatures, not lines)";
  return Feature{"vmlinux_debuginfo", Availability::No, detail,
                 "kernel origins show function+offset only, not file:line and source; install the "
                 "kernel's debug package (Debian: linux-image-" + rel + "-dbg) or set DEBUGINFOD_URLS"};
}

Feature probe_debuginfod() {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  // Try to load the client library the way the symbolizer will.
  void* lib = ::dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_LOCAL);
  const bool have_lib = lib != nullptr;
  if (lib) ::dlclose(lib);
  std::string detail = std::string("libdebuginfod ") + (have_lib ? "loads" : "not installed") +
                       ", DEBUGINFOD_URLS=" + (urls && *urls ? urls : "(unset)");
  if (have_lib && urls && *urls) return Feature{"debuginfod", Availability::Yes, detail, {}};
  std::string fix = have_lib ? "" : "install libdebuginfod1 and ";
  return Feature{"debuginfod", Availability::No, detail,
                 "missing kernel debug info is not fetched on demand; " + fix +
                     "set DEBUGINFOD_URLS (e.g. https://debuginfod.debian.net)"};
}

}  // namespace whyfail::platform
