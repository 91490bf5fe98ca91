// connect/bind/sendto: the address the tracee passed, checked against the
// socket tables and routes of its network namespace (/proc/PID/net/*).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "explain/families.h"
#include "explain/path_errors.h"
#include "explain/path_walk.h"
#include "explain/sockets.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

constexpr int kCapNetBindService = 10;
constexpr int kTcpListen = 10;

struct Address {
  int family = AF_UNSPEC;
  std::string host;        // "127.0.0.1"
  uint16_t port = 0;
  unsigned char raw[16] = {};
  std::string unix_path;   // AF_UNIX: path, or "@name" for abstract
  bool abstract = false;
  std::string text() const {
    if (family == AF_INET) return host + ":" + std::to_string(port);
    if (family == AF_INET6) return "[" + host + "]:" + std::to_string(port);
    if (family == AF_UNIX) return quote(unix_path);
    return "address family " + std::to_string(family);
  }
};

std::optional<Address> parse_sockaddr(const std::string& b) {
  if (b.size() < sizeof(sa_family_t)) return std::nullopt;
  Address a;
  sa_family_t fam;
  std::memcpy(&fam, b.data(), sizeof fam);
  a.family = fam;
  if (fam == AF_INET && b.size() >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, b.data(), sizeof in);
    a.port = ntohs(in.sin_port);
    std::memcpy(a.raw, &in.sin_addr, 4);
    a.host = inet_text(AF_INET, &in.sin_addr);
  } else if (fam == AF_INET6 && b.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, b.data(), sizeof in6);
    a.port = ntohs(in6.sin6_port);
    std::memcpy(a.raw, &in6.sin6_addr, 16);
    a.host = inet_text(AF_INET6, &in6.sin6_addr);
  } else if (fam == AF_UNIX) {
    std::string path = b.substr(sizeof(sa_family_t));
    if (!path.empty() && path[0] == '\0') {
      a.abstract = true;
      a.unix_path = "@" + path.substr(1);
    } else {
      size_t nul = path.find('\0');
      a.unix_path = nul == std::string::npos ? path : path.substr(0, nul);
    }
  } else if (fam != AF_INET && fam != AF_INET6) {
    return a;
  } else {
    return std::nullopt;
  }
  return a;
}

std::optional<Address> address_arg(const Call& call, std::vector<Cause>& out) {
  int arg = 1;
  size_t len = static_cast<size_t>(call.arg(2));
  if (call.nr() == SYS_sendto) { arg = 4; len = static_cast<size_t>(call.arg(5)); }
  std::string why;
  auto bytes = call.bytes_arg(arg, std::min<size_t>(len, 128), &why);
  if (!bytes) {
    out.push_back(unchecked_cause("the socket address", why));
    return std::nullopt;
  }
  auto a = parse_sockaddr(*bytes);
  if (!a) out.push_back(unchecked_cause("the socket address", "it is too short for its family"));
  return a;
}

std::vector<InetSocket> sockets_on_port(const Call& call, const Address& a, bool tcp) {
  std::vector<InetSocket> out;
  static const char* const kTcp[] = {"tcp", "tcp6"};
  static const char* const kUdp[] = {"udp", "udp6"};
  for (const char* proto : tcp ? kTcp : kUdp)
    for (auto& s : inet_sockets(call.proc(), proto))
      if (s.port == a.port) out.push_back(s);
  return out;
}

int socket_type(const Call& call, int fd) {
  // The socket's type is not in /proc; the fd's target says "socket:[ino]" only.
  // Use the protocol tables: a UDP socket shows up in udp/udp6 by inode.
  auto entry = call.proc().fd(fd);
  if (!entry) return SOCK_STREAM;
  uint64_t ino = 0;
  if (std::sscanf(entry->target.c_str(), "socket:[%lu]", &ino) != 1) return SOCK_STREAM;
  for (const char* proto : {"udp", "udp6"})
    for (auto& s : inet_sockets(call.proc(), proto))
      if (s.inode == ino) return SOCK_DGRAM;
  return SOCK_STREAM;
}

