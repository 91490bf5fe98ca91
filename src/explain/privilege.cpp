// EPERM/EACCES that come from privilege: the capability the call needs, or
// the sysctl, lockdown mode or seccomp filter that forbids it.
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include "explain/families.h"
#include "explain/path_errors.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

struct CapName {
  int cap;
  const char* name;
};

// Linux capability numbers (linux/capability.h).
constexpr int kCapChown = 0, kCapFowner = 3, kCapKill = 5, kCapSetgid = 6, kCapSetuid = 7, kCapNetRaw = 13,
              kCapSysModule = 16, kCapSysRawio = 17, kCapSysPtrace = 19, kCapSysAdmin = 21, kCapSysBoot = 22,
              kCapSysNice = 23, kCapSysResource = 24, kCapSysTime = 25, kCapMknod = 27, kCapPerfmon = 38,
              kCapBpf = 39;

const char* cap_name(int cap) {
  switch (cap) {
    case kCapChown: return "CAP_CHOWN";
    case kCapFowner: return "CAP_FOWNER";
    case kCapKill: return "CAP_KILL";
    case kCapSetgid: return "CAP_SETGID";
    case kCapSetuid: return "CAP_SETUID";
    case kCapNetRaw: return "CAP_NET_RAW";
    case kCapSysModule: return "CAP_SYS_MODULE";
    case kCapSysRawio: return "CAP_SYS_RAWIO";
    case kCapSysPtrace: return "CAP_SYS_PTRACE";
    case kCapSysAdmin: return "CAP_SYS_ADMIN";
    case kCapSysBoot: return "CAP_SYS_BOOT";
    case kCapSysNice: return "CAP_SYS_NICE";
    case kCapSysResource: return "CAP_SYS_RESOURCE";
    case kCapSysTime: return "CAP_SYS_TIME";
    case kCapMknod: return "CAP_MKNOD";
    case kCapPerfmon: return "CAP_PERFMON";
    case kCapBpf: return "CAP_BPF";
    default: return "a capability";
  }
}

// The capability a call needs as a whole (when it is missing, EPERM is expected).
int required_cap(int nr) {
  switch (nr) {
    case SYS_setuid: case SYS_setreuid: case SYS_setresuid: case SYS_setfsuid: return kCapSetuid;
    case SYS_setgid: case SYS_setregid: case SYS_setresgid: case SYS_setfsgid: case SYS_setgroups: return kCapSetgid;
    case SYS_mount: case SYS_umount2: case SYS_sethostname: case SYS_setdomainname: case SYS_swapon:
    case SYS_swapoff: case SYS_pivot_root: case SYS_setns: case SYS_unshare: return kCapSysAdmin;
    case SYS_reboot: case SYS_kexec_load: return kCapSysBoot;
    case SYS_init_module: case SYS_finit_module: case SYS_delete_module: return kCapSysModule;
    case SYS_settimeofday: case SYS_clock_settime: case SYS_adjtimex: return kCapSysTime;
    case SYS_iopl: case SYS_ioperm: return kCapSysRawio;
    case SYS_mknod: case SYS_mknodat: return kCapMknod;
    case SYS_setrlimit: case SYS_prlimit64: return kCapSysResource;
    case SYS_setpriority: case SYS_sched_setscheduler: return kCapSysNice;
    default: return -1;
  }
}

std::string pid_label(const ProcState& p) {
  return "process " + std::to_string(p.pid()) + " (uid " + std::to_string(p.creds().euid) + ")";
}

// The lockdown mode: securityfs when mounted, else the boot parameter.
std::string lockdown_mode(std::string* source) {
  if (auto t = read_text_file("/sys/kernel/security/lockdown", 256)) {
    size_t a = t->find('['), b = t->find(']');
    if (a != std::string::npos && b != std::string::npos && b > a) {
      if (source) *source = "/sys/kernel/security/lockdown";
      return t->substr(a + 1, b - a - 1);
    }
  }
  if (auto cmd = read_text_file("/proc/cmdline", 8192)) {
    size_t p = cmd->find("lockdown=");
    if (p != std::string::npos) {
      size_t e = cmd->find_first_of(" \n", p);
      if (source) *source = "the kernel command line (/proc/cmdline)";
      return cmd->substr(p + 9, e == std::string::npos ? std::string::npos : e - p - 9);
    }
  }
  return "none";
}

// Most lockdown checks apply from "integrity" on; reading kernel memory
// (perf kernel data, bpf_probe_read_kernel) only in "confidentiality".
std::vector<Cause> lockdown_causes(const std::string& what, bool confidentiality_only = false) {
  std::string source;
  std::string mode = lockdown_mode(&source);
  if (mode == "none" || mode.empty()) return {};
  if (confidentiality_only && mode != "confidentiality") return {};
  Cause c = make_cause("priv.lockdown",
                       "the kernel is in lockdown mode \"" + escape(mode) + "\" (from " + source + "), which forbids " +
                           what + ", even for root",
                       "boot without lockdown (it is often tied to UEFI Secure Boot) or avoid the feature");
  return {c};
}

