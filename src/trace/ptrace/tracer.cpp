#include "trace/ptrace/tracer.h"

#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "inject/injector.h"
#include "sysent/syscall_info.h"
#include "trace/ptrace/arg_capture.h"
#include "trace/ptrace/attacher.h"
#include "trace/ptrace/entry_facts.h"
#include "trace/ptrace/hold_timer.h"
#include "trace/ptrace/launcher.h"
#include "trace/ptrace/seccomp_filter.h"
#include "trace/ptrace/stack_unwinder.h"
#include "symbolize/call_site.h"
#include "symbolize/user_symbolizer.h"
#include "trace/ptrace/syscall_regs.h"
#include "trace/ptrace/tracee_memory.h"
#include "trace/ptrace/tracee_thread.h"

namespace whyfail::trace::ptrace {

namespace {

constexpr int kSyscallTrap = SIGTRAP | 0x80;  // PTRACE_O_TRACESYSGOOD
constexpr int kSysMmap = 9;
constexpr int kSysMunmap = 11;
constexpr int kSysRtSigreturn = 15;
constexpr int kSysMremap = 25;
constexpr int kSysClone = 56;
constexpr int kSysClone3 = 435;
constexpr uint64_t kCloneThread = 0x00010000;

// write, pwrite64, writev, pwritev, pwritev2: the calls a program reports its errors with.
bool is_message_write(int nr) {
  return nr == SYS_write || nr == SYS_pwrite64 || nr == SYS_writev || nr == SYS_pwritev ||
         nr == SYS_pwritev2;
}

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool is_stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

pid_t read_tgid(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
  return tid;
}

class PtraceTracer;
std::atomic<PtraceTracer*> g_active{nullptr};

class PtraceTracer final : public Backend {
 public:
  std::string name() const override { return "ptrace"; }
  Result<RunOutcome> run(const TraceSpec& spec, EventSink& sink) override;
  void request_stop() override;
  BackendStats stats() const override { return stats_; }

  // Called from the wake signal handler in the tracer thread: a stop of any
  // tracee makes the blocked waitpid return and see stop_requested_.
  void interrupt_one() {
    pid_t tid = wake_tid_.load(std::memory_order_relaxed);
    if (tid > 0) ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  }

 private:
  // What to do with a thread once its stop has been handled.
  struct Resume {
    int sig = 0;          // signal to deliver
    bool listen = false;  // group-stop: PTRACE_LISTEN instead of resuming
    uint64_t hold_ns = 0; // injected delay: resume only after this long
  };

  Result<void> start(const TraceSpec& spec);
  Result<void> wait_loop();
  void handle(pid_t tid, int status);
  void finish_stop(pid_t tid, Resume r);
  void begin_detach();
  void adopt_orphans();

  Resume on_syscall_stop(TraceeThread& t);
  Resume on_seccomp_stop(TraceeThread& t);
  Resume on_signal(TraceeThread& t, int sig);
  void on_spawn(TraceeThread& t, int event);
  void on_exec(TraceeThread& t);
  void on_exit_stop(TraceeThread& t);
  void on_death(TraceeThread& t, int status);

  Resume begin_syscall(TraceeThread& t, bool seccomp_stop);
  Resume end_syscall(TraceeThread& t);
  Resume inject_at_entry(TraceeThread& t, const SyscallRegs& regs, bool seccomp_stop);
  void release_holds(bool all);
  void emit_unfinished(TraceeThread& t);
  void collect_stack(const TraceeThread& t, SyscallEvent& ev);
  // :caller= / :site= at a call's entry: its frames' function names and call-site key.
  std::pair<std::vector<std::string>, std::string> entry_stack(const TraceeThread& t, int nr);
  symbolize::UserSymbolizer& symbolizer();
  // The process's mappings changed (or may have, unseen under a seccomp filter).
  void maps_changed(pid_t tgid) {
    unwinder_.invalidate(tgid);
    if (symbolizer_) symbolizer_->invalidate(tgid);
  }
  void emit(Event&& event, bool live);
  bool wanted(int nr) const {
    return !spec_->restricted || (nr >= 0 && static_cast<std::size_t>(nr) < kMaxSyscalls &&
                                  spec_->syscalls.test(static_cast<std::size_t>(nr)));
  }

