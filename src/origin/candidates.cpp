#include "origin/candidates.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace whyfail::origin {

namespace {

Result<void> write_file(const std::string& path, const std::string& value, bool append = false) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
  if (fd < 0) return fail(errno, "open " + path);
  ssize_t n = value.empty() ? 0 : ::write(fd, value.data(), value.size());
  int e = errno;
  ::close(fd);
  if (n < 0) return fail(e, fmt::format("write '{}' to {}", value, path));
  return {};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string tracefs_dir() {
  for (const char* d : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (access((std::string(d) + "/current_tracer").c_str(), F_OK) == 0) return d;
  if (::mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) == 0) return "/sys/kernel/tracing";
  return "";
}

// ---- function_graph learning ----------------------------------------------

Result<FunctionGraphRecorder> FunctionGraphRecorder::start(const Options& opts) {
  std::string dir = tracefs_dir();
  if (dir.empty()) return fail(ENOENT, "find tracefs", "mount -t tracefs tracefs /sys/kernel/tracing");
  if (read_file(dir + "/available_tracers").find("function_graph") == std::string::npos)
    return fail(ENOTSUP, "function_graph tracer", "the kernel is built without CONFIG_FUNCTION_GRAPH_TRACER");
  FunctionGraphRecorder rec(dir);
  auto put = [&](const std::string& f, const std::string& v) { return write_file(dir + "/" + f, v); };
  if (auto r = put("tracing_on", "0"); !r) return tl::unexpected(r.error());
  if (auto r = put("current_tracer", "nop"); !r) return tl::unexpected(r.error());
  if (auto r = put("trace", ""); !r) return tl::unexpected(r.error());
  std::string pids;
  for (pid_t p : opts.pids) pids += std::to_string(p) + " ";
  if (auto r = put("set_ftrace_pid", pids); !r) return tl::unexpected(r.error());
  put("options/function-fork", "1");
  put("options/funcgraph-irqs", "0");  // interrupts are not the syscall's doing
  put("buffer_size_kb", std::to_string(opts.buffer_kb));
  put("max_graph_depth", std::to_string(opts.max_depth));
  put("set_graph_function", "");
  for (const auto& f : opts.graph_functions)
    if (auto r = write_file(dir + "/set_graph_function", f, true); !r)
      return fail(r.error().err, "set_graph_function " + f,
                  "is it a kernel function? (see available_filter_functions)");
  if (auto r = put("current_tracer", "function_graph"); !r)
    return fail(r.error().err, "enable the function_graph tracer", r.error().message());
  if (auto r = put("tracing_on", "1"); !r) return tl::unexpected(r.error());
  return rec;
}

Result<std::vector<std::string>> FunctionGraphRecorder::stop() {
  if (dir_.empty()) return fail(EINVAL, "function_graph recorder", "not started");
  write_file(dir_ + "/tracing_on", "0");
  std::string text = read_file(dir_ + "/trace");
  reset();
  return parse_function_graph(text);
}

void FunctionGraphRecorder::reset() {
  if (dir_.empty()) return;
  write_file(dir_ + "/tracing_on", "0");
  write_file(dir_ + "/current_tracer", "nop");
  write_file(dir_ + "/set_ftrace_pid", "");
  write_file(dir_ + "/set_graph_function", "");
  write_file(dir_ + "/max_graph_depth", "0");
  write_file(dir_ + "/trace", "");
  write_file(dir_ + "/tracing_on", "1");
  dir_.clear();
}

FunctionGraphRecorder::~FunctionGraphRecorder() { reset(); }

std::vector<std::string> parse_function_graph(const std::string& text) {
  // " 0)   0.199 us    |            cap_capable();"
  // " 0)               |  __x64_sys_openat() {"
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t bar = line.find('|');
    if (bar == std::string::npos) continue;
    size_t b = line.find_first_not_of(' ', bar + 1);
    if (b == std::string::npos) continue;
    size_t paren = line.find("()", b);
    if (paren == std::string::npos || line[b] == '}' || line[b] == '/') continue;
    std::string name = line.substr(b, paren - b);
    if (name.find(' ') != std::string::npos) continue;
    if (seen.insert(name).second) out.push_back(name);
  }
  return out;
}

bool glob_match(const std::string& p, const std::string& s) {
  size_t pi = 0, si = 0, star = std::string::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      pi++;
      si++;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') pi++;
  return pi == p.size();
}

// ---- deny list --------------------------------------------------------------

