// execve failures: permission, #! interpreter, ELF loader, bad header.
#include <fstream>
#include <iterator>

#include "test_support.h"

namespace whyfail::explain {
namespace {

using test::TempDir;

trace::SyscallEvent exec_event(const std::string& path, int64_t ret) {
  static char* const argv[] = {nullptr};
  auto ev = test::make_event(::getpid(), SYS_execve, {test::ptr(path), test::ptr(argv), test::ptr(argv)}, ret);
  test::capture(ev, 0, path);
  return ev;
}

int64_t try_exec(const std::string& path) {
  char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
  char* const envp[] = {nullptr};
  return test::raw(::syscall(SYS_execve, path.c_str(), argv, envp));
}

TEST(Exec, NotExecutableNamesTheMode) {
  TempDir t;
  std::string path = t / "tool";
  test::write_file(path, "#!/bin/sh\necho hi\n", 0644);
  int64_t r = try_exec(path);
  ASSERT_EQ(r, -EACCES);
  auto ex = test::explain_live(exec_event(path, r));
  const Cause* c = test::find_cause(ex, "exec.not-executable");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("0644"), std::string::npos) << c->text;
}

TEST(Exec, ScriptWithMissingInterpreter) {
  TempDir t;
  std::string path = t / "script";
  test::write_file(path, "#!/nonexistent/bin/interp -x\nprint\n", 0755);
  int64_t r = try_exec(path);
  ASSERT_EQ(r, -ENOENT);
  auto ex = test::explain_live(exec_event(path, r));
  const Cause* c = test::find_cause(ex, "exec.interpreter-missing");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("/nonexistent/bin/interp"), std::string::npos) << c->text;
  bool names_missing_dir = false;
  for (const auto& e : c->evidence) names_missing_dir |= e.find("\"nonexistent\"") != std::string::npos;
  EXPECT_TRUE(names_missing_dir) << test::dump(ex);
}

TEST(Exec, ScriptWithDosLineEndings) {
  TempDir t;
  std::string path = t / "dos";
  test::write_file(path, "#!/bin/sh\r\necho hi\r\n", 0755);
  int64_t r = try_exec(path);
  ASSERT_EQ(r, -ENOENT);
  auto ex = test::explain_live(exec_event(path, r));
  const Cause* c = test::find_cause(ex, "exec.interpreter-missing");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("carriage return"), std::string::npos) << c->text;
}

TEST(Exec, GarbageHeaderIsEnoexecWithTheFirstBytes) {
  TempDir t;
  std::string path = t / "garbage";
  test::write_file(path, std::string("\x01\x02ZZ garbage", 11), 0755);
  int64_t r = try_exec(path);
  ASSERT_EQ(r, -ENOEXEC);
  auto ex = test::explain_live(exec_event(path, r));
  const Cause* c = test::find_cause(ex, "exec.bad-format");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("01 02 5a 5a"), std::string::npos) << c->text;
}

TEST(Exec, MissingElfInterpreter) {
  TempDir t;
  std::string path = t / "prog";
  std::ifstream in("/bin/true", std::ios::binary);
  std::string elf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string loader = "/lib64/ld-linux-x86-64.so.2";
  size_t at = elf.find(loader);
  if (at == std::string::npos) GTEST_SKIP() << "/bin/true has no standard PT_INTERP";
  const std::string missing = "/lib64/ld-missing-x86-64.so";  // same length
  ASSERT_EQ(missing.size(), loader.size());
  elf.replace(at, loader.size(), missing);
  test::write_file(path, elf, 0755);
  int64_t r = try_exec(path);
  ASSERT_EQ(r, -ENOENT);
  auto ex = test::explain_live(exec_event(path, r));
  const Cause* c = test::find_cause(ex, "exec.elf-interpreter-missing");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find(missing), std::string::npos) << c->text;
}

TEST(Exec, MissingProgramIsAPathError) {
  TempDir t;
  std::string path = t / "bin/nothing";
  int64_t r = try_exec(path);
  ASSERT_EQ(r, -ENOENT);
  auto ex = test::explain_live(exec_event(path, r));
  ASSERT_NE(test::find_cause(ex, "path.missing-component"), nullptr) << test::dump(ex);
}

}  // namespace
}  // namespace whyfail::explain
