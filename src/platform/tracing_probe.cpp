// ftrace-side features: tracefs itself, kprobes, function_graph and
// function filters.
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "platform/bpf_syscall.h"
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

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ", CONFIG_X is not set (/proc/config.gz)" or "" when set or unknown.
std::string config_note(const char* option) {
  auto cfg = kernel_config();
  if (!cfg) return {};
  auto v = cfg->get(option);
  if (v) return {};
  return std::string("; ") + option + " is not set (" + cfg->source + ")";
}

}  // namespace

Feature probe_tracefs() {
  auto fs = ensure_tracefs();
  if (!fs)
    return no("tracefs", fs.error().message(),
              "no tracepoint ids for the eBPF backend, no function_graph candidates for --kernel; "
              "mount it: mount -t tracefs tracefs /sys/kernel/tracing");
  return yes("tracefs", fs->path + (fs->mounted_now ? " (whyfail mounted it just now)" : " (mounted)"));
}

Feature probe_kprobes() {
  const std::string consequence =
      "whyfail --kernel cannot use kprobes/kretprobes to find the kernel function that produced "
      "an errno; rebuild the kernel with CONFIG_KPROBES=y or use the kernel lab (tests/kernel-lab)";
  // The kprobe PMU is what perf_event_open-based kprobes need.
  const std::string pmu = "/sys/bus/event_source/devices/kprobe/type";
  std::ifstream type_file(pmu);
  int type = -1;
  if (!(type_file >> type)) {
    std::string detail = "no kprobe PMU (" + pmu + " absent)";
    auto fs = ensure_tracefs();
    if (fs && ::access((fs->path + "/kprobe_events").c_str(), F_OK) != 0)
      detail += ", no " + fs->path + "/kprobe_events";
    detail += config_note("CONFIG_KPROBES");
    return no("kprobes", detail, consequence);
  }
  // Try a kretprobe on a function every kernel has, through the PMU.
  static const char target[] = "do_sys_openat2";
  perf_event_attr attr{};
  attr.type = static_cast<uint32_t>(type);
  attr.size = sizeof attr;
  attr.config = 1;  // bit 0 of the kprobe PMU's config: retprobe
  attr.kprobe_func = reinterpret_cast<uint64_t>(target);
  attr.probe_offset = 0;
  long fd = ::syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0)
    return no("kprobes", std::string("perf_event_open(kretprobe ") + target + "): " + refusal(errno),
              consequence);
  Fd event(static_cast<int>(fd));
  return yes("kprobes", std::string("kretprobe on ") + target + " opened through the kprobe PMU");
}

Feature probe_function_graph() {
  const std::string consequence =
      "whyfail --kernel cannot learn which kernel functions the command calls (its learning run "
      "uses function_graph), so it needs them named with --kernel-funcs GLOBS. Needs "
      "CONFIG_FUNCTION_GRAPH_TRACER=y";
  auto fs = ensure_tracefs();
  if (!fs) return no("function_graph", fs.error().message(), consequence);
  const std::string path = fs->path + "/available_tracers";
  if (::access(path.c_str(), R_OK) != 0)
    return no("function_graph", path + ": " + refusal(errno) + config_note("CONFIG_FTRACE"),
              consequence);
  std::istringstream tracers(slurp(path));
  std::string t, all;
  bool found = false;
  while (tracers >> t) {
    found = found || t == "function_graph";
    all += (all.empty() ? "" : " ") + t;
  }
  if (!found)
    return no("function_graph",
              "not in available_tracers (\"" + all + "\")" + config_note("CONFIG_FUNCTION_GRAPH_TRACER"),
              consequence);
  // funcgraph-retval (6.5+) gives return values for free.
  const bool retval = ::access((fs->path + "/options/funcgraph-retval").c_str(), F_OK) == 0;
  return yes("function_graph", std::string("in available_tracers") +
                                   (retval ? ", funcgraph-retval supported" : ", no funcgraph-retval"));
}

Feature probe_ftrace_filter() {
  const std::string consequence =
      "function tracing cannot be narrowed to chosen kernel functions, so --kernel cannot use "
      "ftrace to find candidates";
  auto fs = ensure_tracefs();
  if (!fs) return no("ftrace_filter", fs.error().message(), consequence);
  // A private tracefs instance has its own set_ftrace_filter: writing there
  // leaves the global tracer (and anyone using it) untouched.
  const std::string instance =
      fs->path + "/instances/whyfail-probe-" + std::to_string(::getpid());
  if (::mkdir(instance.c_str(), 0700) != 0)
    return Feature{"ftrace_filter", Availability::Unknown,
                   "mkdir " + instance + ": " + refusal(errno) + " (not tried on the global filter)",
                   consequence};
  const std::string filter = instance + "/set_ftrace_filter";
  std::string detail;
  Availability avail = Availability::No;
  int fd = ::open(filter.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) {
    detail = "open " + filter + ": " + refusal(errno) + config_note("CONFIG_FUNCTION_TRACER");
  } else {
    static const char fn[] = "do_sys_openat2";
    if (::write(fd, fn, sizeof fn - 1) < 0) {
      detail = std::string("write \"") + fn + "\" to set_ftrace_filter: " + refusal(errno);
    } else {
      avail = Availability::Yes;
      detail = std::string("\"") + fn + "\" accepted by set_ftrace_filter (private instance)";
    }
    ::close(fd);
  }
  ::rmdir(instance.c_str());
  if (avail == Availability::Yes) return yes("ftrace_filter", detail);
  return no("ftrace_filter", detail, consequence);
}

}  // namespace whyfail::platform
