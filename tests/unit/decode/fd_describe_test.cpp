// fd_describe against real descriptors of this process.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "decode/fd_describe.h"

namespace whyfail::decode {
namespace {

uint16_t local_port(int fd) {
  sockaddr_in sin{};
  socklen_t len = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  return ntohs(sin.sin_port);
}

TEST(FdDescribe, RegularFileIsItsPath) {
  int fd = open("/etc/hostname", O_RDONLY);
  if (fd < 0) fd = open("/proc/self/exe", O_RDONLY);
  ASSERT_GE(fd, 0);
  char want[4096] = {};
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ASSERT_GT(readlink(link.c_str(), want, sizeof want - 1), 0);
  EXPECT_EQ(describe_fd(getpid(), fd), want);
  close(fd);
}

TEST(FdDescribe, PipeShowsItsInode) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  struct stat st;
  ASSERT_EQ(fstat(p[0], &st), 0);
  EXPECT_EQ(describe_fd(getpid(), p[0]), "pipe:[" + std::to_string(st.st_ino) + "]");
  close(p[0]);
  close(p[1]);
}

TEST(FdDescribe, AnonInodeAsIs) {
  int fd = eventfd(0, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(describe_fd(getpid(), fd), "anon_inode:[eventfd]");
  close(fd);
}

TEST(FdDescribe, TcpLoopbackEndpoints) {
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(srv, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  ASSERT_EQ(listen(srv, 1), 0);
  uint16_t sport = local_port(srv);
  EXPECT_EQ(describe_fd(getpid(), srv), "TCP:[127.0.0.1:" + std::to_string(sport) + "]");

  int cli = socket(AF_INET, SOCK_STREAM, 0);
  sin.sin_port = htons(sport);
  ASSERT_EQ(connect(cli, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  uint16_t cport = local_port(cli);
  EXPECT_EQ(describe_fd(getpid(), cli),
            "TCP:[127.0.0.1:" + std::to_string(cport) + "->127.0.0.1:" + std::to_string(sport) + "]");
  int acc = accept(srv, nullptr, nullptr);
  ASSERT_GE(acc, 0);
  EXPECT_EQ(describe_fd(getpid(), acc),
            "TCP:[127.0.0.1:" + std::to_string(sport) + "->127.0.0.1:" + std::to_string(cport) + "]");
  close(acc);
  close(cli);
  close(srv);
}

TEST(FdDescribe, Tcp6AndUdp) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(u, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  EXPECT_EQ(describe_fd(getpid(), u), "UDP:[127.0.0.1:" + std::to_string(local_port(u)) + "]");
  close(u);

  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  if (s6 < 0) GTEST_SKIP() << "no IPv6";
  sockaddr_in6 a6{};
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  if (bind(s6, reinterpret_cast<sockaddr*>(&a6), sizeof a6) != 0 || listen(s6, 1) != 0) {
    close(s6);
    GTEST_SKIP() << "no ::1";
  }
  socklen_t len = sizeof a6;
  getsockname(s6, reinterpret_cast<sockaddr*>(&a6), &len);
  EXPECT_EQ(describe_fd(getpid(), s6), "TCPv6:[[::1]:" + std::to_string(ntohs(a6.sin6_port)) + "]");
  close(s6);
}

TEST(FdDescribe, UnixSocketWithPath) {
  std::string path = "/tmp/whyfail-fdd-" + std::to_string(getpid());
  unlink(path.c_str());
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  path.copy(sun.sun_path, sizeof sun.sun_path - 1);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
  struct stat st;
  ASSERT_EQ(fstat(s, &st), 0);
  EXPECT_EQ(describe_fd(getpid(), s), "UNIX:[" + std::to_string(st.st_ino) + "," + path + "]");
  close(s);
  unlink(path.c_str());
}

TEST(FdDescribe, GoneProcessOrFdIsEmpty) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  EXPECT_EQ(describe_fd(child, 0), "");
  EXPECT_EQ(describe_fd(getpid(), 987654), "");
  EXPECT_EQ(describe_fd(-1, 0), "");
}

}  // namespace
}  // namespace whyfail::decode

namespace whyfail::decode {
namespace {

TEST(FdDescribe, UnlistedSocketShowsItsProtocol) {
  // A TCP socket that was never bound is in no /proc/net table; the kernel
  // still knows its protocol.
  int s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  struct stat st;
  ASSERT_EQ(fstat(s, &st), 0);
  EXPECT_EQ(describe_fd(getpid(), s), "TCP:[" + std::to_string(st.st_ino) + "]");
  close(s);
}

}  // namespace
}  // namespace whyfail::decode
