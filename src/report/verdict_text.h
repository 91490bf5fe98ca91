// The verdict in text mode: the last thing printed, set apart, in plain sentences.
#pragma once

#include <string>

#include "report/color.h"
#include "report/report.h"

namespace whyfail::report {

std::string render_verdict_text(const VerdictReport& report, const Palette& palette);

// "openat("/nonexistent/dir/file")": the call named by its object, for sentences.
std::string call_with_object(const decode::DecodedCall& call);

// "exited with status 1", "was killed by SIGSEGV (core dumped)".
std::string exit_phrase(const trace::ExitEvent& exit);

}  // namespace whyfail::report
