#include "decode/fd_describe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace whyfail::decode {

namespace {

std::string read_link(const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n <= 0) return {};
  buf.resize(static_cast<size_t>(n));
  return buf;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// "0100007F:0050" (IPv4) or 32 hex digits + ":PORT" (IPv6), as the kernel
// prints them: each 32-bit word in host byte order.
std::string endpoint(const std::string& field, bool v6) {
  auto colon = field.find(':');
  if (colon == std::string::npos) return {};
  std::string addr_hex = field.substr(0, colon);
  unsigned port = static_cast<unsigned>(std::stoul(field.substr(colon + 1), nullptr, 16));
  char text[INET6_ADDRSTRLEN] = {};
  if (!v6) {
    in_addr a{};
    a.s_addr = static_cast<uint32_t>(std::stoul(addr_hex, nullptr, 16));
    inet_ntop(AF_INET, &a, text, sizeof text);
    return std::string(text) + ":" + std::to_string(port);
  }
  if (addr_hex.size() != 32) return {};
  in6_addr a{};
  for (int i = 0; i < 4; ++i) {
    uint32_t word = static_cast<uint32_t>(std::stoul(addr_hex.substr(static_cast<size_t>(i) * 8, 8), nullptr, 16));
    std::memcpy(&a.s6_addr[i * 4], &word, 4);
  }
  inet_ntop(AF_INET6, &a, text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(port);
}

bool unspecified_remote(const std::string& field) {
  // "00000000:0000" or all-zero IPv6 with port 0: a listening or unconnected socket.
  return field.find_first_not_of("0:") == std::string::npos;
}

// tcp/tcp6/udp/udp6 tables: "sl local rem st ... uid timeout inode".
std::string find_inet(pid_t pid, const char* table, const char* label, bool v6, const std::string& inode) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto f = split(line);
    if (f.size() < 10 || f[9] != inode) continue;
    std::string local = endpoint(f[1], v6);
    if (unspecified_remote(f[2])) return std::string(label) + ":[" + local + "]";
    return std::string(label) + ":[" + local + "->" + endpoint(f[2], v6) + "]";
  }
  return {};
}

// unix table: "Num RefCount Protocol Flags Type St Inode [Path]".
std::string find_unix(pid_t pid, const std::string& inode) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/net/unix");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    auto f = split(line);
    if (f.size() < 7 || f[6] != inode) continue;
    if (f.size() < 8) return "UNIX:[" + inode + "]";
    // The path is the rest of the line (it may hold spaces).
    auto pos = line.find(f[7], line.find(f[6]) + f[6].size());
    return "UNIX:[" + inode + "," + line.substr(pos) + "]";
  }
  return {};
}

// netlink table: "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode".
std::string find_netlink(pid_t pid, const std::string& inode) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/net/netlink");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    auto f = split(line);
    if (f.size() >= 10 && f[9] == inode) return "NETLINK:[" + inode + "]";
  }
  return {};
}

// The protocol name the kernel keeps for any socket ("TCP", "UNIXv6"...),
// for sockets no /proc/net table lists (unbound, closed, refused).
std::string protocol_name(const std::string& fd_path) {
  char name[64] = {};
  ssize_t n = ::getxattr(fd_path.c_str(), "system.sockprotoname", name, sizeof name - 1);
  if (n <= 0) return {};
  return std::string(name, static_cast<size_t>(n)).c_str();  // may include the NUL
}

}  // namespace

std::string describe_socket(pid_t pid, unsigned long inode_number) {
  try {
    const std::string inode = std::to_string(inode_number);
    struct Table {
      const char* file;
      const char* label;
      bool v6;
    };
    static constexpr Table kTables[] = {{"tcp", "TCP", false},  {"tcp6", "TCPv6", true},
                                        {"udp", "UDP", false},  {"udp6", "UDPv6", true},
                                        {"udplite", "UDPLITE", false}, {"udplite6", "UDPLITEv6", true},
                                        {"raw", "RAW", false},  {"raw6", "RAWv6", true}};
    for (const auto& t : kTables) {
      std::string found = find_inet(pid, t.file, t.label, t.v6, inode);
      if (!found.empty()) return found;
    }
    std::string found = find_unix(pid, inode);
    if (found.empty()) found = find_netlink(pid, inode);
    return found;
  } catch (...) {
    return {};  // a malformed or vanished table: nothing to say
  }
}

std::string describe_fd(pid_t pid, int fd) {
  try {
    const std::string fd_path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
    std::string target = read_link(fd_path);
    static constexpr char kSocket[] = "socket:[";
    if (target.rfind(kSocket, 0) == 0 && target.back() == ']') {
      std::string ino = target.substr(sizeof kSocket - 1, target.size() - sizeof kSocket);
      std::string sock = describe_socket(pid, std::stoul(ino));
      if (!sock.empty()) return sock;
      std::string proto = protocol_name(fd_path);
      if (!proto.empty()) return proto + ":[" + ino + "]";
    }
    return target;
  } catch (...) {
    return {};
  }
}

}  // namespace whyfail::decode
