// The path walker against real directory trees, as the test process and as
// a child with other credentials.
#include "explain/path_walk.h"

#include "test_support.h"

namespace whyfail::explain {
namespace {

using test::TempDir;

TEST(PathWalk, ResolvesExistingFileThroughRelativeSymlink) {
  TempDir t;
  ASSERT_EQ(::mkdir((t / "d").c_str(), 0755), 0);
  test::write_file(t / "d/f", "x", 0644);
  ASSERT_EQ(::symlink("d/f", (t / "link").c_str()), 0);
  ProcState self(::getpid());
  WalkResult w = walk_path(self, t / "link", WalkOptions{});
  ASSERT_EQ(w.status, WalkStatus::Ok) << w.detail;
  EXPECT_TRUE(w.final_exists);
  EXPECT_TRUE(S_ISREG(w.final_st.st_mode));
  ASSERT_EQ(w.links.size(), 1u);
  EXPECT_NE(w.links[0].find("-> d/f"), std::string::npos);
}

TEST(PathWalk, ReportsMissingMiddleComponentAndItsParent) {
  TempDir t;
  ASSERT_EQ(::mkdir((t / "a").c_str(), 0755), 0);
  ProcState self(::getpid());
  WalkResult w = walk_path(self, t / "a/nope/file", WalkOptions{});
  ASSERT_EQ(w.status, WalkStatus::Missing);
  EXPECT_EQ(w.component, "nope");
  EXPECT_EQ(w.failing_dir, t / "a");
}

TEST(PathWalk, DotDotStopsAtProcessRoot) {
  ProcState self(::getpid());
  WalkResult w = walk_path(self, "/../../etc/..", WalkOptions{});
  ASSERT_EQ(w.status, WalkStatus::Ok) << w.detail;
  EXPECT_EQ(w.final_path, "/");
}

TEST(PathWalk, RelativeToTheTraceeCwdNotOurs) {
  SKIP_UNLESS_ROOT();
  TempDir t;
  ASSERT_EQ(::mkdir((t / "work").c_str(), 0755), 0);
  test::write_file(t / "work/only-here", "", 0644);
  std::string dir = t / "work";
  test::Child child([&] { return test::raw(::chdir(dir.c_str())); });
  ASSERT_EQ(child.ret(), 0);
  ProcState proc(child.pid());
  WalkResult w = walk_path(proc, "only-here", WalkOptions{});
  ASSERT_EQ(w.status, WalkStatus::Ok) << w.detail;
  EXPECT_EQ(w.final_path, t / "work/only-here");
}

TEST(PathWalk, DacRulesMatchTheKernel) {
  Creds c;
  c.valid = true;
  c.fsuid = 1000;
  c.fsgid = 1000;
  struct stat st {};
  st.st_mode = S_IFREG | 0640;
  st.st_uid = 0;
  st.st_gid = 1000;
  EXPECT_TRUE(may_access(c, st, R_OK));
  EXPECT_FALSE(may_access(c, st, W_OK));
  c.cap_eff = 1ULL << 1;  // CAP_DAC_OVERRIDE
  EXPECT_TRUE(may_access(c, st, W_OK));
  EXPECT_FALSE(may_access(c, st, X_OK)) << "no x bit at all: even CAP_DAC_OVERRIDE cannot execute";
  st.st_mode = S_IFDIR | 0700;
  EXPECT_TRUE(may_access(c, st, X_OK)) << "directories are always searchable with CAP_DAC_OVERRIDE";
  c.cap_eff = 1ULL << 2;  // CAP_DAC_READ_SEARCH
  EXPECT_TRUE(may_access(c, st, R_OK | X_OK));
  EXPECT_FALSE(may_access(c, st, W_OK));
}

}  // namespace
}  // namespace whyfail::explain