  const TraceSpec* spec_ = nullptr;
  TraceSpec message_spec_;  // spec_ with the larger limit used for successful writes
  EventSink* sink_ = nullptr;
  unsigned long options_ = 0;
  bool seccomp_ = false;
  bool only_failures_ = false;
  bool detaching_ = false;
  std::unordered_map<pid_t, TraceeThread> threads_;
  std::unordered_set<pid_t> orphans_;  // new tracees whose parent's fork event is not in yet
  StackUnwinder unwinder_;             // -k, and :caller=/:site= rules
  std::unique_ptr<symbolize::UserSymbolizer> symbolizer_;  // made when first needed
  bool rules_need_stack_ = false;
  inject::Injector injector_;          // -e inject=, fault=, delay=
  HoldTimer holds_;                    // threads held by an injected delay
  LaunchedChild root_;
  bool root_done_ = false;
  RunOutcome outcome_;
  uint64_t seq_ = 0;
  BackendStats stats_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<pid_t> tracer_tid_{0};
  std::atomic<pid_t> wake_tid_{0};
};

void on_wake_signal(int) {
  int saved = errno;
  if (PtraceTracer* t = g_active.load()) t->interrupt_one();
  errno = saved;
}

// The signal request_stop() sends to the tracer thread to break its waitpid.
int wake_signal() { return SIGRTMAX - 1; }

// Installs the wake handler for the duration of run(), without SA_RESTART.
class WakeHandler {
 public:
  WakeHandler() {
    struct sigaction sa {};
    sa.sa_handler = on_wake_signal;
    sigemptyset(&sa.sa_mask);
    installed_ = ::sigaction(wake_signal(), &sa, &old_) == 0;
  }
  ~WakeHandler() {
    if (installed_) ::sigaction(wake_signal(), &old_, nullptr);
  }
  WakeHandler(const WakeHandler&) = delete;
  WakeHandler& operator=(const WakeHandler&) = delete;

