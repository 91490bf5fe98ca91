// Struct decoders fed with bytes the kernel really produced in this test.
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "decode/structs/structs.h"
#include "round_trip.h"

namespace whyfail::decode::structs {
namespace {

using test::field;

std::string bytes_of(const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); }

std::string makedev_text(uint64_t maj, uint64_t min) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "makedev(%#llx, %#llx)", static_cast<unsigned long long>(maj),
                static_cast<unsigned long long>(min));
  return buf;
}

class TempFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/whyfail-decode-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    path_ = tmpl;
    ASSERT_EQ(write(fd, "hello, world\n", 13), 13);
    fchmod(fd, 0640);
    close(fd);
  }
  void TearDown() override { unlink(path_.c_str()); }
  std::string path_;
};

TEST_F(TempFile, StatOfARealFile) {
  struct stat st;
  ASSERT_EQ(syscall(SYS_stat, path_.c_str(), &st), 0);
  Value v = stat(bytes_of(&st, sizeof st));
  ASSERT_EQ(v.kind, Value::Kind::Struct);
  EXPECT_EQ(field(v, "st_size")->i, st.st_size);
  EXPECT_EQ(field(v, "st_ino")->u, st.st_ino);
  EXPECT_EQ(field(v, "st_nlink")->u, st.st_nlink);
  EXPECT_EQ(field(v, "st_uid")->u, st.st_uid);
  EXPECT_EQ(field(v, "st_mtime")->i, st.st_mtim.tv_sec);
  EXPECT_EQ(field(v, "st_dev")->text, makedev_text(major(st.st_dev), minor(st.st_dev)));
  const std::string mode = field(v, "st_mode")->text;
  ASSERT_EQ(mode.rfind("S_IFREG|", 0), 0u) << mode;
  EXPECT_EQ(std::stoul(mode.substr(8), nullptr, 8), st.st_mode & 07777);
  // A short capture is not misread.
  EXPECT_TRUE(stat(bytes_of(&st, 20)).truncated);
}

TEST(Structs, StatOfACharacterDeviceShowsRdev) {
  struct stat st;
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  Value v = stat(bytes_of(&st, sizeof st));
  EXPECT_EQ(field(v, "st_rdev")->text, makedev_text(major(st.st_rdev), minor(st.st_rdev)));
  EXPECT_EQ(field(v, "st_mode")->text.rfind("S_IFCHR|", 0), 0u);
}

TEST_F(TempFile, StatxOfARealFile) {
  struct statx stx;
  ASSERT_EQ(syscall(SYS_statx, AT_FDCWD, path_.c_str(), 0, STATX_BASIC_STATS, &stx), 0);
  Value v = statx(bytes_of(&stx, sizeof stx));
  EXPECT_EQ(field(v, "stx_size")->u, stx.stx_size);
  EXPECT_EQ(field(v, "stx_ino")->u, stx.stx_ino);
  EXPECT_EQ(field(v, "stx_dev")->text, makedev_text(stx.stx_dev_major, stx.stx_dev_minor));
  EXPECT_NE(field(v, "stx_mask")->text.find("STATX_"), std::string::npos);
}

TEST(Structs, RlimitOfThisProcess) {
  for (int res : {RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_AS}) {
    struct rlimit rl;
    ASSERT_EQ(syscall(SYS_getrlimit, res, &rl), 0);
    Value v = rlimit(bytes_of(&rl, sizeof rl));
    for (auto [name, lim] : {std::pair{"rlim_cur", rl.rlim_cur}, std::pair{"rlim_max", rl.rlim_max}}) {
      const Value* f = field(v, name);
      if (lim == RLIM_INFINITY)
        EXPECT_EQ(f->text, "RLIM_INFINITY");
      else
        EXPECT_EQ(f->u, lim);
    }
  }
}

TEST(Structs, SigsetFromTheKernel) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &block, &old), 0);
  uint64_t kernel_set = 0;
  // The kernel's 8-byte view of the mask, read back through the raw syscall.
  ASSERT_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, nullptr, &kernel_set, 8), 0);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  Value v = sigset(bytes_of(&kernel_set, 8));
  // Every signal the kernel reports as blocked is named, no more.
  std::string t = v.text;
  EXPECT_NE(t.find("INT"), std::string::npos) << t;
  EXPECT_NE(t.find("TERM"), std::string::npos) << t;
  EXPECT_EQ(t.front(), '[');
  int names = t == "[]" ? 0 : 1 + static_cast<int>(std::count(t.begin(), t.end(), ' '));
  EXPECT_EQ(names, __builtin_popcountll(kernel_set)) << t;
  uint64_t all = ~0ull;
  EXPECT_EQ(sigset(bytes_of(&all, 8)).text, "~[]");
}

