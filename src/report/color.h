// Terminal colours: on only when asked for, or on a terminal without NO_COLOR.
#pragma once

#include <string>
#include <string_view>

namespace whyfail::report {

enum class ColorMode { Auto, Always, Never };

// Whether to colour output written to `fd` (isatty, NO_COLOR: https://no-color.org).
bool use_color(ColorMode mode, int fd);

// SGR sequences, empty when colour is off. Only whyfail's own text is wrapped,
// never tracee bytes, so the escape sequences are the only control characters.
struct Palette {
  bool on = false;
  std::string wrap(std::string_view text, std::string_view sgr) const;
  std::string error(std::string_view t) const { return wrap(t, "31"); }     // red
  std::string name(std::string_view t) const { return wrap(t, "1"); }       // bold
  std::string dim(std::string_view t) const { return wrap(t, "2"); }
  std::string heading(std::string_view t) const { return wrap(t, "1;33"); } // bold yellow
  std::string good(std::string_view t) const { return wrap(t, "32"); }     // green
};

}  // namespace whyfail::report
