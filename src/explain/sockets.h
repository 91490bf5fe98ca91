// The socket tables of a network namespace (/proc/PID/net/{tcp,tcp6,udp,udp6,unix})
// and the processes that own a socket inode.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "explain/proc_state.h"

namespace whyfail::explain {

struct InetSocket {
  std::string proto;     // "tcp", "tcp6", "udp", "udp6"
  std::string local;     // "127.0.0.1:8080", "[::]:80"
  bool wildcard = false; // bound to 0.0.0.0 / ::
  std::string addr_hex;  // address as in the table
  uint16_t port = 0;
  int state = 0;         // TCP_LISTEN = 10
  uint64_t inode = 0;
  uid_t uid = 0;
};

struct UnixSocket {
  std::string path;      // "@name" for abstract
  bool listening = false;
  uint64_t inode = 0;
};

std::vector<InetSocket> inet_sockets(const ProcState& proc, const std::string& proto);
std::vector<UnixSocket> unix_sockets(const ProcState& proc);
// "1234 (nginx) fd 6" for each process with socket:[inode] open.
std::vector<std::string> socket_owners(uint64_t inode);

// IPv4/IPv6 address of a sockaddr as text ("127.0.0.1", "::1").
std::string inet_text(int family, const void* addr);

}  // namespace whyfail::explain
