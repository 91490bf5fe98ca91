// What a failed call names: its paths, the inet port or unix socket path it
// addressed. Messages are matched against these.
#pragma once

#include <string>
#include <vector>

#include "trace/event.h"

namespace whyfail::culprit {

struct NamedObjects {
  std::vector<std::string> paths;   // path arguments, as captured (unescaped bytes)
  int port = -1;                    // AF_INET/AF_INET6 port, -1 when none
  std::string address;              // "127.0.0.1", "::1" (inet), or the unix socket path
};

NamedObjects named_objects(const trace::SyscallEvent& call);

// Indices of the arguments holding paths (sysent when it knows the
// signature, else a small built-in list for the common calls).
std::vector<int> path_arg_indices(int nr);

// "/a/b/c" -> "c"; "/a/b/" -> "b".
std::string base_name(const std::string& path);

}  // namespace whyfail::culprit