const std::vector<DenyRule>& deny_rules() {
  static const std::vector<DenyRule> rules = {
      // The kernel itself refuses these as tracing targets (btf_id_deny in the verifier).
      {"migrate_disable", "kernel refuses: called by the BPF trampoline itself"},
      {"migrate_enable", "kernel refuses: called by the BPF trampoline itself"},
      {"preempt_count_add", "kernel refuses: called on every tracing program entry"},
      {"preempt_count_sub", "kernel refuses: called on every tracing program exit"},
      {"__rcu_read_lock", "kernel refuses: the trampoline takes the RCU read lock"},
      {"__rcu_read_unlock", "kernel refuses: the trampoline takes the RCU read lock"},
      {"rcu_read_unlock_strict", "kernel refuses: the trampoline takes the RCU read lock"},
      // The machinery our own programs run on: tracing them recurses into the tracer.
      {"__bpf_prog_enter*", "the trampoline's own entry: recursion"},
      {"__bpf_prog_exit*", "the trampoline's own exit: recursion"},
      {"bpf_trampoline_*", "trampoline management: recursion"},
      {"__bpf_tramp_*", "trampoline management: recursion"},
      {"bpf_get_*", "helpers our programs call (func_ip, func_ret, current_task...)"},
      {"bpf_ringbuf_*", "our ring buffer: runs at every commit"},
      {"__bpf_ringbuf_*", "our ring buffer: runs at every commit"},
      {"bpf_ktime_*", "helper our programs call"},
      {"htab_map_*", "our hash maps: every return program looks its thread up"},
      {"__htab_*", "our hash maps: every return program looks its thread up"},
      {"htab_*", "our hash maps: every return program looks its thread up"},
      {"array_map_*", "our array maps"},
      {"percpu_array_map_*", "our array maps"},
      {"bpf_map_*", "map operations our programs make"},
      {"bpf_probe_read*", "helpers our programs call"},
      {"copy_from_kernel_nofault*", "bpf_probe_read_kernel: the fexit program reads its trampoline frame with "
                                    "it, so each traced return would record a dozen returns of its own reads"},
      {"strncpy_from_kernel_nofault", "bpf_probe_read_kernel_str: helper our programs call"},
      {"copy_from_user_nofault", "bpf_probe_read_user: the eBPF backend reads syscall arguments with it, "
                                 "inside the traced syscall"},
      {"strncpy_from_user_nofault", "bpf_probe_read_user_str: the eBPF backend reads paths with it"},
      {"bpf_prog_run*", "runs our programs: recursion"},
      {"trace_call_bpf", "runs kprobe programs: recursion"},
      {"bpf_trace_run*", "runs raw tracepoint programs: recursion"},
      {"*kprobe*", "kprobe machinery: kprobes refuse it, kretprobe recursion"},
      {"rethook_*", "kretprobe return machinery"},
      {"arch_rethook_*", "kretprobe return machinery"},
      {"ftrace_*", "the function tracer itself"},
      {"*ftrace*", "the function tracer itself"},
      {"trace_*", "tracing core (event buffers, filters): recursion"},
      {"__trace_*", "tracing core: recursion"},
      {"tracing_*", "tracing core: recursion"},
      {"ring_buffer_*", "trace ring buffer: recursion"},
      {"rb_*", "trace ring buffer internals (and rbtree helpers that cannot fail)"},
      {"perf_trace_*", "tracepoint-to-perf glue: runs at every tracepoint"},
      {"syscall_trace_enter", "runs the sys_enter tracepoint: our own entry program"},
      {"syscall_exit_*", "runs the sys_exit tracepoint: our own commit program"},
      {"do_syscall_64", "the syscall dispatcher: its return is not a function of the syscall"},
      {"x64_sys_call", "the syscall table switch (6.1.90+): every syscall passes through it"},
      {"rcu_*", "RCU core: used by the trampoline and the maps"},
      {"__rcu_*", "RCU core: used by the trampoline and the maps"},
      {"_raw_*", "spinlock primitives: hot, cannot fail, used by the maps"},
      {"native_*", "paravirt primitives (sched_clock, irq flags): hot, cannot fail"},
      {"ktime_get*", "clock reads our programs make (bpf_ktime_get_ns)"},
      {"sched_clock*", "clock reads our programs make"},
      {"*schedule*", "context switch: a return seen after sleeping belongs to no syscall step"},
      {"__switch_to*", "context switch"},
      {"*cond_resched*", "returns whether it rescheduled, never an errno: timing, which would be "
                         "reported as where a failing and a successful call parted"},
      {"kmem_cache_alloc*", "returns NULL, never an errno; the hottest allocator: fills the record"},
      {"__kmalloc*", "returns NULL, never an errno; hot"},
      {"kmalloc*", "returns NULL, never an errno; hot"},
      {"__x86_*", "thunks and entry code, not C functions"},
      {"irq_*", "interrupt handling: not the syscall's doing"},
      {"__irq_*", "interrupt handling"},
      {"*_nmi*", "NMI context"},
      {"lock_acquire*", "lockdep: runs inside every lock"},
      {"lock_release*", "lockdep: runs inside every lock"},
  };
  return rules;
}

const DenyRule* denied(const std::string& name) {
  for (const auto& r : deny_rules())
    if (glob_match(r.glob, name)) return &r;
  return nullptr;
}

// ---- selection ----------------------------------------------------------------

namespace {

struct BtfDeleter {
  void operator()(struct btf* b) const { btf__free(b); }
};

// Strips typedefs and qualifiers.
const struct btf_type* resolve(const struct btf* btf, uint32_t id, uint32_t* out_id = nullptr) {
  const struct btf_type* t = btf__type_by_id(btf, id);
  while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
    id = t->type;
    t = btf__type_by_id(btf, id);
  }
  if (out_id) *out_id = id;
  return t;
}

