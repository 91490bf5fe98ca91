// sockaddr decoding of addresses the kernel returned from getsockname().
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "decode/structs/structs.h"
#include "round_trip.h"

namespace whyfail::decode::structs {
namespace {

using test::field;

struct Bound {
  int fd = -1;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ~Bound() {
    if (fd >= 0) close(fd);
  }
  std::string bytes() const { return std::string(reinterpret_cast<const char*>(&addr), len); }
};

TEST(Sockaddr, InetFromGetsockname) {
  Bound s;
  s.fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s.fd, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s.fd, reinterpret_cast<::sockaddr*>(&sin), sizeof sin), 0);
  ASSERT_EQ(getsockname(s.fd, reinterpret_cast<::sockaddr*>(&s.addr), &s.len), 0);
  auto* got = reinterpret_cast<sockaddr_in*>(&s.addr);
  Value v = sockaddr(s.bytes(), false);
  EXPECT_EQ(field(v, "sa_family")->text, "AF_INET");
  EXPECT_EQ(field(v, "sin_port")->text, "htons(" + std::to_string(ntohs(got->sin_port)) + ")");
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &got->sin_addr, ip, sizeof ip);
  EXPECT_EQ(field(v, "sin_addr")->text, "inet_addr(\"" + std::string(ip) + "\")");
  EXPECT_NE(ntohs(got->sin_port), 0);  // the kernel picked a port
}

TEST(Sockaddr, Inet6WithScopeFromGetsockname) {
  Bound s;
  s.fd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (s.fd < 0) GTEST_SKIP() << "no IPv6";
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = in6addr_loopback;
  if (bind(s.fd, reinterpret_cast<::sockaddr*>(&sin6), sizeof sin6) != 0) GTEST_SKIP() << "no ::1";
  ASSERT_EQ(getsockname(s.fd, reinterpret_cast<::sockaddr*>(&s.addr), &s.len), 0);
  auto* got = reinterpret_cast<sockaddr_in6*>(&s.addr);
  Value v = sockaddr(s.bytes(), false);
  EXPECT_EQ(field(v, "sa_family")->text, "AF_INET6");
  EXPECT_EQ(field(v, "sin6_port")->text, "htons(" + std::to_string(ntohs(got->sin6_port)) + ")");
  EXPECT_EQ(field(v, "sin6_addr")->text, "inet_pton(AF_INET6, \"::1\")");
  EXPECT_EQ(field(v, "sin6_scope_id")->u, got->sin6_scope_id);

  // A link-local address carries the interface in sin6_scope_id: lo is index 1.
  sockaddr_in6 ll = *got;
  inet_pton(AF_INET6, "fe80::1", &ll.sin6_addr);
  ll.sin6_scope_id = 1;
  Value w = sockaddr(std::string(reinterpret_cast<const char*>(&ll), sizeof ll), false);
  EXPECT_EQ(field(w, "sin6_scope_id")->text, "if_nametoindex(\"lo\")");
}

TEST(Sockaddr, UnixPathAbstractAndUnnamed) {
  std::string path = "/tmp/whyfail-sock-" + std::to_string(getpid());
  unlink(path.c_str());
  {
    Bound s;
    s.fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    path.copy(sun.sun_path, sizeof sun.sun_path - 1);
    ASSERT_EQ(bind(s.fd, reinterpret_cast<::sockaddr*>(&sun), sizeof sun), 0);
    ASSERT_EQ(getsockname(s.fd, reinterpret_cast<::sockaddr*>(&s.addr), &s.len), 0);
    Value v = sockaddr(s.bytes(), false);
    EXPECT_EQ(field(v, "sa_family")->text, "AF_UNIX");
    EXPECT_EQ(field(v, "sun_path")->bytes, path);
    unlink(path.c_str());
  }
  {
    Bound s;
    s.fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    std::string name = std::string(1, '\0') + "whyfail-abstract-" + std::to_string(getpid());
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    name.copy(sun.sun_path, name.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    ASSERT_EQ(bind(s.fd, reinterpret_cast<::sockaddr*>(&sun), len), 0);
    ASSERT_EQ(getsockname(s.fd, reinterpret_cast<::sockaddr*>(&s.addr), &s.len), 0);
    Value v = sockaddr(s.bytes(), false);
    // Abstract: every byte after the leading NUL is the name, marked "@" (strace's @"name").
    EXPECT_EQ(field(v, "sun_path")->bytes, name.substr(1));
    EXPECT_EQ(field(v, "sun_path")->prefix, "@");
  }
  {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    Bound s;
    s.fd = sv[0];
    ASSERT_EQ(getsockname(s.fd, reinterpret_cast<::sockaddr*>(&s.addr), &s.len), 0);
    close(sv[1]);
    Value v = sockaddr(s.bytes(), false);
    ASSERT_EQ(v.fields.size(), 1u);  // unnamed: the family alone
    EXPECT_EQ(field(v, "sa_family")->text, "AF_UNIX");
  }
}

TEST(Sockaddr, NetlinkAndUnknownFamilies) {
  Bound s;
  s.fd = socket(AF_NETLINK, SOCK_RAW, 0);
  ASSERT_GE(s.fd, 0);
  sockaddr_storage nl{};
  nl.ss_family = AF_NETLINK;
  ASSERT_EQ(bind(s.fd, reinterpret_cast<::sockaddr*>(&nl), 12), 0);
  ASSERT_EQ(getsockname(s.fd, reinterpret_cast<::sockaddr*>(&s.addr), &s.len), 0);
  Value v = sockaddr(s.bytes(), false);
  EXPECT_EQ(field(v, "sa_family")->text, "AF_NETLINK");
  uint32_t port_id;
  std::memcpy(&port_id, reinterpret_cast<char*>(&s.addr) + 4, 4);
  EXPECT_EQ(field(v, "nl_pid")->i, static_cast<int64_t>(port_id));

  std::string odd("\x2a\x00" "abc", 5);  // family 42 (AF_QIPCRTR) -> a name; data raw
  Value w = sockaddr(odd, false);
  EXPECT_EQ(field(w, "sa_data")->bytes, "abc");
  std::string unknown("\xfa\x00" "xy", 4);
  Value u = sockaddr(unknown, true);
  EXPECT_EQ(field(u, "sa_family")->kind, Value::Kind::Int);
  EXPECT_TRUE(field(u, "sa_data")->truncated);
  EXPECT_TRUE(sockaddr(std::string("\x02", 1), false).truncated);
}

}  // namespace
}  // namespace whyfail::decode::structs
