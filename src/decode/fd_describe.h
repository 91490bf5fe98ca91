// What a tracee's descriptor refers to, for -y: "/etc/passwd", "pipe:[1234]",
// "TCP:[127.0.0.1:40000->127.0.0.1:80]", "UNIX:[5678,/run/x.sock]",
// "anon_inode:[eventfd]". Read from /proc/PID, in the tracee's own network
// namespace (/proc/PID/net). Never throws; "" when the process or the fd is gone.
#pragma once

#include <sys/types.h>

#include <string>

namespace whyfail::decode {

std::string describe_fd(pid_t pid, int fd);

// The socket part alone, for a socket inode: "TCP:[...]", "" when not found.
std::string describe_socket(pid_t pid, unsigned long inode);

}  // namespace whyfail::decode
