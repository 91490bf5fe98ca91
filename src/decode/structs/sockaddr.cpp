#include <arpa/inet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "decode/structs/structs.h"
#include "decode/xlat/flags.h"

namespace whyfail::decode::structs {

namespace {

template <typename T>
T load(std::string_view bytes) {
  T v{};
  std::memcpy(&v, bytes.data(), std::min(sizeof v, bytes.size()));
  return v;
}

Value unix_addr(std::string_view bytes, Value out) {
  std::string_view path = bytes.substr(offsetof(sockaddr_un, sun_path));
  if (path.empty()) return out;  // unnamed (autobind not done, or socketpair)
  if (path.front() != '\0') {
    // A filesystem name: up to the first NUL (the length may include it).
    path = path.substr(0, path.find('\0'));
  }
  // Abstract names: every byte after the leading NUL is part of the name;
  // shown as strace does, @"name".
  Value name = Value::make_bytes(std::string(path), false);
  if (path.front() == '\0') {
    name.bytes.erase(0, 1);
    name.prefix = "@";
  }
  out.fields.emplace_back("sun_path", std::move(name));
  return out;
}

Value inet_addr(std::string_view bytes, Value out) {
  if (bytes.size() < sizeof(sockaddr_in)) {
    out.truncated = true;
    return out;
  }
  auto sin = load<sockaddr_in>(bytes);
  char ip[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof ip);
  out.fields.emplace_back("sin_port", Value::make_symbol("htons(" + std::to_string(ntohs(sin.sin_port)) + ")"));
  out.fields.emplace_back("sin_addr", Value::make_symbol("inet_addr(\"" + std::string(ip) + "\")"));
  return out;
}

Value inet6_addr(std::string_view bytes, Value out) {
  if (bytes.size() < sizeof(sockaddr_in6)) {
    out.truncated = true;
    return out;
  }
  auto sin6 = load<sockaddr_in6>(bytes);
  char ip[INET6_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET6, &sin6.sin6_addr, ip, sizeof ip);
  out.fields.emplace_back("sin6_port", Value::make_symbol("htons(" + std::to_string(ntohs(sin6.sin6_port)) + ")"));
  out.fields.emplace_back("sin6_flowinfo", Value::make_symbol("htonl(" + std::to_string(ntohl(sin6.sin6_flowinfo)) + ")"));
  out.fields.emplace_back("sin6_addr", Value::make_symbol("inet_pton(AF_INET6, \"" + std::string(ip) + "\")"));
  if (sin6.sin6_scope_id) {
    // Interface names are read from this host: right for loopback and for a
    // tracee in the same network namespace, which is the common case.
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(sin6.sin6_scope_id, name))
      out.fields.emplace_back("sin6_scope_id", Value::make_symbol("if_nametoindex(\"" + std::string(name) + "\")"));
    else
      out.fields.emplace_back("sin6_scope_id", Value::make_uint(sin6.sin6_scope_id));
  } else {
    out.fields.emplace_back("sin6_scope_id", Value::make_uint(0));
  }
  return out;
}

Value netlink_addr(std::string_view bytes, Value out) {
  if (bytes.size() < sizeof(sockaddr_nl)) {
    out.truncated = true;
    return out;
  }
  auto nl = load<sockaddr_nl>(bytes);
  out.fields.emplace_back("nl_pid", Value::make_int(nl.nl_pid));
  out.fields.emplace_back("nl_groups", Value::make_hex(nl.nl_groups));
  return out;
}

}  // namespace

Value sockaddr(std::string_view bytes, bool truncated) {
  Value out;
  out.kind = Value::Kind::Struct;
  if (bytes.size() < sizeof(sa_family_t)) {
    out.truncated = true;
    return out;
  }
  auto family = load<sa_family_t>(bytes);
  out.fields.emplace_back("sa_family", xlat::socket_domain(family));
  switch (family) {
    case AF_UNIX: out = unix_addr(bytes, std::move(out)); break;
    case AF_INET: out = inet_addr(bytes, std::move(out)); break;
    case AF_INET6: out = inet6_addr(bytes, std::move(out)); break;
    case AF_NETLINK: out = netlink_addr(bytes, std::move(out)); break;
    default:
      out.fields.emplace_back("sa_data", Value::make_bytes(std::string(bytes.substr(sizeof(sa_family_t))), truncated));
      return out;
  }
  out.truncated = out.truncated || truncated;
  return out;
}

}  // namespace whyfail::decode::structs
