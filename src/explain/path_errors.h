// Per-errno helpers on a path walk, shared by the path, exec and unix-socket
// explainers.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "explain/call.h"
#include "explain/explanation.h"
#include "explain/path_walk.h"

namespace whyfail::explain {

// Causes for a walk that stopped early (any status but Ok). `path` is the raw argument.
std::vector<Cause> walk_failure_causes(const Call& call, const WalkResult& walk, const std::string& path);
// "the check could not be made" (verified=false), with the reason.
Cause unchecked_cause(const std::string& what, const std::string& why);
// "/ (ext4 /dev/vda, rw,relatime)"
std::string mount_text(const MountEntry& m);
// Processes running the inode as their executable: "1234 (sleep)".
std::vector<std::string> processes_executing(const struct stat& st);
// Processes holding the inode open for writing: "1234 (vim) fd 3".
std::vector<std::string> processes_writing(const struct stat& st);
// A few names inside a directory (O_PATH fd), and the total count.
std::vector<std::string> directory_entries(int dir_fd, size_t max, size_t* total);
// EROFS: the read-only mount `fd` is on.
std::vector<Cause> erofs_causes(const Call& call, int fd, const std::string& path);

}  // namespace whyfail::explain
