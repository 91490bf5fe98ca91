// origin_lab: runs inside the kernel lab guest (run-lab.sh). Fails a real
// syscall for a known reason, finds the kernel function that produced the
// error with whyfail_origin, and checks it. Also measures attach cost and the
// slowdown of an untraced process.
//
//   origin_lab [--mechanism fexit|kretprobe] case NAME   one case; exit 0 when the origin matches
//   origin_lab [--mechanism ...] all                     every case
//   origin_lab list                                      the catalogue
//   origin_lab [--mechanism M] [--by-name] ...           --by-name: kretprobes by name (bench)
//   origin_lab bench-attach N|all                        attach N candidates, print timings
//   origin_lab bench-learned [CASE|all]                  attach each case's learned candidate set
//   origin_lab bench-attach-keep N|all                   the same, then stay attached (no detach)
//   origin_lab bench-slowdown N [ROUNDS]                 untraced syscall loop, armed vs not (medians)
//   origin_lab bench-slowdown learned [ROUNDS]           the same on the loop's own learned set, each
//                                                        round arming and detaching (per-round ratios)
//   origin_lab unavailable                               the Error a refusing kernel gives
//   origin_lab symbolize VMLINUX FUNC+0xOFF...           (host) file:line from a debug vmlinux
//   origin_lab run [--funcs GLOBS] -- CMD ARGS...        what --kernel does: learn, arm, run CMD,
//                                                        print the origin of each failed syscall
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "origin/candidates.h"
#include "origin/origin_loader.h"
#include "origin/session.h"
#include "symbolize/dwarf_lines.h"
#include "symbolize/kallsyms.h"

using namespace whyfail;

namespace {

struct Case {
  const char* name;
  const char* syscall_entry;            // function_graph root for learning
  int expected_errno;
  std::vector<const char*> origins;     // acceptable origin functions
  bool unprivileged;                    // run the syscall as nobody
  std::function<long()> run;            // returns the raw syscall result
  const char* why;
  std::function<long()> run_ok;         // the same syscall succeeding (null: none here)
  // When set: the failing and the successful call part at this function's
  // outcome (e.g. perf_copy_attr -EINVAL vs 0). Otherwise any parting inside
  // the traced calls will do: which one comes first depends on the learned set.
  const char* diverge_at = nullptr;
};

long perf_open(perf_event_attr* a) {
  return syscall(SYS_perf_event_open, a, 0, -1, -1, 0) < 0 ? -errno : 0;
}

long perf_ok() {
  perf_event_attr a{};
  a.size = sizeof a;
  a.type = PERF_TYPE_SOFTWARE;
  a.config = PERF_COUNT_SW_CPU_CLOCK;
  a.disabled = 1;
  long r = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
  return r < 0 ? -errno : (close(int(r)), 0L);
}

std::vector<Case> catalogue() {
  return {
      {"perf_branch_bits", "__x64_sys_perf_event_open", EINVAL, {"perf_copy_attr"}, false,
       [] {
         perf_event_attr a{};
         a.size = sizeof a;
         a.type = PERF_TYPE_SOFTWARE;
         a.config = PERF_COUNT_SW_CPU_CLOCK;
         a.sample_type = PERF_SAMPLE_BRANCH_STACK;
         a.branch_sample_type = 1ULL << 62;  // far beyond PERF_SAMPLE_BRANCH_MAX
         a.disabled = 1;
         return perf_open(&a);
       },
       "perf_event_open with an undefined branch_sample_type bit", perf_ok, "perf_copy_attr"},
      {"perf_sample_freq", "__x64_sys_perf_event_open", EINVAL,
       {"__x64_sys_perf_event_open", "__do_sys_perf_event_open", "__se_sys_perf_event_open"}, false,
       [] {
         perf_event_attr a{};
         a.size = sizeof a;
         a.type = PERF_TYPE_SOFTWARE;
         a.config = PERF_COUNT_SW_CPU_CLOCK;
         a.freq = 1;
         a.sample_freq = 1ULL << 40;  // above kernel.perf_event_max_sample_rate
         a.disabled = 1;
         return perf_open(&a);
       },
       "perf_event_open with sample_freq above the maximum", perf_ok},
      {"openat_missing_dir", "__x64_sys_openat", ENOENT,
       // link_path_walk, walk_component and step_into are inlined into path_openat on 6.1
       {"path_openat", "link_path_walk", "walk_component", "step_into", "lookup_slow"}, false,
       [] {
         long r = syscall(SYS_openat, AT_FDCWD, "/no-such-dir/file", O_RDONLY);
         return r < 0 ? -errno : (close(int(r)), 0L);
       },
       "openat of a path whose directory does not exist",
       [] {
         long r = syscall(SYS_openat, AT_FDCWD, "/tmp", O_RDONLY);
         return r < 0 ? -errno : (close(int(r)), 0L);
       }},
      {"mkdir_exists", "__x64_sys_mkdir", EEXIST, {"filename_create"}, false,
       [] {
         mkdir("/tmp/origin-lab-dir", 0755);
         return syscall(SYS_mkdir, "/tmp/origin-lab-dir", 0755) < 0 ? -errno : 0L;
       },
       "mkdir of a name that exists",
       [] {
         static int n = 0;
         std::string p = "/tmp/origin-lab-new-" + std::to_string(getpid()) + "-" + std::to_string(n++);
         return syscall(SYS_mkdir, p.c_str(), 0755) < 0 ? -errno : 0L;
       }},
      {"bpf_unprivileged", "__x64_sys_bpf", EPERM, {"__sys_bpf", "__x64_sys_bpf", "__se_sys_bpf"}, true,
       [] {
         union bpf_attr a{};
         a.map_type = BPF_MAP_TYPE_ARRAY;
         a.key_size = 4;
         a.value_size = 4;
         a.max_entries = 1;
         return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a) < 0 ? -errno : 0L;
       },
       "bpf() as non-root with kernel.unprivileged_bpf_disabled set", nullptr},
      {"connect_refused", "__x64_sys_connect", ECONNREFUSED,
       // sock_error() (inlined) hands over the sk_err the RST left
       {"__inet_stream_connect"}, false,
       [] {
         int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
         sockaddr_in sa{};
         sa.sin_family = AF_INET;
         sa.sin_port = htons(1);
         sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
         long r = connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ? -errno : 0L;
         close(s);
         return r;
       },
       "connect to a closed port on loopback",
       [] {
         // A listening socket on loopback: the same path up to the handshake.
         int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
         sockaddr_in sa{};
         sa.sin_family = AF_INET;
         sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
         socklen_t len = sizeof sa;
         if (bind(l, reinterpret_cast<sockaddr*>(&sa), sizeof sa) || listen(l, 1) ||
             getsockname(l, reinterpret_cast<sockaddr*>(&sa), &len))
           return -1000L;
         int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
         long r = connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ? -errno : 0L;
         close(s);
         close(l);
         return r;
       }},
  };
}

