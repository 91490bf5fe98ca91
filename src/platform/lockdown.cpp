#include "platform/lockdown.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

#include "platform/kernel_fs.h"

namespace whyfail::platform {

std::string_view to_string(Lockdown mode) {
  switch (mode) {
    case Lockdown::None: return "none";
    case Lockdown::Integrity: return "integrity";
    case Lockdown::Confidentiality: return "confidentiality";
  }
  return "?";
}

Result<Lockdown> parse_lockdown(std::string_view content) {
  const auto open = content.find('[');
  const auto close = content.find(']', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos)
    return fail(EINVAL, "parse lockdown mode \"" + std::string(content) + "\"");
  const std::string_view word = content.substr(open + 1, close - open - 1);
  if (word == "none") return Lockdown::None;
  if (word == "integrity") return Lockdown::Integrity;
  if (word == "confidentiality") return Lockdown::Confidentiality;
  return fail(EINVAL, "unknown lockdown mode \"" + std::string(word) + "\"");
}

Result<Lockdown> lockdown_mode() {
  auto fs = ensure_securityfs();
  if (!fs) return tl::unexpected(fs.error());
  const std::string path = fs->path + "/lockdown";
  std::ifstream in(path);
  if (!in) return fail(ENOENT, "read " + path, "kernel built without the lockdown LSM");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_lockdown(text.str());
}

}  // namespace whyfail::platform
