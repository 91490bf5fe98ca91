// `whyfail sched` on the real kernel: hogs pinned to CPU 0 next to a periodic
// sleeper on CPU 0. The sleeper's histogram must hold (about) one wait per
// wakeup, and the hogs must show waits from preemption.
#include "views/sched.h"

#include <fcntl.h>
#include <sched.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include <atomic>

#include "platform/kernel_fs.h"
#include "temp_cgroup.h"
#include "trace/bpf/process_launch.h"
#include "view_refusal.h"
#include "views/cgroup_filter.h"
#include "views/sched_abi.h"
#include "views/sched_loader.h"

using whyfail::views::SchedLoader;

namespace {

// The two ways the view measures a wait: from the kernel's sched_info (where
// it keeps one, as here) or from wakeup stamps. Each test runs both.
class SchedWays : public ::testing::TestWithParam<bool> {
 protected:
  bool stamps() const { return GetParam(); }
  whyfail::views::SchedLoaderOptions options() const {
    whyfail::views::SchedLoaderOptions o;
    o.stamps = stamps();
    return o;
  }
  // The fast way must not fall back to stamps unnoticed on a kernel that has sched_info.
  void expect_way(const SchedLoader& l) const {
    bool has_sched_info = access("/proc/self/schedstat", F_OK) == 0;
    EXPECT_EQ(l.from_sched_info(), !stamps() && has_sched_info);
  }
};

std::string way_name(const ::testing::TestParamInfo<bool>& i) { return i.param ? "Stamps" : "SchedInfo"; }

// The load, held before its exec, with its stdout in `out_path` (its report,
// or /dev/null): the test's own stdout is gtest's.
auto fork_load_held(const std::vector<std::string>& argv, const std::string& out_path) {
  int ofd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int saved = dup(1);
  dup2(ofd, 1);
  auto c = whyfail::trace::bpf::HeldChild::fork_held(argv, getuid(), getgid());
  dup2(saved, 1);
  close(saved);
  close(ofd);
  return c;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sched, SchedWays, ::testing::Values(false, true), way_name);

TEST_P(SchedWays, SleeperNextToPinnedHogsWaits) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for BPF";
  auto o = options();
  o.filter_pids = true;
  auto l = SchedLoader::load(o, [](const void*, std::size_t) {});
  if (!l) VIEW_SKIP_OR_FAIL(l.error());
  expect_way(**l);
  std::string out = "/tmp/views-sched." + std::to_string(getpid());
  auto c = fork_load_held({std::string(PROGS_DIR) + "/views_sched_load", "2", "1.5", "2000"}, out);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE((*l)->add_traced(c->pid()));
  if (auto a = (*l)->attach(); !a) {
    c->abandon();
    VIEW_SKIP_OR_FAIL(a.error());
  }
  ASSERT_TRUE(c->release());
  int st = 0;
  ASSERT_EQ(waitpid(c->pid(), &st, 0), c->pid());
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  pid_t sleeper = 0;
  long wakeups = 0;
  std::ifstream(out) >> sleeper >> wakeups;
  unlink(out.c_str());
  ASSERT_GT(wakeups, 10);
  uint64_t sleeper_waits = 0, hog_waits = 0;
  for (const auto& [k, h] : (*l)->histograms(false)) {
    uint64_t sum = 0;
    for (uint64_t s : h.slots) sum += s;
    EXPECT_EQ(sum, h.count);
    if (k.pid == static_cast<uint32_t>(sleeper)) sleeper_waits += h.count;  // before and after its exec (two comms)
    else if (std::strcmp(k.comm, "views_sched_loa") == 0) hog_waits += h.count;
  }
  // Every wakeup of the sleeper (plus its start) is one measured wait.
  EXPECT_GE(sleeper_waits, static_cast<uint64_t>(wakeups));
  EXPECT_LE(sleeper_waits, static_cast<uint64_t>(wakeups) * 2 + 10);
  // The hogs share one CPU: they are preempted and wait for each other.
  EXPECT_GT(hog_waits, 10u);
  EXPECT_EQ((*l)->counters()[WF_SCHED_CNT_NOHIST], 0u);
}

