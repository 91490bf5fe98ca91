// BPF features, each probed by loading or attaching the smallest program
// that needs it.
#include <bpf/btf.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "platform/bpf_syscall.h"
#include "platform/capability.h"
#include "platform/kernel_config.h"
#include "platform/kernel_fs.h"
#include "platform/probes.h"
#include "platform/refusal.h"

namespace whyfail::platform {

namespace {

Feature yes(std::string name, std::string detail) {
  return Feature{std::move(name), Availability::Yes, std::move(detail), {}};
}

Feature no(std::string name, std::string detail, std::string consequence) {
  return Feature{std::move(name), Availability::No, std::move(detail), std::move(consequence)};
}

std::string privileges() {
  std::string out;
  out += has_capability(kCapSysAdmin) ? "CAP_SYS_ADMIN" : "no CAP_SYS_ADMIN";
  out += has_capability(kCapBpf) ? ", CAP_BPF" : ", no CAP_BPF";
  out += has_capability(kCapPerfmon) ? ", CAP_PERFMON" : ", no CAP_PERFMON";
  return out;
}

// Kernel functions to aim fexit / kprobe.multi probes at: stable, present in
// every kernel whyfail supports, and hit by the syscalls whyfail explains.
constexpr const char* kTargetFunctions[] = {"do_sys_openat2", "vfs_read", "do_mkdirat"};

struct BtfDeleter {
  void operator()(btf* b) const { btf__free(b); }
};

// Parsing vmlinux BTF takes ~100 ms: do it once per process.
struct VmlinuxBtf {
  std::unique_ptr<btf, BtfDeleter> btf_;
  int err = 0;
};

const VmlinuxBtf& vmlinux_btf() {
  static const VmlinuxBtf cached = [] {
    VmlinuxBtf v;
    v.btf_.reset(btf__load_vmlinux_btf());
    if (!v.btf_) v.err = errno;
    return v;
  }();
  return cached;
}

}  // namespace

Feature probe_bpf() {
  auto prog = load_trivial_prog(BPF_PROG_TYPE_SOCKET_FILTER);
  if (!prog)
    return no("bpf", "bpf(BPF_PROG_LOAD) of a socket filter: " + refusal(prog.error().err) + "; " +
                         privileges(),
              "no eBPF backend (--backend=bpf), no --system, no --kernel: whyfail falls back to "
              "ptrace (10-100x slower on syscall-heavy programs); run as root (CAP_BPF + CAP_PERFMON)");
  return yes("bpf", "socket filter loaded; " + privileges());
}

Feature probe_btf() {
  const char* path = "/sys/kernel/btf/vmlinux";
  if (::access(path, R_OK) != 0)
    return no("btf", std::string(path) + ": " + refusal(errno),
              "no CO-RE: the eBPF backend cannot relocate its programs to this kernel; "
              "use a kernel built with CONFIG_DEBUG_INFO_BTF=y");
  const auto& v = vmlinux_btf();
  if (!v.btf_)
    return no("btf", std::string(path) + " does not parse: " + refusal(v.err),
              "no CO-RE: the eBPF backend cannot relocate its programs to this kernel");
  return yes("btf", std::string(path) + ", " + std::to_string(btf__type_cnt(v.btf_.get())) + " types");
}

Feature probe_bpf_tracepoint() {
  const std::string consequence =
      "no eBPF backend (--backend=bpf) and no --system: whyfail uses ptrace";
  auto fs = ensure_tracefs();
  if (!fs) return no("bpf_tracepoint", fs.error().message(), consequence);
  const std::string id_path = fs->path + "/events/raw_syscalls/sys_exit/id";
  std::ifstream id_file(id_path);
  long long id = -1;
  if (!(id_file >> id))
    return no("bpf_tracepoint", id_path + " unreadable (CONFIG_FTRACE_SYSCALLS not set?)",
              consequence);
  auto prog = load_trivial_prog(BPF_PROG_TYPE_TRACEPOINT);
  if (!prog)
    return no("bpf_tracepoint", "load tracepoint program: " + refusal(prog.error().err), consequence);

  // Attach it the way libbpf does: a perf event for the tracepoint on CPU 0,
  // then PERF_EVENT_IOC_SET_BPF. The program does nothing and is detached
  // when the fds close, a few microseconds later.
  perf_event_attr attr{};
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.size = sizeof attr;
  attr.config = static_cast<uint64_t>(id);
  attr.sample_period = 1;
  attr.wakeup_events = 1;
  long pfd = ::syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
  if (pfd < 0)
    return no("bpf_tracepoint", "perf_event_open(raw_syscalls:sys_exit): " + refusal(errno),
              consequence + "; check kernel.perf_event_paranoid or run as root");
  Fd event(static_cast<int>(pfd));
  if (::ioctl(event.get(), PERF_EVENT_IOC_SET_BPF, prog->get()) != 0)
    return no("bpf_tracepoint", "PERF_EVENT_IOC_SET_BPF: " + refusal(errno), consequence);
  return yes("bpf_tracepoint", "program attached to raw_syscalls:sys_exit");
}

Feature probe_ringbuf() {
  auto map = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, static_cast<unsigned>(::getpagesize()));
  if (!map)
    return no("ringbuf", "create BPF_MAP_TYPE_RINGBUF: " + refusal(map.error().err),
              "the eBPF backend needs a BPF ring buffer (Linux 5.8+); whyfail uses ptrace");
  return yes("ringbuf", "ring buffer map created");
}