std::vector<Cause> unix_connect(const Call& call, const Address& a) {
  std::vector<Cause> out;
  auto listeners = unix_sockets(call.proc());
  if (a.abstract) {
    for (auto& u : listeners)
      if (u.path == a.unix_path && u.listening) return out;
    out.push_back(make_cause("net.unix-nobody-listening",
                             "no socket listens on the abstract unix address " + quote(a.unix_path),
                             "start the server that should listen there"));
    return out;
  }
  WalkResult w = walk_path(call.proc(), a.unix_path, WalkOptions{});
  if (w.status != WalkStatus::Ok) {
    auto causes = walk_failure_causes(call, w, a.unix_path);
    for (auto& c : causes)
      if (c.code == "path.missing-final") {
        c.code = "net.unix-socket-missing";
        c.text = "the unix socket " + quote(a.unix_path) + " does not exist: " + c.text;
        c.fix = "start the server that creates it, or fix the socket path";
      }
    return causes;
  }
  if (!S_ISSOCK(w.final_st.st_mode)) {
    out.push_back(make_cause("net.unix-not-a-socket",
                             quote(w.final_path) + " is a " + file_type(w.final_st.st_mode) + ", not a socket",
                             "point the client at the server's socket file"));
    return out;
  }
  if (call.err() == EACCES && !may_access(call.proc().creds(), w.final_st, W_OK)) {
    Cause c = make_cause("net.unix-no-write-permission",
                         "connecting to a unix socket needs write permission on it; uid " +
                             std::to_string(call.proc().creds().fsuid) + " has none on " + quote(w.final_path) + " (" +
                             describe_inode(w.final_st) + ")",
                         "add the user to the socket's group or change its mode");
    c.evidence.push_back(access_denial(call.proc().creds(), w.final_st, W_OK));
    out.push_back(c);
    return out;
  }
  if (call.err() == ECONNREFUSED) {
    bool listening = false;
    for (auto& u : listeners)
      if (u.listening && (u.path == a.unix_path || u.path == w.final_path)) listening = true;
    if (!listening)
      out.push_back(make_cause("net.unix-nobody-listening",
                               quote(w.final_path) + " is a socket file, but no process listens on it (a stale socket left by a server that exited?)",
                               "start the server; remove the stale file if the server refuses to bind"));
  }
  return out;
}

// bind() creates the socket file: its directory must resolve and be writable.
std::vector<Cause> unix_bind_path(const Call& call, const Address& a) {
  WalkOptions o;
  o.follow_final = false;
  WalkResult w = walk_path(call.proc(), a.unix_path, o);
  bool only_final_missing = w.status == WalkStatus::Missing && w.reached_parent && w.component == w.final_name &&
                            !w.via_symlink;
  if (w.status != WalkStatus::Ok && !only_final_missing) return walk_failure_causes(call, w, a.unix_path);
  const Creds& cr = call.proc().creds();
  if (call.err() == EACCES && w.reached_parent && !may_access(cr, w.parent_st, W_OK | X_OK)) {
    Cause c = make_cause("path.no-write-permission-dir",
                         "uid " + std::to_string(cr.fsuid) + " may not create the socket " + quote(w.final_name) +
                             " in directory " + quote(w.parent_path) + " (" + describe_inode(w.parent_st) + ")",
                         "bind in a directory the user may write (e.g. $XDG_RUNTIME_DIR)");
    c.evidence.push_back(access_denial(cr, w.parent_st, W_OK | X_OK));
    return {c};
  }
  if (call.err() == EROFS && w.parent_fd.valid()) return erofs_causes(call, w.parent_fd.get(), a.unix_path);
  return {};
}

std::vector<Cause> connect_refused(const Call& call, const Address& a) {
  std::vector<Cause> out;
  auto socks = sockets_on_port(call, a, true);
  std::vector<InetSocket> listeners;
  for (auto& s : socks)
    if (s.state == kTcpListen) listeners.push_back(s);
  if (listeners.empty()) {
    Cause c = make_cause("net.nothing-listening",
                         "nothing listens on TCP port " + std::to_string(a.port) + " (connecting to " + a.text() +
                             ") in the network namespace of process " + std::to_string(call.proc().pid()),
                         "start the server, or fix the host/port the client uses");
    c.evidence.push_back("checked listening sockets in " + call.proc().proc_path("net/tcp") + " and tcp6");
    out.push_back(c);
    return out;
  }
  std::string list;
  for (auto& s : listeners) list += (list.empty() ? "" : ", ") + s.local;
  Cause c = make_cause("net.listening-elsewhere",
                       "port " + std::to_string(a.port) + " has listeners (" + list + ") but not on " + a.host +
                           "; or a firewall rejected the connection",
                       "connect to the address the server is bound to, or bind the server to 0.0.0.0/::");
  c.verified = false;
  out.push_back(c);
  return out;
}

std::vector<Cause> addr_in_use(const Call& call, const Address& a, int sock_fd) {
  std::vector<Cause> out;
  if (a.family == AF_UNIX) {
    if (a.abstract) {
      out.push_back(make_cause("net.address-in-use", "the abstract unix address " + quote(a.unix_path) + " is already bound",
                               "stop the other server or use another name"));
      return out;
    }
    WalkResult w = walk_path(call.proc(), a.unix_path, WalkOptions{});
    if (w.status == WalkStatus::Ok && w.final_exists)
      out.push_back(make_cause("net.unix-path-exists",
                               quote(w.final_path) + " already exists (" + describe_inode(w.final_st) +
                                   "); bind() creates the socket file and fails if anything is there",
                               "unlink() the stale socket file before bind(), if no server still uses it"));
    return out;
  }
  bool tcp = socket_type(call, sock_fd) == SOCK_STREAM;
  for (auto& s : sockets_on_port(call, a, tcp)) {
    if (tcp && s.state != kTcpListen && s.state != 7 /* CLOSE: bound only */) continue;
    auto owners = socket_owners(s.inode);
    std::string who;
    for (auto& o : owners) who += (who.empty() ? "" : ", ") + o;
    Cause c = make_cause("net.address-in-use",
                         std::string(tcp ? "TCP" : "UDP") + " port " + std::to_string(a.port) + " is already bound (" +
                             s.local + ")" + (who.empty() ? std::string(" by a socket no visible process holds")
                                                          : " by process " + who),
                         "stop that process, use another port, or set SO_REUSEADDR if it is in TIME_WAIT");
    c.evidence.push_back(s.proto + " socket inode " + std::to_string(s.inode) + " uid " + std::to_string(s.uid) +
                         (s.state == kTcpListen ? " LISTEN" : ""));
    out.push_back(c);
    break;
  }
  return out;
}

