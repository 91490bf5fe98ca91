#include "culprit/named_objects.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cstring>

#include "sysent/syscall_info.h"

namespace whyfail::culprit {

namespace {

// Used until (and unless) the syscall table knows the signature.
std::vector<int> fallback_path_args(int nr) {
  switch (nr) {
    case SYS_open: case SYS_creat: case SYS_stat: case SYS_lstat: case SYS_access:
    case SYS_execve: case SYS_mkdir: case SYS_rmdir: case SYS_unlink: case SYS_chdir:
    case SYS_readlink: case SYS_chmod: case SYS_chown: case SYS_lchown: case SYS_truncate:
    case SYS_mknod: case SYS_statfs: case SYS_chroot: case SYS_getxattr: case SYS_lgetxattr:
    case SYS_setxattr: case SYS_lsetxattr: case SYS_listxattr: case SYS_llistxattr:
    case SYS_utime: case SYS_utimes: case SYS_acct: case SYS_swapon:
      return {0};
    case SYS_openat: case SYS_openat2: case SYS_newfstatat: case SYS_faccessat:
    case SYS_faccessat2: case SYS_execveat: case SYS_mkdirat: case SYS_unlinkat:
    case SYS_readlinkat: case SYS_fchmodat: case SYS_fchownat: case SYS_mknodat:
    case SYS_statx: case SYS_utimensat: case SYS_inotify_add_watch: case SYS_name_to_handle_at:
      return {1};
    case SYS_rename: case SYS_link: case SYS_symlink:
      return {0, 1};
    case SYS_renameat: case SYS_renameat2: case SYS_linkat:
      return {1, 3};
    case SYS_symlinkat:
      return {0, 2};
    case SYS_mount:
      return {0, 1};
    case SYS_umount2:
      return {0};
    default:
      return {};
  }
}

int sockaddr_arg(int nr) {
  switch (nr) {
    case SYS_connect: case SYS_bind: return 1;
    case SYS_sendto: return 4;
    default: return -1;
  }
}

void read_sockaddr(const std::string& bytes, NamedObjects& out) {
  if (bytes.size() < sizeof(sa_family_t)) return;
  sa_family_t family;
  std::memcpy(&family, bytes.data(), sizeof family);
  char text[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET && bytes.size() >= sizeof(sockaddr_in)) {
    sockaddr_in sin;
    std::memcpy(&sin, bytes.data(), sizeof sin);
    out.port = ntohs(sin.sin_port);
    if (inet_ntop(AF_INET, &sin.sin_addr, text, sizeof text)) out.address = text;
  } else if (family == AF_INET6 && bytes.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, bytes.data(), sizeof sin6);
    out.port = ntohs(sin6.sin6_port);
    if (inet_ntop(AF_INET6, &sin6.sin6_addr, text, sizeof text)) out.address = text;
  } else if (family == AF_UNIX && bytes.size() > sizeof(sa_family_t)) {
    std::string path = bytes.substr(sizeof(sa_family_t));
    auto nul = path.find('\0');
    // Abstract sockets start with NUL: name them without it.
    if (nul == 0) path = path.substr(1);
    else if (nul != std::string::npos) path.resize(nul);
    nul = path.find('\0');
    if (nul != std::string::npos) path.resize(nul);
    out.address = path;
    if (!path.empty()) out.paths.push_back(path);
  }
}

}  // namespace

std::vector<int> path_arg_indices(int nr) {
  const sysent::SyscallInfo* info = sysent::syscall_by_nr(nr);
  if (info && info->known_signature) {
    std::vector<int> out;
    for (int i = 0; i < info->nargs && i < 6; ++i)
      if (info->args[i].type == sysent::ArgType::Path) out.push_back(i);
    return out;
  }
  return fallback_path_args(nr);
}

std::string base_name(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

NamedObjects named_objects(const trace::SyscallEvent& call) {
  NamedObjects out;
  for (int i : path_arg_indices(call.nr)) {
    const auto& cap = call.captured[i];
    if (!cap || cap->fault || cap->bytes.empty()) continue;
    std::string path = cap->bytes;
    auto nul = path.find('\0');
    if (nul != std::string::npos) path.resize(nul);
    if (!path.empty()) out.paths.push_back(path);
  }
  int sa = sockaddr_arg(call.nr);
  if (sa >= 0 && call.captured[sa] && !call.captured[sa]->fault)
    read_sockaddr(call.captured[sa]->bytes, out);
  return out;
}

}  // namespace whyfail::culprit
