// Text output, strace style: one line per syscall, signal and exit.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "decode/value.h"
#include "report/color.h"
#include "report/report.h"

namespace whyfail::report {

enum class Timestamps { None, Seconds /* -t */, Micros /* -tt */, Epoch /* -ttt */ };

struct TextOptions {
  Timestamps timestamps = Timestamps::None;
  bool relative = false;        // -r: time since the previous printed syscall
  bool durations = false;       // -T: <seconds spent in the call>
  bool stacks = false;          // -k: user stack under each syscall
  bool explanations = false;    // the first cause of each failed call, indented under it
  bool always_pid = false;      // [pid N] on every line (--system), not only once several are traced
  Palette palette;
  int64_t realtime_offset_ns = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC, for -t/-tt/-ttt
};

// The -t/-tt/-ttt prefix of a line for a CLOCK_REALTIME time, with its
// trailing space: "12:04:05 ", "12:04:05.123456 ", "1764763445.123456 "; ""
// for None. Local time is converted once per second (localtime_r takes a
// lock and checks the zone every call).
std::string render_timestamp(Timestamps timestamps, int64_t realtime_ns);

// One value as strace prints it: "/etc/passwd" quoted and escaped, {a=1, b=2}, [x, y], 3</path>.
std::string render_value(const decode::Value& value);

// The `= ...` part of a syscall line, without colour: "-1 ENOENT (No such file or directory)".
std::string render_return(const trace::SyscallEvent& event, const decode::DecodedCall& call);

// "  kernel: perf_copy_attr  (chain: perf_copy_attr <- __x64_sys_perf_event_open)  [fexit]\n".
std::string render_kernel_origin(const trace::KernelOrigin& origin);

// "openat(AT_FDCWD, "/x", O_RDONLY)": the call without its result.
std::string render_call(const decode::DecodedCall& call);

class TextRenderer : public Renderer {
 public:
  explicit TextRenderer(TextOptions options);

  std::string syscall(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                      const explain::Explanation* explanation) override;
  std::string spawn(const trace::SpawnEvent& event) override;
  std::string exec(const trace::ExecEvent& event) override;
  std::string signal(const trace::SignalEvent& event) override;
  std::string exit(const trace::ExitEvent& event) override;
  std::string detach(const trace::DetachEvent& event) override;
  std::string lost(const trace::LostEvent& event) override;
  std::string verdict(const VerdictReport& report) override;
  std::string summary(const SummaryTable& table) override;
  void note_process(pid_t pid) override;

 private:
  std::string prefix(pid_t tid, uint64_t ts_ns);

  TextOptions options_;
  std::set<pid_t> processes_;   // strace prints [pid N] once more than one is traced
  uint64_t last_ts_ns_ = 0;     // for -r
};

}  // namespace whyfail::report
