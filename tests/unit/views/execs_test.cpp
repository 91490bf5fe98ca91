// `whyfail execs` on the real kernel: a three-level tree of real processes
// whose every exec attempt is logged by the program itself (manifest), then
// compared with what the BPF view reported.
#include "views/execs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/escape.h"
#include "view_refusal.h"
#include "views/cgroup_filter.h"
#include "views/execs_abi.h"
#include "views/execs_loader.h"

namespace fs = std::filesystem;
using whyfail::views::ExecEvent;
using whyfail::views::ExecsLoader;

namespace {

std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 1; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

struct Attempt {
  pid_t pid = 0, ppid = 0;
  std::string path;
  std::vector<std::string> argv;
  int err = 0;  // from a FAIL line
};

std::vector<Attempt> read_manifest(const std::string& file) {
  std::vector<Attempt> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "EXEC") {
      Attempt a;
      std::string p;
      ls >> a.pid >> a.ppid >> p;
      a.path = unhex(p);
      std::string arg;
      while (ls >> arg) a.argv.push_back(unhex(arg));
      out.push_back(a);
    } else if (kind == "FAIL") {
      pid_t pid;
      int err;
      ls >> pid >> err;
      for (auto it = out.rbegin(); it != out.rend(); ++it)
        if (it->pid == pid && it->err == 0) {
          it->err = err;
          break;
        }
    }
  }
  return out;
}

// Loads the view; the test is skipped (with the reason) when the kernel
// refuses by policy, and fails on any other error.
struct Session : whyfail::views::testing::Outcome {
  std::vector<ExecEvent> events;
  std::vector<std::string> bad;
  std::unique_ptr<ExecsLoader> loader;
  int64_t offset = 0;

  Session() {
    if (geteuid() != 0) {
      skip = "needs root for BPF";
      return;
    }
    auto l = ExecsLoader::load(getpid(), 0, false, [this](const void* d, std::size_t n) {
      auto e = whyfail::views::decode_exec(d, n, offset);
      if (e) events.push_back(*e);
      else bad.push_back(e.error().what);
    });
    if (!l) {
      note(l.error());
      return;
    }
    if (auto a = (*l)->attach(); !a) {
      note(a.error());
      return;
    }
    loader = std::move(*l);
  }
  // Polls until the child exits, then a little longer for the last records.
  int run_until_exit(pid_t child) {
    int st = -1;
    for (;;) {
      (void)loader->poll(20);
      pid_t w = waitpid(child, &st, WNOHANG);
      if (w == child) break;
    }
    for (int i = 0; i < 10; ++i) (void)loader->poll(20);
    return st;
  }
};

pid_t spawn(const std::vector<std::string>& argv, const std::string& cwd) {
  pid_t c = fork();
  if (c == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(120);
    std::vector<char*> v;
    for (const auto& a : argv) v.push_back(const_cast<char*>(a.c_str()));
    v.push_back(nullptr);
    execv(v[0], v.data());
    _exit(121);
  }
  return c;
}

const ExecEvent* find_exec(const std::vector<ExecEvent>& evs, const Attempt& a, int* count) {
  const ExecEvent* found = nullptr;
  *count = 0;
  for (const auto& e : evs)
    if (e.pid == a.pid && e.filename == a.path && e.argv == a.argv) {
      ++*count;
      found = &e;
    }
  return found;
}

}  // namespace

