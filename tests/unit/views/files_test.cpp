// `whyfail files` on the real kernel: the seed's `head FILE; echo hello >
// somefile` and two threads on two CPUs, compared with what the programs did.
#include "views/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "temp_cgroup.h"
#include "trace/bpf/process_launch.h"
#include "view_refusal.h"
#include "views/cgroup_filter.h"
#include "views/files_abi.h"
#include "views/files_loader.h"

namespace fs = std::filesystem;
using whyfail::views::FileEvent;
using whyfail::views::FilesLoader;
using whyfail::views::FileTimes;

namespace {

struct TracedRun : whyfail::views::testing::Outcome {
  std::vector<FileEvent> events;
  std::array<uint64_t, WF_FILES_CNT_MAX> counters{};
  int status = -1;
};

// Runs argv (cwd: dir) with its tree traced from its first instruction.
// `times` picks how records are built: at exit (text, -c) or at entry and
// exit (JSON); see files.bpf.c.
TracedRun run_traced(const std::vector<std::string>& argv, const fs::path& dir, int stdout_fd = -1,
                     FileTimes times = FileTimes::EnterExit) {
  TracedRun r;
  if (geteuid() != 0) {
    r.skip = "needs root for BPF";
    return r;
  }
  auto l = FilesLoader::load(getpid(), true, 0, [&](const void* d, std::size_t n) {
    auto e = whyfail::views::decode_file(d, n, 0);
    if (e) r.events.push_back(*e);
  }, {}, times);
  if (!l) {
    r.note(l.error());
    return r;
  }
  fs::path old = fs::current_path();
  fs::current_path(dir);
  int saved = -1;
  if (stdout_fd >= 0) {
    saved = dup(1);
    dup2(stdout_fd, 1);
  }
  auto c = whyfail::trace::bpf::HeldChild::fork_held(argv, getuid(), getgid());
  if (stdout_fd >= 0) {
    dup2(saved, 1);
    close(saved);
  }
  fs::current_path(old);
  if (!c) {
    r.note(c.error());
    return r;
  }
  if (auto a = (*l)->add_traced(c->pid()); !a) { c->abandon(); r.note(a.error()); return r; }
  if (auto a = (*l)->attach(); !a) { c->abandon(); r.note(a.error()); return r; }
  if (auto rel = c->release(); !rel) { r.note(rel.error()); return r; }
  for (;;) {
    (void)(*l)->poll(20);
    if (waitpid(c->pid(), &r.status, WNOHANG) == c->pid()) break;
  }
  for (int i = 0; i < 5; ++i) (void)(*l)->poll(20);
  r.counters = (*l)->counters();
  return r;
}

// What a failed expectation should show: the loader's loss counters and
// every record seen.
std::string describe(const TracedRun& r) {
  std::string out = "status " + std::to_string(r.status) + "; lost: ring " + std::to_string(r.counters[WF_FILES_CNT_LOST]) +
                    ", no slot " + std::to_string(r.counters[WF_FILES_CNT_NOSLOT]) + ", mismatch " +
                    std::to_string(r.counters[WF_FILES_CNT_MISMATCH]) + ", busy " +
                    std::to_string(r.counters[WF_FILES_CNT_BUSY]) + "\n";
  for (const FileEvent& e : r.events) out += whyfail::views::file_text(e) + "\n";
  return out;
}

}  // namespace

// Both ways of building records: at exit (text, -c) and at entry + exit (JSON).
class FilesBuilt : public ::testing::TestWithParam<FileTimes> {};
INSTANTIATE_TEST_SUITE_P(Files, FilesBuilt, ::testing::Values(FileTimes::Completion, FileTimes::EnterExit),
                         [](const auto& info) {
                           return std::string(info.param == FileTimes::Completion ? "AtExit" : "AtEntryAndExit");
                         });

