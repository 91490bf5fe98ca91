// Validation of the struct perf_event_attr a tracee passed to
// perf_event_open, field by field, against the layout and limits in
// <linux/perf_event.h> and the running system. Pure: fed bytes, never reads
// the tracee, so it can be fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace whyfail::explain {

struct PerfAttrFinding {
  std::string code;    // "perf.attr-branch-sample-type"
  std::string field;   // "branch_sample_type"
  std::string value;   // "0x80000"
  std::string problem; // what is wrong, one sentence
  int err = 0;         // the errno the kernel returns for it
};

struct PerfSystem {
  std::optional<int64_t> max_sample_rate;  // kernel.perf_event_max_sample_rate
  std::set<uint32_t> pmu_types;            // /sys/bus/event_source/devices/*/type
  bool have_cpu_pmu = true;                // devices/cpu exists (hardware events)

  static PerfSystem read();                // from /proc/sys and /sys
};

std::vector<PerfAttrFinding> validate_perf_event_attr(std::string_view bytes, int group_fd, unsigned long flags,
                                                      const PerfSystem& system);

}  // namespace whyfail::explain