TEST(Execs, ThreeLevelTreeEveryExecArgvAndParent) {
  Session s;
  VIEW_STOP_IF(s);
  // A working directory whose name needs escaping too.
  fs::path dir = fs::temp_directory_path() / ("views exec \"dir\"." + std::to_string(getpid()));
  fs::create_directories(dir);
  dir = fs::canonical(dir);
  std::string manifest = (dir / "manifest").string();
  std::string script = (dir / "views-script.sh").string();
  {
    std::ofstream sc(script);
    sc << "#!/bin/sh\nexit 0\n";
  }
  chmod(script.c_str(), 0755);
  std::string prog = std::string(PROGS_DIR) + "/views_exec_tree";
  std::vector<std::string> argv0 = {prog, "L0", manifest, script};
  // The test's own exec of level 0 is logged here, as the program logs the others.
  pid_t child = spawn(argv0, dir.string());
  int st = s.run_until_exit(child);
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
  EXPECT_TRUE(s.bad.empty()) << s.bad.front();

  std::vector<Attempt> attempts = read_manifest(manifest);
  attempts.insert(attempts.begin(), Attempt{child, getpid(), prog, argv0, 0});
  // L0's exec, L1's, L2's, the failing one, the script.
  ASSERT_EQ(attempts.size(), 5u);
  int failures = 0, scripts = 0;
  for (const Attempt& a : attempts) {
    SCOPED_TRACE("exec of " + whyfail::report::escape_c(a.path) + " by pid " + std::to_string(a.pid));
    int n = 0;
    const ExecEvent* e = find_exec(s.events, a, &n);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(n, 1) << "one record per exec";
    EXPECT_EQ(e->ppid, a.ppid);
    EXPECT_EQ(e->uid, getuid());
    EXPECT_EQ(e->argc, a.argv.size());
    EXPECT_FALSE(e->args_truncated);
    EXPECT_EQ(e->cwd, dir.string());
    if (a.err) {
      ++failures;
      EXPECT_FALSE(e->succeeded);
      EXPECT_EQ(e->ret, -a.err);
      EXPECT_EQ(a.err, ENOENT);
    } else {
      EXPECT_TRUE(e->succeeded);
      EXPECT_EQ(e->ret, 0);
      std::string base = fs::path(a.path).filename().string().substr(0, WF_EXEC_COMM_LEN - 1);
      EXPECT_EQ(e->comm_after, base);
    }
    if (a.path == script) {
      ++scripts;
      EXPECT_EQ(e->interp, "/bin/sh");
    } else {
      EXPECT_TRUE(e->interp.empty()) << e->interp;
    }
    // The JSON line is valid and gives back the argv bytes.
    auto j = nlohmann::json::parse(whyfail::views::exec_json(*e));
    ASSERT_EQ(j["argv"].size(), a.argv.size());
    for (std::size_t i = 0; i < a.argv.size(); ++i) {
      const auto& v = j["argv"][i];
      std::string got = v.is_string() ? v.get<std::string>()
                                      : whyfail::report::unescape_non_utf8(v["str"].get<std::string>());
      EXPECT_EQ(got, a.argv[i]) << i;
    }
    // The text line holds no control byte from the argv.
    std::string text = whyfail::views::exec_text(*e);
    for (unsigned char c : text) EXPECT_FALSE(c < 0x20 || c == 0x7f) << "control byte in: " << text;
  }
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(scripts, 1);
  // Comm before the exec: L1 and L2 were forked by views_exec_tree.
  int n = 0;
  EXPECT_EQ(find_exec(s.events, attempts[1], &n)->comm_before, "views_exec_tree");
  auto c = s.loader->counters();
  EXPECT_EQ(c[WF_EXEC_CNT_LOST], 0u);
  fs::remove_all(dir);
}

TEST(Execs, LongArgvIsCountedAndTruncationShown) {
  Session s;
  VIEW_STOP_IF(s);
  const int nargs = WF_EXEC_MAX_ARGS + 100;
  std::string prog = std::string(PROGS_DIR) + "/views_exec_tree";
  pid_t child = spawn({prog, "MANY", std::to_string(nargs)}, "/");
  int st = s.run_until_exit(child);
  ASSERT_TRUE(WIFEXITED(st));
  ASSERT_EQ(WEXITSTATUS(st), 0);
  const ExecEvent* e = nullptr;
  for (const auto& ev : s.events)
    if (ev.pid == child && ev.filename == "/bin/true") e = &ev;
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->argc, static_cast<uint32_t>(nargs + 1));
  EXPECT_EQ(e->argv.size(), static_cast<std::size_t>(WF_EXEC_MAX_ARGS));
  EXPECT_TRUE(e->args_truncated);
  EXPECT_EQ(e->argv[WF_EXEC_MAX_ARGS - 1], "many-" + std::to_string(WF_EXEC_MAX_ARGS - 1));
  EXPECT_NE(whyfail::views::exec_text(*e).find("not shown"), std::string::npos);
  auto j = nlohmann::json::parse(whyfail::views::exec_json(*e));
  EXPECT_TRUE(j["argv_truncated"].get<bool>());
  EXPECT_EQ(e->cwd, "/");
}

