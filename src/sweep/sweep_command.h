// `whyfail sweep [OPTIONS] -- CMD`: the resilience sweep (docs/sweep.md). Parsed and
// run here so that src/cli only dispatches the verb.
#pragma once

#include <string_view>

#include "util/result.h"

namespace whyfail::sweep {

bool is_sweep_verb(std::string_view word);

// argv[0] is "sweep". Returns the exit status (docs/sweep.md); errors have err == 0
// for bad usage.
Result<int> run_sweep_command(int argc, char** argv);

}  // namespace whyfail::sweep
