#include "util/result.h"

#include <cstring>

namespace whyfail {

std::string Error::message() const {
  std::string out = what;
  if (err != 0) {
    out += ": ";
    out += std::strerror(err);
  }
  if (!hint.empty()) {
    out += " (";
    out += hint;
    out += ")";
  }
  return out;
}

}  // namespace whyfail
