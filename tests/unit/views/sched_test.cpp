// `whyfail sched` on the real kernel: hogs pinned to CPU 0 next to a periodic
// sleeper on CPU 0. The sleeper's histogram must hold (about) one wait per
// wakeup, and the hogs must show waits from preemption.
#include "views/sched.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

#include "trace/bpf/process_launch.h"
#include "views/sched_abi.h"
#include "views/sched_loader.h"

using whyfail::views::SchedLoader;

TEST(Sched, SleeperNextToPinnedHogsWaits) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for BPF";
  auto l = SchedLoader::load({0, true, false}, [](const void*, std::size_t) {});
  if (!l) GTEST_SKIP() << l.error().message();
  std::string out = "/tmp/views-sched." + std::to_string(getpid());
  int ofd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int saved = dup(1);
  dup2(ofd, 1);
  auto c = whyfail::trace::bpf::HeldChild::fork_held(
      {std::string(PROGS_DIR) + "/views_sched_load", "2", "1.5", "2000"}, getuid(), getgid());
  dup2(saved, 1);
  close(saved);
  close(ofd);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE((*l)->add_traced(c->pid()));
  if (auto a = (*l)->attach(); !a) {
    c->abandon();
    GTEST_SKIP() << a.error().message();
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
