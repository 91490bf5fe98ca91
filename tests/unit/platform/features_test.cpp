// Each probe's verdict is checked against a fact the test reads itself.
#include "platform/features.h"

#include <sys/ptrace.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "platform/kernel_fs.h"
#include "platform/lockdown.h"
#include "platform/probes.h"

namespace whyfail::platform {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(Features, AllNamedOnceAndExplained) {
  const auto start = std::chrono::steady_clock::now();
  const auto features = probe_all();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::set<std::string> names;
  for (const auto& f : features) {
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate " << f.name;
    EXPECT_FALSE(f.detail.empty()) << f.name;
    // A missing feature must say what the user loses and what to change.
    if (f.available == Availability::No) {
      EXPECT_FALSE(f.consequence.empty()) << f.name;
    }
  }
  for (const char* n : {"ptrace", "seccomp", "bpf", "btf", "tracefs", "bpf_tracepoint", "ringbuf",
                        "fexit", "kprobes", "kprobe_multi", "function_graph", "ftrace_filter",
                        "lockdown", "perf_event_paranoid", "unprivileged_bpf", "kallsyms",
                        "io_uring", "vmlinux_debuginfo", "debuginfod"})
    EXPECT_NE(find_feature(features, n), nullptr) << n;
  EXPECT_EQ(find_feature(features, "no-such-feature"), nullptr);
  // Budget is 0.5 s; allow slack for a machine shared with parallel builds.
  EXPECT_LT(secs, 2.0);
}

TEST(Features, PtraceMatchesOwnAttach) {
  // Independent check: seize a child ourselves.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (;;) pause();
  }
  const bool can = ptrace(PTRACE_SEIZE, child, nullptr, nullptr) == 0;
  kill(child, SIGKILL);
  waitpid(child, nullptr, __WALL);
  const Feature f = probe_ptrace();
  EXPECT_EQ(f.available == Availability::Yes, can) << f.detail;
  const bool yama = access("/proc/sys/kernel/yama/ptrace_scope", F_OK) == 0;
  if (yama) {
    EXPECT_TRUE(contains(f.detail, "ptrace_scope=" + trimmed(slurp("/proc/sys/kernel/yama/ptrace_scope"))));
  } else {
    EXPECT_TRUE(contains(f.detail, "no Yama")) << f.detail;
  }
}

TEST(Features, SeccompMatchesActionsAvail) {
  const std::string avail = slurp("/proc/sys/kernel/seccomp/actions_avail");
  if (avail.empty()) GTEST_SKIP() << "no /proc/sys/kernel/seccomp/actions_avail";
  const Feature f = probe_seccomp();
  EXPECT_EQ(f.available == Availability::Yes, contains(avail, "trace")) << f.detail;
}

TEST(Features, BtfMatchesSysfs) {
  const Feature f = probe_btf();
  EXPECT_EQ(f.available == Availability::Yes, access("/sys/kernel/btf/vmlinux", R_OK) == 0) << f.detail;
}

TEST(Features, TracefsIsMountedAfterProbe) {
  const Feature f = probe_tracefs();
  if (f.available != Availability::Yes) GTEST_SKIP() << f.detail;
  const std::string mounts = slurp("/proc/self/mounts");
  EXPECT_TRUE(contains(mounts, " tracefs ")) << mounts;
}

TEST(Features, BpfTracepointNeedsBpf) {
  const Feature bpf = probe_bpf();
  const Feature tp = probe_bpf_tracepoint();
  const Feature rb = probe_ringbuf();
  if (bpf.available != Availability::Yes) {
    EXPECT_NE(tp.available, Availability::Yes);
    GTEST_SKIP() << "bpf unavailable: " << bpf.detail;
  }
  // With BPF and the syscall tracepoints in tracefs, attaching must work as root.
  auto fs = ensure_tracefs();
  ASSERT_TRUE(fs);
  if (access((fs->path + "/events/raw_syscalls/sys_exit/id").c_str(), R_OK) == 0 && getuid() == 0) {
    EXPECT_EQ(tp.available, Availability::Yes) << tp.detail;
  }
  EXPECT_EQ(rb.available, Availability::Yes) << rb.detail;
}

TEST(Features, FexitRefusalNamesLockdown) {
  const Feature f = probe_fexit();
  auto mode = lockdown_mode();
  if (f.available == Availability::Yes) {
    SUCCEED() << f.detail;
    return;
  }
  if (contains(f.detail, "EPERM") && mode && *mode != Lockdown::None && getuid() == 0) {
    EXPECT_TRUE(contains(f.detail, "lockdown=" + std::string(to_string(*mode)) + " blocks it"))
        << f.detail;
  }
  EXPECT_FALSE(f.consequence.empty());
}

TEST(Features, KprobesMatchPmu) {
  const Feature f = probe_kprobes();
  const bool pmu = access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
  if (!pmu) {
    EXPECT_EQ(f.available, Availability::No) << f.detail;
    EXPECT_TRUE(contains(f.detail, "no kprobe PMU")) << f.detail;
  } else if (getuid() == 0) {
    auto mode = lockdown_mode();
    if (!mode || *mode == Lockdown::None) {
      EXPECT_EQ(f.available, Availability::Yes) << f.detail;
    }
  }
}

