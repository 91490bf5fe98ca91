#include "views/path_components.h"

#include <vector>

namespace whyfail::views {

std::string join_components(std::string_view s, bool truncated) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    std::size_t nul = s.find('\0');
    if (nul == std::string_view::npos) nul = s.size();
    parts.push_back(s.substr(0, nul));
    s.remove_prefix(std::min(s.size(), nul + 1));
  }
  std::string out = truncated ? "..." : "";
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    out += '/';
    out += *it;
  }
  if (out.empty() || out == "...") out += '/';
  return out;
}

}  // namespace whyfail::views
