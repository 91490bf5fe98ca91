// Which kernel functions to watch. Found without asking the user: the
// function_graph tracer restricted to the traced threads learns what the
// syscalls really call; --kernel-funcs globs override. Then every name is
// checked against what the kernel lets us trace (ftrace-able, in BTF, returns
// something that can carry an error, not denied).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace whyfail::origin {

std::string tracefs_dir();  // "/sys/kernel/tracing" (mounted if needed) or ""

// Records, with function_graph, the functions a set of threads calls.
class FunctionGraphRecorder {
 public:
  struct Options {
    std::vector<pid_t> pids;                   // set_ftrace_pid (children follow: function-fork)
    std::vector<std::string> graph_functions;  // set_graph_function: only below these ("" = all)
    int max_depth = 16;                        // max_graph_depth: bounds what is learned
    size_t buffer_kb = 8192;                   // per-CPU ring of the tracer
  };
  static Result<FunctionGraphRecorder> start(const Options& opts);
  // Stops tracing and returns each function seen once, in first-call order.
  Result<std::vector<std::string>> stop();

  FunctionGraphRecorder(FunctionGraphRecorder&& o) noexcept : dir_(std::move(o.dir_)) { o.dir_.clear(); }
  FunctionGraphRecorder& operator=(FunctionGraphRecorder&&) = delete;
  ~FunctionGraphRecorder();  // leaves the tracer as nop

 private:
  explicit FunctionGraphRecorder(std::string dir) : dir_(std::move(dir)) {}
  void reset();
  std::string dir_;
};

// Parses function_graph text output (the `trace` file) into names.
std::vector<std::string> parse_function_graph(const std::string& text);

// Shell-style glob (*, ?) match.
bool glob_match(const std::string& pattern, const std::string& name);

// Functions never attached, each with why. Matched as globs.
struct DenyRule {
  const char* glob;
  const char* why;
};
const std::vector<DenyRule>& deny_rules();
const DenyRule* denied(const std::string& name);

struct Candidate {
  std::string name;
  uint32_t btf_id = 0;
  int ret_size = 8;   // 4: int-like, 8: long or pointer, 1: bool/char (structure only)
};

struct CandidateSet {
  std::vector<Candidate> chosen;
  // Why the others were left out, for `--kernel` diagnostics.
  size_t not_traceable = 0;   // not in available_filter_functions (notrace, inline, module)
  size_t ambiguous = 0;       // several functions of that name: fexit could hit the wrong one
  size_t no_btf = 0;          // no BTF prototype
  size_t cannot_fail = 0;     // returns void, bool, char, a struct...
  size_t unsupported_args = 0;  // > 6 arguments or a struct by value: no trampoline on 6.1
  size_t denied = 0;
  size_t over_limit = 0;      // beyond max_functions
};

struct SelectOptions {
  // Names or globs ("perf_*,*_attr" split by the caller), or the names a
  // FunctionGraphRecorder learned.
  std::vector<std::string> patterns;
  size_t max_functions = 3000;
};
// Resolves patterns against available_filter_functions and the kernel BTF.
Result<CandidateSet> select_candidates(const SelectOptions& opts);

}  // namespace whyfail::origin
