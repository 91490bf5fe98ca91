// The eBPF backend: a thin adapter between TraceSpec/EventSink and the
// syscalls.bpf.c loader. Launches or attaches, polls the ring buffer on a
// short timeout (records come without wakeups), turns counters into
// LostEvents, and decides when the traced processes are all gone.
#include "trace/bpf/bpf_backend.h"

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <exception>
#include <optional>

#include "capture_rules.h"
#include "process_launch.h"
#include "record_converter.h"
#include "symbolize/call_site.h"
#include "symbolize/user_symbolizer.h"
#include "syscalls_loader.h"
#include "trace/ptrace/launcher.h"

namespace whyfail::trace::bpf {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPollMs = 10;                         // latency of a record without wakeup
constexpr auto kCounterPeriod = std::chrono::milliseconds(100);
constexpr auto kPrunePeriod = std::chrono::milliseconds(250);

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// What each counter means to the user, when it is reported as lost.
const char* lost_reason(int counter) {
  switch (counter) {
    case WF_CNT_RB_FULL: return "ring buffer full";
    case WF_CNT_RB_FULL_PROC: return "ring buffer full (process events)";
    case WF_CNT_PIDMAP_FULL: return "pid map full";
    case WF_CNT_TRUNCATED: return "string truncated";
    case WF_CNT_STASH_FULL: return "execve stash map full";
    default: return nullptr;
  }
}

enum class Mode { Launch, Attach, System };

class BpfBackend final : public Backend {
 public:
  std::string name() const override { return "bpf"; }
  Result<RunOutcome> run(const TraceSpec& spec, EventSink& sink) override;
  void request_stop() override { stop_.store(true, std::memory_order_relaxed); }
  BackendStats stats() const override { return stats_; }

 private:
  void deliver(const Event& e, EventSink& sink);
  // -k: names the frames of a failed call (by build-id and offset; frames the
  // kernel gave only as an address, through the process's maps while it lives).
  void symbolize(Event& e);
  void report_lost(SyscallsLoader& l, EventSink& sink);
  void drain(SyscallsLoader& l);

  std::atomic<bool> stop_{false};
  BackendStats stats_;
  RecordConverter converter_;
  std::unique_ptr<symbolize::UserSymbolizer> symbolizer_;  // -k only
  std::exception_ptr sink_error_;
  std::array<uint64_t, WF_CNT_MAX> seen_{};
  uint64_t seen_malformed_ = 0;
};

void BpfBackend::deliver(const Event& e, EventSink& sink) {
  ++stats_.events;
  if (const auto* l = std::get_if<LostEvent>(&e)) stats_.lost += l->count;
  sink.on_event(e, false);
}

void BpfBackend::symbolize(Event& e) {
  if (auto* call = std::get_if<SyscallEvent>(&e)) {
    if (call->user_stack.empty() && call->user_frames.empty()) return;
    if (call->user_frames.empty()) {
      // No build-id stack (an older kernel): the addresses, while the process lives.
      for (std::size_t i = 0; i < call->user_stack.size(); ++i) {
        symbolize::UserFrame f;
        f.address = call->user_stack[i];
        f.activation = i == 0;
        call->user_frames.push_back(f);
      }
    }
    bool maps_read = false;
    auto& frames = call->user_frames;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      symbolize::UserFrame& f = frames[i];
      symbolize::InCode code = symbolize::InCode::Unknown;
      if (!f.build_id.empty()) {
        symbolizer_->symbolize_build_id(f, call->pid, true, &code);
      } else if (f.address != 0) {
        // The maps as they are now, read once per event: the process may
        // have mapped other things since this frame's record was made.
        if (!maps_read) symbolizer_->invalidate(call->pid);
        maps_read = true;
        symbolizer_->symbolize_address(call->pid, f, true, &code);
      }
      // The kernel walks frame pointers: through code built without them
      // (Debian's libc) the walk reads a saved register as the next frame,
      // an address in data or nowhere. From there on the stack is noise.
      if (i > 0 && code == symbolize::InCode::No) {
        frames.resize(i);
        if (call->user_stack.size() > i) call->user_stack.resize(i);
        break;
      }
    }
    call->call_site = symbolize::call_site_key(call->nr, call->user_frames);
  } else if (const auto* exec = std::get_if<ExecEvent>(&e)) {
    // Index the new program: its frames resolve even when it has exited
    // before its records are read (then by the name it was exec'd by).
    symbolizer_->note_process_exe(exec->pid);
    symbolizer_->note_file(exec->filename);
  } else if (const auto* exit = std::get_if<ExitEvent>(&e)) {
    if (!exit->thread_only) symbolizer_->forget(exit->pid);
  }
}