std::vector<Cause> perf_causes(const Call& call) {
  const Creds& cr = call.proc().creds();
  std::vector<Cause> out;
  auto level = read_sysctl_int("/proc/sys/kernel/perf_event_paranoid");
  bool privileged = cr.has_cap(kCapPerfmon) || cr.has_cap(kCapSysAdmin);
  if (level && !privileged) {
    const auto& cap = call.event().captured[0];
    uint64_t flags = 0;
    if (cap && cap->bytes.size() >= 48) std::memcpy(&flags, cap->bytes.data() + 40, 8);
    bool exclude_kernel = (flags >> 5) & 1;
    int cpu = call.int_arg(2);
    std::string why;
    if (*level > 2) why = "it forbids perf_event_open entirely to unprivileged users";
    else if (*level == 2 && !exclude_kernel) why = "at level 2 only user-space measurement is allowed, and exclude_kernel is not set";
    else if (*level >= 1 && cpu != -1) why = "at level >= 1 CPU-wide events (cpu != -1) need privilege";
    else why = "the requested event needs more than this level allows";
    Cause c = make_cause("priv.perf-event-paranoid",
                         "kernel.perf_event_paranoid is " + std::to_string(*level) + " and " + pid_label(call.proc()) +
                             " has neither CAP_PERFMON nor CAP_SYS_ADMIN: " + why,
                         *level == 2 && !exclude_kernel ? "set attr.exclude_kernel = 1 (and exclude_hv), or lower the sysctl"
                                                        : "sysctl -w kernel.perf_event_paranoid=1 (or grant CAP_PERFMON)");
    out.push_back(c);
  }
  for (auto& c : lockdown_causes("some perf features (kernel data)", true)) {
    if (!out.empty()) c.verified = false;
    out.push_back(c);
  }
  return out;
}

std::vector<Cause> bpf_causes(const Call& call) {
  const Creds& cr = call.proc().creds();
  std::vector<Cause> out;
  auto level = read_sysctl_int("/proc/sys/kernel/unprivileged_bpf_disabled");
  if (level && *level != 0 && !cr.has_cap(kCapBpf) && !cr.has_cap(kCapSysAdmin)) {
    out.push_back(make_cause("priv.unprivileged-bpf-disabled",
                             "kernel.unprivileged_bpf_disabled is " + std::to_string(*level) + " and " +
                                 pid_label(call.proc()) + " lacks CAP_BPF and CAP_SYS_ADMIN",
                             "run as root or grant CAP_BPF (+CAP_PERFMON for tracing programs)"));
  }
  for (auto& c : lockdown_causes("BPF helpers that read kernel memory", true)) {
    c.verified = false;
    out.push_back(c);
  }
  return out;
}

std::vector<Cause> io_uring_causes(const Call& call) {
  const Creds& cr = call.proc().creds();
  auto level = read_sysctl_int("/proc/sys/kernel/io_uring_disabled");
  if (!level || *level == 0) return {};
  if (*level == 2)
    return {make_cause("priv.io-uring-disabled", "kernel.io_uring_disabled is 2: io_uring is disabled for everyone",
                       "sysctl -w kernel.io_uring_disabled=0")};
  auto group = read_sysctl_int("/proc/sys/kernel/io_uring_group");
  if (cr.has_cap(kCapSysAdmin) || (group && *group >= 0 && cr.in_group(static_cast<gid_t>(*group)))) return {};
  return {make_cause("priv.io-uring-disabled",
                     "kernel.io_uring_disabled is 1: only members of kernel.io_uring_group (" +
                         (group ? std::to_string(*group) : std::string("?")) + ") or CAP_SYS_ADMIN may create rings, and " +
                         pid_label(call.proc()) + " is neither",
                     "add the user to that group or set kernel.io_uring_disabled=0")};
}

std::vector<Cause> signal_causes(const Call& call) {
  pid_t target = static_cast<pid_t>(call.int_arg(call.nr() == SYS_tgkill ? 1 : 0));
  if (target <= 0) return {};
  const Creds& cr = call.proc().creds();
  if (cr.has_cap(kCapKill)) return {};
  ProcState t(target);
  if (!t.creds().valid) return {unchecked_cause("the owner of process " + std::to_string(target), "it has exited")};
  const Creds& tc = t.creds();
  bool allowed = cr.ruid == tc.ruid || cr.ruid == tc.suid || cr.euid == tc.ruid || cr.euid == tc.suid;
  if (allowed) return {};
  return {make_cause("priv.not-owner",
                     "process " + std::to_string(target) + " (" + escape(tc.comm) + ") belongs to uid " +
                         std::to_string(tc.ruid) + " (saved " + std::to_string(tc.suid) + "); " + pid_label(call.proc()) +
                         " has real uid " + std::to_string(cr.ruid) + " and lacks CAP_KILL",
                     "signal it as its owner or as root")};
}