 private:
  struct sigaction old_ {};
  bool installed_ = false;
};

Result<RunOutcome> PtraceTracer::run(const TraceSpec& spec, EventSink& sink) {
  spec_ = &spec;
  message_spec_ = spec;
  message_spec_.string_limit = std::max(spec.string_limit, spec.message_limit);
  sink_ = &sink;
  seccomp_ = spec.restricted && spec.use_seccomp && !spec.command.empty();
  only_failures_ = spec.only_failures;
  threads_.clear();
  orphans_.clear();
  detaching_ = false;
  root_done_ = false;
  outcome_ = RunOutcome{};
  seq_ = 0;
  stats_ = BackendStats{};
  unwinder_.clear();
  symbolizer_.reset();
  injector_ = inject::Injector(spec.inject_rules);
  rules_need_stack_ = false;
  for (const inject::InjectRule& r : spec.inject_rules) rules_need_stack_ = rules_need_stack_ || r.needs_stack();
  holds_.stop();
  bool delays = false;
  for (const inject::InjectRule& r : spec.inject_rules) delays = delays || r.delay_enter_ns || r.delay_exit_ns;
  if (delays) holds_.start();

  options_ = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT;
  if (spec.follow_forks) options_ |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
  // With a seccomp filter, a tracee outliving whyfail would get ENOSYS from
  // every filtered syscall: it dies with us instead (docs/ptrace-backend.md).
  if (seccomp_) options_ |= PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;

  WakeHandler wake;
  tracer_tid_ = static_cast<pid_t>(::syscall(SYS_gettid));
  g_active = this;
  struct Deactivate {
    PtraceTracer* self;
    ~Deactivate() {
      g_active = nullptr;
      self->stop_requested_ = false;  // served: a reused backend starts afresh
      self->tracer_tid_ = 0;
      self->wake_tid_ = 0;
      self->holds_.stop();
    }
  } deactivate{this};

  auto started = start(spec);
  if (!started) {
    begin_detach();
    auto ignored = wait_loop();  // let every already-seized thread go
    (void)ignored;
    return tl::unexpected(started.error());
  }
  auto looped = wait_loop();
  if (!looped) return tl::unexpected(looped.error());

  if (outcome_.launched) {
    outcome_.detached = !root_done_;
    if (root_done_ && !outcome_.killed && outcome_.code == 127) {
      if (auto err = read_setup_error(root_, spec.command[0])) return tl::unexpected(*err);
    }
  } else {
    outcome_.detached = detaching_;
  }
  return outcome_;
}

Result<void> PtraceTracer::start(const TraceSpec& spec) {
  if (!spec.command.empty()) {
    std::vector<sock_filter> filter;
    if (seccomp_) filter = build_seccomp_filter(spec.syscalls, spec.message_only);
    auto child = launch(spec, options_, filter);
    if (!child) return tl::unexpected(child.error());
    root_ = std::move(*child);
    outcome_.launched = true;
    TraceeThread t;
    t.tid = t.tgid = root_.pid;
    t.startup = true;
    threads_.emplace(root_.pid, std::move(t));
    wake_tid_ = root_.pid;
    return {};
  }
  if (spec.attach_pids.empty()) return fail(EINVAL, "start tracing", "no command and no -p PID given");
  for (pid_t pid : spec.attach_pids) {
    std::vector<AttachedThread> seized;
    auto attached = attach_process(pid, options_, seized);
    for (const AttachedThread& a : seized) {
      TraceeThread t;
      t.tid = a.tid;
      t.tgid = a.tgid;
      t.state_known = false;
      threads_.emplace(a.tid, std::move(t));
      wake_tid_ = a.tid;
    }
    if (!attached) return tl::unexpected(attached.error());
  }
  return {};
}

Result<void> PtraceTracer::wait_loop() {
  for (;;) {
    if (stop_requested_.load(std::memory_order_relaxed) && !detaching_ && !seccomp_) begin_detach();
    if (threads_.empty()) {
      if (orphans_.empty()) return {};
      adopt_orphans();
    }
    if (!holds_.empty()) {
      release_holds(false);
      holds_.arm(now_ns());
    }
    int status = 0;
    pid_t tid = ::waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) return {};
      return fail(errno, "waitpid");
    }
    handle(tid, status);
  }
}

// A tracee whose parent's fork event never came (the parent was SIGKILLed in
// between): trace it on its own. Reads /proc only in that rare case.
void PtraceTracer::adopt_orphans() {
  std::vector<pid_t> tids(orphans_.begin(), orphans_.end());
  orphans_.clear();
  for (pid_t tid : tids) {
    TraceeThread t;
    t.tid = tid;
    t.tgid = read_tgid(tid);
    threads_.emplace(tid, std::move(t));
    finish_stop(tid, Resume{});
  }
}

void PtraceTracer::handle(pid_t tid, int status) {
  auto it = threads_.find(tid);
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    if (it == threads_.end()) {
      orphans_.erase(tid);
      return;
    }
    on_death(it->second, status);
    threads_.erase(it);
    if (wake_tid_ == tid) wake_tid_ = threads_.empty() ? 0 : threads_.begin()->first;
    return;
  }
  if (!WIFSTOPPED(status)) return;
  if (it == threads_.end()) {
    // A new child's first stop can beat its parent's fork event: keep it
    // stopped until the event tells whose child (and thread) it is.
    orphans_.insert(tid);
    return;
  }
  TraceeThread& t = it->second;
  t.listening = false;
  t.held = false;  // a held thread stops again only when killed: its hold is over
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  Resume r;
  if (sig == kSyscallTrap) {
    r = on_syscall_stop(t);
  } else if (event == PTRACE_EVENT_SECCOMP) {
    r = on_seccomp_stop(t);
  } else if (event == PTRACE_EVENT_STOP) {
    // Under PTRACE_SEIZE a group-stop is an event stop carrying the stop
    // signal; SIGTRAP means PTRACE_INTERRUPT or a new child's first stop.
    r.listen = is_stop_signal(sig);
  } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
    on_spawn(t, event);
  } else if (event == PTRACE_EVENT_EXEC) {
    on_exec(t);
  } else if (event == PTRACE_EVENT_EXIT) {
    on_exit_stop(t);
  } else if (event == 0) {
    r = on_signal(t, sig);
  }
  finish_stop(tid, r);
}

