// The EventSink of a session: every event is decoded, explained (failures, while the
// tracee is still stopped), fed to the culprit finder, counted for -c and printed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli/explain_cache.h"
#include "cli/options.h"
#include "cli/session_line_memo.h"
#include "cli/output.h"
#include "cli/syscall_filter.h"
#include "culprit/culprit.h"
#include "decode/decoder.h"
#include "origin/session.h"
#include "report/report.h"
#include "report/summary.h"
#include "trace/backend.h"

namespace whyfail::cli {

class SessionSink : public trace::EventSink {
 public:
  // `origin` (--kernel, may be null) fills SyscallEvent::kernel of failed calls.
  SessionSink(const Options& options, SyscallFilter display, report::Renderer& renderer, Output& out,
              origin::KernelOriginSession* origin = nullptr);

  void on_event(const trace::Event& event, bool live) override;

  // Launch mode, text, failures only: lines wait here until the verdict says whether
  // the command failed (then they are printed) or succeeded (then they are dropped).
  bool buffering() const { return buffering_; }
  // Prints the held lines; with `show` false drops them, counting hidden failures.
  void release_buffer(bool show);

  const culprit::CulpritFinder& finder() const { return finder_; }
  report::SummaryTable summary() const { return summary_.table(); }
  // The call as decoded while the process was alive, else decoded now.
  decode::DecodedCall decoded(const trace::SyscallEvent& event) const;

  uint64_t failures_seen() const { return failures_seen_; }
  uint64_t failures_seen(pid_t pid) const;
  uint64_t failures_hidden() const { return failures_hidden_; }
  bool detached(pid_t pid) const { return detached_.count(pid) != 0; }
  // The first error the sink caught (never thrown into the backend).
  const std::optional<std::string>& internal_error() const { return internal_error_; }

 private:
  void handle(const trace::SyscallEvent& event, bool live);
  void handle_annotated(const trace::SyscallEvent& event, bool live);
  bool shown(const trace::SyscallEvent& event) const;
  void emit(std::string text, bool is_failure);
  void remember_decoded(uint64_t seq, const decode::DecodedCall& call);
  // comm of a process (for --system -c), read once from /proc.
  std::string process_name(pid_t pid);

  const Options& options_;
  SyscallFilter display_;
  report::Renderer& renderer_;
  Output& out_;
  origin::KernelOriginSession* origin_;
  culprit::CulpritFinder finder_;
  ExplainCache cache_;
  report::SummaryCollector summary_;
  decode::DecodeOptions decode_options_;
  pid_t root_pid_ = 0;

  bool buffering_ = false;
  std::deque<std::pair<std::string, bool>> held_;   // (text, is a failed call)
  std::size_t held_bytes_ = 0;
  uint64_t held_dropped_ = 0;

  // A repeated failure's line is reused when it depends on nothing but the call:
  // text output without times, stacks or kernel origins, no descriptor looked up.
  bool memo_lines_ = false;
  SessionLineMemo line_memo_;
  uint64_t fd_lookups_ = 0;   // describe_fd calls so far: a line that made one is not reused

  std::map<uint64_t, decode::DecodedCall> decoded_failures_;  // bounded, oldest evicted
  uint64_t failures_seen_ = 0;
  uint64_t failures_hidden_ = 0;
  std::map<pid_t, uint64_t> failures_by_pid_;
  std::map<pid_t, bool> detached_;
  std::optional<std::string> internal_error_;
  std::map<pid_t, std::string> comm_cache_;
};

}  // namespace whyfail::cli
