// Kernel-wide policies: lockdown and the sysctls that gate tracing.
#include <linux/io_uring.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "platform/bpf_syscall.h"
#include "platform/capability.h"
#include "platform/lockdown.h"
#include "platform/probes.h"
#include "platform/refusal.h"
#include "platform/sysctl.h"

namespace whyfail::platform {

namespace {

Feature make(std::string name, Availability a, std::string detail, std::string consequence = {}) {
  return Feature{std::move(name), a, std::move(detail), std::move(consequence)};
}

std::string knob(const char* name, long v) { return std::string(name) + "=" + std::to_string(v); }

}  // namespace

Feature probe_lockdown() {
  // "available" here means: the kernel is NOT locked down (nothing is lost).
  auto mode = lockdown_mode();
  if (!mode) {
    if (mode.error().err == ENOENT)
      return make("lockdown", Availability::Yes, "no lockdown LSM: not locked down");
    return make("lockdown", Availability::Unknown, mode.error().message());
  }
  const std::string detail = "lockdown=" + std::string(to_string(*mode));
  switch (*mode) {
    case Lockdown::None: return make("lockdown", Availability::Yes, detail);
    case Lockdown::Integrity:
      return make("lockdown", Availability::No, detail,
                  "the kernel refuses changes to its running code: fexit/fentry trampolines, "
                  "kprobes and ftrace function filters may fail with EPERM, so --kernel cannot find "
                  "an errno's origin; tracepoints, ptrace and the eBPF backend still work. Boot "
                  "with lockdown=none (and Secure Boot off) to lift it");
    case Lockdown::Confidentiality:
      return make("lockdown", Availability::No, detail,
                  "as integrity, and BPF cannot read kernel memory (bpf_probe_read_kernel): "
                  "--kernel is unavailable and kernel addresses are hidden");
  }
  return make("lockdown", Availability::Unknown, detail);
}

Feature probe_perf_event_paranoid() {
  auto v = read_sysctl_int("kernel.perf_event_paranoid");
  if (!v) return make("perf_event_paranoid", Availability::Unknown, v.error().message());
  const std::string detail = knob("kernel.perf_event_paranoid", *v);
  const bool privileged = has_capability(kCapPerfmon) || has_capability(kCapSysAdmin);
  if (privileged)
    return make("perf_event_paranoid", Availability::Yes, detail + " (CAP_PERFMON: not limited)");
  if (*v <= 1) return make("perf_event_paranoid", Availability::Yes, detail);
  return make("perf_event_paranoid", Availability::No, detail + ", and no CAP_PERFMON",
              "unprivileged users cannot open tracepoint perf events: no eBPF backend, no perf "
              "trace; run as root or set kernel.perf_event_paranoid=-1");
}

Feature probe_unprivileged_bpf() {
  auto v = read_sysctl_int("kernel.unprivileged_bpf_disabled");
  if (!v) return make("unprivileged_bpf", Availability::Unknown, v.error().message());
  std::string detail = knob("kernel.unprivileged_bpf_disabled", *v);
  const bool privileged = has_capability(kCapBpf) || has_capability(kCapSysAdmin);
  if (privileged)
    return make("unprivileged_bpf", Availability::Yes, detail + " (this process has CAP_BPF/CAP_SYS_ADMIN)");
  if (*v == 0) return make("unprivileged_bpf", Availability::Yes, detail);
  return make("unprivileged_bpf", Availability::No, detail,
              "without root whyfail cannot load BPF programs (the eBPF backend needs CAP_BPF and "
              "CAP_PERFMON anyway); run as root");
}

Feature probe_kptr_restrict() {
  auto v = read_sysctl_int("kernel.kptr_restrict");
  std::string detail = v ? knob("kernel.kptr_restrict", *v) : v.error().message();
  // What matters is what we see: kallsyms with real addresses or zeros.
  std::ifstream kallsyms("/proc/kallsyms");
  std::string addr;
  bool real = false;
  for (int i = 0; i < 16 && kallsyms >> addr; ++i) {
    real = real || addr.find_first_not_of('0') != std::string::npos;
    std::string rest;
    std::getline(kallsyms, rest);
  }
  if (!kallsyms && addr.empty())
    return make("kallsyms", Availability::No, detail + "; /proc/kallsyms unreadable",
                "kernel origins cannot be symbolized (function+offset)");
  if (!real)
    return make("kallsyms", Availability::No, detail + "; /proc/kallsyms shows zero addresses",
                "kernel origins and stacks cannot be symbolized; run as root or set "
                "kernel.kptr_restrict=0/1");
  return make("kallsyms", Availability::Yes, detail + "; /proc/kallsyms shows real addresses");
}

Feature probe_io_uring() {
  auto v = read_sysctl_int("kernel.io_uring_disabled");
  std::string detail = v ? knob("kernel.io_uring_disabled", *v)
                         : std::string("kernel.io_uring_disabled absent (kernel < 6.6)");
  // Try it: a one-entry ring, closed at once.
  io_uring_params params{};
  long fd = ::syscall(__NR_io_uring_setup, 1, &params);
  if (fd < 0) {
    const int err = errno;
    return make("io_uring", Availability::No, detail + "; io_uring_setup: " + refusal(err),
                "programs here cannot use io_uring (they get " + errno_name(err) +
                    "); whyfail explains that failure from this setting");
  }
  Fd ring(static_cast<int>(fd));
  return make("io_uring", Availability::Yes, detail + "; io_uring_setup works",
              "io_uring operations complete without syscalls: whyfail sees io_uring_enter, not the "
              "failing operations inside the ring");
}

}  // namespace whyfail::platform
