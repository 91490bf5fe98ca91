#include "views/path_components.h"

#include <vector>

namespace whyfail::views {

std::string join_components(std::string_view s, bool truncated) {
  std::string out = truncated ? "..." : "";
  out.reserve(out.size() + s.size() + 1);
  // Each component ends with a NUL (the last may have lost it): without that
  // final NUL, the components are the NUL-separated pieces, walked from the
  // end, the root's side.
  if (!s.empty()) {
    if (s.back() == '\0') s.remove_suffix(1);
    std::size_t end = s.size();
    for (;;) {
      const std::size_t nul = end == 0 ? std::string_view::npos : s.rfind('\0', end - 1);
      const std::size_t start = nul == std::string_view::npos ? 0 : nul + 1;
      out += '/';
      out.append(s.substr(start, end - start));
      if (nul == std::string_view::npos) break;
      end = nul;
    }
  }
  if (out.empty() || out == "...") out += '/';
  return out;
}

}  // namespace whyfail::views
