// Odd input never crashes an explainer: random events, paths with newlines
// and invalid UTF-8, processes that vanish while being read, random
// perf_event_attr bytes. Deterministic seeds, bounded time.
#include <chrono>
#include <cstring>
#include <random>

#include "explain/path_walk.h"
#include "explain/perf_event_attr.h"
#include "test_support.h"

namespace whyfail::explain {
namespace {

using Clock = std::chrono::steady_clock;

std::string random_bytes(std::mt19937_64& rng, size_t max) {
  std::uniform_int_distribution<size_t> len(0, max);
  std::string s(len(rng), '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string random_path(std::mt19937_64& rng, const std::string& base) {
  static const char* const parts[] = {"..", ".", "a", "loop1", "dir", "file", "x\ny", "\xff\xfe", "", "dir/",
                                      "nonexistent", "link-to-root", "file/sub", "-", "\x01"};
  std::string p = (rng() % 3 == 0) ? "" : base + "/";
  size_t n = rng() % 8;
  for (size_t i = 0; i < n; ++i) {
    p += parts[rng() % (sizeof parts / sizeof parts[0])];
    if (rng() % 4) p += "/";
  }
  if (rng() % 50 == 0) p += std::string(300 + rng() % 5000, 'z');
  return p;
}

TEST(Fuzz, RandomEventsNeverCrashTheExplainer) {
  test::TempDir t;
  ASSERT_EQ(::mkdir((t / "dir").c_str(), 0700), 0);
  test::write_file(t / "file", "#!/no/such\n", 0755);
  ::symlink("loop2", (t / "loop1").c_str());
  ::symlink("loop1", (t / "loop2").c_str());
  ::symlink("/", (t / "link-to-root").c_str());
  std::mt19937_64 rng(0x5eed);
  pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);

  const auto deadline = Clock::now() + std::chrono::seconds(6);
  int runs = 0;
  for (; runs < 20000 && Clock::now() < deadline; ++runs) {
    trace::SyscallEvent ev;
    switch (rng() % 4) {
      case 0: ev.pid = gone; break;
      case 1: ev.pid = static_cast<pid_t>(rng() % 100000); break;
      default: ev.pid = ::getpid(); break;
    }
    ev.tid = (rng() % 5 == 0) ? static_cast<pid_t>(rng()) : ev.pid;
    ev.nr = static_cast<int>(rng() % 460) - (rng() % 20 == 0 ? 500 : 0);
    for (auto& a : ev.args) {
      switch (rng() % 4) {
        case 0: a = rng(); break;
        case 1: a = rng() % 64; break;
        case 2: a = static_cast<uint64_t>(-static_cast<int64_t>(rng() % 200)); break;
        default: a = 0; break;
      }
    }
    ev.ret = -static_cast<int64_t>(1 + rng() % 140);
    if (rng() % 20 == 0) ev.ret = static_cast<int64_t>(rng());
    for (auto& c : ev.captured) {
      if (rng() % 2) continue;
      trace::CapturedBytes b;
      b.bytes = (rng() % 2) ? random_path(rng, t.path()) : random_bytes(rng, 300);
      b.truncated = rng() % 10 == 0;
      b.fault = rng() % 10 == 0;
      if (rng() % 5 == 0) b.parts = {static_cast<uint32_t>(rng() % 400), static_cast<uint32_t>(rng() % 10)};
      c = b;
    }
    ExplainContext ctx;
    ctx.live = rng() % 2;
    Explanation ex = explain_failure(ev, ctx);
    for (const auto& c : ex.causes) {
      ASSERT_FALSE(c.code.empty());
      for (char ch : c.text) ASSERT_FALSE(ch == '\n' || ch == '\r') << "unescaped control byte in: " << c.text;
    }
  }
  RecordProperty("runs", runs);
  EXPECT_GT(runs, 100);
}

TEST(Fuzz, ProcessVanishingDuringTheWalk) {
  test::TempDir t;
  ASSERT_EQ(::mkdir((t / "d").c_str(), 0755), 0);
  for (int i = 0; i < 60; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::usleep(static_cast<useconds_t>(i * 50));
      ::_exit(0);
    }
    ProcState proc(pid);
    WalkResult w = walk_path(proc, t / "d/../d/missing/x", WalkOptions{});
    (void)w;
    auto ev = test::make_event(pid, SYS_open, {0, O_RDONLY}, -ENOENT);
    test::capture(ev, 0, t / "d/missing\n/\xff");
    auto ex = test::explain_live(ev);
    EXPECT_FALSE(ex.causes.empty());
    ::waitpid(pid, nullptr, 0);
  }
}

TEST(Fuzz, RandomPerfEventAttrBytes) {
  std::mt19937_64 rng(42);
  PerfSystem sys = PerfSystem::read();
  for (int i = 0; i < 20000; ++i) {
    std::string b = random_bytes(rng, 300);
    if (b.size() >= 8 && rng() % 2) {
      uint32_t sz = static_cast<uint32_t>(rng() % 400);
      std::memcpy(&b[4], &sz, 4);
    }
    auto f = validate_perf_event_attr(b, static_cast<int>(rng() % 3) - 1, rng(), sys);
    for (const auto& x : f) ASSERT_FALSE(x.field.empty());
  }
}

}  // namespace
}  // namespace whyfail::explain
