// The `whyfail doctor` verb.
#pragma once

#include "cli/options.h"

namespace whyfail::cli {

// Probes the platform and prints the table (or JSON Lines) to stdout. Returns the exit status.
int run_doctor(const Options& options);

}  // namespace whyfail::cli
