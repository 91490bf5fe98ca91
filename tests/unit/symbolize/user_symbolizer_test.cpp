// The user-space symbolizer on real ELF files: this test binary itself (built
// with symbols and debug info), a stripped copy of it with the original
// findable by build-id, and call-site keys of the same code in two exec'd
// runs (different load addresses under ASLR).
#include "symbolize/user_symbolizer.h"

#include <execinfo.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "symbolize/call_site.h"

using whyfail::symbolize::call_site_key;
using whyfail::symbolize::FrameSource;
using whyfail::symbolize::UserFrame;
using whyfail::symbolize::UserSymbolizer;
namespace fs = std::filesystem;

// Out of line and with C names, so that the symbol names are known.
extern "C" {
__attribute__((noinline)) int whyfail_test_marker(int x) {
  return x * 7 + 3;  // marker line
}
__attribute__((noinline)) uint64_t whyfail_test_callee() {
  uint64_t ra = reinterpret_cast<uint64_t>(__builtin_return_address(0));
  asm volatile("" ::: "memory");
  return ra;
}
__attribute__((noinline)) uint64_t whyfail_test_caller() {
  uint64_t ra = whyfail_test_callee();  // call line
  asm volatile("" ::: "memory");
  return ra + 0;
}
// Two call sites of one helper: their stacks differ only in the caller.
__attribute__((noinline)) std::string whyfail_test_probe(int nr) {
  void* pcs[32];
  int n = backtrace(pcs, 32);
  std::vector<uint64_t> addrs;
  for (int i = 0; i < n; ++i) addrs.push_back(reinterpret_cast<uint64_t>(pcs[i]));
  UserSymbolizer s;
  // backtrace()'s own frame is libgcc's unwinder: pcs[0] is a return address into this function.
  std::vector<bool> activation(addrs.size(), false);
  auto frames = s.symbolize_live(getpid(), addrs, &activation, false);
  asm volatile("" ::: "memory");
  return call_site_key(nr, frames) + " " + std::to_string(addrs.empty() ? 0 : addrs[0]);
}
__attribute__((noinline)) std::string whyfail_test_site_a() {
  std::string r = whyfail_test_probe(2);
  asm volatile("" ::: "memory");
  return r;
}
__attribute__((noinline)) std::string whyfail_test_site_b() {
  std::string r = whyfail_test_probe(2);
  asm volatile("" ::: "memory");
  return r;
}
}

