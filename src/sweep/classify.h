// What a trial's outcome says about the program, judged against the clean run.
#pragma once

#include <string>
#include <vector>

#include "sweep/recording.h"

namespace whyfail::sweep {

// Most severe first; the report sorts by this.
enum class Outcome { Crashed, Hung, SilentlyIgnored, Handled, NotReached, Error };

const char* outcome_name(Outcome o);  // "crashed", "hung", "silently-ignored", ...

// What a run (clean or trial) produced, as the sweep saw it.
struct RunObservation {
  bool timed_out = false;
  bool runner_failed = false;         // the tracer itself could not run the command
  std::string runner_message;         // its error line
  bool killed = false;                // the command (root process) was killed by a signal
  std::string signal;                 // "SIGSEGV"
  bool core_dumped = false;
  int exit_code = 0;                  // when !killed
  std::string crash_signal;           // any traced process killed by a core-dumping signal
  std::string stdout_bytes;
  std::vector<std::string> stderr_lines;  // the command's (runner lines removed)
  std::vector<std::string> changed_files; // vs the clean run's directory (unstable ones left out)
  Recording trace;                    // the trial's trace of the injected syscall
};

// What the two clean runs showed about the run's stability.
struct CleanBaseline {
  RunObservation run;
  bool stdout_stable = true;          // both clean runs printed the same stdout
  std::vector<std::string> unstable_files;  // differ between the two clean runs
};

struct Verdict {
  Outcome outcome = Outcome::Error;
  bool fired = false;                 // the injection happened
  bool retried = false;               // the same call was made again and succeeded
  std::string reason;                 // one sentence, why this outcome
  std::string message;                // the program's first new stderr line (raw bytes)
};

Verdict classify(const CleanBaseline& clean, const RunObservation& trial, const std::string& syscall);

}  // namespace whyfail::sweep
