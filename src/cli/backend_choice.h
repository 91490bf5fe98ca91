// --backend=auto|ptrace|bpf: which backend runs, and the one line that says why.
#pragma once

#include <memory>
#include <string>

#include "cli/options.h"
#include "trace/backend.h"
#include "util/result.h"

namespace whyfail::cli {

struct ChosenBackend {
  std::unique_ptr<trace::Backend> backend;
  std::string note;   // for stderr in auto mode: which one and why; empty otherwise
};

Result<ChosenBackend> choose_backend(const Options& options);

}  // namespace whyfail::cli
