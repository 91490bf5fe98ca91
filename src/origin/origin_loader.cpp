#include "origin/origin_loader.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "origin/origin_abi.h"  // before the skeleton: it names these structs
#include "origin_bpf.skel.h"
#include "platform/capability.h"
#include "platform/lockdown.h"
#include "symbolize/dwarf_lines.h"
#include "util/fd.h"

namespace whyfail::origin {

const char* mechanism_name(Mechanism m) {
  switch (m) {
    case Mechanism::Fexit:
      return "fexit";
    case Mechanism::Kretprobe:
      return "kretprobe";
  }
  return "?";
}

namespace {

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::string fexit_hint(int err) {
  // The lockdown LSM's mode is in securityfs, mounted here if it is not yet:
  // without it a root process refused with EPERM would be told to be root.
  auto lock = platform::lockdown_mode();
  if (err == EPERM && lock && *lock != platform::Lockdown::None)
    return fmt::format("lockdown={} refuses BPF fexit (trampolines); boot with lockdown=none or "
                       "without Secure Boot",
                       platform::to_string(*lock));
  if (err == EPERM && platform::has_capability(platform::kCapBpf) &&
      platform::has_capability(platform::kCapPerfmon))
    return "refused although this process has CAP_BPF and CAP_PERFMON: kernel lockdown or an LSM "
           "policy (whyfail doctor)";
  if (err == EPERM) return "needs root (CAP_BPF and CAP_PERFMON)";
  if (err == ENOTSUP || err == EINVAL) return "this kernel or architecture has no BPF trampolines";
  return "";
}

bool kprobes_built_in() {
  return access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
}

// The kprobe PMU's perf type and the config bit that makes a kretprobe
// ("config:0" in format/retprobe), read once for all the probes.
struct KprobePmu {
  int type = -1;
  int retprobe_bit = 0;
};
Result<KprobePmu> kprobe_pmu() {
  KprobePmu pmu;
  const std::string dir = "/sys/bus/event_source/devices/kprobe/";
  std::ifstream t(dir + "type");
  if (!(t >> pmu.type)) return fail(errno, "kretprobe: read " + dir + "type");
  std::ifstream f(dir + "format/retprobe");
  std::string fmt_line;
  std::getline(f, fmt_line);
  if (fmt_line.rfind("config:", 0) != 0) return fail(EINVAL, "kretprobe: parse " + dir + "format/retprobe");
  pmu.retprobe_bit = std::atoi(fmt_line.c_str() + 7);
  return pmu;
}

// One kretprobe perf event (all CPUs). By address when known: by name, the
// kernel walks the whole symbol table for each probe (6.1 has no sorted
// name index; stable 6.1 also counts the name's symbols and refuses a name a
// data symbol shares, e.g. set_root: EADDRNOTAVAIL).
int open_kretprobe(const KprobePmu& pmu, const std::string& name, uint64_t address) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = uint32_t(pmu.type);
  attr.config = 1ULL << pmu.retprobe_bit;
  if (address) {
    attr.kprobe_func = 0;
    attr.kprobe_addr = address;
  } else {
    attr.kprobe_func = uint64_t(reinterpret_cast<uintptr_t>(name.c_str()));
    attr.probe_offset = 0;
  }
  return int(syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
}

struct BpfLinkDeleter {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
using LinkPtr = std::unique_ptr<bpf_link, BpfLinkDeleter>;

struct SkelDeleter {
  void operator()(origin_bpf* s) const { origin_bpf__destroy(s); }
};
using SkelPtr = std::unique_ptr<origin_bpf, SkelDeleter>;

struct RingDeleter {
  void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};

// libbpf prints to stderr by default; only main prints. Keep the last line
// for the Error instead.
thread_local std::string g_last_libbpf_line;
thread_local std::string g_libbpf_log;  // warnings, verifier log included (bounded)
int quiet_print(enum libbpf_print_level level, const char* fmt_, va_list ap) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt_, ap);
  g_libbpf_log += buf;
  if (g_libbpf_log.size() > 16384) g_libbpf_log.erase(0, g_libbpf_log.size() - 16384);
  g_last_libbpf_line = buf;
  while (!g_last_libbpf_line.empty() && g_last_libbpf_line.back() == '\n') g_last_libbpf_line.pop_back();
  return 0;
}

}  // namespace

