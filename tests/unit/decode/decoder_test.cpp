// decode_syscall on events built from syscalls this test really made: the
// argument registers and captured bytes a backend would have recorded.
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "decode/decoder.h"
#include "round_trip.h"

namespace whyfail::decode {
namespace {

trace::SyscallEvent event_for(long nr, std::initializer_list<uint64_t> args, long ret) {
  trace::SyscallEvent ev;
  ev.pid = ev.tid = getpid();
  ev.nr = static_cast<int>(nr);
  size_t i = 0;
  for (uint64_t a : args) ev.args[i++] = a;
  ev.ret = ret;
  return ev;
}

uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

TEST(Decoder, FailedOpenatLikeStrace) {
  const char* path = "/nonexistent-whyfail/dir/file";
  long r = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(r, -1);
  int err = errno;
  auto ev = event_for(SYS_openat, {static_cast<uint64_t>(AT_FDCWD), addr(path), O_RDONLY | O_CLOEXEC, 0}, -err);
  ev.captured[1] = test::capture_of(path, std::strlen(path));
  DecodedCall call = decode_syscall(ev, {});
  EXPECT_EQ(call.name, "openat");
  ASSERT_EQ(call.args.size(), 3u);  // no mode without O_CREAT
  EXPECT_EQ(call.args[0].text, "AT_FDCWD");
  EXPECT_EQ(call.args[1].kind, Value::Kind::Bytes);
  EXPECT_EQ(call.args[1].bytes, path);
  EXPECT_EQ(call.args[2].text, "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(call.err, err);
  EXPECT_EQ(call.errno_name, "ENOENT");
  EXPECT_EQ(call.errno_text, std::strerror(err));
}

TEST(Decoder, ExecveEnvironmentIsElidedUnlessVerbose) {
  const char* path = "/nonexistent-whyfail/prog";
  char arg0[] = "prog";
  char e1[] = "A=1";
  char e2[] = "B=2";
  char* argv[] = {arg0, nullptr};
  char* envp[] = {e1, e2, nullptr};
  long r = syscall(SYS_execve, path, argv, envp);
  ASSERT_EQ(r, -1);
  auto ev = event_for(SYS_execve, {addr(path), addr(argv), addr(envp)}, -errno);
  ev.captured[0] = test::capture_of(path, std::strlen(path));
  std::string env = std::string(e1) + e2;
  ev.captured[2] = test::capture_of(env.data(), env.size());
  ev.captured[2]->parts = {3, 6};
  ev.captured[2]->elements_total = 2;
  DecodedCall call = decode_syscall(ev, {});
  ASSERT_EQ(call.args.size(), 3u);
  EXPECT_TRUE(call.args[2].elided);  // what strace shows as "/* 2 vars */"
  EXPECT_EQ(call.args[2].u, addr(envp));
  EXPECT_EQ(call.args[2].i, 2);
  EXPECT_EQ(call.args[2].items.size(), 2u);  // still there for JSON
  EXPECT_FALSE(call.args[1].elided);         // argv is never abbreviated
  DecodeOptions verbose;
  verbose.verbose = true;
  EXPECT_FALSE(decode_syscall(ev, verbose).args[2].elided);
}

TEST(Decoder, SuccessfulOpenReturnsAnnotatedFd) {
  const char* path = "/dev/null";
  long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  auto ev = event_for(SYS_openat, {static_cast<uint64_t>(AT_FDCWD), addr(path), O_WRONLY | O_CREAT, 0600}, fd);
  ev.captured[1] = test::capture_of(path, std::strlen(path));
  DecodeOptions opt;
  opt.describe_fd = [](pid_t, int n) { return "fd" + std::to_string(n); };
  DecodedCall call = decode_syscall(ev, opt);
  close(static_cast<int>(fd));
  ASSERT_EQ(call.args.size(), 4u);  // O_CREAT: the mode is read
  EXPECT_EQ(call.args[3].kind, Value::Kind::Octal);
  EXPECT_EQ(call.args[3].u, 0600u);
  EXPECT_EQ(call.ret.kind, Value::Kind::Fd);
  EXPECT_EQ(call.ret.i, fd);
  EXPECT_EQ(call.ret.annotation, "fd" + std::to_string(fd));
  EXPECT_EQ(call.err, 0);
  EXPECT_TRUE(call.errno_name.empty());
}

TEST(Decoder, NullFaultAndUncapturedPointers) {
  // stat(NULL, buf): EFAULT from the kernel, the path shows as NULL.
  struct stat st;
  long r = syscall(SYS_stat, nullptr, &st);
  ASSERT_EQ(r, -1);
  auto ev = event_for(SYS_stat, {0, addr(&st)}, -errno);
  DecodedCall call = decode_syscall(ev, {});
  EXPECT_EQ(call.errno_name, "EFAULT");
  EXPECT_EQ(call.args[0].kind, Value::Kind::Null);
  // The stat buffer is not captured on failure: its address is shown.
  EXPECT_EQ(call.args[1].kind, Value::Kind::Hex);
  EXPECT_EQ(call.args[1].u, addr(&st));

  // A path the backend could not read: Unreadable, with the address.
  const uint64_t bad = 0x10;
  auto ev2 = event_for(SYS_stat, {bad, addr(&st)}, -EFAULT);
  trace::CapturedBytes fault;
  fault.fault = true;
  ev2.captured[0] = fault;
  DecodedCall c2 = decode_syscall(ev2, {});
  EXPECT_EQ(c2.args[0].kind, Value::Kind::Unreadable);
  EXPECT_EQ(c2.args[0].u, bad);
}

TEST(Decoder, SuccessfulFstatDecodesTheStruct) {
  int fd = open("/proc/self/exe", O_RDONLY);
  ASSERT_GE(fd, 0);
  struct stat st;
  ASSERT_EQ(syscall(SYS_fstat, fd, &st), 0);
  auto ev = event_for(SYS_fstat, {static_cast<uint64_t>(fd), addr(&st)}, 0);
  ev.captured[1] = test::capture_of(&st, sizeof st);
  DecodedCall call = decode_syscall(ev, {});
  close(fd);
  EXPECT_EQ(call.args[0].kind, Value::Kind::Fd);
  ASSERT_EQ(call.args[1].kind, Value::Kind::Struct);
  EXPECT_EQ(test::field(call.args[1], "st_size")->i, st.st_size);
}

TEST(Decoder, FcntlThirdArgumentByCommand) {
  int fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  long fl = syscall(SYS_fcntl, fd, F_GETFL);
  ASSERT_GE(fl, 0);
  auto get = event_for(SYS_fcntl, {static_cast<uint64_t>(fd), F_GETFL, 0x1234}, fl);
  DecodedCall g = decode_syscall(get, {});
  ASSERT_EQ(g.args.size(), 2u);  // F_GETFL takes no argument
  EXPECT_EQ(g.args[1].text, "F_GETFL");
  ASSERT_EQ(syscall(SYS_fcntl, fd, F_SETFL, O_NONBLOCK), 0);
  auto set = event_for(SYS_fcntl, {static_cast<uint64_t>(fd), F_SETFL, O_NONBLOCK}, 0);
  DecodedCall s = decode_syscall(set, {});
  close(fd);
  ASSERT_EQ(s.args.size(), 3u);
  EXPECT_EQ(s.args[2].text, "O_RDONLY|O_NONBLOCK");
}

TEST(Decoder, MmapReturnsAnAddressAndDecodesFlags) {
  void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  auto ev = event_for(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                 static_cast<uint64_t>(-1), 0}, static_cast<long>(addr(p)));
  DecodedCall call = decode_syscall(ev, {});
  munmap(p, 4096);
  ASSERT_EQ(call.args.size(), 6u);
  EXPECT_EQ(call.args[0].kind, Value::Kind::Null);
  EXPECT_EQ(call.args[2].text, "PROT_READ|PROT_WRITE");
  EXPECT_EQ(call.args[3].text, "MAP_PRIVATE|MAP_ANONYMOUS");
  EXPECT_EQ(call.args[4].i, -1);
  EXPECT_EQ(call.ret.kind, Value::Kind::Hex);
  EXPECT_EQ(call.ret.u, addr(p));
}

TEST(Decoder, UnknownNumbersAndNamesWithoutSignature) {
  auto ev = event_for(100000, {1, 2, 3}, -ENOSYS);
  DecodedCall call = decode_syscall(ev, {});
  EXPECT_EQ(call.name, "syscall_100000");
  EXPECT_EQ(call.errno_name, "ENOSYS");
  // Kernel-internal errno at syscall exit (seen by ptrace/BPF, never by glibc).
  auto restart = event_for(SYS_read, {0, 0, 0}, -512);
  EXPECT_EQ(decode_syscall(restart, {}).errno_name, "ERESTARTSYS");
}

TEST(Decoder, SocketProtocolFollowsTheDomain) {
  auto ev = event_for(SYS_socket, {AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0}, 3);
  DecodedCall call = decode_syscall(ev, {});
  EXPECT_EQ(call.args[0].text, "AF_NETLINK");
  EXPECT_EQ(call.args[1].text, "SOCK_RAW|SOCK_CLOEXEC");
  EXPECT_EQ(call.args[2].text, "NETLINK_ROUTE");
  auto tcp = event_for(SYS_socket, {AF_INET, SOCK_STREAM, IPPROTO_TCP}, 3);
  EXPECT_EQ(decode_syscall(tcp, {}).args[2].text, "IPPROTO_TCP");
}

}  // namespace
}  // namespace whyfail::decode
