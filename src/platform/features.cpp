#include "platform/features.h"

#include <future>

#include "platform/probes.h"

namespace whyfail::platform {

std::vector<Feature> probe_all() {
  // Order: what tracing needs first, then the kernel-origin extras, then policy.
  using Probe = Feature (*)();
  static constexpr Probe kProbes[] = {
      probe_ptrace,
      probe_seccomp,
      probe_bpf,
      probe_btf,
      probe_tracefs,
      probe_bpf_tracepoint,
      probe_ringbuf,
      probe_fexit,
      probe_kprobes,
      probe_kprobe_multi,
      probe_function_graph,
      probe_ftrace_filter,
      probe_lockdown,
      probe_perf_event_paranoid,
      probe_unprivileged_bpf,
      probe_kptr_restrict,
      probe_io_uring,
      probe_vmlinux_debuginfo,
      probe_debuginfod,
  };
  // Most probes wait on the kernel (BTF parsing, the verifier resolving an
  // attach target, RCU grace periods on detach), not on the CPU: running them
  // side by side keeps `whyfail doctor` well under half a second.
  std::vector<std::future<Feature>> pending;
  pending.reserve(std::size(kProbes));
  for (Probe p : kProbes) pending.push_back(std::async(std::launch::async, p));
  std::vector<Feature> out;
  out.reserve(pending.size());
  for (auto& f : pending) out.push_back(f.get());
  return out;
}

const Feature* find_feature(const std::vector<Feature>& features, std::string_view name) {
  for (const auto& f : features)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace whyfail::platform