void PtraceTracer::finish_stop(pid_t tid, Resume r) {
  auto it = threads_.find(tid);
  if (it == threads_.end()) return;
  TraceeThread& t = it->second;
  if (detaching_ && !t.startup) {
    // A group-stopped thread is detached without a signal and stays stopped,
    // as it would be untraced; any other signal is delivered on the way out.
    ::ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(r.listen ? 0 : r.sig)));
    pid_t tgid = t.tgid;
    threads_.erase(it);
    bool last = true;
    for (const auto& [other, th] : threads_) last = last && th.tgid != tgid;
    if (last) {
      DetachEvent ev{now_ns(), tgid};
      emit(Event(ev), false);
    }
    return;
  }
  if (r.listen) {
    ::ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);
    t.listening = true;
    return;
  }
  if (r.hold_ns) {
    // Only this thread waits; the loop resumes it when due (release_holds).
    t.held = true;
    t.held_sig = r.sig;
    t.hold_due_ns = now_ns() + r.hold_ns;
    holds_.hold(tid, t.hold_due_ns);
    return;
  }
  // Under seccomp only the filter stops us at entries; PTRACE_SYSCALL is
  // needed only to see the exit of a call that is in progress.
  auto op = (seccomp_ && !t.in_syscall) ? PTRACE_CONT : PTRACE_SYSCALL;
  ::ptrace(op, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(r.sig)));
  wake_tid_.store(tid, std::memory_order_relaxed);
}

void PtraceTracer::release_holds(bool all) {
  auto due = all ? holds_.take_all() : holds_.take_due(now_ns());
  for (const auto& [when, tid] : due) {
    auto it = threads_.find(tid);
    if (it == threads_.end() || !it->second.held || it->second.hold_due_ns != when) continue;
    it->second.held = false;
    finish_stop(tid, Resume{it->second.held_sig, false, 0});
  }
}

void PtraceTracer::begin_detach() {
  detaching_ = true;
  release_holds(true);  // a held thread is stopped already: let it go now
  // Every thread must be in a ptrace-stop to be detached: interrupt the
  // running ones (and re-trap the listening ones), detach at their next stop.
  for (const auto& [tid, t] : threads_) ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  for (pid_t tid : orphans_) ::ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
  orphans_.clear();
}

PtraceTracer::Resume PtraceTracer::on_syscall_stop(TraceeThread& t) {
  ++stats_.syscall_stops;
  if (t.startup) return {};
  bool is_exit = t.in_syscall;
  if (!t.state_known) {
    t.state_known = true;
    is_exit = syscall_stop_op(t.tid) == StopOp::Exit;
    if (is_exit && !t.in_syscall) {
      // Entered before we attached: only the exit is known.
      t.pending = SyscallEvent{};
      t.pending.pid = t.tgid;
      t.pending.tid = t.tid;
      t.entry_read = false;
      t.exec_happened = false;
      t.in_syscall = true;
    }
  }
  if (is_exit) return end_syscall(t);
  return begin_syscall(t, false);
}

PtraceTracer::Resume PtraceTracer::on_seccomp_stop(TraceeThread& t) {
  ++stats_.syscall_stops;
  if (t.startup) return {};  // the child's own calls before its execve
  return begin_syscall(t, true);
}

PtraceTracer::Resume PtraceTracer::begin_syscall(TraceeThread& t, bool seccomp_stop) {
  t.in_syscall = true;
  t.exec_happened = false;
  t.entry_read = false;
  t.inject_rule = nullptr;
  t.result_replaced = false;
  t.pending = SyscallEvent{};
  t.pending.pid = t.tgid;
  t.pending.tid = t.tid;
  t.pending.enter_ns = now_ns();
  // When only failures matter, the entry costs nothing more: the argument
  // registers survive to the exit, and memory is read only if the call failed.
  // Armed injection rules need the number of every call, though.
  if (only_failures_ && injector_.empty()) return {};
  SyscallRegs regs;
  if (!read_syscall_regs(t.tid, regs)) return {};
  Resume r;
  if (!injector_.empty()) r = inject_at_entry(t, regs, seccomp_stop);
  if (only_failures_) return r;
  t.pending.nr = regs.nr;
  t.pending.args = regs.args;
  t.entry_read = true;
  if (!wanted(regs.nr)) return r;
  if (const sysent::SyscallInfo* info = sysent::syscall_by_nr(regs.nr))
    capture_args(*info, CapturePhase::Entry, *spec_, t.pending);
  return r;
}