struct OriginTracer::Impl {
  SkelPtr skel;
  std::vector<LinkPtr> links;       // libbpf links (tracepoints, kretprobes, fexit template)
  std::vector<UniqueFd> prog_fds;   // fexit copies
  std::vector<UniqueFd> link_fds;   // their attachments
  std::unique_ptr<ring_buffer, RingDeleter> ring;
  std::vector<FailedInvocation> pending;
  std::string callback_error;       // no exception crosses libbpf's callback
  std::shared_ptr<const symbolize::Kallsyms> ksyms;
  std::unordered_map<uint64_t, FunctionInfo> by_ip;      // exact entry addresses
  std::unordered_map<std::string, FunctionInfo> by_name;
  std::optional<symbolize::DwarfLines> dwarf;
  Mechanism mechanism = Mechanism::Fexit;

  static FailedInvocation decode(const wf_origin_record& r) {
    FailedInvocation inv;
    inv.pid = pid_t(r.pid);
    inv.tid = pid_t(r.tid);
    inv.nr = r.nr;
    inv.ret = r.ret;
    inv.enter_ns = r.enter_ns;
    inv.exit_ns = r.exit_ns;
    inv.dropped = r.dropped;
    uint32_t n = r.count > WF_ORIGIN_MAX_RETS ? WF_ORIGIN_MAX_RETS : r.count;
    inv.returns.reserve(n);
    for (uint32_t i = 0; i < n; i++)
      inv.returns.push_back({r.rets[i].ip, r.rets[i].ret, r.rets[i].sp, r.rets[i].caller});
    return inv;
  }

  static int on_record(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Impl*>(ctx);
    try {
      if (size < sizeof(wf_origin_record)) return 0;
      const auto* r = static_cast<const wf_origin_record*>(data);
      self->pending.push_back(decode(*r));
    } catch (const std::exception& e) {
      self->callback_error = e.what();
      return -1;
    }
    return 0;
  }

  const FunctionInfo* resolve(uint64_t ip) const {
    if (auto it = by_ip.find(ip); it != by_ip.end()) return &it->second;
    if (!ksyms) return nullptr;
    auto ref = ksyms->lookup(ip);
    // An IBT kernel reports the address after the endbr64: within 16 bytes.
    if (!ref.symbol || ref.offset > 16) return nullptr;
    if (auto it = by_name.find(ref.symbol->name); it != by_name.end()) return &it->second;
    return nullptr;
  }
};

OriginTracer::OriginTracer() : impl_(std::make_unique<Impl>()) {}
OriginTracer::~OriginTracer() = default;

namespace {

Result<SkelPtr> open_and_load(const ArmOptions& opts, Mechanism m, const std::string& first_target,
                              double* load_s) {
  SkelPtr skel(origin_bpf__open());
  if (!skel) return fail(errno, "open the origin BPF object", g_last_libbpf_line);
  auto* cfg = const_cast<wf_origin_config*>(&skel->rodata->cfg);
  cfg->follow_forks = opts.follow_forks ? 1 : 0;
  cfg->all_syscalls = opts.syscalls.empty() ? 1 : 0;
  cfg->errno_filter = opts.errno_filter;
  if (m == Mechanism::Fexit) {
    bpf_program__set_autoload(skel->progs.on_kretprobe, false);
    int e = bpf_program__set_attach_target(skel->progs.on_fexit, 0, first_target.c_str());
    if (e) return fail(-e, "fexit: find " + first_target + " in the kernel BTF", g_last_libbpf_line);
  } else {
    bpf_program__set_autoload(skel->progs.on_fexit, false);
  }
  double t0 = now_s();
  int e = origin_bpf__load(skel.get());
  *load_s = now_s() - t0;
  if (e) {
    int err = -e;
    if (m == Mechanism::Fexit)
      return fail(err, "fexit: load a BPF trampoline program", fexit_hint(err));
    return fail(err, "kretprobe: load the BPF program", g_last_libbpf_line);
  }
  return skel;
}

}  // namespace