// A child that runs the case each time it is asked: the same thread is
// learned with function_graph, then traced with the origin programs.
struct Worker {
  pid_t pid = -1;
  int to[2]{-1, -1}, from[2]{-1, -1};
  static Worker start(const Case& c) {
    Worker w;
    if (pipe(w.to) || pipe(w.from)) perror("pipe");
    w.pid = fork();
    if (w.pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (c.unprivileged && (setgid(65534) || setuid(65534))) _exit(90);
      char cmd;
      while (read(w.to[0], &cmd, 1) == 1) {
        long r = cmd == 'o' ? c.run_ok() : c.run();
        if (write(w.from[1], &r, sizeof r) != sizeof r) _exit(91);
      }
      _exit(0);
    }
    return w;
  }
  long go(char cmd = 'g') {
    long r = 0;
    if (write(to[1], &cmd, 1) != 1 || read(from[0], &r, sizeof r) != sizeof r) return 1;
    return r;
  }
  ~Worker() {
    if (pid > 0) {
      close(to[1]);
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::optional<origin::Mechanism> g_mechanism;
bool g_by_name = false;  // --by-name: kretprobes by function name (bench comparison)

std::shared_ptr<const symbolize::Kallsyms> kallsyms() {
  static std::shared_ptr<const symbolize::Kallsyms> k = [] {
    auto r = symbolize::Kallsyms::load();
    if (!r) {
      fprintf(stderr, "origin_lab: %s\n", r.error().message().c_str());
      exit(2);
    }
    return std::make_shared<const symbolize::Kallsyms>(std::move(*r));
  }();
  return k;
}

// Learns what the case's syscall calls, with function_graph on the worker's
// thread only, and keeps what can be attached: the candidate set `--kernel`
// would arm for this syscall.
std::optional<origin::CandidateSet> learn_case(const Case& c, Worker& w) {
  double t0 = now_s();
  auto rec = origin::FunctionGraphRecorder::start({{w.pid}, {c.syscall_entry}, 24, 8192});
  if (!rec) {
    printf("FAIL %s: %s\n", c.name, rec.error().message().c_str());
    return std::nullopt;
  }
  long first = w.go();
  auto learned = rec->stop();
  if (!learned) {
    printf("FAIL %s: %s\n", c.name, learned.error().message().c_str());
    return std::nullopt;
  }
  if (first != -c.expected_errno) {
    printf("FAIL %s: the syscall returned %ld, expected -%d\n", c.name, first, c.expected_errno);
    return std::nullopt;
  }
  auto set = origin::select_candidates({*learned, 3000});
  if (!set) {
    printf("FAIL %s: %s\n", c.name, set.error().message().c_str());
    return std::nullopt;
  }
  printf("learned %zu functions in %.2fs; candidates %zu (not traceable %zu, ambiguous %zu, no BTF %zu, "
         "cannot fail %zu, args %zu, denied %zu)\n",
         learned->size(), now_s() - t0, set->chosen.size(), set->not_traceable, set->ambiguous,
         set->no_btf, set->cannot_fail, set->unsupported_args, set->denied);
  return std::move(*set);
}

int run_case(const Case& c) {
  printf("== %s: %s\n", c.name, c.why);
  Worker w = Worker::start(c);
  // 1. Learn what the syscall calls.
  auto set = learn_case(c, w);
  if (!set) return 1;
  // 2. Arm and run it again.
  origin::ArmOptions ao;
  ao.functions = set->chosen;
  ao.mechanism = g_mechanism;
  ao.kretprobe_by_name = g_by_name;
  auto tracer = origin::OriginTracer::arm(ao, kallsyms());
  if (!tracer) {
    printf("FAIL %s: %s\nlibbpf said:\n%s\n", c.name, tracer.error().message().c_str(),
           origin::libbpf_log().c_str());
    return 1;
  }
  const auto& st = (*tracer)->stats();
  printf("armed %s: %zu/%zu attached in %.2fs (load %.2fs), %zu failed%s%s\n",
         origin::mechanism_name(st.mechanism), st.attached, st.requested, st.attach_seconds,
         st.load_seconds, st.failed, st.failures.empty() ? "" : ", first: ",
         st.failures.empty() ? "" : st.failures.front().c_str());
  if (auto r = (*tracer)->trace_process(w.pid); !r) {
    printf("FAIL %s: %s\n", c.name, r.error().message().c_str());
    return 1;
  }
  // A successful call first (same thread, same syscall), to compare with.
  if (c.run_ok) {
    long ok = w.go('o');
    if (ok < 0) {
      printf("FAIL %s: the successful variant failed too (%ld)\n", c.name, ok);
      return 1;
    }
  }
  long second = w.go();
  std::vector<origin::FailedInvocation> got;
  for (int i = 0; i < 20 && got.empty(); i++) {
    auto p = (*tracer)->poll(100);
    if (!p) {
      printf("FAIL %s: %s\n", c.name, p.error().message().c_str());
      return 1;
    }
    for (auto& inv : *p)
      if (inv.ret == second) got.push_back(std::move(inv));
  }
  if (got.empty()) {
    printf("FAIL %s: no failing invocation was recorded (syscall returned %ld)\n", c.name, second);
    return 1;
  }
  auto o = (*tracer)->explain(got.back());
  for (const auto& r : got.back().returns)
    printf("  raw ip=%s caller=%#llx (%s) sp=%#llx ret=%#llx\n", kallsyms()->lookup(r.ip).to_string(r.ip).c_str(),
           (unsigned long long)r.caller, kallsyms()->lookup(r.caller).to_string(r.caller).c_str(),
           (unsigned long long)r.sp, (unsigned long long)r.ret);
  printf("syscall %d returned %ld; %zu returns recorded; mechanism %s\n", got.back().nr, got.back().ret,
         got.back().returns.size(), o.mechanism.c_str());
  for (const auto& g : o.graph)
    if (g.on_error_path || g.depth <= 1 || getenv("ORIGIN_LAB_FULL_GRAPH"))
      printf("  %*s%s = %lld%s\n", 2 * g.depth, "", g.function.c_str(), (long long)g.ret,
             g.on_error_path ? "   <-- error path" : "");
  if (!o.note.empty()) printf("note: %s\n", o.note.c_str());
  auto cn = (*tracer)->counters();
  printf("counters: committed %llu discarded %llu ring_full %llu returns_dropped %llu off_stack %llu\n",
         (unsigned long long)cn.committed, (unsigned long long)cn.discarded, (unsigned long long)cn.ring_full,
         (unsigned long long)cn.returns_dropped, (unsigned long long)cn.off_stack);
  if (!o.found) {
    printf("FAIL %s: no origin found\n", c.name);
    return 1;
  }
  std::string chain;
  for (const auto& f : o.chain) chain += (chain.empty() ? "" : " <- ") + f.function;
  printf("origin: %s%s%s (chain: %s)\n", o.origin.function.c_str(), o.origin.file.empty() ? "" : " at ",
         o.origin.file.empty() ? "" : (o.origin.file + ":" + std::to_string(o.origin.line)).c_str(),
         chain.c_str());
  // function+offset of each frame, for the host to symbolize (file-line.sh).
  for (const auto& f : o.chain) {
    if (f.offset) printf("WHYFAIL-FRAME %s+%#llx\n", f.function.c_str(), (unsigned long long)f.offset);
    if (!f.called_from.empty()) printf("WHYFAIL-FRAME %s\n", f.called_from.c_str());
  }
  printf("WHYFAIL-BUILD-ID %s\n", symbolize::DwarfLines::build_id_from_notes().c_str());
  bool ok = c.origins.empty();
  for (const char* want : c.origins) ok = ok || o.origin.function == want;
  if (!ok) {
    printf("FAIL %s: origin %s is not one of the expected\n", c.name, o.origin.function.c_str());
    return 1;
  }
  // Every frame knows where it returned to (fexit: from the trampoline's
  // frame; kretprobe: the restored return address), and a caller that made
  // that call itself has the call site as its offset.
  for (size_t k = 0; k < o.chain.size(); k++) {
    const auto& f = o.chain[k];
    if (!f.called_from.empty())
      printf("frame %s+%#llx called from %s\n", f.function.c_str(), (unsigned long long)f.offset,
             f.called_from.c_str());
    if (f.called_from.empty() || f.called_from.rfind("0x", 0) == 0) {
      // The one case without a caller: tail-called (a jmp) by the next frame
      // up, itself traced with fexit, so it returned through that frame's
      // trampoline (e.g. __sys_connect_file's `return sock->ops->connect()`).
      auto ref = kallsyms()->lookup(f.return_address);
      bool via_trampoline = ref.symbol && (ref.symbol->module == "__builtin__ftrace" ||
                                           ref.symbol->name.rfind("bpf_trampoline_", 0) == 0);
      if (f.called_from.empty() && via_trampoline && k + 1 < o.chain.size() &&
          o.mechanism == "fexit") {
        printf("frame %s+%#llx tail-called by %s (returned through its trampoline, %s)\n", f.function.c_str(),
               (unsigned long long)f.offset, o.chain[k + 1].function.c_str(),
               ref.to_string(f.return_address).c_str());
        continue;
      }
      printf("FAIL %s: no caller for %s (return address %s)\n", c.name, f.function.c_str(),
             ref.to_string(f.return_address).c_str());
      return 1;
    }
    if (k + 1 < o.chain.size() && f.called_from.rfind(o.chain[k + 1].function + "+", 0) == 0 &&
        o.chain[k + 1].offset == 0) {
      printf("FAIL %s: %s returned into %s but the caller has no offset\n", c.name, f.function.c_str(),
             o.chain[k + 1].function.c_str());
      return 1;
    }
  }
  if (c.run_ok) {
    if (!o.divergence) {
      printf("FAIL %s: a successful call ran, but no divergence was found\n", c.name);
      return 1;
    }
    const auto& d = *o.divergence;
    printf("divergence: within %s after %zu common returns: failing %s = %lld; successful %s = %lld\n",
           d.within.empty() ? "(top)" : d.within.c_str(), d.common,
           d.failing.function.empty() ? "(returns)" : d.failing.function.c_str(), (long long)d.failing.ret,
           d.succeeding.function.empty() ? "(returns)" : d.succeeding.function.c_str(),
           (long long)d.succeeding.ret);
    if (d.within.empty() && d.failing.function.empty()) {
      printf("FAIL %s: the traced calls were identical: no parting found\n", c.name);
      return 1;
    }
    if (c.diverge_at && (d.failing.function != c.diverge_at || d.succeeding.function != c.diverge_at ||
                         d.failing.ret != -c.expected_errno)) {
      printf("FAIL %s: expected the calls to part at %s's outcome\n", c.name, c.diverge_at);
      return 1;
    }
  }
  printf("PASS %s\n", c.name);
  return 0;
}

// All functions the kernel lets us watch, in kallsyms order.
std::vector<origin::Candidate> all_candidates(size_t limit) {
  auto set = origin::select_candidates({{"*"}, limit});
  if (!set) {
    fprintf(stderr, "origin_lab: %s\n", set.error().message().c_str());
    exit(2);
  }
  printf("candidates: %zu usable (not traceable %zu, ambiguous %zu, no BTF %zu, cannot fail %zu, "
         "args %zu, denied %zu, over limit %zu)\n",
         set->chosen.size(), set->not_traceable, set->ambiguous, set->no_btf, set->cannot_fail,
         set->unsupported_args, set->denied, set->over_limit);
  return set->chosen;
}

// One BENCH line: what was attached, how long, and where the time went
// (prepare: program load or perf_event_open per function; link: the attach).
void print_attach(const char* what, const std::string& extra, const origin::AttachStats& st, double armed,
                  double detach) {
  double per = double(st.attached ? st.attached : 1);
  printf("BENCH %s%s mechanism=%s%s n=%zu attached=%zu failed=%zu load=%.3fs attach=%.3fs total=%.3fs "
         "detach=%.3fs per_function=%.2fms prepare=%.2fms link=%.2fms\n",
         what, extra.c_str(), origin::mechanism_name(st.mechanism),
         st.mechanism == origin::Mechanism::Kretprobe && g_by_name ? " by=name" : "", st.requested, st.attached,
         st.failed, st.load_seconds, st.attach_seconds, armed, detach, 1000 * st.attach_seconds / per,
         1000 * st.prepare_seconds / per, 1000 * st.link_seconds / per);
  for (const auto& f : st.failures) printf("  failed: %s\n", f.c_str());
}

// Arms the learned candidate set of a case (what `--kernel` attaches for
// that syscall: "all candidates" in practice), times attach and detach;
// without --mechanism, with each mechanism in turn on the same set.
int bench_learned(const Case& c) {
  printf("== %s\n", c.name);
  Worker w = Worker::start(c);
  auto set = learn_case(c, w);
  if (!set) return 1;
  std::vector<origin::Mechanism> mechanisms = {origin::Mechanism::Fexit, origin::Mechanism::Kretprobe};
  if (g_mechanism) mechanisms = {*g_mechanism};
  for (origin::Mechanism m : mechanisms) {
    origin::ArmOptions ao;
    ao.functions = set->chosen;
    ao.mechanism = m;
    ao.kretprobe_by_name = g_by_name;
    double t0 = now_s();
    auto tracer = origin::OriginTracer::arm(ao, kallsyms());
    double armed = now_s() - t0;
    if (!tracer) {
      printf("arm failed: %s\n", tracer.error().message().c_str());
      return 1;
    }
    const origin::AttachStats st = (*tracer)->stats();
    double t1 = now_s();
    tracer->reset();
    print_attach("learned", std::string(" case=") + c.name, st, armed, now_s() - t1);
  }
  return 0;
}

// keep_attached: print and stay attached until killed. Detaching tens of
// thousands of trampolines takes longer than attaching them (an RCU-tasks
// grace period each), and the guest powers off anyway.
int bench_attach(size_t n, bool keep_attached) {
  auto funcs = all_candidates(n);
  origin::ArmOptions ao;
  ao.functions = funcs;
  ao.mechanism = g_mechanism;
  ao.kretprobe_by_name = g_by_name;
  ao.progress = [](size_t tried, double s) { printf("BENCH progress tried=%zu elapsed=%.1fs\n", tried, s); };
  double t0 = now_s();
  auto tracer = origin::OriginTracer::arm(ao, kallsyms());
  double armed = now_s() - t0;
  if (!tracer) {
    printf("arm failed: %s\n", tracer.error().message().c_str());
    return 1;
  }
  const origin::AttachStats st = (*tracer)->stats();
  double detach = -1;
  if (!keep_attached) {
    double t1 = now_s();
    tracer->reset();  // detach everything
    detach = now_s() - t1;
  }
  print_attach("attach", "", st, armed, detach);
  if (keep_attached) {
    printf("BENCH-DONE (staying attached; kill me)\n");
    for (;;) pause();
  }
  return 0;
}

// A syscall-heavy loop in a process that is not traced.
double syscall_loop(int iterations) {
  double t0 = now_s();
  for (int i = 0; i < iterations; i++) {
    int fd = open("/proc/self/stat", O_RDONLY);
    char buf[256];
    if (fd >= 0) {
      if (read(fd, buf, sizeof buf) < 0) break;
      close(fd);
    }
    syscall(SYS_getppid);
  }
  return now_s() - t0;
}

std::string fmt_ratio(double r) {
  char b[32];
  snprintf(b, sizeof b, "%.2f", r);
  return b;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The loop's time not armed (before arming and after detaching: drift shows
// as a pre/post difference), armed for another process, and traced itself;
// the armed rounds alternate other/self so that load changes hit both alike.
int bench_slowdown(size_t n, int rounds) {
  const int iters = 5000;
  syscall_loop(iters / 5);  // warm up
  std::vector<double> pre, post, other_s, self_s;
  for (int r = 0; r < rounds; r++) pre.push_back(syscall_loop(iters));
  auto funcs = all_candidates(n);
  origin::ArmOptions ao;
  ao.functions = funcs;
  ao.mechanism = g_mechanism;
  auto tracer = origin::OriginTracer::arm(ao, kallsyms());
  if (!tracer) {
    printf("arm failed: %s\n", tracer.error().message().c_str());
    return 1;
  }
  // Armed for another process (a sleeping child), not for this loop.
  pid_t other = fork();
  if (other == 0) {
    pause();
    _exit(0);
  }
  (void)(*tracer)->trace_process(other);
  for (int r = 0; r < rounds; r++) {
    other_s.push_back(syscall_loop(iters));
    (void)(*tracer)->trace_process(getpid());  // everything the loop does goes through the programs
    self_s.push_back(syscall_loop(iters));
    (*tracer)->untrace_process(getpid());
  }
  kill(other, SIGKILL);
  waitpid(other, nullptr, 0);
  auto c = (*tracer)->counters();
  std::string mech = origin::mechanism_name((*tracer)->stats().mechanism);
  size_t attached = (*tracer)->stats().attached;
  tracer->reset();  // detach, then the baseline again
  for (int r = 0; r < rounds; r++) post.push_back(syscall_loop(iters));
  std::vector<double> base = pre;
  base.insert(base.end(), post.begin(), post.end());
  double b = median(base), o = median(other_s), t = median(self_s);
  printf("BENCH slowdown mechanism=%s n=%zu attached=%zu rounds=%d iterations=%d base=%.3fs (pre %.3fs, post %.3fs) "
         "armed_other=%.3fs ratio=%.2f traced_self=%.3fs ratio=%.2f committed=%llu discarded=%llu "
         "success_kept=%llu\n",
         mech.c_str(), funcs.size(), attached, rounds, iters, b, median(pre), median(post), o, o / b, t, t / b,
         (unsigned long long)c.committed, (unsigned long long)c.discarded, (unsigned long long)c.success_kept);
  return 0;
}

// The functions the syscall loop itself runs through, learned as --kernel
// learns a command's (function_graph on a child running the loop): what
// --kernel arms when the traced command makes the same syscalls as the
// untraced process it slows down, the case that costs most.
std::optional<std::vector<origin::Candidate>> learn_loop() {
  int go[2];
  if (pipe(go)) return std::nullopt;
  pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(1);
    syscall_loop(20);
    _exit(0);
  }
  close(go[0]);
  auto rec = origin::FunctionGraphRecorder::start({{pid}, {}, 16, 8192});
  if (write(go[1], "g", 1) != 1) {}
  close(go[1]);
  waitpid(pid, nullptr, 0);
  if (!rec) {
    printf("learning the loop failed: %s\n", rec.error().message().c_str());
    return std::nullopt;
  }
  auto learned = rec->stop();
  if (!learned) return std::nullopt;
  auto set = origin::select_candidates({*learned, 3000});
  if (!set) return std::nullopt;
  printf("the loop: learned %zu functions, %zu candidates\n", learned->size(), set->chosen.size());
  return set->chosen;
}

// The loop's own learned set, each round in one go: not armed, armed for
// another process, traced itself, then detached; fexit and kretprobes
// alternate round by round. Every armed time is divided by the same round's
// unarmed time, so a host that speeds up or slows down between rounds
// changes no ratio; the medians of those ratios are printed.
int bench_slowdown_learned(int rounds) {
  const int iters = 5000;
  syscall_loop(iters);  // warm up (TCG translates the paths once)
  auto funcs = learn_loop();
  if (!funcs) return 1;
  pid_t other = fork();
  if (other == 0) {
    pause();
    _exit(0);
  }
  struct Series {
    std::vector<double> base, other_r, self_r;
    size_t attached = 0;
  };
  std::vector<origin::Mechanism> mechanisms = {origin::Mechanism::Fexit, origin::Mechanism::Kretprobe};
  if (g_mechanism) mechanisms = {*g_mechanism};
  std::vector<Series> series(mechanisms.size());
  for (int r = 0; r < rounds; r++) {
    for (size_t m = 0; m < mechanisms.size(); m++) {
      double base = syscall_loop(iters);
      origin::ArmOptions ao;
      ao.functions = *funcs;
      ao.mechanism = mechanisms[m];
      auto tracer = origin::OriginTracer::arm(ao, kallsyms());
      if (!tracer) {
        printf("arm failed: %s\n", tracer.error().message().c_str());
        kill(other, SIGKILL);
        return 1;
      }
      (void)(*tracer)->trace_process(other);
      double o = syscall_loop(iters);
      (void)(*tracer)->trace_process(getpid());
      double t = syscall_loop(iters);
      (*tracer)->untrace_process(getpid());
      series[m].attached = (*tracer)->stats().attached;
      tracer->reset();
      series[m].base.push_back(base);
      series[m].other_r.push_back(o / base);
      series[m].self_r.push_back(t / base);
    }
  }
  kill(other, SIGKILL);
  waitpid(other, nullptr, 0);
  for (size_t m = 0; m < mechanisms.size(); m++) {
    const Series& sr = series[m];
    std::string all;
    for (size_t r = 0; r < sr.other_r.size(); r++)
      all += fmt_ratio(sr.other_r[r]) + "/" + fmt_ratio(sr.self_r[r]) + " ";
    printf("BENCH slowdown mechanism=%s n=%zu attached=%zu rounds=%d iterations=%d base=%.3fs "
           "armed_other=%.3fs ratio=%.2f traced_self=%.3fs ratio=%.2f learned=loop per_round=%s\n",
           origin::mechanism_name(mechanisms[m]), funcs->size(), sr.attached, rounds, iters, median(sr.base),
           median(sr.base) * median(sr.other_r), median(sr.other_r), median(sr.base) * median(sr.self_r),
           median(sr.self_r), all.c_str());
  }
  return 0;
}

// What `whyfail --kernel -- CMD` does, without the ptrace backend: a
// learning run under function_graph (unless --funcs), then the real run with
// the origin tracer armed for it, each failure's origin printed.
int run_command(const std::string& globs, const std::vector<std::string>& argv) {
  origin::SessionOptions so;
  so.mechanism = g_mechanism;
  double t0 = now_s();
  if (!globs.empty()) {
    so.func_globs = origin::split_globs(globs);
  } else {
    auto learned = origin::learn_functions(argv, 16);
    if (!learned) {
      printf("learning run failed: %s\n", learned.error().message().c_str());
      return 1;
    }
    printf("learning run: %zu kernel functions in %.2fs\n", learned->size(), now_s() - t0);
    so.learned = std::move(*learned);
  }
  auto s = origin::KernelOriginSession::start(so);
  if (!s) {
    printf("--kernel unavailable: %s\n", s.error().message().c_str());
    return 1;
  }
  printf("armed: %s\n", (*s)->summary().c_str());
  int go[2];
  if (pipe(go)) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(127);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(go[0]);
  (void)(*s)->trace_process(pid);
  char c = 'g';
  if (write(go[1], &c, 1) != 1) return 1;
  close(go[1]);
  int st = 0;
  waitpid(pid, &st, 0);
  // No ptrace backend here: every committed record is a failed syscall.
  int shown = 0;
  for (;;) {
    auto got = (*s)->tracer().poll(200);
    if (!got || got->empty()) break;
    for (const auto& inv : *got) {
      auto o = (*s)->tracer().explain(inv);
      std::string chain;
      for (const auto& f : o.chain) chain += (chain.empty() ? "" : " <- ") + f.function;
      printf("[tid %d] syscall %d = %lld: origin %s (%s)%s%s\n", inv.tid, inv.nr, (long long)inv.ret,
             o.found ? o.origin.function.c_str() : "?", chain.c_str(), o.note.empty() ? "" : "; ",
             o.note.c_str());
      shown++;
    }
  }
  auto c2 = (*s)->counters();
  printf("command exited %d; %llu failing syscalls committed, %llu successful discarded\n",
         WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), (unsigned long long)c2.committed,
         (unsigned long long)c2.discarded);
  return shown >= 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  int i = 1;
  for (;;) {
    if (i + 1 < argc && std::string(argv[i]) == "--mechanism") {
      g_mechanism =
          std::string(argv[i + 1]) == "kretprobe" ? origin::Mechanism::Kretprobe : origin::Mechanism::Fexit;
      i += 2;
    } else if (i < argc && std::string(argv[i]) == "--by-name") {
      g_by_name = true;
      i++;
    } else {
      break;
    }
  }
  std::string verb = i < argc ? argv[i] : "list";
  std::string arg = i + 1 < argc ? argv[i + 1] : "";
  if (verb == "list") {
    for (const auto& c : catalogue()) printf("%-20s %s\n", c.name, c.why);
    return 0;
  }
  if (verb == "case" || verb == "all") {
    int failed = 0, ran = 0;
    for (const auto& c : catalogue())
      if (verb == "all" || arg == c.name) {
        ran++;
        failed += run_case(c) != 0;
      }
    if (!ran) {
      fprintf(stderr, "origin_lab: no case %s (see: origin_lab list)\n", arg.c_str());
      return 2;
    }
    printf("%d/%d cases passed\n", ran - failed, ran);
    return failed ? 1 : 0;
  }
  if (verb == "bench-learned") {
    int failed = 0, ran = 0;
    for (const auto& c : catalogue())
      if (arg.empty() || arg == "all" || arg == c.name) {
        ran++;
        failed += bench_learned(c) != 0;
      }
    return !ran ? 2 : failed ? 1 : 0;
  }
  if (verb == "bench-attach") return bench_attach(arg == "all" ? size_t(1) << 20 : std::stoul(arg), false);
  if (verb == "bench-attach-keep") return bench_attach(arg == "all" ? size_t(1) << 20 : std::stoul(arg), true);
  if (verb == "bench-slowdown" && arg == "learned")
    return bench_slowdown_learned(i + 2 < argc ? std::atoi(argv[i + 2]) : 5);
  if (verb == "bench-slowdown")
    return bench_slowdown(arg.empty() ? 1000 : std::stoul(arg), i + 2 < argc ? std::atoi(argv[i + 2]) : 5);
  if (verb == "run") {
    std::string globs;
    int k = i + 1;
    if (k + 1 < argc && std::string(argv[k]) == "--funcs") {
      globs = argv[k + 1];
      k += 2;
    }
    if (k < argc && std::string(argv[k]) == "--") k++;
    if (k >= argc) {
      fprintf(stderr, "origin_lab run: no command\n");
      return 2;
    }
    return run_command(globs, std::vector<std::string>(argv + k, argv + argc));
  }
  if (verb == "symbolize") {
    // On the host: function+offset (from the guest) -> file:line in a debug vmlinux.
    if (i + 2 >= argc) {
      fprintf(stderr, "origin_lab symbolize VMLINUX FUNC+0xOFF...\n");
      return 2;
    }
    auto d = symbolize::DwarfLines::open(argv[i + 1]);
    if (!d) {
      fprintf(stderr, "origin_lab: %s\n", d.error().message().c_str());
      return 2;
    }
    printf("build-id %s\n", d->build_id().c_str());
    for (int k = i + 2; k < argc; k++) {
      std::string fo = argv[k];
      auto plus = fo.find('+');
      std::string fn = fo.substr(0, plus);
      uint64_t off = plus == std::string::npos ? 0 : std::stoull(fo.substr(plus + 1), nullptr, 16);
      auto addr = d->symbol_address(fn);
      if (!addr) {
        printf("%s ? (no symbol)\n", fo.c_str());
        continue;
      }
      uint64_t at = *addr + (off ? off - 1 : 0);  // a return address: the call is the byte before
      auto sl = d->lookup(at);
      printf("%s %#llx %s:%d\n", fo.c_str(), (unsigned long long)at, sl ? sl->file.c_str() : "?", sl ? sl->line : 0);
      if (sl)  // with $WHYFAIL_KERNEL_SOURCE or the file where the DWARF says
        for (const auto& l : symbolize::DwarfLines::source_around(sl->file, sl->line, 0))
          printf("source %s %s\n", fo.c_str(), l.c_str());
    }
    return 0;
  }
  if (verb == "unavailable") {
    auto r = origin::origin_usable();
    if (r) {
      printf("kernel origin works here (%s)\n", origin::mechanism_name(*r));
      return 0;
    }
    printf("%s\n", r.error().message().c_str());
    return 3;
  }
  fprintf(stderr, "origin_lab: unknown verb %s\n", verb.c_str());
  return 2;
}
