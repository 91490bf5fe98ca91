// Picks the failure that made the program fail among all the failures of a run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "explain/explanation.h"
#include "trace/event.h"

namespace whyfail::culprit {

struct Candidate {
  trace::SyscallEvent call;
  explain::Explanation explanation;
  double score = 0.0;
  std::vector<std::string> evidence;   // why it ranked here: "message on stderr names its path"
};

struct Verdict {
  bool command_failed = false;         // some traced process exited non-zero or was killed
  std::optional<Candidate> culprit;
  double confidence = 0.0;             // 0..1
  std::vector<Candidate> runners_up;   // at most 3
  std::optional<trace::ExitEvent> exit;  // the exit that made the run fail (or the root's exit)
  std::string program;                 // comm/exe name of the process that made the failing call
};

}  // namespace whyfail::culprit