namespace {

const char* kSource = WHYFAIL_SYMBOLIZE_TEST_SOURCE;

int line_of(const std::string& marker) {
  std::ifstream in(kSource);
  std::string s;
  for (int n = 1; std::getline(in, s); n++)
    if (s.find("// " + marker) != std::string::npos && s.find("line_of") == std::string::npos) return n;
  return 0;
}

std::string self() { return fs::read_symlink("/proc/self/exe"); }

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/whyfail-usym.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

bool have(const char* tool) {
  return system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

std::string basename_of(const std::string& p) { return fs::path(p).filename(); }

int open_fds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

UserFrame live_frame(UserSymbolizer& s, uint64_t address, bool activation) {
  auto frames = s.symbolize_live(getpid(), {address}, nullptr, true);
  UserFrame f = frames.at(0);
  EXPECT_EQ(f.activation, true);  // the first pc is always taken as an interrupted one
  if (!activation) {
    UserFrame g;
    g.address = address;
    g.activation = false;
    EXPECT_TRUE(s.symbolize_address(getpid(), g, true));
    return g;
  }
  return f;
}

}  // namespace

TEST(UserSymbolizer, LiveAddressInThisBinary) {
  UserSymbolizer s;
  const uint64_t addr = reinterpret_cast<uint64_t>(&whyfail_test_marker);
  UserFrame f = live_frame(s, addr + 1, true);
  EXPECT_EQ(f.source, FrameSource::Maps);
  EXPECT_EQ(f.module, self());
  EXPECT_EQ(f.function, "whyfail_test_marker");
  EXPECT_EQ(f.function_offset, 1u);
  EXPECT_EQ(f.build_id.size(), 40u) << "the test binary is linked with a GNU build-id";
  EXPECT_NE(f.elf_address, 0u);
  EXPECT_EQ(basename_of(f.file), "user_symbolizer_test.cpp");
  EXPECT_GE(f.line, line_of("marker line") - 1);
  EXPECT_LE(f.line, line_of("marker line"));
}

TEST(UserSymbolizer, ReturnAddressNamesTheCallerAndTheCallLine) {
  UserSymbolizer s;
  const uint64_t ra = whyfail_test_caller();
  UserFrame f = live_frame(s, ra, false);
  EXPECT_EQ(f.function, "whyfail_test_caller");
  EXPECT_GT(f.function_offset, 0u);
  EXPECT_EQ(f.line, line_of("call line"));
  // The offset shown is the return address's own (as strace -k shows it).
  EXPECT_EQ(f.address - f.function_offset, reinterpret_cast<uint64_t>(&whyfail_test_caller));
}

TEST(UserSymbolizer, BuildIdAndOffsetWithoutTheProcess) {
  UserSymbolizer live;
  UserFrame f = live_frame(live, reinterpret_cast<uint64_t>(&whyfail_test_marker) + 2, true);
  ASSERT_FALSE(f.build_id.empty());

  // A fresh symbolizer that never saw this process (nor looks at its own
  // files, which here are this test's): it knows the file from an exec
  // (note_file), by build-id.
  UserSymbolizer after({"/nonexistent"}, false);
  UserFrame g;
  g.build_id = f.build_id;
  g.offset = f.offset;
  g.activation = true;
  after.symbolize_build_id(g);
  EXPECT_EQ(g.function, "") << "unknown build-id, no debug dir: nothing to read";
  after.note_file(self());
  UserFrame h;
  h.build_id = f.build_id;
  h.offset = f.offset;
  h.activation = true;
  after.symbolize_build_id(h);
  EXPECT_EQ(h.source, FrameSource::BuildId);
  EXPECT_EQ(h.function, "whyfail_test_marker");
  EXPECT_EQ(h.function_offset, 2u);
  EXPECT_EQ(h.module, self());
  EXPECT_EQ(h.line, f.line);
}

TEST(UserSymbolizer, BuildIdFoundInADebugDirectory) {
  UserSymbolizer live;
  UserFrame f = live_frame(live, reinterpret_cast<uint64_t>(&whyfail_test_marker), true);
  ASSERT_EQ(f.build_id.size(), 40u);
  TempDir tmp;
  fs::path dir = tmp.path / ".build-id" / f.build_id.substr(0, 2);
  fs::create_directories(dir);
  fs::copy_file(self(), dir / (f.build_id.substr(2) + ".debug"));
  UserSymbolizer s({tmp.path.string()}, false);
  UserFrame g;
  g.build_id = f.build_id;
  g.offset = f.offset;
  g.activation = true;
  s.symbolize_build_id(g);
  EXPECT_EQ(g.function, "whyfail_test_marker");
  EXPECT_EQ(g.module, "") << "found by build-id only: the process's path is unknown";
}

TEST(UserSymbolizer, StrippedCopyNamedFromItsDebugFile) {
  if (!have("strip") || !have("objcopy")) GTEST_SKIP() << "binutils (strip, objcopy) not installed";
  UserSymbolizer live;
  UserFrame f = live_frame(live, reinterpret_cast<uint64_t>(&whyfail_test_marker) + 1, true);
  ASSERT_EQ(f.build_id.size(), 40u);
  TempDir tmp;
  const fs::path stripped = tmp.path / "stripped";
  ASSERT_EQ(system(("strip -o " + stripped.string() + " " + self()).c_str()), 0);
  const fs::path debug_dir = tmp.path / "dbg";
  fs::create_directories(debug_dir / ".build-id" / f.build_id.substr(0, 2));
  const fs::path debug_file = debug_dir / ".build-id" / f.build_id.substr(0, 2) / (f.build_id.substr(2) + ".debug");
  ASSERT_EQ(system(("objcopy --only-keep-debug " + self() + " " + debug_file.string()).c_str()), 0);

  // Without the debug file, the stripped copy has no name for a local function.
  {
    UserSymbolizer s({(tmp.path / "nothing").string()}, false);
    s.note_file(stripped);
    UserFrame g;
    g.build_id = f.build_id;
    g.offset = f.offset;
    g.activation = true;
    s.symbolize_build_id(g);
    EXPECT_EQ(g.module, stripped.string());
    EXPECT_NE(g.function, "whyfail_test_marker");
  }
  UserSymbolizer s({debug_dir.string()}, false);
  s.note_file(stripped);
  UserFrame g;
  g.build_id = f.build_id;
  g.offset = f.offset;
  g.activation = true;
  s.symbolize_build_id(g);
  EXPECT_EQ(g.module, stripped.string());
  EXPECT_EQ(g.function, "whyfail_test_marker");
  EXPECT_EQ(g.function_offset, 1u);
  EXPECT_EQ(g.line, f.line);
}

TEST(UserSymbolizer, OwnFilesFindABuildIdNeverShown) {
  UserSymbolizer live;
  UserFrame f = live_frame(live, reinterpret_cast<uint64_t>(&printf), true);
  ASSERT_FALSE(f.build_id.empty());
  // libc's build-id, never shown to this symbolizer: found among its own maps.
  UserSymbolizer s({"/nonexistent"});
  UserFrame g;
  g.build_id = f.build_id;
  g.offset = f.offset;
  g.activation = true;
  s.symbolize_build_id(g);
  EXPECT_EQ(g.module, f.module);
  EXPECT_EQ(g.elf_address, f.elf_address);
  EXPECT_NE(g.function.find("printf"), std::string::npos) << g.function;  // or an alias: _IO_printf
}

TEST(UserSymbolizer, ClosesWhatItOpens) {
  const int before = open_fds();
  {
    UserSymbolizer s;
    live_frame(s, reinterpret_cast<uint64_t>(&whyfail_test_marker), true);
    live_frame(s, reinterpret_cast<uint64_t>(&printf), true);
  }
  EXPECT_EQ(open_fds(), before);
}

TEST(UserSymbolizer, LibcFrameIsNamedInsideItsFunction) {
  UserSymbolizer s;
  UserFrame f = live_frame(s, reinterpret_cast<uint64_t>(&printf) + 4, true);
  EXPECT_TRUE(whyfail::symbolize::is_c_runtime(f.module)) << f.module;
  // printf is exported; whatever table names it, the name must contain the address.
  EXPECT_NE(f.function.find("printf"), std::string::npos) << f.function;
  EXPECT_EQ(f.function_offset, 4u);
}

// Runs this test binary twice (fresh exec, so fresh load addresses) with
// WHYFAIL_CALL_SITE_CHILD set: the child prints the keys of two call sites
// and the address of the first frame instead of testing.
TEST(CallSiteKey, StableAcrossRunsWithASLR) {
  if (std::getenv("WHYFAIL_CALL_SITE_CHILD")) {
    std::printf("A %s\nB %s\n", whyfail_test_site_a().c_str(), whyfail_test_site_b().c_str());
    std::fflush(stdout);
    return;
  }
  std::ifstream aslr("/proc/sys/kernel/randomize_va_space");
  int level = 0;
  if (!(aslr >> level) || level == 0) GTEST_SKIP() << "ASLR is off: two runs would not differ in addresses";
  auto run = [] {
    std::string cmd = "WHYFAIL_CALL_SITE_CHILD=1 " + self() + " --gtest_filter=CallSiteKey.StableAcrossRunsWithASLR";
    std::map<std::string, std::pair<std::string, std::string>> out;
    FILE* p = popen(cmd.c_str(), "r");
    char line[512];
    while (p && std::fgets(line, sizeof line, p)) {
      char tag[8], key[64], addr[64];
      if (std::sscanf(line, "%7s %63s %63s", tag, key, addr) == 3 && (tag == std::string("A") || tag == std::string("B")))
        out[tag] = {key, addr};
    }
    if (p) pclose(p);
    return out;
  };
  auto first = run(), second = run();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_NE(first["A"].second, second["A"].second) << "the two runs were loaded at the same address";
  EXPECT_EQ(first["A"].first.size(), 16u);
  EXPECT_EQ(first["A"].first, second["A"].first);
  EXPECT_EQ(first["B"].first, second["B"].first);
  EXPECT_NE(first["A"].first, first["B"].first) << "two call sites, one key";
}

namespace {
UserFrame frame(const std::string& module, uint64_t offset, const std::string& build_id = "") {
  UserFrame f;
  f.module = module;
  f.offset = offset;
  f.build_id = build_id;
  f.address = 0x7f0000000000 + offset;  // never part of the key
  return f;
}
}  // namespace

TEST(CallSiteKey, SkipsTheCRuntimeInnermostAndKeysTheRest) {
  const std::string libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
  auto k1 = call_site_key(257, {frame(libc, 0x10f1ba), frame("/bin/prog", 0x1172), frame("/bin/prog", 0x1185)});
  auto k2 = call_site_key(257, {frame(libc, 0x999), frame(libc, 0x888), frame("/bin/prog", 0x1172),
                                frame("/bin/prog", 0x1185)});
  EXPECT_EQ(k1.size(), 16u);
  EXPECT_EQ(k1, k2) << "libc's wrappers are not part of the site";
  EXPECT_NE(k1, call_site_key(2, {frame(libc, 0x10f1ba), frame("/bin/prog", 0x1172), frame("/bin/prog", 0x1185)}))
      << "the syscall is part of the site";
  EXPECT_NE(k1, call_site_key(257, {frame(libc, 0x10f1ba), frame("/bin/prog", 0x1172), frame("/bin/prog", 0x1190)}))
      << "another caller of the same helper";
  // The build-id names the module when known: a copy elsewhere is the same site.
  EXPECT_EQ(call_site_key(1, {frame("/a/prog", 0x10, "abcd"), frame("/a/prog", 0x20, "abcd")}),
            call_site_key(1, {frame("/b/copy", 0x10, "abcd"), frame("/b/copy", 0x20, "abcd")}));
  // Frames past a signal-interrupted pc depend on timing: not part of the key.
  UserFrame interrupted = frame("/bin/prog", 0x4444);
  interrupted.activation = true;
  EXPECT_EQ(call_site_key(1, {frame("/bin/prog", 0x10), frame(libc, 0x20), interrupted}),
            call_site_key(1, {frame("/bin/prog", 0x10), frame(libc, 0x20)}));
  EXPECT_EQ(call_site_key(1, {}), "");
  // Only C runtime frames (ld.so at start-up): keyed by those.
  EXPECT_NE(call_site_key(9, {frame("/lib64/ld-linux-x86-64.so.2", 0x100)}),
            call_site_key(9, {frame("/lib64/ld-linux-x86-64.so.2", 0x200)}));
}

TEST(CallSiteKey, CRuntimeModules) {
  using whyfail::symbolize::is_c_runtime;
  EXPECT_TRUE(is_c_runtime("/usr/lib/x86_64-linux-gnu/libc.so.6"));
  EXPECT_TRUE(is_c_runtime("/lib64/ld-linux-x86-64.so.2"));
  EXPECT_TRUE(is_c_runtime("/lib/x86_64-linux-gnu/libpthread-2.31.so"));
  EXPECT_TRUE(is_c_runtime("[vdso]"));
  EXPECT_FALSE(is_c_runtime("/usr/bin/cp"));
  EXPECT_FALSE(is_c_runtime("/usr/lib/libc-client.so.2007e"));
  EXPECT_FALSE(is_c_runtime("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"));
}