void BpfBackend::report_lost(SyscallsLoader& l, EventSink& sink) {
  const auto now = l.counters();
  for (int i = 0; i < WF_CNT_MAX; ++i) {
    const char* reason = lost_reason(i);
    if (reason == nullptr || now[i] <= seen_[i]) continue;
    deliver(LostEvent{monotonic_ns(), now[i] - seen_[i], reason}, sink);
    seen_[i] = now[i];
  }
  stats_.syscall_stops = now[WF_CNT_PROG_RUNS];
  if (converter_.malformed() > seen_malformed_) {
    deliver(LostEvent{monotonic_ns(), converter_.malformed() - seen_malformed_, "malformed record"}, sink);
    seen_malformed_ = converter_.malformed();
  }
}

void BpfBackend::drain(SyscallsLoader& l) {
  for (int i = 0; i < 1000; ++i) {
    converter_.set_read_time(monotonic_ns());
    auto n = l.poll(0);
    if (!n || *n == 0 || sink_error_) break;
  }
}

Result<RunOutcome> BpfBackend::run(const TraceSpec& spec, EventSink& sink) {
  stop_.store(false);
  stats_ = {};
  seen_ = {};
  seen_malformed_ = 0;
  sink_error_ = nullptr;
  symbolizer_.reset();
  if (spec.user_stacks) symbolizer_ = std::make_unique<symbolize::UserSymbolizer>();

  const Mode mode = spec.system_wide       ? Mode::System
                    : !spec.command.empty() ? Mode::Launch
                                            : Mode::Attach;
  if (mode == Mode::Attach && spec.attach_pids.empty())
    return fail(EINVAL, "starting the BPF backend", "give a command or -p PID, or --system");

  LoaderOptions o;
  o.filter_pids = mode != Mode::System || !spec.pid_filter.empty();
  o.follow_forks = spec.follow_forks;
  o.only_failures = spec.only_failures;
  o.user_stacks = spec.user_stacks;
  o.use_stash = needs_entry_stash(spec);
  o.timestamps = spec.timestamps;
  o.errnos = spec.errno_filter;
  o.comms = spec.comm_filter;
  o.uids = spec.uid_filter;
  o.self_tgid = static_cast<uint32_t>(getpid());
  o.ring_bytes = spec.ring_buffer_bytes;
  o.rules = build_capture_rules(spec);

  // Runs inside libbpf's ring-buffer callback: nothing may escape it.
  auto on_record = [this, &sink](const void* data, std::size_t size) noexcept {
    if (sink_error_) return;
    try {
      if (auto ev = converter_.convert(data, size)) {
        if (symbolizer_) symbolize(*ev);
        deliver(*ev, sink);
      }
    } catch (...) {
      sink_error_ = std::current_exception();
    }
  };
  auto loaded = SyscallsLoader::load(o, on_record);
  if (!loaded) return tl::unexpected(loaded.error());
  SyscallsLoader& l = **loaded;

  RunOutcome outcome;
  std::optional<HeldChild> child;
  if (mode == Mode::Launch) {
    if (symbolizer_) {
      // The command's frames resolve even if it ends before its records are read.
      if (auto path = ptrace::resolve_command(spec.command.front())) {
        char real[PATH_MAX];
        if (::realpath(path->c_str(), real)) symbolizer_->note_file(real);
      }
    }
    auto c = HeldChild::fork_held(spec.command, spec.run_as_uid, spec.run_as_gid);
    if (!c) return tl::unexpected(c.error());
    child.emplace(std::move(*c));
    if (auto r = l.add_traced(child->pid()); !r) return tl::unexpected(r.error());
  } else {
    const std::vector<pid_t>& roots = mode == Mode::Attach ? spec.attach_pids : spec.pid_filter;
    for (pid_t p : roots) {
      if (!process_exists(p)) {
        if (mode == Mode::Attach) return fail(ESRCH, "attaching to pid " + std::to_string(p), "no such process");
        continue;
      }
      std::vector<pid_t> tree = spec.follow_forks ? process_tree(p) : std::vector<pid_t>{p};
      for (pid_t t : tree)
        if (auto r = l.add_traced(t); !r) return tl::unexpected(r.error());
    }
  }
  if (auto r = l.attach(); !r) return tl::unexpected(r.error());

  pid_t child_pid = -1;
  bool child_reaped = false;
  if (child) {
    child_pid = child->pid();
    outcome.launched = true;
    if (auto r = child->release(); !r) {
      int status;
      while (waitpid(child_pid, &status, 0) < 0 && errno == EINTR) {
      }
      return tl::unexpected(r.error());
    }
  }

  const auto started = Clock::now();
  auto next_counters = started + kCounterPeriod;
  auto next_prune = started + kPrunePeriod;
  bool stopped = false;
  for (;;) {
    // Records the kernel did not stamp get the time this pass starts reading
    // (at most kPollMs after they were submitted, more only when the reader
    // falls behind).
    if (auto w = l.wait(kPollMs); !w) return tl::unexpected(w.error());
    converter_.set_read_time(monotonic_ns());
    auto n = l.poll(0);
    if (sink_error_) std::rethrow_exception(sink_error_);
    if (!n) return tl::unexpected(n.error());
    const auto now = Clock::now();
    if (now >= next_counters) {
      report_lost(l, sink);
      next_counters = now + kCounterPeriod;
    }
    if (child_pid > 0 && !child_reaped) {
      int status;
      pid_t r = waitpid(child_pid, &status, WNOHANG);
      if (r == child_pid) {
        child_reaped = true;
        outcome.killed = WIFSIGNALED(status);
        outcome.signo = outcome.killed ? WTERMSIG(status) : 0;
        outcome.code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
      }
    }
    if (o.filter_pids && now >= next_prune) {
      // A process that ended before its pid reached the map (-p races) never
      // fires sched_process_exit for us: drop it here.
      for (pid_t p : l.traced())
        if (!process_exists(p)) l.remove_traced(p);
      next_prune = now + kPrunePeriod;
    }
    if (stop_.load(std::memory_order_relaxed)) {
      stopped = true;
      break;
    }
    bool done = false;
    switch (mode) {
      case Mode::Launch: done = child_reaped && (!spec.follow_forks || l.traced_empty()); break;
      case Mode::Attach: done = l.traced_empty(); break;
      case Mode::System:
        done = (spec.duration_s > 0 &&
                now - started >= std::chrono::duration<double>(spec.duration_s)) ||
               (o.filter_pids && l.traced_empty());
        break;
    }
    if (done) break;
  }

  // Everything submitted before the end is read; then say what was lost.
  drain(l);
  if (sink_error_) std::rethrow_exception(sink_error_);
  report_lost(l, sink);
  if (stopped && mode != Mode::System) {
    for (pid_t p : l.traced()) deliver(DetachEvent{monotonic_ns(), p}, sink);
    outcome.detached = !child_reaped;
  }
  return outcome;
}

}  // namespace

std::unique_ptr<Backend> make_bpf_backend() { return std::make_unique<BpfBackend>(); }

}  // namespace whyfail::trace::bpf