// The rule that applies to this call, if any, applied: the call skipped
// (orig_rax = -1, or syscall='s harmless call) and its result written at
// the exit stop; the signal queued on the way in, as strace does; the
// delay held here.
PtraceTracer::Resume PtraceTracer::inject_at_entry(TraceeThread& t, const SyscallRegs& regs, bool seccomp_stop) {
  if (!injector_.covers(regs.nr)) return {};
  EntryFacts::StackFacts stack;
  if (rules_need_stack_) stack = [this, &t, nr = regs.nr] { return entry_stack(t, nr); };
  EntryFacts facts(t.tgid, t.tid, regs, std::move(stack));
  const inject::InjectRule* rule = injector_.decide(t.tid, regs.nr, facts);
  if (!rule) return {};
  t.inject_rule = rule;
  Resume r;
  if (rule->replaces_result() && set_syscall_nr(t.tid, rule->substitute_nr)) {
    t.result_replaced = true;
    t.injected_nr = regs.nr;
  }
  if (rule->signal) {
    // Resuming from a syscall-enter-stop with a signal queues it (the kernel
    // sends it on the way out of the stop); a seccomp event stop drops it.
    if (seccomp_stop) ::syscall(SYS_tgkill, t.tgid, t.tid, rule->signal);
    else r.sig = rule->signal;
  }
  r.hold_ns = rule->delay_enter_ns;
  return r;
}

PtraceTracer::Resume PtraceTracer::end_syscall(TraceeThread& t) {
  SyscallRegs regs;
  if (!read_syscall_regs(t.tid, regs)) return {};  // killed meanwhile: reported unfinished at death
  t.in_syscall = false;
  SyscallEvent& ev = t.pending;
  Resume r;
  if (t.inject_rule) {
    r.hold_ns = t.inject_rule->delay_exit_ns;
    if (t.result_replaced) {
      regs.nr = t.injected_nr;  // orig_rax says -1 (or syscall=): the call's own number is ours
      int64_t ret = t.inject_rule->injected_return();
      if (set_syscall_return(t.tid, ret)) {
        regs.ret = ret;
        ev.injected = true;
      }
    }
    t.inject_rule = nullptr;
    t.result_replaced = false;
  }
  if (!t.entry_read) {
    // rt_sigreturn restores the interrupted context, orig_rax included, which
    // the kernel sets to -1 so the old call is not restarted: at a syscall
    // exit, -1 can only mean rt_sigreturn. Its argument registers are gone too,
    // as they are after a successful execve (the new image's).
    bool sigreturn = regs.nr == -1;
    ev.nr = sigreturn ? kSysRtSigreturn : regs.nr;
    if (!t.exec_happened && !sigreturn) ev.args = regs.args;
  }
  ev.ret = regs.ret;
  ev.finished = true;
  ev.exit_ns = now_ns();
  if ((spec_->user_stacks || rules_need_stack_) && !ev.failed() &&
      (ev.nr == kSysMmap || ev.nr == kSysMunmap || ev.nr == kSysMremap)) {
    maps_changed(t.tgid);
  }
  if (!wanted(ev.nr)) return r;
  if (!t.exec_happened) {
    if (const sysent::SyscallInfo* info = sysent::syscall_by_nr(ev.nr)) {
      if (!t.entry_read && ev.failed()) capture_args(*info, CapturePhase::Entry, *spec_, ev);
      // A successful write carries the program's own messages ("cannot open
      // x: Permission denied"), the culprit's best evidence: read its buffer
      // even when only failures are reported. It is unchanged at exit.
      if (!t.entry_read && !ev.failed() && is_message_write(ev.nr))
        capture_args(*info, CapturePhase::Entry, message_spec_, ev);
      capture_args(*info, CapturePhase::Exit, *spec_, ev);
    }
  }
  if (spec_->user_stacks) collect_stack(t, ev);
  ev.seq = ++seq_;
  emit(Event(std::move(ev)), true);
  return r;
}

