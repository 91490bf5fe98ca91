// How a trial makes one call fail: the command lines of the recording run and of the
// trials, and how to read back a trial's trace. Three mechanisms, best first:
//   site    whyfail -e inject=NAME:error=E:site=KEY:when=N  (the call-site filter; exact)
//   when    whyfail -e inject=NAME:error=E:when=N           (the Nth call of NAME per thread)
//   strace  strace  -e inject=NAME:error=E:when=N           (same, when whyfail cannot inject)
// `when` and `strace` count every call of the syscall per thread, as strace does: they
// reach the recorded site when the command makes its calls in the same order each run.
#pragma once

#include <string>
#include <vector>

#include "sweep/recording.h"

namespace whyfail::sweep {

enum class Injector { Site, When, Strace };

const char* injector_name(Injector injector);

struct TrialSpec {
  std::string syscall;
  int err = 0;
  std::string call_site;  // Site only
  uint32_t when = 1;
  bool every = false;     // fail every later call there too (when=N+)
};

// whyfail itself (the sweep's own executable), the traced command, where traces go.
struct Commands {
  std::string whyfail;            // path of the whyfail executable
  std::string strace;             // path of strace, "" when not installed
  std::vector<std::string> command;
};

// The recording run: every call, with user stacks and call-site keys (-k).
std::vector<std::string> record_argv(const Commands& c, const std::string& trace_path);

// A run of the command through `injector` without any injection (the second clean run).
std::vector<std::string> clean_argv(const Commands& c, Injector injector, const std::string& trace_path);

std::vector<std::string> trial_argv(const Commands& c, Injector injector, const TrialSpec& spec,
                                    const std::string& trace_path);

// The trace a run through `injector` wrote, as calls (the traced syscall only) and exits.
Recording read_trace(Injector injector, const std::string& text);

// Lines of the runner's own stderr that are not the command's (whyfail's notes).
bool is_runner_line(Injector injector, const std::string& line);

// Which of whyfail's injection forms this whyfail accepts, tried on /bin/true:
// Site, When, or Strace (neither; strace must then exist).
Injector probe_injector(const Commands& c);

}  // namespace whyfail::sweep
