// `whyfail sweep [OPTIONS] -- CMD [ARGS...]`: the sweep's own options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sweep/injector.h"
#include "util/result.h"

namespace whyfail::sweep {

struct SweepOptions {
  std::vector<std::string> command;
  size_t max_runs = 500;          // trials at most (sites x errnos beyond are counted, not run)
  double timeout_s = 10;          // per run
  size_t jobs = 0;                // parallel trials; 0: online CPUs
  bool every = false;             // fail every call at the site from the first on (when=N+)
  bool injector_auto = true;
  Injector injector = Injector::Site;
  uint64_t max_copy_bytes = 64ull << 20;
  bool in_place = false;          // run in the working directory itself, one at a time
  bool include_loader = false;
  bool json = false;
  std::string output_file;
  bool keep = false;              // keep the temporary directories
  bool help = false;
};

// argv[0] is "sweep". Usage errors have err == 0 and a hint.
Result<SweepOptions> parse_sweep_options(int argc, char** argv);

std::string sweep_help_text();

}  // namespace whyfail::sweep