TEST_P(FilesBuilt, HeadThenEchoToSomefile) {
  fs::path dir = fs::temp_directory_path() / ("views-files." + std::to_string(getpid()));
  fs::create_directories(dir);
  dir = fs::canonical(dir);
  fs::path motd = dir / "motd";
  std::string content;
  for (int i = 0; i < 30; ++i) content += "line " + std::to_string(i) + " of the motd\n";
  std::ofstream(motd) << content;
  TracedRun r = run_traced({"/bin/sh", "-c", "head " + motd.string() + "; echo hello > somefile"}, dir,
                     open("/dev/null", O_WRONLY | O_CLOEXEC), GetParam());
  VIEW_STOP_IF(r);
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
  // head's output: its first 10 lines.
  std::size_t ten = 0;
  for (int n = 0; n < 10; ++n) ten = content.find('\n', ten) + 1;

  int motd_opens = 0, some_opens = 0, some_writes = 0, head_out_writes = 0;
  uint64_t motd_read_bytes = 0;
  for (const FileEvent& e : r.events) {
    EXPECT_GE(e.exit_ns, e.enter_ns);
    // Every event renders as valid JSON and as text without control bytes.
    auto j = nlohmann::json::parse(whyfail::views::file_json(e));
    EXPECT_EQ(j["pid"].get<int>(), e.pid);
    for (unsigned char ch : whyfail::views::file_text(e)) {
      EXPECT_FALSE(ch < 0x20 || ch == 0x7f);
    }
    if (e.path[0].present && e.path[0].path == motd.string()) {
      if (e.syscall == "openat" || e.syscall == "open") {
        ++motd_opens;
        EXPECT_GE(e.ret, 0);
        EXPECT_TRUE(e.path[0].resolved);
        EXPECT_NE(whyfail::views::file_text(e).find("O_RDONLY"), std::string::npos) << whyfail::views::file_text(e);
      }
      if (e.syscall == "read" && e.ret > 0) motd_read_bytes += static_cast<uint64_t>(e.ret);
    }
    if (e.path[0].present && e.path[0].path == (dir / "somefile").string()) {
      if (e.syscall == "openat" || e.syscall == "open") {
        ++some_opens;
        std::string t = whyfail::views::file_text(e);
        EXPECT_NE(t.find("O_WRONLY|O_CREAT|O_TRUNC"), std::string::npos) << t;
        EXPECT_NE(t.find(" 0666"), std::string::npos) << t;
      }
      if (e.syscall == "write") {
        ++some_writes;
        EXPECT_EQ(e.ret, 6);  // "hello\n"
      }
    }
    if (e.syscall == "write" && e.path[0].path == "/dev/null" && e.comm == "head") {
      ++head_out_writes;
      EXPECT_EQ(static_cast<std::size_t>(e.ret), ten);
    }
  }
  EXPECT_EQ(motd_opens, 1);
  EXPECT_EQ(motd_read_bytes, content.size());  // head reads it all (< one buffer), then EOF
  EXPECT_EQ(some_opens, 1);
  EXPECT_EQ(some_writes, 1);
  EXPECT_EQ(head_out_writes, 1);
  EXPECT_EQ(r.counters[WF_FILES_CNT_LOST], 0u);
  EXPECT_EQ(r.counters[WF_FILES_CNT_NOSLOT], 0u);
  fs::remove_all(dir);
}

TEST_P(FilesBuilt, TwoThreadsOnTwoCpusEveryExitPairedWithItsEntry) {
  fs::path dir = fs::temp_directory_path() / ("views-threads." + std::to_string(getpid()));
  fs::create_directories(dir);
  dir = fs::canonical(dir);
  const fs::path f0 = dir / "zero", f1 = dir / "one";
  std::ofstream(f0) << std::string(1000, 'a');
  std::ofstream(f1) << std::string(2345, 'b');
  const int n = 2000;
  fs::path out = dir / "tids";
  int ofd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  TracedRun r = run_traced({std::string(PROGS_DIR) + "/views_files_threads", f0.string(), f1.string(), std::to_string(n)},
                     dir, ofd, GetParam());
  close(ofd);
  VIEW_STOP_IF(r);
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
  pid_t tid[2] = {0, 0};
  std::ifstream(out) >> tid[0] >> tid[1];
  ASSERT_GT(tid[0], 0);
  const std::string file[2] = {f0.string(), f1.string()};
  const int64_t size[2] = {1000, 2345};
  std::map<pid_t, std::map<std::string, int>> seen;
  for (const FileEvent& e : r.events) {
    for (int i = 0; i < 2; ++i) {
      if (e.tid != tid[i]) {
        continue;
      }
      if (e.syscall == "openat" || e.syscall == "read" || e.syscall == "close") {
        ASSERT_EQ(e.path[0].path, file[i]) << whyfail::views::file_text(e);
        if (e.syscall == "read") {
          EXPECT_EQ(e.ret, size[i]);
        }
        seen[e.tid][e.syscall]++;
      }
    }
  }
  for (pid_t t : tid) {
    EXPECT_EQ(seen[t]["openat"], n);
    EXPECT_EQ(seen[t]["read"], n);
    EXPECT_EQ(seen[t]["close"], n);
  }
  EXPECT_EQ(r.counters[WF_FILES_CNT_LOST], 0u);
  EXPECT_EQ(r.counters[WF_FILES_CNT_MISMATCH], 0u);
  fs::remove_all(dir);
}