Result<std::unique_ptr<OriginTracer>> OriginTracer::arm(const ArmOptions& opts,
                                                        std::shared_ptr<const symbolize::Kallsyms> ksyms) {
  libbpf_set_print(quiet_print);
  if (opts.functions.empty())
    return fail(EINVAL, "kernel origin: no candidate function to attach",
                "give --kernel-funcs GLOBS or let whyfail learn them with function_graph");
  if (!ksyms) return fail(EINVAL, "kernel origin: no kernel symbols");

  // fexit holds two descriptors per function (program, link), a kretprobe
  // one perf event: thousands of functions need more than the usual 1024.
  rlimit nofile{};
  size_t needed = 2 * opts.functions.size() + 256;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < needed) {
    rlimit want{needed, nofile.rlim_max < needed ? needed : nofile.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &want) != 0)
      return fail(errno, fmt::format("kernel origin: raise RLIMIT_NOFILE to {} for {} functions", needed,
                                     opts.functions.size()),
                  "run as root, or attach fewer functions (--kernel-funcs)");
  }

  std::unique_ptr<OriginTracer> t(new OriginTracer());
  Impl& im = *t->impl_;
  im.ksyms = ksyms;
  for (const auto& c : opts.functions) {
    FunctionInfo fi{c.name, 0, c.ret_size};
    auto addrs = ksyms->addresses(c.name);
    if (addrs.size() == 1) fi.address = addrs[0];
    im.by_name[c.name] = fi;
    if (fi.address) im.by_ip[fi.address] = fi;
  }

  // Pick the mechanism: fexit first (one trampoline per function, cheapest
  // per call), then kretprobes (6.1 has no kprobe.multi: one perf event each).
  std::vector<Mechanism> order;
  if (opts.mechanism) order = {*opts.mechanism};
  else order = {Mechanism::Fexit, Mechanism::Kretprobe};
  std::string why_not;
  SkelPtr skel;
  Mechanism chosen = order.front();
  double load_s = 0;
  for (Mechanism m : order) {
    if (m == Mechanism::Kretprobe && !kprobes_built_in()) {
      why_not += (why_not.empty() ? "" : "; ") +
                 std::string("kretprobe: kprobes are not built into this kernel "
                             "(no /sys/bus/event_source/devices/kprobe; CONFIG_KPROBES=n)");
      continue;
    }
    auto s = open_and_load(opts, m, opts.functions.front().name, &load_s);
    if (!s) {
      why_not += (why_not.empty() ? "" : "; ") + s.error().message();
      continue;
    }
    if (m == Mechanism::Fexit) {
      // Some kernels load the program and refuse the attach (lockdown): try
      // the template's own target before committing to fexit.
      LinkPtr l(bpf_program__attach((*s)->progs.on_fexit));
      if (!l) {
        int err = errno;
        why_not += (why_not.empty() ? "" : "; ") +
                   Error{err, "fexit: attach to " + opts.functions.front().name, fexit_hint(err)}.message();
        continue;
      }
      im.links.push_back(std::move(l));
    }
    skel = std::move(*s);
    chosen = m;
    break;
  }
  // err 0: each part already carries its own errno text.
  if (!skel) return fail(0, "kernel origin unavailable: " + why_not);
  im.mechanism = chosen;
  t->stats_.mechanism = chosen;
  t->stats_.requested = opts.functions.size();
  t->stats_.load_seconds = load_s;

  for (int nr : opts.syscalls) {
    uint32_t k = uint32_t(nr);
    uint8_t one = 1;
    bpf_map__update_elem(skel->maps.traced_syscalls, &k, sizeof k, &one, sizeof one, BPF_ANY);
  }

  double t0 = now_s();
  auto note_failure = [&](const std::string& name, int err) {
    t->stats_.failed++;
    if (t->stats_.failures.size() < 8)
      t->stats_.failures.push_back(fmt::format("{}: {}", name, strerror(err)));
  };
  if (chosen == Mechanism::Fexit) {
    t->stats_.attached = 1;  // the template, attached above
    const bpf_insn* insns = bpf_program__insns(skel->progs.on_fexit);
    size_t cnt = bpf_program__insn_cnt(skel->progs.on_fexit);
    for (size_t i = 1; i < opts.functions.size(); i++) {
      const Candidate& c = opts.functions[i];
      LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_FEXIT,
                  .attach_btf_id = c.btf_id);
      double l0 = now_s();
      int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "wf_fexit", "GPL", insns, cnt, &lo);
      double l1 = now_s();
      t->stats_.prepare_seconds += l1 - l0;
      if (fd < 0) {
        note_failure(c.name, errno);
        continue;
      }
      UniqueFd prog(fd);
      int lfd = bpf_raw_tracepoint_open(nullptr, prog.get());
      t->stats_.link_seconds += now_s() - l1;
      if (lfd < 0) {
        note_failure(c.name, errno);
        continue;
      }
      im.prog_fds.push_back(std::move(prog));
      im.link_fds.emplace_back(lfd);
      t->stats_.attached++;
      if (opts.progress && i % 1000 == 0) opts.progress(i, now_s() - t0);
    }
  } else {
    // NOKPROBE_SYMBOL functions (do_int3, nmi_handle...) refuse with EINVAL:
    // skip them up front when debugfs lists them.
    std::unordered_set<std::string> blacklist;
    {
      std::ifstream bl("/sys/kernel/debug/kprobes/blacklist");
      std::string line;
      while (std::getline(bl, line)) {  // "0xstart-0xend\tname [module]"
        std::istringstream ls(line);
        std::string range, name;
        if (ls >> range >> name) blacklist.insert(name);
      }
    }
    auto pmu = kprobe_pmu();
    if (!pmu) return tl::unexpected(pmu.error());
    for (const auto& c : opts.functions) {
      if (blacklist.count(c.name)) {
        note_failure(c.name + " (kprobe blacklist)", EINVAL);
        continue;
      }
      const FunctionInfo& fi = im.by_name[c.name];
      double l0 = now_s();
      int pfd = open_kretprobe(*pmu, c.name, opts.kretprobe_by_name ? 0 : fi.address);
      double l1 = now_s();
      t->stats_.prepare_seconds += l1 - l0;
      if (pfd < 0) {
        note_failure(c.name, errno);
        continue;
      }
      // The function's address is the cookie: the program's only way to
      // know which function returned (a kretprobe's ip is the return site).
      LIBBPF_OPTS(bpf_perf_event_opts, po, .bpf_cookie = fi.address);
      LinkPtr l(bpf_program__attach_perf_event_opts(skel->progs.on_kretprobe, pfd, &po));
      t->stats_.link_seconds += now_s() - l1;
      if (!l) {
        int err = errno;
        close(pfd);
        note_failure(c.name, err);
        continue;
      }
      im.links.push_back(std::move(l));
      t->stats_.attached++;
      if (opts.progress && t->stats_.attached % 1000 == 0) opts.progress(t->stats_.attached, now_s() - t0);
    }
  }
  t->stats_.attach_seconds = now_s() - t0;
  if (t->stats_.attached == 0)
    return fail(EPERM, fmt::format("{}: no function could be attached (first: {})", mechanism_name(chosen),
                                   t->stats_.failures.empty() ? "?" : t->stats_.failures.front()));

  for (bpf_program* p : {skel->progs.on_enter, skel->progs.on_exit, skel->progs.on_fork,
                         skel->progs.on_thread_exit}) {
    LinkPtr l(bpf_program__attach(p));
    if (!l) return fail(errno, std::string("attach ") + bpf_program__name(p), g_last_libbpf_line);
    im.links.push_back(std::move(l));
  }
  im.ring.reset(ring_buffer__new(bpf_map__fd(skel->maps.failures), &Impl::on_record, &im, nullptr));
  if (!im.ring) return fail(errno, "kernel origin: ring buffer");
  im.skel = std::move(skel);

  // file:line when the running kernel's debug vmlinux is here.
  utsname u{};
  if (uname(&u) == 0)
    if (auto d = symbolize::DwarfLines::open_kernel(u.release, ksyms->text_base())) im.dwarf = std::move(*d);
  return t;
}