symbolize::UserSymbolizer& PtraceTracer::symbolizer() {
  if (!symbolizer_) symbolizer_ = std::make_unique<symbolize::UserSymbolizer>();
  return *symbolizer_;
}

void PtraceTracer::collect_stack(const TraceeThread& t, SyscallEvent& ev) {
  if (only_failures_ && !ev.failed()) return;
  // Under a seccomp filter mmap calls are not seen: re-read the mappings
  // before each stack (only for the events that get one).
  if (seccomp_) maps_changed(t.tgid);
  std::vector<bool> activations;
  ev.user_stack = unwinder_.unwind(t.tgid, t.tid, 64, &activations);
  // The thread is stopped: its maps are exact now, whatever happens later.
  ev.user_frames = symbolizer().symbolize_live(t.tgid, ev.user_stack, &activations, true);
  ev.call_site = symbolize::call_site_key(ev.nr, ev.user_frames);
}

std::pair<std::vector<std::string>, std::string> PtraceTracer::entry_stack(const TraceeThread& t, int nr) {
  if (seccomp_) maps_changed(t.tgid);
  std::vector<bool> activations;
  const std::vector<uint64_t> pcs = unwinder_.unwind(t.tgid, t.tid, 64, &activations);
  // No file:line: names and the key are all a filter needs.
  const std::vector<symbolize::UserFrame> frames = symbolizer().symbolize_live(t.tgid, pcs, &activations, false);
  std::vector<std::string> functions;
  functions.reserve(frames.size());
  for (const auto& f : frames) functions.push_back(f.function);
  return {std::move(functions), symbolize::call_site_key(nr, frames)};
}

void PtraceTracer::emit_unfinished(TraceeThread& t) {
  t.in_syscall = false;
  if (!wanted(t.pending.nr)) return;
  t.pending.finished = false;
  t.pending.exit_ns = 0;
  t.pending.seq = ++seq_;
  emit(Event(std::move(t.pending)), false);
}

PtraceTracer::Resume PtraceTracer::on_signal(TraceeThread& t, int sig) {
  if (t.startup && sig == SIGSTOP) {
    t.startup = false;  // our launcher's own SIGSTOP: swallow it, execve comes next
    return {};
  }
  SignalEvent ev{now_ns(), t.tgid, t.tid, sig, 0, 0, 0};
  siginfo_t si{};
  if (::ptrace(PTRACE_GETSIGINFO, t.tid, nullptr, &si) == 0) {
    ev.si_code = si.si_code;
    // si_pid/si_uid are meaningful only for signals sent by a process.
    if (si.si_code <= 0 || sig == SIGCHLD) {
      ev.sender_pid = si.si_pid;
      ev.sender_uid = si.si_uid;
    }
  }
  emit(Event(ev), false);
  return Resume{sig, false};
}

void PtraceTracer::on_spawn(TraceeThread& t, int event) {
  unsigned long msg = 0;
  if (::ptrace(PTRACE_GETEVENTMSG, t.tid, nullptr, &msg) != 0) return;
  pid_t child = static_cast<pid_t>(msg);
  bool is_thread = false;
  if (event == PTRACE_EVENT_CLONE) {
    int nr = t.pending.nr;
    uint64_t arg0 = t.pending.args[0];
    SyscallRegs regs;
    if (!t.entry_read && read_syscall_regs(t.tid, regs)) {
      nr = regs.nr;
      arg0 = regs.args[0];
    }
    uint64_t flags = arg0;
    if (nr == kSysClone3) {  // struct clone_args starts with the flags
      flags = 0;
      TraceeMemory(t.tid).read(arg0, &flags, sizeof flags);
    } else if (nr != kSysClone) {
      flags = 0;
    }
    is_thread = flags & kCloneThread;
  }
  SpawnEvent ev{now_ns(), t.tgid, t.tid, is_thread ? t.tgid : child, child, is_thread};
  emit(Event(ev), false);
  if (detaching_ && orphans_.erase(child)) {
    ::ptrace(PTRACE_DETACH, child, nullptr, nullptr);
    return;
  }
  TraceeThread c;
  c.tid = child;
  c.tgid = is_thread ? t.tgid : child;
  threads_.emplace(child, std::move(c));  // references to elements survive a rehash
  if (orphans_.erase(child)) finish_stop(child, Resume{});
}

