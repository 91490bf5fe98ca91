#include "explain/sockets.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "explain/text.h"

namespace whyfail::explain {

std::string inet_text(int family, const void* addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (!::inet_ntop(family, addr, buf, sizeof buf)) return "?";
  return buf;
}

namespace {

// "0100007F:1F90": the address in the kernel's in-memory (host order 32-bit words) form.
bool parse_endpoint(const std::string& s, bool v6, InetSocket& out) {
  size_t colon = s.find(':');
  if (colon == std::string::npos) return false;
  std::string hex = s.substr(0, colon);
  out.addr_hex = hex;
  out.port = static_cast<uint16_t>(std::strtoul(s.substr(colon + 1).c_str(), nullptr, 16));
  unsigned char bytes[16] = {};
  size_t words = v6 ? 4 : 1;
  if (hex.size() != words * 8) return false;
  for (size_t w = 0; w < words; ++w) {
    uint32_t v = static_cast<uint32_t>(std::strtoul(hex.substr(w * 8, 8).c_str(), nullptr, 16));
    std::memcpy(bytes + w * 4, &v, 4);
  }
  bool zero = true;
  for (size_t i = 0; i < words * 4; ++i) zero = zero && bytes[i] == 0;
  out.wildcard = zero;
  std::string a = inet_text(v6 ? AF_INET6 : AF_INET, bytes);
  out.local = v6 ? "[" + a + "]:" + std::to_string(out.port) : a + ":" + std::to_string(out.port);
  return true;
}

}  // namespace

std::vector<InetSocket> inet_sockets(const ProcState& proc, const std::string& proto) {
  std::vector<InetSocket> out;
  auto text = read_text_file(proc.proc_path("net/" + proto), 16 << 20);
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);  // header
  bool v6 = proto.back() == '6';
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string sl, local, remote, st, queues, timer, retr, uid, timeout, inode;
    if (!(ls >> sl >> local >> remote >> st >> queues >> timer >> retr >> uid >> timeout >> inode)) continue;
    InetSocket s;
    s.proto = proto;
    if (!parse_endpoint(local, v6, s)) continue;
    s.state = static_cast<int>(std::strtol(st.c_str(), nullptr, 16));
    s.uid = static_cast<uid_t>(std::strtoul(uid.c_str(), nullptr, 10));
    s.inode = std::strtoull(inode.c_str(), nullptr, 10);
    out.push_back(s);
  }
  return out;
}

std::vector<UnixSocket> unix_sockets(const ProcState& proc) {
  std::vector<UnixSocket> out;
  auto text = read_text_file(proc.proc_path("net/unix"), 16 << 20);
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    // Num RefCount Protocol Flags Type St Inode [Path]
    std::istringstream ls(line);
    std::string num, ref, protocol, flags, type, st, inode;
    if (!(ls >> num >> ref >> protocol >> flags >> type >> st >> inode)) continue;
    UnixSocket u;
    u.listening = (std::strtoul(flags.c_str(), nullptr, 16) & 0x10000) != 0;  // __SO_ACCEPTCON
    u.inode = std::strtoull(inode.c_str(), nullptr, 10);
    std::string rest;
    std::getline(ls, rest);
    size_t b = rest.find_first_not_of(' ');
    u.path = b == std::string::npos ? "" : rest.substr(b);
    out.push_back(u);
  }
  return out;
}

std::vector<std::string> socket_owners(uint64_t inode) {
  std::vector<std::string> out;
  std::string want = "socket:[" + std::to_string(inode) + "]";
  DIR* proc = ::opendir("/proc");
  if (!proc) return out;
  while (dirent* p = ::readdir(proc)) {
    if (p->d_name[0] < '0' || p->d_name[0] > '9') continue;
    std::string dir = std::string("/proc/") + p->d_name + "/fd";
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;
    while (dirent* f = ::readdir(d)) {
      if (f->d_name[0] == '.') continue;
      auto target = read_link(dir + "/" + f->d_name);
      if (target && *target == want) {
        pid_t pid = static_cast<pid_t>(std::atoi(p->d_name));
        out.push_back(std::to_string(pid) + " (" + escape(process_comm(pid)) + ") fd " + f->d_name);
      }
    }
    ::closedir(d);
  }
  ::closedir(proc);
  return out;
}

}  // namespace whyfail::explain
