// Everything the command line says, parsed once and passed down (no globals).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "inject/rule.h"
#include "report/color.h"
#include "report/text.h"
#include "trace/trace_spec.h"
#include "util/result.h"

namespace whyfail::cli {

enum class Verb { Trace, Doctor, Help, Version };
enum class BackendChoice { Auto, Ptrace, Bpf };
enum class SeccompChoice { Auto, On, Off };
// -e status=: which finished syscalls to print.
enum class StatusFilter { Failed, Successful, All };

struct Options {
  Verb verb = Verb::Trace;

  // What to trace.
  std::vector<std::string> command;     // -- CMD ARGS... (or bare CMD ARGS...)
  std::vector<pid_t> pids;              // -p PID[,PID...], repeatable
  std::vector<std::string> trace_exprs; // each -e trace=EXPR (later ones refine earlier ones)
  bool system = false;                  // --system (bpf only)
  std::vector<std::string> comm_filter; // --comm NAME
  std::vector<pid_t> pid_filter;        // --pid PID
  std::vector<uid_t> uid_filter;        // --uid UID
  std::vector<std::string> errno_filter;// --errno ENOENT,EACCES
  double duration_s = 0;                // --duration SECONDS
  BackendChoice backend = BackendChoice::Auto;
  SeccompChoice seccomp = SeccompChoice::Auto;
  bool user_stacks = false;             // -k
  bool kernel_origin = false;           // --kernel: the kernel function each error came from
  std::string kernel_funcs;             // --kernel-funcs GLOBS (skips the learning run)
  std::vector<inject::InjectRule> inject_rules;  // -e inject=, -e fault=, -e delay= (ptrace only)

  // What to print.
  StatusFilter status = StatusFilter::Failed;
  bool status_given = false;            // -e status= was used (overrides --all)
  bool all = false;                     // --all: every syscall
  bool all_failures = false;            // --all-failures: list failures even if the command succeeded
  bool json = false;                    // --json
  bool summary = false;                 // -c
  bool explain_each = false;            // --explain: the cause under each failed call
  bool fd_paths = true;                 // -y (default on); --no-fd-paths turns it off
  bool verbose = false;                 // -v/--no-abbrev: environments printed in full
  std::size_t string_limit = 64;        // -s N
  report::Timestamps timestamps = report::Timestamps::None;  // -t, -tt, -ttt
  bool relative = false;                // -r
  bool durations = false;               // -T
  std::string output_file;              // -o FILE
  report::ColorMode color = report::ColorMode::Auto;

  bool doctor_json = false;             // whyfail doctor --json
};

// Parses argv. An Error's message is the one line main prints (exit status 2).
Result<Options> parse_options(int argc, char** argv);

// The --help text.
std::string help_text();

}  // namespace whyfail::cli
