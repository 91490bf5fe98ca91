// file:line and build-ids on real ELF files: this test binary itself (built
// with debug info), its build-id note extracted with objcopy, and a real
// debuginfod server serving it when the debuginfod package is installed.
#include "symbolize/dwarf_lines.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using whyfail::symbolize::DwarfLines;
namespace fs = std::filesystem;

namespace {

// A function with a known line, kept out of line so that it has a symbol.
__attribute__((noinline)) int marker_function(int x) {
  return x * 3 + 1;  // marker line
}

// __FILE__ may be relative to the build directory (ccache base_dir).
const char* kSource = WHYFAIL_DWARF_TEST_SOURCE;

int marker_line() {
  std::ifstream in(kSource);
  std::string s;
  for (int n = 1; std::getline(in, s); n++)
    if (s.find("// marker line") != std::string::npos && s.find("find") == std::string::npos) return n;
  return 0;
}

std::string self() { return fs::read_symlink("/proc/self/exe"); }

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/whyfail-dwarf.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

bool have(const char* tool) {
  return system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST(DwarfLines, FileAndLineOfAFunctionInThisBinary) {
  auto d = DwarfLines::open(self());
  ASSERT_TRUE(d) << d.error().message();
  auto addr = d->symbol_address("_ZN12_GLOBAL__N_115marker_functionEi");
  ASSERT_TRUE(addr) << "no symbol for marker_function";
  // The ELF is position independent: run-time = link-time + load bias.
  ASSERT_EQ(marker_function(2), 7);
  d->set_bias(int64_t(reinterpret_cast<uint64_t>(&marker_function) - *addr));
  bool found_line = false;
  for (uint64_t off = 0; off < 32 && !found_line; off++) {
    auto sl = d->lookup(reinterpret_cast<uint64_t>(&marker_function) + off);
    ASSERT_TRUE(sl);
    EXPECT_EQ(fs::path(sl->file).filename().string(), "dwarf_lines_test.cpp");
    found_line = sl->line == marker_line();
  }
  EXPECT_TRUE(found_line) << "no address of marker_function maps to line " << marker_line();
}

TEST(DwarfLines, SourceAroundALine) {
  int line = marker_line();
  ASSERT_GT(line, 0) << kSource;
  auto src = DwarfLines::source_around(kSource, line, 1);
  ASSERT_EQ(src.size(), 3u);
  EXPECT_NE(src[1].find("// marker line"), std::string::npos);
  EXPECT_EQ(src[1][0], '>');
  EXPECT_TRUE(DwarfLines::source_around("/nonexistent/file.c", 10, 2).empty());
}

TEST(DwarfLines, BuildIdFromANotesFileMatchesLibdw) {
  if (!have("objcopy")) GTEST_SKIP() << "objcopy (binutils) not installed";
  TempDir t;
  fs::path notes = t.path / "notes";
  // The same layout as /sys/kernel/notes: the raw note section.
  std::string cmd = "objcopy -O binary --only-section=.note.gnu.build-id '" + self() + "' '" + notes.string() + "'";
  ASSERT_EQ(system(cmd.c_str()), 0);
  auto d = DwarfLines::open(self());
  ASSERT_TRUE(d) << d.error().message();
  std::string want = d->build_id();
  ASSERT_EQ(want.size(), 40u) << "this binary has no GNU build-id";
  EXPECT_EQ(DwarfLines::build_id_from_notes(notes.string()), want);
  EXPECT_EQ(DwarfLines::build_id_from_notes("/nonexistent"), "");
}

TEST(DwarfLines, RunningKernelHasABuildId) {
  if (access("/sys/kernel/notes", R_OK) != 0) GTEST_SKIP() << "no /sys/kernel/notes";
  std::string id = DwarfLines::build_id_from_notes();
  EXPECT_EQ(id.size(), 40u) << id;
}

// A real debuginfod serving a directory that holds a copy of this binary:
// fetch_debuginfo() must find it by build-id through libdebuginfod.
TEST(DwarfLines, FetchesDebuginfoFromADebuginfodServer) {
  if (!have("debuginfod")) GTEST_SKIP() << "debuginfod not installed (apt-get install debuginfod)";
  TempDir t;
  fs::create_directories(t.path / "serve");
  fs::copy_file(self(), t.path / "serve" / "prog");
  auto d = DwarfLines::open(self());
  ASSERT_TRUE(d);
  std::string id = d->build_id();
  int port = 20000 + getpid() % 20000;
  pid_t server = fork();
  if (server == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::string db = (t.path / "db.sqlite").string(), p = std::to_string(port);
    execlp("debuginfod", "debuginfod", "-F", (t.path / "serve").c_str(), "-p", p.c_str(), "-d", db.c_str(),
           "-t", "1", (char*)nullptr);
    _exit(127);
  }
  ASSERT_GT(server, 0);
  setenv("DEBUGINFOD_URLS", ("http://127.0.0.1:" + std::to_string(port)).c_str(), 1);
  setenv("DEBUGINFOD_TIMEOUT", "5", 1);
  // The server scans its directory after starting: retry for a while, each
  // time with a fresh cache (the client caches a miss for 10 minutes).
  whyfail::Result<std::string> fetched = whyfail::fail(ENOENT, "not tried");
  for (int i = 0; i < 60 && !fetched; i++) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    fs::create_directories(t.path / "cache" / std::to_string(i));
    setenv("DEBUGINFOD_CACHE_PATH", (t.path / "cache" / std::to_string(i)).c_str(), 1);
    fetched = DwarfLines::fetch_debuginfo(id);
  }
  kill(server, SIGTERM);
  waitpid(server, nullptr, 0);
  unsetenv("DEBUGINFOD_URLS");
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_TRUE(fs::path(*fetched).string().rfind((t.path / "cache").string(), 0) == 0) << *fetched;
  auto got = DwarfLines::open(*fetched);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->build_id(), id);
  EXPECT_TRUE(got->symbol_address("_ZN12_GLOBAL__N_115marker_functionEi"));
}

TEST(DwarfLines, FetchWithoutDebuginfodUrlsSaysSo) {
  unsetenv("DEBUGINFOD_URLS");
  auto r = DwarfLines::fetch_debuginfo("00112233445566778899aabbccddeeff00112233");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("DEBUGINFOD_URLS"), std::string::npos);
}
