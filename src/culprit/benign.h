// Failures that real programs make on purpose or shrug off: library and
// locale search paths, probes followed by a successful alternative, EAGAIN on
// non-blocking descriptors, terminal checks, optional config files, restarts.
// Demoted, never dropped: the message evidence can still lift them.
#pragma once

#include <string>

#include "culprit/failure_log.h"
#include "culprit/named_objects.h"
#include "culprit/success_index.h"

namespace whyfail::culprit {

struct BenignJudgement {
  double penalty = 0.0;    // subtracted from the score; 0 when nothing looks benign
  std::string reason;      // "library search path (a later open of libc.so.6 succeeded)"
};

// Strengths, so rules read as words.
inline constexpr double kBenignStrong = 6.0;   // a pattern that is a failure only by name
inline constexpr double kBenignMedium = 3.0;   // usually harmless, sometimes the cause
inline constexpr double kBenignMild = 1.0;

BenignJudgement judge_benign(const FailureRecord& record, const NamedObjects& objects,
                             const SuccessIndex& successes);

}  // namespace whyfail::culprit
