// whyfail: why did this system call fail? The only place that prints errors.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cli/backend_choice.h"
#include "cli/doctor.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/session.h"
#include "sweep/sweep_command.h"
#include "views/view_command.h"

namespace {

constexpr int kUsageError = 2;
constexpr int kTraceError = 1;

int report_error(const whyfail::Error& e, int status) {
  std::string line = "whyfail: " + e.what;
  if (e.err) line += std::string(": ") + std::strerror(e.err);
  if (!e.hint.empty()) line += "; " + e.hint;
  // One line, whatever the error carries.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  return status;
}

int run(int argc, char** argv) {
  using namespace whyfail::cli;
  // System-wide views (src/views) parse their own options.
  if (argc >= 2 && whyfail::views::is_view_verb(argv[1])) {
    auto status = whyfail::views::run_view_command(argc - 1, argv + 1);
    if (!status) return report_error(status.error(), status.error().err ? kTraceError : kUsageError);
    return *status;
  }
  // The resilience sweep (src/sweep) parses its own options too.
  if (argc >= 2 && whyfail::sweep::is_sweep_verb(argv[1])) {
    auto status = whyfail::sweep::run_sweep_command(argc - 1, argv + 1);
    if (!status) return report_error(status.error(), status.error().err ? kTraceError : kUsageError);
    return *status;
  }
  auto options = parse_options(argc, argv);
  if (!options) return report_error(options.error(), kUsageError);
  switch (options->verb) {
    case Verb::Help:
      std::fputs(help_text().c_str(), stdout);
      return 0;
    case Verb::Version:
      std::printf("whyfail %s\n", WHYFAIL_VERSION);
      return 0;
    case Verb::Doctor:
      return run_doctor(*options);
    case Verb::Trace:
      break;
  }
  auto chosen = choose_backend(*options);
  if (!chosen) return report_error(chosen.error(), kTraceError);
  if (!chosen->note.empty()) std::fprintf(stderr, "%s\n", chosen->note.c_str());

  auto out = options->output_file.empty() ? whyfail::Result<Output>(Output())
                                          : Output::open_file(options->output_file);
  if (!out) return report_error(out.error(), kUsageError);
  auto warn = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto status = run_session(*options, *chosen->backend, *out, warn);
  if (!status) return report_error(status.error(), kTraceError);
  return *status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "whyfail: internal error: %s; please report this as a whyfail bug\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "whyfail: internal error; please report this as a whyfail bug\n");
  }
  return kTraceError;
}