Result<void> OriginTracer::trace_process(pid_t tgid) {
  uint32_t k = uint32_t(tgid);
  uint8_t one = 1;
  if (bpf_map__update_elem(impl_->skel->maps.traced_tgids, &k, sizeof k, &one, sizeof one, BPF_ANY))
    return fail(errno, fmt::format("kernel origin: trace pid {}", tgid), "4096 processes at most");
  return {};
}

void OriginTracer::untrace_process(pid_t tgid) {
  uint32_t k = uint32_t(tgid);
  bpf_map__delete_elem(impl_->skel->maps.traced_tgids, &k, sizeof k, 0);
}

Result<std::vector<FailedInvocation>> OriginTracer::poll(int timeout_ms) {
  int n = ring_buffer__poll(impl_->ring.get(), timeout_ms);
  if (n < 0 && n != -EINTR) return fail(-n, "kernel origin: read the ring buffer");
  if (!impl_->callback_error.empty())
    return fail(0, "kernel origin: decode a record", std::exchange(impl_->callback_error, {}));
  return std::exchange(impl_->pending, {});
}

OriginCounters OriginTracer::counters() const {
  OriginCounters c;
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return c;
  std::vector<uint64_t> v(static_cast<size_t>(ncpu));
  auto sum = [&](uint32_t which) {
    uint64_t s = 0;
    if (bpf_map__lookup_elem(impl_->skel->maps.counters, &which, sizeof which, v.data(),
                             v.size() * sizeof(uint64_t), 0) == 0)
      for (uint64_t x : v) s += x;
    return s;
  };
  c.committed = sum(WF_ORIGIN_CNT_COMMITTED);
  c.discarded = sum(WF_ORIGIN_CNT_DISCARDED);
  c.ring_full = sum(WF_ORIGIN_CNT_RB_FULL);
  c.returns_dropped = sum(WF_ORIGIN_CNT_RETS_DROPPED);
  c.off_stack = sum(WF_ORIGIN_CNT_OFF_STACK);
  c.no_state = sum(WF_ORIGIN_CNT_NO_STATE);
  c.success_kept = sum(WF_ORIGIN_CNT_SUCCESS_KEPT);
  return c;
}

