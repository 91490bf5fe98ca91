// -c: per-syscall counts, errors by errno and time, like strace -c.
#pragma once

#include <map>
#include <string>

#include "report/report.h"

namespace whyfail::report {

class SummaryCollector {
 public:
  void add(const trace::SyscallEvent& event, const decode::DecodedCall& call);
  SummaryTable table() const;

 private:
  struct Counts {
    uint64_t calls = 0;
    uint64_t errors = 0;
    uint64_t total_ns = 0;
    std::map<std::string, uint64_t> by_errno;
  };
  std::map<std::string, Counts> by_name_;
};

// The strace-like table, then "errors by errno" lines per syscall that failed.
std::string render_summary_text(const SummaryTable& table);

}  // namespace whyfail::report
