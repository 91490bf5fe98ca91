// Flag and enum decoding, checked by encoding the decoded text back with the
// system headers' constants (round_trip.h) rather than against fixed strings.
#include <fcntl.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "decode/xlat/flags.h"
#include "round_trip.h"

namespace whyfail::decode::xlat {
namespace {

using test::encode;
using test::NameMap;

#define N(x) {#x, static_cast<uint64_t>(x)}

const NameMap kOpen = {
    N(O_RDONLY), N(O_WRONLY), N(O_RDWR), N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND),
    N(O_NONBLOCK), N(O_DSYNC), N(O_SYNC), N(FASYNC), N(O_DIRECT), N(O_DIRECTORY), N(O_NOFOLLOW),
    N(O_NOATIME), N(O_CLOEXEC), N(O_PATH), N(O_TMPFILE), {"O_LARGEFILE", 0100000},
    {"__O_TMPFILE", O_TMPFILE & ~static_cast<uint64_t>(O_DIRECTORY)},
    {"__O_SYNC", O_SYNC & ~static_cast<uint64_t>(O_DSYNC)}};

std::string text(const Value& v) {
  EXPECT_EQ(v.kind, Value::Kind::Symbol);
  return v.text;
}

TEST(OpenFlags, RoundTripEveryFlagWithEachAccessMode) {
  for (uint64_t acc : {O_RDONLY, O_WRONLY, O_RDWR}) {
    for (const auto& [name, bit] : kOpen) {
      uint64_t v = acc | bit;
      if ((bit & O_ACCMODE) != 0) continue;
      auto back = encode(text(open_flags(v)), kOpen);
      ASSERT_TRUE(back.has_value()) << text(open_flags(v));
      EXPECT_EQ(*back, v) << text(open_flags(v));
    }
  }
}

TEST(OpenFlags, AccessModeAndSpecialNames) {
  EXPECT_EQ(text(open_flags(O_RDONLY)), "O_RDONLY");  // 0 is a mode, not "0"
  auto t = text(open_flags(O_RDWR | O_TMPFILE));
  EXPECT_NE(t.find("O_TMPFILE"), std::string::npos) << t;
  EXPECT_EQ(t.find("O_DIRECTORY"), std::string::npos) << t;  // part of O_TMPFILE
  EXPECT_NE(text(open_flags(O_WRONLY | 0100000)).find("O_LARGEFILE"), std::string::npos);
  EXPECT_NE(text(open_flags(O_WRONLY | O_SYNC)).find("O_SYNC"), std::string::npos);
}

TEST(OpenFlags, UnknownBitsAsHexRemainder) {
  uint64_t unknown = 0x40000000;
  auto t = text(open_flags(O_RDONLY | O_CLOEXEC | unknown));
  EXPECT_NE(t.find("0x40000000"), std::string::npos) << t;
  EXPECT_EQ(encode(t, kOpen), O_CLOEXEC | unknown);
}

TEST(AtFlags, DirfdAndFlags) {
  EXPECT_EQ(text(dirfd(AT_FDCWD)), "AT_FDCWD");
  EXPECT_EQ(text(dirfd(static_cast<uint32_t>(AT_FDCWD))), "AT_FDCWD");  // zero-extended register
  EXPECT_EQ(dirfd(5).kind, Value::Kind::Int);
  NameMap at = {N(AT_SYMLINK_NOFOLLOW), N(AT_EMPTY_PATH), N(AT_NO_AUTOMOUNT), N(AT_SYMLINK_FOLLOW),
                N(AT_EACCESS), N(AT_STATX_DONT_SYNC), N(AT_STATX_FORCE_SYNC)};
  for (const auto& [name, bit] : at) {
    uint64_t v = bit | AT_SYMLINK_NOFOLLOW;
    EXPECT_EQ(encode(text(at_flags(v)), at), v) << name;
  }
  EXPECT_EQ(text(unlinkat_flags(AT_REMOVEDIR)), "AT_REMOVEDIR");
  NameMap acc = {N(R_OK), N(W_OK), N(X_OK), {"F_OK", F_OK}};
  EXPECT_EQ(text(access_mode(F_OK)), "F_OK");
  for (uint64_t m = 1; m < 8; ++m) EXPECT_EQ(encode(text(access_mode(m)), acc), m);
}

TEST(Mode, OctalAndFileTypes) {
  Value v = file_mode(0644);
  EXPECT_EQ(v.kind, Value::Kind::Octal);
  EXPECT_EQ(v.u, 0644u);
  for (mode_t type : {S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK}) {
    std::string t = text(file_mode(type | 0600));
    auto bar = t.find('|');
    ASSERT_NE(bar, std::string::npos) << t;
    EXPECT_EQ(std::stoul(t.substr(bar + 1), nullptr, 8), 0600u) << t;
    EXPECT_EQ(t.rfind("S_IF", 0), 0u) << t;
  }
}

TEST(MmapFlags, ProtMapTypeAndHugePageSize) {
  NameMap prot = {N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC), N(PROT_GROWSDOWN), N(PROT_GROWSUP)};
  EXPECT_EQ(text(prot_flags(PROT_NONE)), "PROT_NONE");
  EXPECT_EQ(encode(text(prot_flags(PROT_READ | PROT_WRITE | PROT_EXEC)), prot),
            static_cast<uint64_t>(PROT_READ | PROT_WRITE | PROT_EXEC));
  NameMap map = {N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_SHARED_VALIDATE), N(MAP_FIXED), N(MAP_ANONYMOUS),
                 N(MAP_HUGETLB), N(MAP_HUGE_2MB), N(MAP_HUGE_1GB), N(MAP_POPULATE), N(MAP_NORESERVE),
                 N(MAP_STACK), N(MAP_FIXED_NOREPLACE), N(MAP_GROWSDOWN), N(MAP_LOCKED)};
  for (uint64_t v : {uint64_t(MAP_PRIVATE | MAP_ANONYMOUS), uint64_t(MAP_SHARED | MAP_FIXED),
                     uint64_t(MAP_SHARED_VALIDATE | MAP_POPULATE),
                     uint64_t(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB),
                     uint64_t(MAP_PRIVATE | MAP_HUGETLB | MAP_HUGE_1GB | MAP_FIXED_NOREPLACE)}) {
    auto back = encode(text(map_flags(v)), map);
    ASSERT_TRUE(back.has_value()) << text(map_flags(v));
    EXPECT_EQ(*back, v) << text(map_flags(v));
  }
  EXPECT_EQ(text(madvise_advice(MADV_DONTNEED)), "MADV_DONTNEED");
}

