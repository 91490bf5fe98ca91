// `whyfail sched`: run-queue latency per thread (comm, pid) as log2
// histograms, bpftrace-style; --min-ms, --interval, --slow-log, -- CMD.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "util/result.h"
#include "views/view_options.h"

namespace whyfail::views {

struct SchedHistogram {
  uint32_t pid = 0, tgid = 0;
  std::string comm;
  std::vector<uint64_t> slots;  // slot k: waits in [2^k, 2^(k+1)) microseconds (slot 0: < 2 us)
  uint64_t count = 0, total_ns = 0, max_ns = 0;
};

// bpftrace-like text: "@wait_us[comm, pid]:" then "[lo, hi)  count |@@@@|" rows.
std::string sched_histogram_text(const SchedHistogram& h);
std::string sched_histogram_json(const SchedHistogram& h);

struct SchedOptions {
  ViewOptions view;
  double min_ms = 0;
  double interval_s = 0;
  bool slow_log = false;
};

Result<int> run_sched(const SchedOptions& opts, std::ostream& out);

}  // namespace whyfail::views
