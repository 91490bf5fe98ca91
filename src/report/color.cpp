#include "report/color.h"

#include <unistd.h>

#include <cstdlib>

namespace whyfail::report {

bool use_color(ColorMode mode, int fd) {
  switch (mode) {
    case ColorMode::Always: return true;
    case ColorMode::Never: return false;
    case ColorMode::Auto: break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

std::string Palette::wrap(std::string_view text, std::string_view sgr) const {
  if (!on) return std::string(text);
  std::string out = "\x1b[";
  out += sgr;
  out += 'm';
  out += text;
  out += "\x1b[0m";
  return out;
}

}  // namespace whyfail::report