TEST(CloneFlags, FlagsAndExitSignal) {
  NameMap clone = {N(CLONE_VM), N(CLONE_FS), N(CLONE_FILES), N(CLONE_SIGHAND), N(CLONE_THREAD),
                   N(CLONE_SYSVSEM), N(CLONE_SETTLS), N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID),
                   N(CLONE_CHILD_SETTID), N(CLONE_NEWNS), N(CLONE_NEWPID), N(CLONE_NEWUSER),
                   N(CLONE_VFORK), N(CLONE_PIDFD), N(CLONE_NEWNET), {"SIGCHLD", SIGCHLD}};
  uint64_t thread = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                    CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
  EXPECT_EQ(encode(text(clone_flags(thread)), clone), thread);
  uint64_t fork_like = CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD;
  auto t = text(clone_flags(fork_like));
  EXPECT_NE(t.find("SIGCHLD"), std::string::npos) << t;
  EXPECT_EQ(encode(t, clone), fork_like);
  EXPECT_EQ(text(clone_flags(0)), "0");
}

TEST(SocketConsts, DomainTypeProtocol) {
  EXPECT_EQ(text(socket_domain(AF_INET6)), "AF_INET6");
  EXPECT_EQ(text(socket_domain(AF_UNIX)), "AF_UNIX");
  NameMap type = {N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_SEQPACKET), N(SOCK_RAW), N(SOCK_NONBLOCK), N(SOCK_CLOEXEC)};
  for (uint64_t v : {uint64_t(SOCK_STREAM), uint64_t(SOCK_DGRAM | SOCK_CLOEXEC),
                     uint64_t(SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC), uint64_t(SOCK_CLOEXEC)})
    EXPECT_EQ(encode(text(socket_type(v)), type), v) << text(socket_type(v));
  EXPECT_EQ(text(socket_proto(AF_INET, IPPROTO_TCP)), "IPPROTO_TCP");
  EXPECT_EQ(text(socket_proto(AF_NETLINK, 0)), "NETLINK_ROUTE");
  EXPECT_EQ(socket_proto(AF_UNIX, 0).kind, Value::Kind::Int);
  EXPECT_EQ(text(sockopt_level(SOL_SOCKET)), "SOL_SOCKET");
  EXPECT_EQ(text(sockopt_name(SOL_SOCKET, SO_REUSEADDR)), "SO_REUSEADDR");
  EXPECT_EQ(text(sockopt_name(IPPROTO_TCP, TCP_NODELAY)), "TCP_NODELAY");
  NameMap msg = {N(MSG_DONTWAIT), N(MSG_NOSIGNAL), N(MSG_PEEK), N(MSG_WAITALL), N(MSG_TRUNC)};
  uint64_t m = MSG_DONTWAIT | MSG_NOSIGNAL | MSG_PEEK;
  EXPECT_EQ(encode(text(msg_flags(m)), msg), m);
  EXPECT_EQ(text(shutdown_how(SHUT_RDWR)), "SHUT_RDWR");
}

