// `whyfail execs|files|sched [options] [-- CMD...]`: the views' command line,
// parsed here so that src/cli only dispatches the verb.
#pragma once

#include <string_view>

#include "util/result.h"

namespace whyfail::views {

bool is_view_verb(std::string_view word);

// argv[0] is the verb. Returns the exit status (the command's for `-- CMD`).
// A usage error has err == 0 and a hint naming `whyfail VERB --help`.
Result<int> run_view_command(int argc, char** argv);

}  // namespace whyfail::views