std::optional<FailedInvocation> OriginTracer::last_success(int nr) const {
  if (nr < 0 || !impl_->skel) return std::nullopt;
  uint32_t k = uint32_t(nr);
  auto rec = std::make_unique<wf_origin_record>();
  if (bpf_map__lookup_elem(impl_->skel->maps.last_success, &k, sizeof k, rec.get(), sizeof *rec, 0) != 0)
    return std::nullopt;
  return Impl::decode(*rec);
}

trace::KernelOrigin OriginTracer::explain(const FailedInvocation& inv) const {
  const Impl& im = *impl_;
  auto resolve = [&](uint64_t ip) { return im.resolve(ip); };
  auto contains = [&](uint64_t entry, uint64_t addr) {
    auto ref = im.ksyms->lookup(addr);
    return ref.symbol && ref.symbol->addr == entry;
  };
  bool tail = im.mechanism == Mechanism::Kretprobe;
  trace::KernelOrigin o = find_origin(inv.returns, inv.ret, resolve, tail, contains);
  o.mechanism = mechanism_name(im.mechanism);
  o.returns_dropped = inv.dropped;
  if (inv.dropped)
    o.note += fmt::format("{}{} function returns beyond the {} kept were not recorded",
                          o.note.empty() ? "" : "; ", inv.dropped, WF_ORIGIN_MAX_RETS);
  for (auto& f : o.chain) {
    if (!f.return_address) continue;
    auto ref = im.ksyms->lookup(f.return_address);
    // A function tail-called by a traced one returns through that caller's
    // trampoline: its real caller is not known from here.
    bool trampoline = ref.symbol && (ref.symbol->module == "__builtin__ftrace" ||
                                     ref.symbol->name.rfind("bpf_trampoline_", 0) == 0);
    if (!trampoline) f.called_from = ref.to_string(f.return_address);
  }
  if (o.found) o.origin = o.chain.front();
  if (auto ok = last_success(inv.nr); ok && !ok->returns.empty()) {
    o.divergence = find_divergence(inv.returns, inv.ret, ok->returns, ok->ret, resolve, tail);
    o.divergence->success_tid = uint64_t(ok->tid);
  }
  if (im.dwarf) {
    auto fill = [&](trace::KernelFrame& f) {
      // A return address is the instruction after the call: its line is the
      // next statement's; the byte before it belongs to the call.
      uint64_t at = f.address + (f.offset ? f.offset - 1 : 0);
      if (auto sl = im.dwarf->lookup(at)) {
        f.file = sl->file;
        f.line = sl->line;
        f.source = im.dwarf->source_around(sl->file, sl->line, 2);
      }
    };
    for (auto& f : o.chain) fill(f);
    if (o.found) o.origin = o.chain.front();
  }
  return o;
}

std::string libbpf_log() { return g_libbpf_log; }

Result<Mechanism> origin_usable() {
  // The cheapest honest answer is to try: arm one harmless function. Found in
  // BTF directly: a locked-down kernel also hides ftrace's function list.
  struct btf* btf = btf__load_vmlinux_btf();
  if (!btf) return fail(errno, "kernel origin: load the kernel BTF (/sys/kernel/btf/vmlinux)",
                        "the kernel needs CONFIG_DEBUG_INFO_BTF");
  int id = btf__find_by_name_kind(btf, "do_sys_openat2", BTF_KIND_FUNC);
  btf__free(btf);
  if (id <= 0) return fail(ENOENT, "kernel origin: do_sys_openat2 is not in the kernel BTF");
  auto ks = symbolize::Kallsyms::load();
  if (!ks) return tl::unexpected(ks.error());
  ArmOptions ao;
  ao.functions = {Candidate{"do_sys_openat2", uint32_t(id), 8}};
  ao.follow_forks = false;
  auto t = OriginTracer::arm(ao, std::make_shared<symbolize::Kallsyms>(std::move(*ks)));
  if (!t) return tl::unexpected(t.error());
  return (*t)->stats().mechanism;
}

}  // namespace whyfail::origin
