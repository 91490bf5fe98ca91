#include "views/sched.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <ostream>

#include "report/escape.h"
#include "report/json.h"
#include "views/json_text.h"
#include "trace/bpf/process_launch.h"
#include "views/run_loop.h"
#include "views/sched_abi.h"
#include "views/sched_loader.h"

namespace whyfail::views {

namespace {

std::string range_label(uint32_t k) {
  auto v = [](uint64_t us) -> std::string {
    if (us >= 1000000 && us % 1000000 == 0) return fmt::format("{}s", us / 1000000);
    if (us >= 1024 * 1024) return fmt::format("{}M", us >> 20);
    if (us >= 1024) return fmt::format("{}K", us >> 10);
    return std::to_string(us);
  };
  uint64_t lo = k == 0 ? 0 : (uint64_t{1} << k), hi = uint64_t{1} << (k + 1);
  return fmt::format("[{}, {})", v(lo), v(hi));
}

SchedHistogram from_map(const wf_sched_key& k, const wf_sched_hist& h) {
  SchedHistogram s;
  s.pid = k.pid;
  s.tgid = k.tgid;
  s.comm = std::string(k.comm, strnlen(k.comm, sizeof k.comm));
  s.slots.assign(std::begin(h.slots), std::end(h.slots));
  s.count = h.count;
  s.total_ns = h.total_ns;
  s.max_ns = h.max_ns;
  return s;
}

}  // namespace

std::string sched_histogram_text(const SchedHistogram& h) {
  std::string s = fmt::format("@wait_us[{}, {}]: {} waits, mean {:.1f} us, max {:.1f} us\n",
                              report::escape_c(h.comm), h.pid, h.count,
                              h.count ? h.total_ns / 1000.0 / static_cast<double>(h.count) : 0.0, h.max_ns / 1000.0);
  uint64_t top = 0;
  int first = -1, last = -1;
  for (std::size_t k = 0; k < h.slots.size(); ++k) {
    if (!h.slots[k]) continue;
    top = std::max(top, h.slots[k]);
    if (first < 0) first = static_cast<int>(k);
    last = static_cast<int>(k);
  }
  for (int k = first; k >= 0 && k <= last; ++k) {
    uint64_t c = h.slots[static_cast<std::size_t>(k)];
    std::size_t bar = top ? static_cast<std::size_t>((c * 52 + top - 1) / top) : 0;
    s += fmt::format("{:<20} {:>8} |{:<52}|\n", range_label(static_cast<uint32_t>(k)), c, std::string(bar, '@'));
  }
  return s;
}

std::string sched_histogram_json(const SchedHistogram& h) {
  report::Json j;
  j["type"] = "runq_latency";
  j["pid"] = h.pid;
  j["tgid"] = h.tgid;
  j["comm"] = report::bytes_to_json(h.comm, false);
  j["count"] = h.count;
  j["total_ns"] = h.total_ns;
  j["max_ns"] = h.max_ns;
  report::Json slots = report::Json::array();
  for (std::size_t k = 0; k < h.slots.size(); ++k) {
    if (!h.slots[k]) continue;
    report::Json b;
    b["lo_us"] = k == 0 ? 0 : (uint64_t{1} << k);
    b["hi_us"] = uint64_t{1} << (k + 1);
    b["count"] = h.slots[k];
    slots.push_back(b);
  }
  j["log2_us"] = std::move(slots);
  return json_text(j);
}

Result<int> run_sched(const SchedOptions& opts, std::ostream& out) {
  const bool command = !opts.view.command.empty();
  const ViewFilters& f = opts.view.filters;
  auto keep = [&](pid_t tgid, const std::string& comm) {
    if (!f.pids.empty() && std::find(f.pids.begin(), f.pids.end(), tgid) == f.pids.end()) return false;
    if (!f.comms.empty() &&
        std::none_of(f.comms.begin(), f.comms.end(), [&](const std::string& c) { return comm == c.substr(0, 15); }))
      return false;
    return true;
  };
  uint64_t bad = 0;
  auto on_slow = [&](const void* data, std::size_t size) {
    try {
      if (size < sizeof(wf_sched_slow)) {
        ++bad;
        return;
      }
      const auto* r = static_cast<const wf_sched_slow*>(data);
      std::string comm(r->comm, strnlen(r->comm, sizeof r->comm));
      std::string prev(r->prev_comm, strnlen(r->prev_comm, sizeof r->prev_comm));
      if (!keep(static_cast<pid_t>(r->tgid), comm)) return;
      if (opts.view.json) {
        report::Json j;
        j["type"] = "slow_scheduling";
        j["mono_ns"] = r->ts_ns;
        j["wait_ns"] = r->wait_ns;
        j["pid"] = r->pid;
        j["tgid"] = r->tgid;
        j["comm"] = report::bytes_to_json(comm, false);
        j["cpu"] = r->cpu;
        j["after"] = r->preempted ? "preemption" : "wakeup";
        j["prev_pid"] = r->prev_pid;
        j["prev_comm"] = report::bytes_to_json(prev, false);
        out << json_text(j) << '\n';
      } else {
        out << fmt::format("slow: {}({}) waited {:.3f} ms for cpu {} after {}; {}({}) was running\n",
                           report::escape_c(comm), r->pid, r->wait_ns / 1e6, r->cpu,
                           r->preempted ? "preemption" : "wakeup", report::escape_c(prev), r->prev_pid);
      }
    } catch (...) {
      ++bad;
    }
  };
  SchedLoaderOptions lo;
  lo.min_ns = static_cast<uint64_t>(opts.min_ms * 1e6);
  lo.filter_pids = command;
  lo.slow_log = opts.slow_log;
  lo.cgroup = opts.view.filters.cgroup;
  auto loader = SchedLoader::load(lo, on_slow);
  if (!loader) return tl::unexpected(loader.error());
  std::optional<trace::bpf::HeldChild> child;
  if (command) {
    auto c = trace::bpf::HeldChild::fork_held(opts.view.command, getuid(), getgid());
    if (!c) return tl::unexpected(c.error());
    child.emplace(std::move(*c));
    if (auto a = (*loader)->add_traced(child->pid()); !a) {
      child->abandon();
      return tl::unexpected(a.error());
    }
  }
  if (auto a = (*loader)->attach(); !a) {
    if (child) child->abandon();
    return tl::unexpected(a.error());
  }
  if (!opts.view.json)
    out << fmt::format("Tracing run-queue latency{}{}; Ctrl-C to finish\n",
                       opts.min_ms > 0 ? fmt::format(" of waits >= {} ms", opts.min_ms) : std::string(),
                       command ? " of the command's tree" : " system-wide");
  out.flush();
  if (child) {
    if (auto r = child->release(); !r) return tl::unexpected(r.error());
  }
  auto print = [&](bool clear) {
    auto hs = (*loader)->histograms(clear);
    std::vector<SchedHistogram> rows;
    for (const auto& [k, h] : hs) {
      SchedHistogram s = from_map(k, h);
      if (keep(static_cast<pid_t>(s.tgid), s.comm)) rows.push_back(std::move(s));
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.total_ns > b.total_ns; });
    for (const auto& s : rows) out << (opts.view.json ? sched_histogram_json(s) : sched_histogram_text(s)) << "\n";
    out.flush();
  };
  int exit_code = 0;
  RunLoop loop(command ? 0 : opts.view.duration_s);
  auto next_print = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                         std::chrono::duration<double>(opts.interval_s));
  while (!loop.done()) {
    auto n = (*loader)->poll(100);
    if (!n) return tl::unexpected(n.error());
    if (opts.interval_s > 0 && std::chrono::steady_clock::now() >= next_print) {
      if (!opts.view.json) out << "--- interval\n";
      print(true);
      next_print += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(opts.interval_s));
    }
    if (child) {
      int st = 0;
      if (waitpid(child->pid(), &st, WNOHANG) == child->pid()) {
        exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
    }
  }
  (void)(*loader)->poll(0);
  print(opts.interval_s > 0);
  auto c = (*loader)->counters();
  if (opts.view.json) {
    report::Json j;
    j["type"] = "summary";
    j["lost_slow_log"] = c[WF_SCHED_CNT_LOST];
    j["unmeasured_no_slot"] = c[WF_SCHED_CNT_NOSTART];
    j["unmeasured_no_histogram"] = c[WF_SCHED_CNT_NOHIST];
    j["waits_from"] = (*loader)->from_sched_info() ? "sched_info" : "wakeup_stamps";
    out << json_text(j) << '\n';
  } else {
    out << fmt::format("# lost: {} slow-log records (ring full), {} waits not measured (tables full)\n",
                       c[WF_SCHED_CNT_LOST], c[WF_SCHED_CNT_NOSTART] + c[WF_SCHED_CNT_NOHIST]);
  }
  out.flush();
  return exit_code;
}

}  // namespace whyfail::views
