#include "cli/doctor.h"

#include <unistd.h>

#include <cstdio>

#include "platform/features.h"
#include "report/doctor.h"

namespace whyfail::cli {

int run_doctor(const Options& options) {
  const auto features = platform::probe_all();
  std::string text;
  if (options.doctor_json) {
    text = report::render_doctor_json(features);
  } else {
    report::Palette palette;
    palette.on = report::use_color(options.color, STDOUT_FILENO);
    text = report::render_doctor_text(features, palette);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace whyfail::cli