TEST(Features, FunctionGraphMatchesAvailableTracers) {
  auto fs = ensure_tracefs();
  if (!fs) GTEST_SKIP() << fs.error().message();
  const std::string tracers = slurp(fs->path + "/available_tracers");
  const Feature f = probe_function_graph();
  EXPECT_EQ(f.available == Availability::Yes, contains(tracers, "function_graph")) << f.detail;
}

TEST(Features, FtraceFilterLeavesNoInstance) {
  auto fs = ensure_tracefs();
  if (!fs) GTEST_SKIP() << fs.error().message();
  const Feature f = probe_ftrace_filter();
  const std::string mine = fs->path + "/instances/whyfail-probe-" + std::to_string(getpid());
  EXPECT_NE(access(mine.c_str(), F_OK), 0) << "probe left " << mine;
  // The function tracer must exist for the filter to be usable.
  const std::string tracers = slurp(fs->path + "/available_tracers");
  if (!contains(tracers, "function")) {
    EXPECT_NE(f.available, Availability::Yes) << f.detail;
  }
}

TEST(Features, LockdownDetailMatchesFile) {
  const Feature f = probe_lockdown();
  const std::string text = slurp("/sys/kernel/security/lockdown");
  if (text.empty()) GTEST_SKIP() << "no lockdown file: " << f.detail;
  const auto open = text.find('['), close = text.find(']');
  ASSERT_NE(open, std::string::npos);
  const std::string mode = text.substr(open + 1, close - open - 1);
  EXPECT_EQ(f.detail, "lockdown=" + mode);
  EXPECT_EQ(f.available == Availability::Yes, mode == "none");
}

TEST(Features, SysctlDetailsMatchProcSys) {
  struct Case {
    Feature (*probe)();
    const char* path;
    const char* name;
  };
  for (const Case& c : {Case{probe_perf_event_paranoid, "/proc/sys/kernel/perf_event_paranoid",
                             "kernel.perf_event_paranoid="},
                        Case{probe_unprivileged_bpf, "/proc/sys/kernel/unprivileged_bpf_disabled",
                             "kernel.unprivileged_bpf_disabled="},
                        Case{probe_kptr_restrict, "/proc/sys/kernel/kptr_restrict",
                             "kernel.kptr_restrict="}}) {
    const std::string value = trimmed(slurp(c.path));
    if (value.empty()) continue;
    const Feature f = c.probe();
    EXPECT_TRUE(contains(f.detail, c.name + value)) << f.detail;
  }
}

TEST(Features, KallsymsMatchesFirstAddress) {
  std::ifstream in("/proc/kallsyms");
  std::string addr;
  in >> addr;
  const Feature f = probe_kptr_restrict();
  EXPECT_EQ(f.available == Availability::Yes,
            !addr.empty() && addr.find_first_not_of('0') != std::string::npos)
      << f.detail;
}

TEST(Features, IoUringMatchesSysctl) {
  const std::string v = trimmed(slurp("/proc/sys/kernel/io_uring_disabled"));
  const Feature f = probe_io_uring();
  if (v == "2") {
    EXPECT_EQ(f.available, Availability::No) << f.detail;
  }
  if (v == "0") {
    EXPECT_EQ(f.available, Availability::Yes) << f.detail;
  }
  if (v.empty()) GTEST_SKIP() << "kernel without kernel.io_uring_disabled";
}

TEST(Features, DebuginfoMatchesFiles) {
  struct utsname u {};
  ASSERT_EQ(uname(&u), 0);
  const std::string rel = u.release;
  const bool any = access(("/usr/lib/debug/boot/vmlinux-" + rel).c_str(), R_OK) == 0 ||
                   access(("/usr/lib/debug/lib/modules/" + rel + "/vmlinux").c_str(), R_OK) == 0 ||
                   access(("/lib/modules/" + rel + "/build/vmlinux").c_str(), R_OK) == 0 ||
                   access(("/boot/vmlinux-" + rel).c_str(), R_OK) == 0;
  const Feature f = probe_vmlinux_debuginfo();
  EXPECT_EQ(f.available == Availability::Yes, any) << f.detail;
}

TEST(Features, DebuginfodFollowsEnvironment) {
  const char* old = getenv("DEBUGINFOD_URLS");
  const std::string saved = old ? old : "";
  unsetenv("DEBUGINFOD_URLS");
  const Feature unset = probe_debuginfod();
  EXPECT_EQ(unset.available, Availability::No) << unset.detail;
  EXPECT_TRUE(contains(unset.detail, "(unset)")) << unset.detail;
  setenv("DEBUGINFOD_URLS", "https://debuginfod.example", 1);
  const Feature set = probe_debuginfod();
  EXPECT_TRUE(contains(set.detail, "https://debuginfod.example")) << set.detail;
  if (contains(set.detail, "libdebuginfod loads")) {
    EXPECT_EQ(set.available, Availability::Yes);
  }
  if (old) setenv("DEBUGINFOD_URLS", saved.c_str(), 1);
  else unsetenv("DEBUGINFOD_URLS");
}

}  // namespace
}  // namespace whyfail::platform
