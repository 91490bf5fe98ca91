// Helpers for the explainer tests: a scratch directory, a forked child that
// makes a real syscall and stays alive (like a tracee stopped at the exit)
// while the test explains it, and SyscallEvent construction from real results.
#pragma once

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "explain/explainer.h"
#include "trace/event.h"

namespace whyfail::explain::test {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

// The result of a raw syscall: the kernel's return value (-errno on failure).
inline int64_t raw(long r) { return r == -1 ? -static_cast<int64_t>(errno) : r; }

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/whyfail-explain-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    if (p) path_ = p;
    ::chmod(path_.c_str(), 0755);
  }
  ~TempDir() {
    if (path_.empty()) return;
    // Restore permissions so the removal can descend, then remove everything.
    ::nftw(path_.c_str(), [](const char* p, const struct stat* st, int type, FTW*) {
      if (type == FTW_D || type == FTW_DNR) ::chmod(p, 0700);
      (void)st;
      return 0;
    }, 16, FTW_PHYS);
    ::nftw(path_.c_str(), [](const char* p, const struct stat*, int, FTW*) { return ::remove(p); }, 16,
           FTW_DEPTH | FTW_PHYS);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& content, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);
  ::chmod(path.c_str(), mode);
}

// Becomes nobody:nogroup with no supplementary groups (and so no capabilities).
inline bool become_nobody() {
  return ::setgroups(0, nullptr) == 0 && ::setresgid(kNogroup, kNogroup, kNogroup) == 0 &&
         ::setresuid(kNobody, kNobody, kNobody) == 0;
}

// A forked child that runs `body` (which makes the failing call and returns
// its raw result), reports the result and then waits, alive, until the
// test is done with it.
class Child {
 public:
  explicit Child(const std::function<int64_t()>& body) {
    int res[2], hold[2];
    if (::pipe2(res, O_CLOEXEC) != 0 || ::pipe2(hold, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(res[0]);
      ::close(hold[1]);
      int64_t r = body();
      (void)!::write(res[1], &r, sizeof r);
      char c;
      (void)!::read(hold[0], &c, 1);  // until the parent closes its end
      ::_exit(0);
    }
    ::close(res[1]);
    ::close(hold[0]);
    hold_ = hold[1];
    if (::read(res[0], &ret_, sizeof ret_) != sizeof ret_) ret_ = 0;
    ::close(res[0]);
  }
  ~Child() {
    if (hold_ >= 0) ::close(hold_);
    if (pid_ > 0) {
      int st;
      ::waitpid(pid_, &st, 0);
    }
  }
  pid_t pid() const { return pid_; }
  int64_t ret() const { return ret_; }

 private:
  pid_t pid_ = -1;
  int hold_ = -1;
  int64_t ret_ = 0;
};

inline trace::SyscallEvent make_event(pid_t pid, int nr, std::initializer_list<uint64_t> args, int64_t ret) {
  trace::SyscallEvent ev;
  ev.pid = ev.tid = pid;
  ev.nr = nr;
  size_t i = 0;
  for (uint64_t a : args) {
    if (i < 6) ev.args[i++] = a;
  }
  ev.ret = ret;
  return ev;
}

inline void capture(trace::SyscallEvent& ev, int arg, const std::string& bytes) {
  trace::CapturedBytes c;
  c.bytes = bytes;
  ev.captured[static_cast<size_t>(arg)] = c;
}

inline uint64_t ptr(const void* p) { return reinterpret_cast<uint64_t>(p); }
inline uint64_t ptr(const std::string& s) { return reinterpret_cast<uint64_t>(s.c_str()); }

std::string dump(const Explanation& ex);

// WHYFAIL_TEST_DUMP=1 prints every explanation (to read the texts).
inline Explanation explain_live(const trace::SyscallEvent& ev) {
  ExplainContext ctx;
  ctx.live = true;
  Explanation ex = explain_failure(ev, ctx);
  if (std::getenv("WHYFAIL_TEST_DUMP")) std::fprintf(stderr, "%s", dump(ex).c_str());
  return ex;
}

inline const Cause* find_cause(const Explanation& ex, const std::string& code) {
  for (const auto& c : ex.causes)
    if (c.code == code) return &c;
  return nullptr;
}

inline std::string dump(const Explanation& ex) {
  std::string s;
  for (const auto& c : ex.causes) {
    s += "[" + c.code + "] " + c.text + (c.verified ? "" : " (unverified)") + "\n";
    for (const auto& e : c.evidence) s += "    " + e + "\n";
  }
  return s.empty() ? "(no causes)" : s;
}

#define SKIP_UNLESS_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (setresuid/mount)"

}  // namespace whyfail::explain::test
