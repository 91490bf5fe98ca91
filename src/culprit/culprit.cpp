#include "culprit/culprit.h"

namespace whyfail::culprit {

// Placeholder until the ranker lands.
struct CulpritFinder::State {};
CulpritFinder::CulpritFinder() : state_(new State) {}
CulpritFinder::~CulpritFinder() { delete state_; }
void CulpritFinder::observe(const trace::Event&) {}
void CulpritFinder::set_explanation(uint64_t, explain::Explanation) {}
Verdict CulpritFinder::verdict() const { return {}; }
Verdict CulpritFinder::verdict_for(pid_t) const { return {}; }

}  // namespace whyfail::culprit
