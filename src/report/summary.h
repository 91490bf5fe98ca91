// -c: per-syscall counts, errors by errno and time, like strace -c.
#pragma once

#include <map>
#include <string>

#include "report/report.h"

namespace whyfail::report {

class SummaryCollector {
 public:
  // per_process: one row per process x syscall (--system -c), named by `process_name`.
  explicit SummaryCollector(bool per_process = false) : per_process_(per_process) {}
  void add(const trace::SyscallEvent& event, const decode::DecodedCall& call,
           const std::string& process_name = {});
  SummaryTable table() const;

 private:
  struct Counts {
    uint64_t calls = 0;
    uint64_t errors = 0;
    uint64_t total_ns = 0;
    std::map<std::string, uint64_t> by_errno;
  };
  bool per_process_;
  std::map<std::pair<pid_t, std::string>, Counts> by_name_;
  std::map<pid_t, std::string> process_names_;
};

// The strace-like table, then "errors by errno" lines per syscall that failed.
std::string render_summary_text(const SummaryTable& table);

}  // namespace whyfail::report
