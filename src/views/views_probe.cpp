#include "views/views_probe.h"

#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <future>
#include <string>

#include "views/execs_loader.h"
#include "views/files_loader.h"
#include "views/sched_loader.h"

namespace whyfail::views {

namespace {

using platform::Availability;
using platform::Feature;
constexpr std::size_t kProbeRing = 64 * 1024;  // nothing is read: keep the probe's rings small

void ignore(const void*, std::size_t) {}

// Loads and attaches with `load_attach`, times it; the loaders' errors
// already carry the hint (root, lockdown, sysctl) naming what to change.
template <typename LoadAttach>
Feature try_view(const std::string& verb, const std::string& needs, LoadAttach load_attach) {
  Feature f;
  f.name = "view_" + verb;
  auto t0 = std::chrono::steady_clock::now();
  Result<void> r = load_attach();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (r) {
    f.available = Availability::Yes;
    f.detail = fmt::format("loads and attaches in {:.0f} ms ({})", ms, needs);
  } else {
    f.available = Availability::No;
    f.detail = r.error().what;
    f.consequence = "whyfail " + verb + " cannot run: " + r.error().message();
  }
  return f;
}

Feature probe_execs() {
  return try_view("execs", "syscalls:sys_enter/exit_execve(at), tp_btf sched_process_exec/exit, ring buffer",
                  []() -> Result<void> {
                    auto l = ExecsLoader::load(getpid(), kProbeRing, true, ignore);
                    if (!l) return tl::unexpected(l.error());
                    return (*l)->attach();
                  });
}

Feature probe_files() {
  return try_view("files", "tp_btf sys_enter/sys_exit, ring buffer, bpf_loop", []() -> Result<void> {
    auto l = FilesLoader::load(getpid(), false, kProbeRing, ignore);
    if (!l) return tl::unexpected(l.error());
    return (*l)->attach();
  });
}

Feature probe_sched() {
  // Which way the waits are measured is known once loaded (read by try_view after the load).
  std::string needs = "tp_btf sched_switch";
  return try_view("sched", needs, [&needs]() -> Result<void> {
    auto l = SchedLoader::load({}, ignore);
    if (!l) return tl::unexpected(l.error());
    needs = (*l)->from_sched_info()
                ? "tp_btf sched_switch reading the kernel's sched_info (CONFIG_SCHED_INFO)"
                : "tp_btf sched_waking/wakeup/wakeup_new/switch: this kernel lacks sched_info (CONFIG_SCHED_INFO) or cfs_rq.rq (CONFIG_FAIR_GROUP_SCHED)";
    return (*l)->attach();
  });
}

}  // namespace

std::vector<Feature> probe_views() {
  // Verification takes most of the time and runs in the kernel: side by side.
  auto e = std::async(std::launch::async, probe_execs);
  auto f = std::async(std::launch::async, probe_files);
  auto s = std::async(std::launch::async, probe_sched);
  return {e.get(), f.get(), s.get()};
}

}  // namespace whyfail::views