TEST(Execs, TreeModeReportsEachProcessEndWithItsStatus) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for BPF";
  std::map<pid_t, wf_exit_rec> exits;
  auto l = ExecsLoader::load(getpid(), 0, true, [&](const void* d, std::size_t n) {
    if (n >= sizeof(wf_exit_rec) && *static_cast<const uint32_t*>(d) == WF_EXEC_KIND_EXIT) {
      wf_exit_rec x;
      std::memcpy(&x, d, sizeof x);
      exits[static_cast<pid_t>(x.pid)] = x;
    }
  });
  if (!l) VIEW_SKIP_OR_FAIL(l.error());
  if (auto a = (*l)->attach(); !a) VIEW_SKIP_OR_FAIL(a.error());
  // sh exits 3 after a child sleep; the parent sees the same statuses through wait().
  pid_t child = spawn({"/bin/sh", "-c", "sleep 0.05; exit 3"}, "/");
  int st = -1;
  for (;;) {
    (void)(*l)->poll(20);
    if (waitpid(child, &st, WNOHANG) == child) break;
  }
  for (int i = 0; i < 5; ++i) (void)(*l)->poll(20);
  ASSERT_TRUE(exits.count(child));
  const wf_exit_rec& x = exits[child];
  EXPECT_EQ(x.exit_code, st);  // the same wait status the parent got
  EXPECT_EQ(static_cast<pid_t>(x.ppid), getpid());
  EXPECT_GE(x.exit_ns - x.start_ns, 50000000u);  // it slept 50 ms
}

// --cgroup: a child moved into a fresh cgroup v2 directory execs, another
// child outside it execs too; only the first is reported (filtered in the kernel).
TEST(Execs, CgroupFilterKeepsOnlyExecsInsideTheCgroup) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for BPF and cgroups";
  std::string root;
  {
    std::ifstream in("/proc/self/mounts");
    std::string dev, dir, type, rest;
    while (in >> dev >> dir >> type && std::getline(in, rest))
      if (type == "cgroup2") { root = dir; break; }
  }
  if (root.empty()) GTEST_SKIP() << "no cgroup v2 mount";
  const std::string name = "whyfail-views-test-" + std::to_string(getpid());
  const std::string dir = root + "/" + name;
  if (mkdir(dir.c_str(), 0755) != 0) GTEST_SKIP() << "cannot create " << dir << ": " << strerror(errno);
  auto cg = whyfail::views::resolve_cgroup(name);
  ASSERT_TRUE(cg) << cg.error().message();
  std::vector<ExecEvent> events;
  auto l = ExecsLoader::load(getpid(), 0, false, [&](const void* d, std::size_t n) {
    auto e = whyfail::views::decode_exec(d, n, 0);
    if (e) events.push_back(*e);
  }, *cg);
  if (!l) { rmdir(dir.c_str()); VIEW_SKIP_OR_FAIL(l.error()); }
  if (auto a = (*l)->attach(); !a) { rmdir(dir.c_str()); VIEW_SKIP_OR_FAIL(a.error()); }
  auto run = [&](bool inside, const char* marker) {
    pid_t c = fork();
    if (c == 0) {
      if (inside) {
        std::ofstream(dir + "/cgroup.procs") << getpid() << std::flush;
      }
      execl("/bin/true", "true", marker, (char*)nullptr);
      _exit(127);
    }
    int st = 0;
    waitpid(c, &st, 0);
    return c;
  };
  pid_t in = run(true, "views-cgroup-inside");
  pid_t out = run(false, "views-cgroup-outside");
  for (int i = 0; i < 10; ++i) (void)(*l)->poll(20);
  rmdir(dir.c_str());
  int seen_in = 0, seen_out = 0;
  for (const auto& e : events) {
    if (e.pid == in && e.argv.size() == 2 && e.argv[1] == "views-cgroup-inside") ++seen_in;
    if (e.pid == out) ++seen_out;
    EXPECT_NE(e.pid, getpid());
  }
  EXPECT_EQ(seen_in, 1);
  EXPECT_EQ(seen_out, 0);
}

TEST(Execs, CgroupPathThatIsNotACgroupIsRefused) {
  auto proc = whyfail::views::resolve_cgroup("/proc");
  ASSERT_FALSE(proc);
  // One line: what is wrong with the path, and what to pass instead.
  const std::string m = proc.error().message();
  EXPECT_NE(m.find("/proc: not a cgroup v2 directory"), std::string::npos) << m;
  EXPECT_NE(m.find("pass a cgroup v2 directory under /sys/fs/cgroup"), std::string::npos) << m;
  EXPECT_NE(m.find("/proc/PID/cgroup"), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_FALSE(whyfail::views::resolve_cgroup("whyfail-no-such-cgroup-dir"));
  EXPECT_FALSE(whyfail::views::resolve_cgroup(""));
}
