// Socket failures on loopback, checked against the real socket tables.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <fstream>

#include "test_support.h"

namespace whyfail::explain {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

std::string bytes_of(const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); }

// A port nobody listens on: bind to port 0, read the port, close.
uint16_t free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

TEST(Net, EconnrefusedWhenNothingListens) {
  uint16_t port = free_port();
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(port);
  int64_t r = test::raw(::syscall(SYS_connect, s, &a, sizeof a));
  ASSERT_EQ(r, -ECONNREFUSED);
  auto ev = test::make_event(::getpid(), SYS_connect, {static_cast<uint64_t>(s), test::ptr(&a), sizeof a}, r);
  test::capture(ev, 1, bytes_of(&a, sizeof a));
  auto ex = test::explain_live(ev);
  ::close(s);
  const Cause* c = test::find_cause(ex, "net.nothing-listening");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("port " + std::to_string(port)), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << c->text;
}

TEST(Net, EaddrinuseNamesTheProcessHoldingThePort) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  int hold[2];
  ASSERT_EQ(::pipe(hold), 0);
  pid_t holder = ::fork();
  if (holder == 0) {
    ::close(ready[0]);
    ::close(hold[1]);
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(s, 1);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    uint16_t port = ntohs(a.sin_port);
    (void)!::write(ready[1], &port, sizeof port);
    char c;
    (void)!::read(hold[0], &c, 1);
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(hold[0]);
  uint16_t port = 0;
  ASSERT_EQ(::read(ready[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(port);
  int64_t r = test::raw(::syscall(SYS_bind, s, &a, sizeof a));
  auto ev = test::make_event(::getpid(), SYS_bind, {static_cast<uint64_t>(s), test::ptr(&a), sizeof a}, r);
  test::capture(ev, 1, bytes_of(&a, sizeof a));
  auto ex = test::explain_live(ev);
  ::close(s);
  ::close(hold[1]);
  ::waitpid(holder, nullptr, 0);
  ASSERT_EQ(r, -EADDRINUSE);
  const Cause* c = test::find_cause(ex, "net.address-in-use");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find(std::to_string(holder)), std::string::npos) << c->text;
  EXPECT_NE(c->text.find(std::to_string(port)), std::string::npos) << c->text;
}

TEST(Net, EaccesBindingPort80AsNobody) {
  SKIP_UNLESS_ROOT();
  std::ifstream f("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  int start = 0;
  f >> start;
  if (start <= 80) GTEST_SKIP() << "ip_unprivileged_port_start is " << start;
  sockaddr_in a = loopback(80);
  test::Child child([&] {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s != 3 && ::dup2(s, 3) < 0) return int64_t{-9999};
    if (!test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_bind, 3, &a, sizeof a));
  });
  ASSERT_EQ(child.ret(), -EACCES);
  auto ev = test::make_event(child.pid(), SYS_bind, {3, test::ptr(&a), sizeof a}, child.ret());
  test::capture(ev, 1, bytes_of(&a, sizeof a));
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "net.privileged-port");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("(" + std::to_string(start) + ")"), std::string::npos) << c->text;
  EXPECT_NE(c->text.find("CAP_NET_BIND_SERVICE"), std::string::npos) << c->text;
}

TEST(Net, UnixSocketPathMissingAndNotASocket) {
  test::TempDir t;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::string path = t / "app.sock";
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int64_t r = test::raw(::syscall(SYS_connect, s, &a, sizeof a));
  ASSERT_EQ(r, -ENOENT);
  auto ev = test::make_event(::getpid(), SYS_connect, {static_cast<uint64_t>(s), test::ptr(&a), sizeof a}, r);
  test::capture(ev, 1, bytes_of(&a, sizeof a));
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "net.unix-socket-missing");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("app.sock"), std::string::npos);

  test::write_file(path, "", 0666);
  r = test::raw(::syscall(SYS_connect, s, &a, sizeof a));
  ASSERT_EQ(r, -ECONNREFUSED);
  auto ev2 = test::make_event(::getpid(), SYS_connect, {static_cast<uint64_t>(s), test::ptr(&a), sizeof a}, r);
  test::capture(ev2, 1, bytes_of(&a, sizeof a));
  auto ex2 = test::explain_live(ev2);
  ::close(s);
  ASSERT_NE(test::find_cause(ex2, "net.unix-not-a-socket"), nullptr) << test::dump(ex2);
}

TEST(Net, UnixSocketWithNobodyListening) {
  test::TempDir t;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::string path = t / "stale.sock";
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  int srv = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::bind(srv, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ::close(srv);  // bound, never listened, now gone: a stale socket file
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int64_t r = test::raw(::syscall(SYS_connect, s, &a, sizeof a));
  ASSERT_EQ(r, -ECONNREFUSED);
  auto ev = test::make_event(::getpid(), SYS_connect, {static_cast<uint64_t>(s), test::ptr(&a), sizeof a}, r);
  test::capture(ev, 1, bytes_of(&a, sizeof a));
  auto ex = test::explain_live(ev);
  ::close(s);
  ASSERT_NE(test::find_cause(ex, "net.unix-nobody-listening"), nullptr) << test::dump(ex);
}

}  // namespace
}  // namespace whyfail::explain

namespace whyfail::explain {
namespace {

TEST(Net, UnixBindInAMissingDirectory) {
  test::TempDir t;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::string path = t / "run/app/app.sock";
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int64_t r = test::raw(::syscall(SYS_bind, s, &a, sizeof a));
  ASSERT_EQ(r, -ENOENT);
  auto ev = test::make_event(::getpid(), SYS_bind, {static_cast<uint64_t>(s), test::ptr(&a), sizeof a}, r);
  test::capture(ev, 1, std::string(reinterpret_cast<const char*>(&a), sizeof a));
  auto ex = test::explain_live(ev);
  ::close(s);
  const Cause* c = test::find_cause(ex, "path.missing-component");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("\"run\""), std::string::npos) << c->text;
}

}  // namespace
}  // namespace whyfail::explain