TEST(Fcntl, CommandAndArgumentByCommand) {
  EXPECT_EQ(text(fcntl_cmd(F_SETFL)), "F_SETFL");
  EXPECT_EQ(text(fcntl_cmd(F_DUPFD_CLOEXEC)), "F_DUPFD_CLOEXEC");
  EXPECT_FALSE(fcntl_arg(F_GETFL, 0).has_value());
  EXPECT_FALSE(fcntl_arg(F_GETFD, 0).has_value());
  auto setfl = fcntl_arg(F_SETFL, O_RDONLY | O_NONBLOCK);
  ASSERT_TRUE(setfl.has_value());
  EXPECT_NE(setfl->text.find("O_NONBLOCK"), std::string::npos);
  EXPECT_EQ(text(*fcntl_arg(F_SETFD, FD_CLOEXEC)), "FD_CLOEXEC");
  EXPECT_EQ(fcntl_arg(F_DUPFD, 10)->i, 10);
}

TEST(Ioctl, KnownRequestsAndIocEncoding) {
  EXPECT_EQ(text(ioctl_request(TCGETS)), "TCGETS");
  EXPECT_EQ(text(ioctl_request(TIOCGWINSZ)), "TIOCGWINSZ");
  EXPECT_EQ(text(ioctl_request(FIONREAD)), "FIONREAD");
  EXPECT_EQ(text(ioctl_request(FIOCLEX)), "FIOCLEX");
  // An unknown request shows its _IOC parts: direction, type, number, size.
  unsigned long req = _IOWR('x', 0x42, int);
  auto t = text(ioctl_request(req));
  EXPECT_NE(t.find("_IOC(_IOC_READ|_IOC_WRITE, 0x78, 0x42, 0x4)"), std::string::npos) << t;
}

TEST(ProcessConsts, WaitFutexRlimitPrctl) {
  NameMap wait = {N(WNOHANG), N(WUNTRACED), N(WCONTINUED), N(__WALL), N(__WCLONE), N(WNOWAIT), N(WEXITED)};
  uint64_t w = WNOHANG | __WALL;
  EXPECT_EQ(encode(text(wait_options(w)), wait), w);
  EXPECT_EQ(text(futex_op(128 | 0)), "FUTEX_WAIT_PRIVATE");   // FUTEX_PRIVATE_FLAG
  EXPECT_EQ(text(futex_op(1)), "FUTEX_WAKE");
  EXPECT_EQ(text(rlimit_resource(RLIMIT_NOFILE)), "RLIMIT_NOFILE");
  EXPECT_EQ(text(prctl_option(PR_SET_NAME)), "PR_SET_NAME");
  EXPECT_EQ(prctl_option(9999).kind, Value::Kind::Int);
  EXPECT_EQ(text(arch_prctl_code(0x1002)), "ARCH_SET_FS");
  EXPECT_EQ(text(sigprocmask_how(SIG_SETMASK)), "SIG_SETMASK");
}

TEST(MiscConsts, EnumsAndMasks) {
  EXPECT_EQ(text(whence(SEEK_END)), "SEEK_END");
  EXPECT_EQ(text(whence(SEEK_HOLE)), "SEEK_HOLE");
  EXPECT_EQ(text(clock_id(CLOCK_MONOTONIC)), "CLOCK_MONOTONIC");
  EXPECT_EQ(clock_id(-6).kind, Value::Kind::Int);  // a dynamic (per-process) clock
  EXPECT_EQ(text(epoll_ctl_op(1)), "EPOLL_CTL_ADD");
  EXPECT_EQ(text(statx_mask(0x7ff)), "STATX_BASIC_STATS");
  EXPECT_EQ(text(getrandom_flags(1 | 2)), "GRND_NONBLOCK|GRND_RANDOM");
  EXPECT_EQ(text(eventfd_flags(O_CLOEXEC | O_NONBLOCK)), "EFD_CLOEXEC|EFD_NONBLOCK");
  EXPECT_EQ(text(memfd_flags(1 | 4 | (21u << 26))), "MFD_CLOEXEC|MFD_HUGETLB|MFD_HUGE_2MB");
  EXPECT_EQ(text(pipe_flags(O_CLOEXEC | O_NONBLOCK)), "O_NONBLOCK|O_CLOEXEC");
  EXPECT_EQ(text(rename_flags(1)), "RENAME_NOREPLACE");
  EXPECT_EQ(text(bpf_cmd(5)), "BPF_PROG_LOAD");
  EXPECT_EQ(text(perf_flags(8)), "PERF_FLAG_FD_CLOEXEC");
  // unknown remainder: a bit above every defined one
  EXPECT_EQ(text(getrandom_flags(1 | 0x100)), "GRND_NONBLOCK|0x100");
}

}  // namespace
}  // namespace whyfail::decode::xlat

namespace whyfail::decode::xlat {
namespace {

TEST(CloneFlags, UnshareFlagsInTheLowByte) {
  // CLONE_NEWTIME (0x80) is above every signal number: a flag, not SIG128.
  uint64_t v = CLONE_NEWTIME | CLONE_NEWNS;
  NameMap names = {N(CLONE_NEWTIME), N(CLONE_NEWNS)};
  EXPECT_EQ(encode(text(clone_flags(v)), names), v) << text(clone_flags(v));
}

}  // namespace
}  // namespace whyfail::decode::xlat