void PtraceTracer::on_exec(TraceeThread& t) {
  unsigned long former = static_cast<unsigned long>(t.tid);
  ::ptrace(PTRACE_GETEVENTMSG, t.tid, nullptr, &former);
  pid_t old_tid = static_cast<pid_t>(former);
  if (old_tid != t.tid) {
    // A non-leader thread exec'd: it took over the leader's tid. The old
    // leader vanishes without a death report; its call never finishes.
    if (t.in_syscall) emit_unfinished(t);
    ExitEvent gone{now_ns(), t.tgid, t.tid, true, false, 0, 0, false};
    emit(Event(gone), false);
    auto f = threads_.find(old_tid);
    if (f != threads_.end()) {
      TraceeThread moved = std::move(f->second);
      threads_.erase(f);
      pid_t leader = t.tid;
      t = std::move(moved);
      t.tid = leader;
      t.pending.tid = leader;
    } else {
      t.in_syscall = true;
      t.entry_read = false;
    }
  }
  t.exec_happened = true;
  unwinder_.forget(t.tgid);
  if (symbolizer_) symbolizer_->forget(t.tgid);
  std::string proc = "/proc/" + std::to_string(t.tid);
  ExecEvent ev{now_ns(), t.tgid, old_tid, read_link(proc + "/exe"), read_first_line(proc + "/comm")};
  emit(Event(std::move(ev)), false);
}

void PtraceTracer::on_exit_stop(TraceeThread& t) {
  // The last moment the registers can be read: name the call that never
  // returns (exit_group, or whatever the thread was in when killed).
  if (!t.in_syscall || t.entry_read) return;
  SyscallRegs regs;
  if (!read_syscall_regs(t.tid, regs)) return;
  t.pending.nr = regs.nr;
  t.pending.args = regs.args;
  t.entry_read = true;
}

void PtraceTracer::on_death(TraceeThread& t, int status) {
  if (t.in_syscall) emit_unfinished(t);
  ExitEvent ev;
  ev.ts_ns = now_ns();
  ev.pid = t.tgid;
  ev.tid = t.tid;
  ev.thread_only = t.tid != t.tgid;
  ev.killed = WIFSIGNALED(status);
  ev.code = ev.killed ? 0 : WEXITSTATUS(status);
  ev.signo = ev.killed ? WTERMSIG(status) : 0;
  ev.core_dumped = ev.killed && WCOREDUMP(status);
  emit(Event(ev), false);
  if (!ev.thread_only) {
    unwinder_.forget(t.tgid);
    if (symbolizer_) symbolizer_->forget(t.tgid);
  }
  injector_.forget_thread(t.tid);
  if (outcome_.launched && t.tid == root_.pid) {
    root_done_ = true;
    outcome_.killed = ev.killed;
    outcome_.code = ev.code;
    outcome_.signo = ev.signo;
  }
}

void PtraceTracer::emit(Event&& event, bool live) {
  ++stats_.events;
  sink_->on_event(event, live);
}

void PtraceTracer::request_stop() {
  stop_requested_.store(true);
  pid_t tracer = tracer_tid_.load();
  if (tracer <= 0) return;  // not running: run() sees the flag when it starts
  if (static_cast<pid_t>(::syscall(SYS_gettid)) == tracer) {
    interrupt_one();  // from a signal handler on the tracer thread
  } else {
    ::syscall(SYS_tgkill, ::getpid(), tracer, wake_signal());
  }
}

}  // namespace

std::unique_ptr<Backend> make_ptrace_backend() { return std::make_unique<PtraceTracer>(); }

}  // namespace whyfail::trace::ptrace
