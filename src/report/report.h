// What the renderers print: the records of a run, as the session hands them over.
// Renderers turn each into a complete chunk of output (one or more lines, ending
// in '\n'); the session decides where it goes (stream, file, or a buffer kept
// until the verdict says whether to show it).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "culprit/culprit.h"
#include "decode/decoder.h"
#include "explain/explanation.h"
#include "platform/features.h"
#include "trace/backend.h"
#include "trace/event.h"

namespace whyfail::report {

// A failure picked by the culprit finder, decoded for printing.
struct DecodedCandidate {
  const culprit::Candidate* candidate = nullptr;
  decode::DecodedCall call;
};

struct VerdictReport {
  const culprit::Verdict* verdict = nullptr;
  std::optional<DecodedCandidate> culprit;
  std::vector<DecodedCandidate> runners_up;
  pid_t pid = 0;                 // -p mode: the process this verdict is about; 0: the whole run
  bool detached = false;         // -p mode: whyfail detached, the process still runs
  std::optional<trace::RunOutcome> outcome;  // launch mode: how the command ended
  uint64_t failures_seen = 0;    // failed syscalls in the run (or of this pid)
  uint64_t failures_hidden = 0;  // failed syscalls not listed because the command succeeded
};

// One row of the -c table.
struct SummaryRow {
  pid_t pid = 0;                 // --system: one row per process x syscall; 0 otherwise
  std::string process;           // its comm, when per process
  std::string syscall;
  uint64_t calls = 0;
  uint64_t errors = 0;
  uint64_t total_ns = 0;
  std::vector<std::pair<std::string, uint64_t>> errors_by_errno;  // most frequent first
};

struct SummaryTable {
  std::vector<SummaryRow> rows;  // sorted by total time, descending
  uint64_t calls = 0;
  uint64_t errors = 0;
  uint64_t total_ns = 0;
};

// The renderer pair (text.cpp, json.cpp) implements this.
class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual std::string syscall(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                              const explain::Explanation* explanation) = 0;
  virtual std::string spawn(const trace::SpawnEvent& event) = 0;
  virtual std::string exec(const trace::ExecEvent& event) = 0;
  virtual std::string signal(const trace::SignalEvent& event) = 0;
  virtual std::string exit(const trace::ExitEvent& event) = 0;
  virtual std::string detach(const trace::DetachEvent& event) = 0;
  virtual std::string lost(const trace::LostEvent& event) = 0;
  virtual std::string verdict(const VerdictReport& report) = 0;
  virtual std::string summary(const SummaryTable& table) = 0;
  // A process whyfail follows from the start (-p PID, or the launched command).
  virtual void note_process(pid_t pid) = 0;
};

}  // namespace whyfail::report