// --cgroup: system-wide, two children open a missing file each, one from
// inside a fresh cgroup v2 directory: only its calls are reported.
// The kernel side caches a path per (dentry, mount); a rename must not leave
// a stale one. A file stays open across a rename of its directory, then of
// itself: each write through it shows the path it has at that moment.
TEST_P(FilesBuilt, WritesAfterRenamesShowTheNewPath) {
  fs::path dir = fs::temp_directory_path() / ("views_files_rename." + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "d1");
  dir = fs::canonical(dir);
  TracedRun r = run_traced({"/bin/sh", "-c",
                            "exec 3>d1/f; echo one >&3; mv d1 d2; echo two >&3; mv d2/f d2/g; echo three >&3"},
                           dir, -1, GetParam());
  VIEW_STOP_IF(r);
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << describe(r);
  std::vector<std::string> write_paths;
  for (const FileEvent& e : r.events)
    if (e.syscall == "write" && e.comm == "sh" && e.ret > 0) write_paths.push_back(e.path[0].path);
  ASSERT_EQ(write_paths.size(), 3u) << describe(r);
  EXPECT_EQ(write_paths[0], (dir / "d1" / "f").string()) << describe(r);
  EXPECT_EQ(write_paths[1], (dir / "d2" / "f").string()) << describe(r);
  EXPECT_EQ(write_paths[2], (dir / "d2" / "g").string()) << describe(r);
  fs::remove_all(dir);
}

TEST(Files, CgroupFilterKeepsOnlyCallsInsideTheCgroup) {
  TempCgroup cg("files-test");
  if (!cg.skip.empty()) GTEST_SKIP() << cg.skip;
  auto filter = whyfail::views::resolve_cgroup(cg.name);
  ASSERT_TRUE(filter) << filter.error().message();
  std::vector<FileEvent> events;
  auto l = FilesLoader::load(getpid(), false, 0, [&](const void* d, std::size_t n) {
    auto e = whyfail::views::decode_file(d, n, 0);
    if (e) events.push_back(*e);
  }, *filter);
  if (!l) VIEW_SKIP_OR_FAIL(l.error());
  if (auto a = (*l)->attach(); !a) VIEW_SKIP_OR_FAIL(a.error());
  const std::string inside = "/nonexistent-whyfail-cgroup/inside-" + std::to_string(getpid());
  const std::string outside = "/nonexistent-whyfail-cgroup/outside-" + std::to_string(getpid());
  auto run = [&](bool in, const std::string& path) {
    pid_t c = fork();
    if (c == 0) {
      if (in && !cg.enter()) _exit(3);
      for (int i = 0; i < 3; ++i) open(path.c_str(), O_RDONLY | O_CLOEXEC);
      _exit(0);
    }
    int st = 0;
    waitpid(c, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "child " << (in ? "inside" : "outside");
    return c;
  };
  pid_t in = run(true, inside);
  pid_t out = run(false, outside);
  for (int i = 0; i < 10; ++i) (void)(*l)->poll(20);
  int opens_in = 0;
  for (const FileEvent& e : events) {
    EXPECT_EQ(e.pid, in) << whyfail::views::file_text(e);  // nothing from outside the cgroup
    if (e.path[0].present && e.path[0].path == inside && e.ret == -ENOENT) ++opens_in;
    EXPECT_FALSE(e.path[0].present && e.path[0].path == outside);
  }
  (void)out;
  EXPECT_EQ(opens_in, 3);
}
