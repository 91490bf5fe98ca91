#include "platform/kernel_config.h"

#include <sys/utsname.h>
#include <zlib.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <sstream>

namespace whyfail::platform {

std::string kernel_release() {
  struct utsname u {};
  if (uname(&u) != 0) return {};
  return u.release;
}

std::optional<std::string> KernelConfig::get(std::string_view option) const {
  std::string key(option);
  if (key.rfind("CONFIG_", 0) != 0) key = "CONFIG_" + key;
  key += '=';
  std::size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      const auto end = text.find('\n', pos);
      std::string value = text.substr(pos + key.size(), end == std::string::npos ? end : end - pos - key.size());
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return value;
    }
    pos += key.size();
  }
  return std::nullopt;
}

namespace {

Result<std::string> read_gz(const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return fail(errno ? errno : ENOENT, "gzopen " + path);
  std::string out;
  char buf[65536];
  int n;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(gz);
  if (n < 0) return fail(EIO, "gzread " + path);
  return out;
}

Result<KernelConfig> load() {
  // /boot first: it matches uname -r by name. /proc/config.gz is the running
  // kernel's own (CONFIG_IKCONFIG_PROC) and wins when /boot has another kernel's.
  const std::string boot = "/boot/config-" + kernel_release();
  if (std::ifstream in(boot); in) {
    std::ostringstream text;
    text << in.rdbuf();
    return KernelConfig{boot, text.str()};
  }
  auto gz = read_gz("/proc/config.gz");
  if (gz) return KernelConfig{"/proc/config.gz", std::move(*gz)};
  return fail(ENOENT, "read " + boot + " or /proc/config.gz",
              "install the kernel's config or build it with CONFIG_IKCONFIG_PROC");
}

}  // namespace

Result<KernelConfig> kernel_config() {
  static std::once_flag once;
  static Result<KernelConfig> cached = fail(0, "not loaded");
  std::call_once(once, [] { cached = load(); });
  return cached;
}

}  // namespace whyfail::platform
