#include "cli/fd_paths.h"

#include <unistd.h>

#include <string>

namespace whyfail::cli {

std::function<std::string(pid_t, int)> make_fd_describer() {
  return [](pid_t pid, int fd) -> std::string {
    if (fd < 0) return {};
    const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
    char buf[4096];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
    if (n <= 0) return {};
    return std::string(buf, static_cast<std::size_t>(n));
  };
}

}  // namespace whyfail::cli
