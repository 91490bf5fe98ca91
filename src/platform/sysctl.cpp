#include "platform/sysctl.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace whyfail::platform {

std::string sysctl_path(std::string_view name) {
  std::string path = "/proc/sys/";
  // Dots separate levels; sysctl(8) also accepts slashes.
  for (char c : name) path += (c == '.') ? '/' : c;
  return path;
}

Result<std::string> read_sysctl(std::string_view name) {
  const std::string path = sysctl_path(name);
  std::ifstream in(path);
  if (!in) return fail(errno ? errno : ENOENT, "read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string value = text.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

Result<long> read_sysctl_int(std::string_view name) {
  auto text = read_sysctl(name);
  if (!text) return tl::unexpected(text.error());
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text->c_str(), &end, 10);
  if (errno != 0 || end == text->c_str())
    return fail(EINVAL, "parse " + sysctl_path(name) + " \"" + *text + "\"");
  return v;
}

}  // namespace whyfail::platform
