#include "cli/doctor.h"

#include <unistd.h>

#include <cstdio>
#include <future>

#include "platform/features.h"
#include "report/doctor.h"
#include "views/views_probe.h"

namespace whyfail::cli {

int run_doctor(const Options& options) {
  // The views (whyfail execs|files|sched), each loaded and attached for real,
  // side by side with the other probes (both mostly wait on the verifier).
  auto views_rows = std::async(std::launch::async, views::probe_views);
  auto features = platform::probe_all();
  for (auto& f : views_rows.get()) features.push_back(std::move(f));
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