enum class Verdict { Ok, CannotFail, UnsupportedArgs };

Verdict check_proto(const struct btf* btf, const struct btf_type* func, int* ret_size) {
  const struct btf_type* proto = btf__type_by_id(btf, func->type);
  if (!proto || !btf_is_func_proto(proto)) return Verdict::CannotFail;
  const struct btf_type* rt = proto->type ? resolve(btf, proto->type) : nullptr;
  if (!rt) return Verdict::CannotFail;  // void
  if (btf_is_ptr(rt)) {
    *ret_size = 8;
  } else if (btf_is_int(rt)) {
    // bool/char/short cannot carry -4095..-1, but a bool check between two
    // errno-returning functions breaks the chain (ns_capable: cap_capable's
    // -EPERM becomes `false`): they are traced for the structure, never matched.
    if (rt->size < 4 || (btf_int_encoding(rt) & BTF_INT_BOOL)) *ret_size = 1;
    else *ret_size = int(rt->size >= 8 ? 8 : 4);
  } else {
    return Verdict::CannotFail;  // enum, struct, float...
  }
  uint16_t n = btf_vlen(proto);
  if (n > 6) return Verdict::UnsupportedArgs;  // 6.1's x86 trampoline: register args only
  const struct btf_param* p = btf_params(proto);
  for (uint16_t i = 0; i < n; i++) {
    if (p[i].type == 0) return Verdict::UnsupportedArgs;  // variadic
    const struct btf_type* at = resolve(btf, p[i].type);
    if (!at || btf_is_composite(at)) return Verdict::UnsupportedArgs;
  }
  return Verdict::Ok;
}

}  // namespace

Result<CandidateSet> select_candidates(const SelectOptions& opts) {
  std::string dir = tracefs_dir();
  if (dir.empty()) return fail(ENOENT, "find tracefs", "mount -t tracefs tracefs /sys/kernel/tracing");
  // available_filter_functions: the functions with an fentry site, i.e. the
  // ones a trampoline or kprobe-on-ftrace can hook. Names may repeat (static
  // functions of several files).
  std::ifstream in(dir + "/available_filter_functions");
  if (!in || in.peek() == std::ifstream::traits_type::eof()) {
    int e = errno ? errno : EPERM;
    return fail(e, "read " + dir + "/available_filter_functions",
                e == EPERM ? "kernel lockdown hides ftrace's function list; give no --kernel here"
                           : "needs root and tracefs");
  }
  std::vector<std::string> traceable;
  std::unordered_map<std::string, int> occurrences;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find('[') != std::string::npos) continue;  // module functions: vmlinux BTF only
    auto sp = line.find(' ');
    std::string name = sp == std::string::npos ? line : line.substr(0, sp);
    if (occurrences[name]++ == 0) traceable.push_back(name);
  }

  std::unique_ptr<struct btf, BtfDeleter> btf(btf__load_vmlinux_btf());
  if (!btf) return fail(errno, "load the kernel BTF (/sys/kernel/btf/vmlinux)",
                        "the kernel needs CONFIG_DEBUG_INFO_BTF");

  // name -> FUNC id, built once: btf__find_by_name_kind is a linear scan,
  // quadratic over tens of thousands of names.
  std::unordered_map<std::string, uint32_t> func_ids;
  for (uint32_t id = 1, n = btf__type_cnt(btf.get()); id < n; id++) {
    const struct btf_type* t = btf__type_by_id(btf.get(), id);
    if (t && btf_is_func(t)) func_ids.emplace(btf__name_by_offset(btf.get(), t->name_off), id);
  }

  CandidateSet set;
  std::unordered_set<std::string> taken;
  auto consider = [&](const std::string& name) {
    if (!taken.insert(name).second) return;
    if (!occurrences.count(name)) {
      set.not_traceable++;
      return;
    }
    if (occurrences[name] > 1) {
      set.ambiguous++;
      return;
    }
    if (denied(name)) {
      set.denied++;
      return;
    }
    auto fid = func_ids.find(name);
    int id = fid == func_ids.end() ? 0 : int(fid->second);
    if (id <= 0) {
      set.no_btf++;
      return;
    }
    int ret_size = 8;
    switch (check_proto(btf.get(), btf__type_by_id(btf.get(), uint32_t(id)), &ret_size)) {
      case Verdict::Ok:
        break;
      case Verdict::CannotFail:
        set.cannot_fail++;
        return;
      case Verdict::UnsupportedArgs:
        set.unsupported_args++;
        return;
    }
    if (set.chosen.size() >= opts.max_functions) {
      set.over_limit++;
      return;
    }
    set.chosen.push_back(Candidate{name, uint32_t(id), ret_size});
  };
  for (const auto& p : opts.patterns) {
    if (p.find_first_of("*?") == std::string::npos) {
      consider(p);
      continue;
    }
    for (const auto& name : traceable)
      if (glob_match(p, name)) consider(name);
  }
  return set;
}

}  // namespace whyfail::origin
