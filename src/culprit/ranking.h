// Scores every failure of a run (or of one process subtree) and orders them:
// the failing process, what the messages say, order, benign demotion and the
// kind of call, combined into one number; confidence from the margin.
#pragma once

#include <sys/types.h>

#include <functional>
#include <vector>

#include "culprit/culprit.h"
#include "culprit/evidence.h"
#include "culprit/failure_log.h"
#include "culprit/process_tree.h"
#include "culprit/success_index.h"

namespace whyfail::culprit {

struct RankInput {
  const FailureLog& failures;
  const ProcessTree& tree;
  const MessageCorpus& corpus;
  const SuccessIndex& successes;
  std::function<bool(pid_t)> in_scope;   // empty: every process
};

struct Ranking {
  std::vector<Candidate> candidates;   // best first
  double confidence = 0.0;             // of the first, 0..1
};

// How much a failure of this call tends to matter on its own (exec, open,
// connect, bind over stat/access probes).
double call_importance(int nr);
// How rarely this errno is part of normal operation (EMFILE over ENOENT).
double errno_weight(int err);

Ranking rank_failures(const RankInput& input, std::size_t keep);

}  // namespace whyfail::culprit