TEST(Structs, KernelSigactionLayout) {
  // Install a handler, then read it back in the kernel's own layout.
  struct KernelSigaction {
    uint64_t handler, flags, restorer, mask;
  } ksa{};
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  ASSERT_EQ(syscall(SYS_rt_sigaction, SIGUSR1, nullptr, &ksa, 8), 0);
  sigaction(SIGUSR1, &old, nullptr);
  Value v = kernel_sigaction(bytes_of(&ksa, sizeof ksa));
  EXPECT_EQ(field(v, "sa_handler")->text, "SIG_IGN");
  EXPECT_EQ(field(v, "sa_mask")->text, "[USR2]");
  EXPECT_NE(field(v, "sa_flags")->text.find("SA_RESTART"), std::string::npos);
  EXPECT_NE(field(v, "sa_flags")->text.find("SA_RESTORER"), std::string::npos);  // glibc adds it
  EXPECT_EQ(field(v, "sa_restorer")->u, ksa.restorer);
}

TEST(Structs, Timespec) {
  struct timespec ts;
  ASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
  Value v = timespec(bytes_of(&ts, sizeof ts));
  EXPECT_EQ(field(v, "tv_sec")->i, ts.tv_sec);
  EXPECT_EQ(field(v, "tv_nsec")->i, ts.tv_nsec);
}

TEST(Structs, IovecFromARealWritev) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  char a[] = "first", b[] = "second-part";
  ::iovec iov[2] = {{a, 5}, {b, 11}};
  ASSERT_EQ(writev(p[1], iov, 2), 16);
  char got[32] = {};
  ASSERT_EQ(read(p[0], got, sizeof got), 16);
  close(p[0]);
  close(p[1]);
  // The capture a backend makes: contents back to back, element ends in parts.
  trace::CapturedBytes c = test::capture_of(got, 16);
  c.parts = {5, 16};
  c.elements_total = 2;
  Value v = iovec(c);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(field(v.items[0], "iov_base")->bytes, "first");
  EXPECT_EQ(field(v.items[0], "iov_len")->u, 5u);
  EXPECT_EQ(field(v.items[1], "iov_base")->bytes, "second-part");
  EXPECT_EQ(field(v.items[1], "iov_len")->u, 11u);
  EXPECT_FALSE(v.truncated);

  // Cut at 8 bytes (-s 8) with a third element never copied.
  trace::CapturedBytes cut = test::capture_of(got, 8);
  cut.parts = {5, 8, 8};
  cut.elements_total = 4;
  cut.truncated = true;
  Value w = iovec(cut);
  ASSERT_EQ(w.items.size(), 3u);
  EXPECT_EQ(field(w.items[0], "iov_len")->u, 5u);
  EXPECT_TRUE(field(w.items[1], "iov_base")->truncated);
  EXPECT_EQ(field(w.items[1], "iov_len"), nullptr);  // unknown
  EXPECT_TRUE(w.items[2].truncated);
  EXPECT_TRUE(w.truncated);  // 4 elements, 3 captured
}

TEST(Structs, PollfdsAndStringArrays) {
  pollfd fds[2] = {{0, POLLIN, 0}, {1, POLLOUT | POLLPRI, 0}};
  ASSERT_GE(poll(fds, 2, 0), 0);
  Value v = pollfds(bytes_of(fds, sizeof fds), false, 2);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(field(v.items[1], "fd")->i, 1);
  EXPECT_EQ(field(v.items[1], "events")->text, "POLLPRI|POLLOUT");
  EXPECT_TRUE(pollfds(bytes_of(fds, 8), true, 2).truncated);

  std::string argv = std::string("ls") + "-la" + "/tmp";
  trace::CapturedBytes c = test::capture_of(argv.data(), argv.size());
  c.parts = {2, 5, 9};
  c.elements_total = 3;
  Value a = string_array(c);
  ASSERT_EQ(a.items.size(), 3u);
  EXPECT_EQ(a.items[1].bytes, "-la");
  EXPECT_FALSE(a.truncated);
  // A string cut at -s is marked on its own: the array is complete.
  c.truncated = true;
  c.part_truncated = {false, true, false};
  Value cut = string_array(c);
  EXPECT_TRUE(cut.items[1].truncated);
  EXPECT_FALSE(cut.items[0].truncated);
  EXPECT_FALSE(cut.truncated);
  c.elements_total = 70;
  EXPECT_TRUE(string_array(c).truncated);
}

