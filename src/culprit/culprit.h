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

namespace whyfail::culprit {

// Collects what a run shows and ranks its failures. Feed it every event in
// order; it keeps bounded state (failures, the first bytes each process wrote
// to stdout/stderr or log files, spawns, execs, exits).
class CulpritFinder {
 public:
  CulpritFinder();
  ~CulpritFinder();
  CulpritFinder(const CulpritFinder&) = delete;
  CulpritFinder& operator=(const CulpritFinder&) = delete;

  void observe(const trace::Event& event);
  // The same for a syscall, without copying it into an Event first (the hot path).
  void observe(const trace::SyscallEvent& call);
  // The explanation of a failed call (by SyscallEvent::seq), computed while live.
  // Copied only when the failure log keeps it (a repeat's usually is not).
  void set_explanation(uint64_t seq, const explain::Explanation& explanation);
  // Over the whole run (launch mode: the root process's outcome decides failure).
  Verdict verdict() const;
  // For one attached process (-p mode, on detach).
  Verdict verdict_for(pid_t pid) const;

 private:
  struct State;
  State* state_;
};

}  // namespace whyfail::culprit
