// `whyfail execs`: every exec on the machine, successful or failed.
// The record decoded into values, its text and JSON renderings, and the run
// loop (load, attach, read until --duration or a signal, report lost events).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "util/result.h"
#include "views/view_options.h"

namespace whyfail::views {

struct ExecEvent {
  uint64_t enter_ns = 0;   // CLOCK_MONOTONIC
  uint64_t exit_ns = 0;
  int64_t wall_ns = 0;     // CLOCK_REALTIME of the entry
  pid_t pid = 0, tid = 0, ppid = 0;
  uint32_t uid = 0, gid = 0;
  int ret = 0;             // 0 or -errno
  bool succeeded = false;
  bool execveat = false;
  int dfd = -100;
  uint32_t at_flags = 0;
  std::string comm_before, comm_after;
  std::string filename;
  bool filename_fault = false;
  std::string interp;      // for scripts (#!) and binfmt_misc: what the kernel ran
  std::vector<std::string> argv;  // the strings kept
  uint32_t argc = 0;       // all strings argv had (up to WF_EXEC_COUNT_MAX)
  bool args_truncated = false;   // strings or bytes beyond the limits
  bool arg_cut = false;          // one string longer than WF_EXEC_ARG_MAX
  bool argv_fault = false;
  std::string cwd;         // absolute; "" when unknown
  bool cwd_truncated = false;
};

// From one ring-buffer record; an error for a short or inconsistent record.
Result<ExecEvent> decode_exec(const void* data, std::size_t size, int64_t mono_to_wall_ns);

// "12:34:56.789012 1234 ..." one line (plus nothing else); every untrusted byte escaped.
std::string exec_text(const ExecEvent& e);
std::string exec_text_header();
// One JSON object on one line.
std::string exec_json(const ExecEvent& e);

bool exec_matches(const ExecEvent& e, const ViewFilters& f);

// The limits, for --help and docs.
std::string execs_limits_text();

// Runs the view until opts.duration_s or SIGINT/SIGTERM; writes to out.
// Returns the exit code; errors (load, attach) as Error.
Result<int> run_execs(const ViewOptions& opts, std::ostream& out);

}  // namespace whyfail::views