std::vector<Cause> ptrace_causes(const Call& call) {
  std::vector<Cause> out;
  pid_t target = static_cast<pid_t>(call.int_arg(1));
  const Creds& cr = call.proc().creds();
  if (cr.has_cap(kCapSysPtrace)) return out;
  if (auto scope = read_sysctl_int("/proc/sys/kernel/yama/ptrace_scope"); scope && *scope > 0) {
    out.push_back(make_cause("priv.ptrace-scope",
                             "kernel.yama.ptrace_scope is " + std::to_string(*scope) +
                                 (*scope == 1 ? ": only a parent may attach to its descendants" : ": attaching needs CAP_SYS_PTRACE"),
                             "sysctl -w kernel.yama.ptrace_scope=0, or start the program under the tracer"));
  }
  ProcState t(target);
  if (t.creds().valid) {
    const Creds& tc = t.creds();
    if (tc.ruid != cr.ruid || tc.euid != cr.ruid || tc.suid != cr.ruid)
      out.push_back(make_cause("priv.not-owner",
                               "process " + std::to_string(target) + " (" + escape(tc.comm) + ") runs as uid " +
                                   std::to_string(tc.ruid) + "/" + std::to_string(tc.euid) + "/" + std::to_string(tc.suid) +
                                   "; " + pid_label(call.proc()) + " may only trace its own processes without CAP_SYS_PTRACE",
                               "trace it as its owner or as root"));
  }
  return out;
}

std::vector<Cause> fd_owner_causes(const Call& call, bool chown) {
  int fd = call.int_arg(0);
  struct stat st {};
  std::string link = call.proc().proc_path("fd/" + std::to_string(fd));
  if (::stat(link.c_str(), &st) != 0) return {};
  const Creds& cr = call.proc().creds();
  if (cr.fsuid == st.st_uid || cr.has_cap(chown ? kCapChown : kCapFowner)) return {};
  std::string path = call.proc().fd_path(fd).value_or("?");
  return {make_cause("priv.not-owner",
                     quote(path) + " is owned by " + user_name(st.st_uid) + ", not by uid " + std::to_string(cr.fsuid) +
                         ", and the process lacks " + cap_name(chown ? kCapChown : kCapFowner),
                     "run as the owner or as root")};
}

}  // namespace

std::vector<Cause> explain_privilege(const Call& call) {
  int err = call.err();
  if (err != EPERM && err != EACCES) return {};
  const ProcState& proc = call.proc();
  const Creds& cr = proc.creds();
  std::vector<Cause> out;
  switch (call.nr()) {
    case SYS_perf_event_open: out = perf_causes(call); break;
    case SYS_bpf: out = bpf_causes(call); break;
    case SYS_io_uring_setup: out = io_uring_causes(call); break;
    case SYS_kill: case SYS_tkill: case SYS_tgkill: out = signal_causes(call); break;
    case SYS_ptrace: out = ptrace_causes(call); break;
    case SYS_fchmod: out = fd_owner_causes(call, false); break;
    case SYS_fchown: out = fd_owner_causes(call, true); break;
    case SYS_init_module: case SYS_finit_module: case SYS_kexec_load: case SYS_kexec_file_load:
    case SYS_iopl: case SYS_ioperm:
      out = lockdown_causes(call.name() + "()");
      break;
    default: break;
  }
  if (out.empty() && err == EPERM) {
    int cap = required_cap(call.nr());
    if (cap >= 0 && !cr.has_cap(cap))
      out.push_back(make_cause("priv.missing-capability",
                               call.name() + "() needs " + cap_name(cap) + " here, and " + pid_label(proc) +
                                   " does not have it (CapEff " + [&] {
                                     char b[24];
                                     std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(cr.cap_eff));
                                     return std::string(b);
                                   }() + ")",
                               "run as root or grant " + std::string(cap_name(cap))));
  }
  // A seccomp filter can make any call fail with any errno; only a possible cause.
  if (cr.seccomp == 2) {
    Cause c = make_cause("priv.seccomp-filter",
                         "process " + std::to_string(proc.pid()) +
                             " runs under a seccomp filter (Seccomp: 2 in its status), which may have refused " +
                             call.name() + "()",
                         "check the sandbox profile (systemd SystemCallFilter=, docker --security-opt seccomp=...)");
    c.verified = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace whyfail::explain