Feature probe_fexit() {
  const std::string consequence =
      "whyfail --kernel cannot attach to kernel function returns with fexit, so it cannot name "
      "the kernel function that produced an errno unless kprobes work; ";
  const auto& v = vmlinux_btf();
  const btf* b = v.btf_.get();
  if (!b)
    return no("fexit", "vmlinux BTF unavailable: " + refusal(v.err),
              consequence + "fexit needs CONFIG_DEBUG_INFO_BTF=y");
  int id = -1;
  const char* target = nullptr;
  for (const char* fn : kTargetFunctions) {
    id = btf__find_by_name_kind(b, fn, BTF_KIND_FUNC);
    if (id > 0) {
      target = fn;
      break;
    }
  }
  if (id <= 0)
    return no("fexit", "none of do_sys_openat2/vfs_read/do_mkdirat in vmlinux BTF", consequence);

  auto prog = load_trivial_prog(BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, static_cast<unsigned>(id));
  const std::string where = std::string("fexit program on ") + target + " (BTF id " +
                            std::to_string(id) + ")";
  if (!prog) {
    const int err = prog.error().err;
    return no("fexit", "load " + where + ": " + refusal(err),
              consequence + (err == EPERM ? "boot without lockdown (lockdown=none) or use "
                                            "the kernel lab (tests/kernel-lab)"
                                          : "needs CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS"));
  }
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.raw_tracepoint.name = 0;  // tracing programs attach to their attach_btf_id
  attr.raw_tracepoint.prog_fd = static_cast<uint32_t>(prog->get());
  long link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
  if (link < 0) {
    const int err = errno;
    return no("fexit", "attach " + where + ": " + refusal(err),
              consequence + (err == EPERM ? "boot without lockdown (lockdown=none)" : ""));
  }
  Fd link_fd(static_cast<int>(link));
  return yes("fexit", where + " loaded and attached");
}

Feature probe_kprobe_multi() {
  const std::string consequence =
      "whyfail --kernel cannot attach thousands of kernel function returns at once "
      "(kretprobe.multi); it falls back to fexit or single kprobes, slower to attach";
  auto prog = load_trivial_prog(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI);
  if (!prog) {
    std::string detail = "load kprobe.multi program: " + refusal(prog.error().err);
    if (auto cfg = kernel_config(); cfg && !cfg->get("CONFIG_KPROBES")) detail += "; CONFIG_KPROBES is not set";
    return no("kprobe_multi", detail, consequence);
  }
  const char* syms[] = {kTargetFunctions[0]};
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.link_create.prog_fd = static_cast<uint32_t>(prog->get());
  attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
  attr.link_create.kprobe_multi.syms = reinterpret_cast<uint64_t>(syms);
  attr.link_create.kprobe_multi.cnt = 1;
  attr.link_create.kprobe_multi.flags = BPF_F_KPROBE_MULTI_RETURN;
  long link = sys_bpf(BPF_LINK_CREATE, &attr);
  if (link < 0) {
    const int err = errno;
    std::string detail = std::string("link kretprobe.multi on ") + syms[0] + ": " + refusal(err);
    if (auto cfg = kernel_config(); cfg && !cfg->get("CONFIG_FPROBE"))
      detail += "; CONFIG_FPROBE is not set (" + cfg->source + ")";
    return no("kprobe_multi", detail, consequence);
  }
  Fd link_fd(static_cast<int>(link));
  return yes("kprobe_multi", std::string("kretprobe.multi attached to ") + syms[0]);
}

}  // namespace whyfail::platform