TEST(Structs, PerfEventAttrAsPassedToTheKernel) {
  ::perf_event_attr attr{};
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof attr;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID;
  attr.sample_period = 4000;
  // Whether the kernel accepts it (perf_event_paranoid) does not matter: the
  // decoder sees the bytes the tracee passed.
  long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd >= 0) close(static_cast<int>(fd));
  Value v = perf_event_attr(bytes_of(&attr, sizeof attr), false);
  EXPECT_EQ(field(v, "type")->text, "PERF_TYPE_SOFTWARE");
  EXPECT_EQ(field(v, "size")->u, sizeof attr);
  EXPECT_EQ(field(v, "config")->text, "PERF_COUNT_SW_TASK_CLOCK");
  EXPECT_EQ(field(v, "sample_period")->u, 4000u);
  EXPECT_EQ(field(v, "sample_type")->text, "PERF_SAMPLE_IP|PERF_SAMPLE_TID");
  EXPECT_EQ(field(v, "flags")->text, "disabled|exclude_kernel|exclude_hv");

  // A caller built against newer headers: size beyond ours, extra bytes raw.
  std::string bigger = bytes_of(&attr, sizeof attr) + std::string("\x01\x02\x03\x04\x00\x00\x00\x00", 8);
  uint32_t new_size = sizeof attr + 8;
  std::memcpy(bigger.data() + 4, &new_size, 4);
  Value w = perf_event_attr(bigger, false);
  ASSERT_NE(field(w, "raw_remainder"), nullptr);
  EXPECT_EQ(field(w, "raw_remainder")->bytes.size(), 8u);

  ::perf_event_attr hw{};
  hw.type = PERF_TYPE_HW_CACHE;
  hw.size = PERF_ATTR_SIZE_VER0;
  hw.config = PERF_COUNT_HW_CACHE_L1D | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
              (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
  hw.freq = 1;
  hw.sample_freq = 99;
  Value h = perf_event_attr(bytes_of(&hw, PERF_ATTR_SIZE_VER0), false);
  EXPECT_EQ(field(h, "sample_freq")->u, 99u);
  EXPECT_EQ(field(h, "config")->text,
            "PERF_COUNT_HW_CACHE_L1D|PERF_COUNT_HW_CACHE_OP_READ<<8|PERF_COUNT_HW_CACHE_RESULT_MISS<<16");
}

TEST(Structs, IoUringParamsFilledByTheKernel) {
  ::io_uring_params p{};
  p.flags = IORING_SETUP_CQSIZE;
  p.cq_entries = 16;
  long fd = syscall(SYS_io_uring_setup, 4, &p);
  if (fd < 0) GTEST_SKIP() << "io_uring_setup: " << std::strerror(errno) << " (io_uring disabled?)";
  close(static_cast<int>(fd));
  Value v = io_uring_params(bytes_of(&p, sizeof p));
  EXPECT_EQ(field(v, "sq_entries")->u, p.sq_entries);
  EXPECT_EQ(field(v, "cq_entries")->u, p.cq_entries);
  EXPECT_EQ(field(v, "flags")->text, "IORING_SETUP_CQSIZE");
  EXPECT_EQ(field(field(v, "sq_off")[0], "array")->u, p.sq_off.array);
  EXPECT_EQ(field(field(v, "cq_off")[0], "cqes")->u, p.cq_off.cqes);
  // Every feature bit the kernel set is named (no hex remainder on this kernel's known bits).
  EXPECT_NE(field(v, "features")->text.find("IORING_FEAT_SINGLE_MMAP"), std::string::npos);
}

}  // namespace
}  // namespace whyfail::decode::structs

#include <linux/openat2.h>
#include <linux/sched.h>
#include <sys/wait.h>

namespace whyfail::decode::structs {
namespace {

TEST(Structs, OpenHowOfARealOpenat2) {
  ::open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  // "../" escapes the starting directory: the kernel refuses with EXDEV.
  long r = syscall(SYS_openat2, AT_FDCWD, "../etc", &how, sizeof how);
  if (r < 0 && errno == ENOSYS) GTEST_SKIP() << "no openat2";
  EXPECT_EQ(r, -1);
  EXPECT_EQ(errno, EXDEV);
  Value v = open_how(bytes_of(&how, sizeof how));
  EXPECT_EQ(field(v, "flags")->text, "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(field(v, "mode")->u, 0u);
  EXPECT_EQ(field(v, "resolve")->text, "RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH");
  EXPECT_TRUE(open_how(bytes_of(&how, 8)).truncated);
}

TEST(Structs, CloneArgsOfARealClone3) {
  ::clone_args args{};
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, CLONE_ARGS_SIZE_VER0);
  if (pid == 0) _exit(0);
  if (pid < 0) GTEST_SKIP() << "clone3: " << std::strerror(errno);
  int status = 0;
  ASSERT_EQ(waitpid(static_cast<pid_t>(pid), &status, 0), pid);
  Value v = clone_args(bytes_of(&args, CLONE_ARGS_SIZE_VER0));
  EXPECT_EQ(field(v, "flags")->text, "0");
  EXPECT_EQ(field(v, "exit_signal")->text, "SIGCHLD");
  EXPECT_EQ(field(v, "stack")->kind, Value::Kind::Null);

  args.flags = CLONE_VM | CLONE_SETTLS | CLONE_NEWTIME;
  args.tls = 0x1000;
  Value w = clone_args(bytes_of(&args, CLONE_ARGS_SIZE_VER0));
  EXPECT_EQ(field(w, "tls")->u, 0x1000u);
  EXPECT_NE(field(w, "flags")->text.find("CLONE_NEWTIME"), std::string::npos) << field(w, "flags")->text;
}

}  // namespace
}  // namespace whyfail::decode::structs
