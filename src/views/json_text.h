// One JSON object as one line without its newline (report::json_line ends
// with one; the views add theirs when they print).
#pragma once

#include <string>

#include "report/json.h"

namespace whyfail::views {

inline std::string json_text(const report::Json& j) {
  std::string s = report::json_line(j);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace whyfail::views
