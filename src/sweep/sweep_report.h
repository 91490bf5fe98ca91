// The sweep's output: a text table sorted by severity, or JSON Lines (one sweep_trial
// record per trial, then sweep_summary; docs/json-schema.md).
#pragma once

#include <string>
#include <vector>

#include "sweep/classify.h"
#include "sweep/injector.h"
#include "sweep/sites.h"

namespace whyfail::sweep {

struct TrialResult {
  size_t index = 0;                // trial order (sites first-seen, errnos in table order)
  const Site* site = nullptr;
  TrialSpec spec;
  RunObservation observation;
  Verdict verdict;
  double seconds = 0;
};

struct SweepSummary {
  std::vector<std::string> command;
  Injector injector = Injector::Site;
  size_t sites = 0;
  size_t trials_planned = 0;       // sites x errnos
  size_t trials_not_run = 0;       // beyond --max-runs, or interrupted
  size_t trials_beyond_max = 0;    // of those, beyond --max-runs
  size_t loader_calls_skipped = 0;
  bool interrupted = false;
  RunObservation clean;
  double clean_seconds = 0;
  bool stdout_stable = true;
  std::vector<std::string> unstable_files;
  double timeout_s = 0;
  size_t jobs = 0;
  bool every = false;
  bool in_place = false;
  size_t lost_events = 0;          // events the recording run's tracer lost
  double seconds = 0;              // the whole sweep
  // Where the recording run ran, so that targets read the same in every sweep: the
  // copy's path is left out ("out.txt"), its stdout and stderr files are "[stdout]", "[stderr]".
  std::string record_work, record_stdout, record_stderr;
};

// The site's target as shown (see SweepSummary).
std::string shown_target(const RecordedCall& call, const SweepSummary& summary);

// Results sorted by severity, then trial order.
std::vector<const TrialResult*> by_severity(const std::vector<TrialResult>& results);

std::string render_text(const std::vector<TrialResult>& results, const SweepSummary& summary);
std::string render_json(const std::vector<TrialResult>& results, const SweepSummary& summary);

}  // namespace whyfail::sweep