std::vector<Cause> no_route(const Call& call, const Address& a) {
  std::vector<Cause> out;
  if (a.family == AF_INET) {
    auto text = read_text_file(call.proc().proc_path("net/route"));
    if (!text) return {unchecked_cause("the routing table", "/proc/PID/net/route is not readable")};
    std::istringstream in(*text);
    std::string line;
    std::getline(in, line);
    uint32_t dst;
    std::memcpy(&dst, a.raw, 4);
    int routes = 0;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string iface, dest, gw, flags, refcnt, use, metric, mask;
      if (!(ls >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
      ++routes;
      uint32_t d = static_cast<uint32_t>(std::strtoul(dest.c_str(), nullptr, 16));
      uint32_t m = static_cast<uint32_t>(std::strtoul(mask.c_str(), nullptr, 16));
      if ((dst & m) == (d & m)) return out;  // a route exists; the failure is elsewhere
    }
    out.push_back(make_cause("net.no-route",
                             "no route to " + a.host + " in the IPv4 routing table of process " +
                                 std::to_string(call.proc().pid()) + "'s network namespace (" + std::to_string(routes) +
                                 " routes, none matching; no default route)",
                             "add a route or a default gateway (ip route add default via GW)"));
  } else if (a.family == AF_INET6) {
    auto text = read_text_file(call.proc().proc_path("net/ipv6_route"));
    if (!text) return {unchecked_cause("the routing table", "/proc/PID/net/ipv6_route is not readable")};
    bool has_default = text->find("00000000000000000000000000000000 00 ") != std::string::npos;
    if (!has_default)
      out.push_back(make_cause("net.no-route",
                               "no IPv6 default route in process " + std::to_string(call.proc().pid()) +
                                   "'s network namespace, and " + a.host + " is not on a local network",
                               "configure IPv6 routing, or connect over IPv4"));
  }
  return out;
}

}  // namespace

bool is_net_call(int nr) {
  return nr == SYS_connect || nr == SYS_bind || nr == SYS_sendto;
}

std::vector<Cause> explain_net(const Call& call) {
  std::vector<Cause> out;
  if (call.nr() == SYS_sendto && call.arg(4) == 0) return out;  // connected socket: no address
  auto a = address_arg(call, out);
  if (!a) return out;
  int err = call.err();
  bool bind = call.nr() == SYS_bind;
  if (a->family == AF_UNIX) {
    if (bind) {
      if (err == EADDRINUSE) return addr_in_use(call, *a, call.int_arg(0));
      if (!a->abstract) return unix_bind_path(call, *a);
      return out;
    }
    if (err == ENOENT || err == ECONNREFUSED || err == EACCES || err == ENOTDIR || err == ELOOP)
      return unix_connect(call, *a);
    return out;
  }
  if (a->family != AF_INET && a->family != AF_INET6) return out;
  switch (err) {
    case ECONNREFUSED:
      if (!bind) return connect_refused(call, *a);
      break;
    case EADDRINUSE:
      return addr_in_use(call, *a, call.int_arg(0));
    case EACCES:
      if (bind && a->port != 0) {
        // Per network namespace; read from whyfail's, which is the tracee's unless it unshared.
        auto start = read_sysctl_int("/proc/sys/net/ipv4/ip_unprivileged_port_start");
        if (start && a->port < *start && !call.proc().creds().has_cap(kCapNetBindService)) {
          Cause c = make_cause("net.privileged-port",
                               "port " + std::to_string(a->port) + " is below net.ipv4.ip_unprivileged_port_start (" +
                                   std::to_string(*start) + "), and process " + std::to_string(call.proc().pid()) +
                                   " (uid " + std::to_string(call.proc().creds().euid) +
                                   ") lacks CAP_NET_BIND_SERVICE",
                               "use a port >= " + std::to_string(*start) +
                                   ", grant CAP_NET_BIND_SERVICE (setcap cap_net_bind_service+ep), or lower the sysctl");
          out.push_back(c);
        }
      }
      break;
    case ENETUNREACH:
      return no_route(call, *a);
    default:
      break;
  }
  return out;
}

}  // namespace whyfail::explain
