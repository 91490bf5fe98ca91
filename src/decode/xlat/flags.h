// Symbolic decoding of flag sets and enum arguments, one function per
// argument kind. Each returns a Value (Symbol for names, a number when a
// value is unknown); the tables live one family per file under xlat/.
#pragma once

#include <cstdint>
#include <optional>

#include "decode/value.h"

namespace whyfail::decode::xlat {

// open_flags.cpp
Value open_flags(uint64_t flags);      // O_RDONLY|O_CLOEXEC, O_TMPFILE, O_LARGEFILE
Value pipe_flags(uint64_t flags);      // O_CLOEXEC|O_NONBLOCK|O_DIRECT (pipe2, dup3)
Value fd_flags(uint64_t flags);        // FD_CLOEXEC (F_SETFD)

// at_flags.cpp
Value dirfd(int64_t fd);               // AT_FDCWD, else a plain number (the decoder makes it an Fd)
Value at_flags(uint64_t flags);        // AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH ...
Value unlinkat_flags(uint64_t flags);  // AT_REMOVEDIR
Value rename_flags(uint64_t flags);    // RENAME_NOREPLACE|RENAME_EXCHANGE|RENAME_WHITEOUT
Value access_mode(uint64_t mode);      // F_OK, R_OK|W_OK|X_OK

// mode.cpp
Value file_mode(uint64_t mode);        // 0644 (octal); S_IFREG|0644 when type bits are set (mknod)

// mmap_flags.cpp
Value prot_flags(uint64_t prot);       // PROT_READ|PROT_WRITE, PROT_NONE
Value map_flags(uint64_t flags);       // MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB
Value msync_flags(uint64_t flags);     // MS_ASYNC|MS_INVALIDATE
Value madvise_advice(uint64_t advice); // MADV_DONTNEED

// clone_flags.cpp
Value clone_flags(uint64_t flags);     // CLONE_VM|CLONE_FS|...|SIGCHLD (low byte: exit signal)

// socket_consts.cpp
Value socket_domain(uint64_t domain);                   // AF_INET
Value socket_type(uint64_t type);                       // SOCK_STREAM|SOCK_CLOEXEC (type 0: flags only)
Value socket_proto(uint64_t domain, uint64_t proto);    // IPPROTO_TCP, NETLINK_ROUTE
Value sockopt_level(uint64_t level);                    // SOL_SOCKET, SOL_TCP
Value sockopt_name(uint64_t level, uint64_t name);      // SO_REUSEADDR, TCP_NODELAY
Value msg_flags(uint64_t flags);                        // MSG_DONTWAIT|MSG_NOSIGNAL
Value shutdown_how(uint64_t how);                       // SHUT_RDWR

// fcntl.cpp
Value fcntl_cmd(uint64_t cmd);         // F_SETFL
// The third argument as the command reads it; nullopt when the command takes none (F_GETFL).
std::optional<Value> fcntl_arg(uint64_t cmd, uint64_t arg);

// ioctl.cpp
Value ioctl_request(uint64_t req);     // TCGETS, FIONREAD; _IOC(dir, type, nr, size) otherwise

// process_consts.cpp
Value wait_options(uint64_t options);  // WNOHANG|__WALL
Value prctl_option(uint64_t option);   // PR_SET_NAME
Value arch_prctl_code(uint64_t code);  // ARCH_SET_FS
Value personality(uint64_t persona);   // PER_LINUX|ADDR_NO_RANDOMIZE
Value rlimit_resource(uint64_t res);   // RLIMIT_NOFILE
Value sigprocmask_how(uint64_t how);   // SIG_BLOCK
Value futex_op(uint64_t op);           // FUTEX_WAIT_PRIVATE, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME

// misc_consts.cpp
Value whence(uint64_t whence);         // SEEK_SET ... SEEK_HOLE
Value clock_id(int64_t clock);         // CLOCK_MONOTONIC; dynamic (fd/pid) clocks as numbers
Value epoll_ctl_op(uint64_t op);       // EPOLL_CTL_ADD
Value mount_flags(uint64_t flags);     // MS_RDONLY|MS_NOSUID (MS_MGC_VAL magic shown)
Value perf_flags(uint64_t flags);      // PERF_FLAG_FD_CLOEXEC
Value bpf_cmd(uint64_t cmd);           // BPF_PROG_LOAD
Value eventfd_flags(uint64_t flags);   // EFD_CLOEXEC|EFD_NONBLOCK|EFD_SEMAPHORE
Value memfd_flags(uint64_t flags);     // MFD_CLOEXEC|MFD_HUGETLB|MFD_HUGE_2MB
Value getrandom_flags(uint64_t flags); // GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE
Value statx_mask(uint64_t mask);       // STATX_BASIC_STATS, STATX_BTIME
Value statx_attributes(uint64_t attrs);// STATX_ATTR_* (in struct statx)

}  // namespace whyfail::decode::xlat
