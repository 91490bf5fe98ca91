#include "report/summary.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/escape.h"

namespace whyfail::report {

void SummaryCollector::add(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                           const std::string& process_name) {
  const pid_t pid = per_process_ ? event.pid : 0;
  if (per_process_ && !process_names_.count(pid)) process_names_[pid] = process_name;
  Counts& c = by_name_[{pid, call.name}];
  ++c.calls;
  if (event.finished && event.exit_ns >= event.enter_ns) c.total_ns += event.exit_ns - event.enter_ns;
  if (event.failed()) {
    ++c.errors;
    ++c.by_errno[call.errno_name.empty() ? "E" + std::to_string(call.err) : call.errno_name];
  }
}

SummaryTable SummaryCollector::table() const {
  SummaryTable t;
  for (const auto& [key, c] : by_name_) {
    SummaryRow row;
    row.pid = key.first;
    if (per_process_) row.process = process_names_.at(key.first);
    row.syscall = key.second;
    row.calls = c.calls;
    row.errors = c.errors;
    row.total_ns = c.total_ns;
    row.errors_by_errno.assign(c.by_errno.begin(), c.by_errno.end());
    std::stable_sort(row.errors_by_errno.begin(), row.errors_by_errno.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    t.calls += c.calls;
    t.errors += c.errors;
    t.total_ns += c.total_ns;
    t.rows.push_back(std::move(row));
  }
  std::stable_sort(t.rows.begin(), t.rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    if (a.total_ns != b.total_ns) return a.total_ns > b.total_ns;
    if (a.calls != b.calls) return a.calls > b.calls;
    return a.syscall < b.syscall;
  });
  return t;
}

std::string render_summary_text(const SummaryTable& table) {
  bool per_process = false;
  for (const SummaryRow& r : table.rows) per_process = per_process || r.pid != 0;
  auto name_of = [&](const SummaryRow& r) {
    if (!per_process) return r.syscall;
    return fmt::format("{:<24} {}", fmt::format("{}({})", escape_c(r.process), r.pid), r.syscall);
  };
  const std::string rule = "------ ----------- ----------- --------- --------- ----------------\n";
  std::string out = fmt::format("{:>6} {:>11} {:>11} {:>9} {:>9} {}\n", "% time", "seconds",
                                "usecs/call", "calls", "errors",
                                per_process ? fmt::format("{:<24} {}", "process", "syscall") : "syscall");
  out += rule;
  auto seconds = [](uint64_t ns) { return fmt::format("{:.6f}", static_cast<double>(ns) / 1e9); };
  for (const SummaryRow& r : table.rows) {
    double pct = table.total_ns ? 100.0 * static_cast<double>(r.total_ns) / static_cast<double>(table.total_ns) : 0.0;
    uint64_t per_call = r.calls ? r.total_ns / r.calls / 1000 : 0;
    out += fmt::format("{:>6.2f} {:>11} {:>11} {:>9} {:>9} {}\n", pct, seconds(r.total_ns), per_call,
                       r.calls, r.errors ? std::to_string(r.errors) : std::string(), name_of(r));
  }
  out += rule;
  out += fmt::format("{:>6.2f} {:>11} {:>11} {:>9} {:>9} {}\n", 100.0, seconds(table.total_ns),
                     table.calls ? table.total_ns / table.calls / 1000 : 0, table.calls,
                     table.errors ? std::to_string(table.errors) : std::string(), "total");
  bool any = false;
  for (const SummaryRow& r : table.rows) {
    if (r.errors_by_errno.empty()) continue;
    if (!any) out += "\nerrors by errno:\n";
    any = true;
    std::string parts;
    for (const auto& [name, n] : r.errors_by_errno) {
      if (!parts.empty()) parts += ", ";
      parts += fmt::format("{} {}", name, n);
    }
    out += fmt::format("  {:<16} {}\n", name_of(r), parts);
  }
  return out;
}

}  // namespace whyfail::report