TEST(Sched, HistogramTextIsBpftraceLike) {
  whyfail::views::SchedHistogram h;
  h.pid = 42;
  h.comm = "a\nb";
  h.slots.assign(WF_SCHED_SLOTS, 0);
  h.slots[3] = 10;
  h.slots[5] = 5;
  h.count = 15;
  std::string t = whyfail::views::sched_histogram_text(h);
  EXPECT_NE(t.find("@wait_us[a\\nb, 42]"), std::string::npos) << t;
  EXPECT_NE(t.find("[8, 16)"), std::string::npos) << t;
  EXPECT_NE(t.find("[16, 32)"), std::string::npos) << t;  // empty slots between shown, like bpftrace
  EXPECT_NE(t.find("[32, 64)"), std::string::npos) << t;
}

namespace {

// Runs bpftrace on `script` in the background; its stdout is read back after SIGINT.
struct Bpftrace {
  pid_t pid = -1;
  int out = -1;
  std::string text;
  bool start(const std::string& script) {
    int p[2];
    if (pipe(p) != 0) return false;
    pid = fork();
    if (pid == 0) {
      dup2(p[1], 1);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 2);
      close(p[0]);
      execlp("bpftrace", "bpftrace", script.c_str(), (char*)nullptr);
      _exit(127);
    }
    close(p[1]);
    out = p[0];
    // BEGIN prints its line once every probe is attached. Bounded: under a
    // heavy load that line once never came through the pipe and the test
    // waited forever.
    char buf[256];
    while (text.find("Tracing") == std::string::npos) {
      pollfd pfd{out, POLLIN, 0};
      if (::poll(&pfd, 1, 30000) <= 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        text += "(no \"Tracing\" line from bpftrace within 30 s)";
        return false;
      }
      ssize_t n = read(out, buf, sizeof buf);
      if (n <= 0) return false;
      text.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  void stop() {
    kill(pid, SIGINT);
    char buf[4096];
    ssize_t n;
    while ((n = read(out, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    close(out);
    waitpid(pid, nullptr, 0);
  }
};

// bpftrace's `@slowprocs[comm, pid]:` histograms: total count per pid of `comm`.
std::map<uint32_t, uint64_t> bpftrace_counts(const std::string& text, const std::string& comm) {
  std::map<uint32_t, uint64_t> out;
  std::istringstream in(text);
  std::string line;
  long pid = -1;
  while (std::getline(in, line)) {
    if (line.rfind("@slowprocs[", 0) == 0) {
      std::size_t comma = line.rfind(", ");
      pid = line.compare(11, comm.size() + 1, comm + ",") == 0 ? std::stol(line.substr(comma + 2)) : -1;
    } else if (pid > 0 && !line.empty() && line[0] == '[') {
      std::size_t close = line.find(')');
      if (close != std::string::npos) out[static_cast<uint32_t>(pid)] += std::stoull(line.substr(close + 1));
    }
  }
  return out;
}

}  // namespace

// The seed's own slowprocs.bt (bench/seed-scripts) on the same load: per
// process, the waits of at least 6 ms (the script's integer `delta_ms > 5`)
// must match what whyfail sched --min-ms 6 counted, within a few waits (the
// two see each wakeup a few microseconds apart: a wait right at 6 ms can fall
// on either side).
TEST_P(SchedWays, AgreesWithTheSeedsBpftraceScriptOnTheSameLoad) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for BPF";
  if (system("command -v bpftrace >/dev/null 2>&1") != 0) GTEST_SKIP() << "bpftrace not installed";
  auto o = options();
  o.min_ns = 6'000'000;
  o.filter_pids = true;
  auto l = SchedLoader::load(o, [](const void*, std::size_t) {});
  if (!l) VIEW_SKIP_OR_FAIL(l.error());
  expect_way(**l);
  // bpftrace finds tracepoints through tracefs, which a fresh boot may not
  // have mounted yet.
  ASSERT_TRUE(whyfail::platform::ensure_tracefs());
  // bpftrace counts every process on the machine: the load runs under a
  // comm of its own (a symlink's name becomes the comm), so another test's
  // load running next to this one (ctest -j) is not counted as ours.
  const std::string comm = "wfagree" + std::to_string(getpid());
  const std::string link = "/tmp/" + comm;
  unlink(link.c_str());
  ASSERT_EQ(symlink((std::string(PROGS_DIR) + "/views_sched_load").c_str(), link.c_str()), 0) << link;
  Bpftrace bt;
  ASSERT_TRUE(bt.start(std::string(SEEDS_DIR) + "/slowprocs.bt")) << bt.text;
  auto c = fork_load_held({link, "3", "2", "3000"}, "/dev/null");
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE((*l)->add_traced(c->pid()));
  if (auto a = (*l)->attach(); !a) {
    c->abandon();
    bt.stop();
    VIEW_SKIP_OR_FAIL(a.error());
  }
  ASSERT_TRUE(c->release());
  int st = 0;
  ASSERT_EQ(waitpid(c->pid(), &st, 0), c->pid());
  bt.stop();
  unlink(link.c_str());
  std::map<uint32_t, uint64_t> ours;
  for (const auto& [k, h] : (*l)->histograms(false))
    if (comm == k.comm) ours[k.pid] += h.count;
  std::map<uint32_t, uint64_t> theirs = bpftrace_counts(bt.text, comm);
  uint64_t total = 0;
  for (const auto& [pid, n] : ours) total += n;
  ASSERT_GT(total, 20u) << "the load made too few long waits to compare";
  std::set<uint32_t> pids;
  for (const auto& [pid, n] : ours) pids.insert(pid);
  for (const auto& [pid, n] : theirs) pids.insert(pid);
  for (uint32_t pid : pids) {
    uint64_t a = ours[pid], b = theirs[pid];
    uint64_t tol = std::max<uint64_t>(3, std::max(a, b) / 10);
    EXPECT_LE(a > b ? a - b : b - a, tol) << "pid " << pid << ": whyfail " << a << ", bpftrace " << b
                                          << "\n" << bt.text;
  }
}

// --cgroup: system-wide, two children sleep and wake 20 times each, one from
// inside a fresh cgroup v2 directory: only its waits are counted.
TEST_P(SchedWays, CgroupFilterKeepsOnlyWaitsInsideTheCgroup) {
  TempCgroup cg("sched-test");
  if (!cg.skip.empty()) GTEST_SKIP() << cg.skip;
  auto filter = whyfail::views::resolve_cgroup(cg.name);
  ASSERT_TRUE(filter) << filter.error().message();
  auto o = options();
  o.cgroup = *filter;
  auto l = SchedLoader::load(o, [](const void*, std::size_t) {});
  if (!l) VIEW_SKIP_OR_FAIL(l.error());
  expect_way(**l);
  if (auto a = (*l)->attach(); !a) VIEW_SKIP_OR_FAIL(a.error());
  auto run = [&](bool in) {
    pid_t c = fork();
    if (c == 0) {
      if (in && !cg.enter()) _exit(3);
      for (int i = 0; i < 20; ++i) usleep(1000);
      _exit(0);
    }
    return c;
  };
  pid_t in = run(true);
  pid_t out = run(false);
  for (pid_t c : {in, out}) {
    int st = 0;
    waitpid(c, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  uint64_t waits_in = 0;
  for (const auto& [k, h] : (*l)->histograms(false)) {
    EXPECT_EQ(k.tgid, static_cast<uint32_t>(in)) << k.comm << " " << k.pid;  // nothing from outside
    if (k.tgid == static_cast<uint32_t>(in)) waits_in += h.count;
  }
  EXPECT_GE(waits_in, 20u);  // one per wakeup from usleep, at least
}

namespace {

// Direct children of `pid` (the load's hogs).
std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t c; in >> c;) out.push_back(c);
  return out;
}

void pin(pid_t pid, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(pid, sizeof set, &set);
}

}  // namespace

// Both ways at once on the same load while its hogs are moved between CPUs
// 0 and 1 every millisecond. A task moved while it waits has the part before
// the move added to its run_delay and its last_queued restarted on the new
// CPU: the sched_info way must still count that wait whole, once, as the
// stamps (taken by tid, whatever the CPU) do. Per thread, the two must agree
// on the number of waits and on their total.
TEST(Sched, SchedInfoAndStampsAgreeWhileTasksMoveBetweenCpus) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for BPF";
  if (access("/proc/self/schedstat", F_OK) != 0) GTEST_SKIP() << "kernel without CONFIG_SCHED_INFO";
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
  whyfail::views::SchedLoaderOptions o;
  o.filter_pids = true;
  auto info = SchedLoader::load(o, [](const void*, std::size_t) {});
  if (!info) VIEW_SKIP_OR_FAIL(info.error());
  ASSERT_TRUE((*info)->from_sched_info());
  o.stamps = true;
  auto stamps = SchedLoader::load(o, [](const void*, std::size_t) {});
  if (!stamps) VIEW_SKIP_OR_FAIL(stamps.error());
  ASSERT_FALSE((*stamps)->from_sched_info());
  auto c = fork_load_held({std::string(PROGS_DIR) + "/views_sched_load", "3", "2", "2000"}, "/dev/null");
  ASSERT_TRUE(c) << c.error().message();
  for (auto* l : {&*info, &*stamps}) {
    ASSERT_TRUE((*l)->add_traced(c->pid()));
    if (auto a = (*l)->attach(); !a) {
      c->abandon();
      VIEW_SKIP_OR_FAIL(a.error());
    }
  }
  ASSERT_TRUE(c->release());
  std::atomic<bool> done{false};
  std::atomic<long> moves{0};
  std::thread mover([&] {
    while (!done) {
      for (pid_t hog : children_of(c->pid())) {
        pin(hog, 1);
        usleep(1000);
        pin(hog, 0);
        usleep(1000);
        ++moves;
      }
      usleep(1000);
    }
  });
  int st = 0;
  pid_t w = waitpid(c->pid(), &st, 0);
  done = true;
  mover.join();
  ASSERT_EQ(w, c->pid());
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ASSERT_GT(moves.load(), 100);
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> a, b;  // pid -> (waits, total ns)
  std::map<uint32_t, std::string> shape;                     // pid -> both histograms, for a failure message
  auto add = [&](auto& to, const char* way, SchedLoader& l) {
    for (const auto& [k, h] : l.histograms(false)) {
      to[k.pid].first += h.count;
      to[k.pid].second += h.total_ns;
      std::string& s = shape[k.pid];
      s += std::string("\n  ") + way + " " + k.comm + ":";
      for (int i = 0; i < WF_SCHED_SLOTS; ++i)
        if (h.slots[i]) s += " [" + std::to_string(i) + "]=" + std::to_string(h.slots[i]);
      s += " max " + std::to_string(h.max_ns);
    }
  };
  add(a, "sched_info", **info);
  add(b, "stamps", **stamps);
  uint64_t all_ns = 0;
  for (const auto& [pid, v] : b) all_ns += v.second;
  ASSERT_GT(all_ns, 500'000'000u) << "the hogs should have waited for each other for seconds in all";
  std::set<uint32_t> pids;
  for (const auto& [pid, v] : a) pids.insert(pid);
  for (const auto& [pid, v] : b) pids.insert(pid);
  for (uint32_t pid : pids) {
    auto [na, ta] = a[pid];
    auto [nb, tb] = b[pid];
    std::string both = "pid " + std::to_string(pid) + ": sched_info " + std::to_string(na) + " waits " +
                       std::to_string(ta) + " ns, stamps " + std::to_string(nb) + " waits " + std::to_string(tb) +
                       " ns" + shape[pid];
    EXPECT_LE(na > nb ? na - nb : nb - na, std::max<uint64_t>(3, std::max(na, nb) / 20)) << both;
    // The stamps start a few microseconds later (at the wakeup, after the enqueue).
    EXPECT_LE(ta > tb ? ta - tb : tb - ta, std::max<uint64_t>(2'000'000, std::max(ta, tb) / 20)) << both;
  }
}
