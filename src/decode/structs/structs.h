// Decoders for structures copied out of the tracee. Each takes the captured
// bytes (see sysent/capture.h for what a backend puts there) and returns a
// Value::Struct / Array; a capture shorter than the struct gives an empty
// Struct marked truncated ("{...}"). Faults and NULLs are handled by the
// caller (decoder.cpp) before these run.
#pragma once

#include <cstdint>
#include <string_view>

#include "decode/value.h"
#include "trace/event.h"

namespace whyfail::decode::structs {

// sockaddr.cpp: AF_INET, AF_INET6 (with scope), AF_UNIX (path, abstract with
// its leading NUL kept in sun_path, unnamed), AF_NETLINK; others as
// sa_family + sa_data bytes. `bytes` is what the kernel got/gave (addrlen).
Value sockaddr(std::string_view bytes, bool truncated);

// stat.cpp
Value stat(std::string_view bytes);    // struct stat (x86_64 kernel layout == glibc's)
Value statx(std::string_view bytes);   // struct statx
Value makedev(uint64_t major, uint64_t minor);  // Symbol "makedev(0x8, 0x1)"

// io_vectors.cpp
Value iovec(const trace::CapturedBytes& captured);      // [{iov_base="..", iov_len=N}, ...]
Value pollfds(std::string_view bytes, bool truncated, uint64_t nfds);  // [{fd=3, events=POLLIN}]
Value string_array(const trace::CapturedBytes& captured);  // ["ls", "-l"]
Value fd_pair(std::string_view bytes);                  // [3, 4]

// small_structs.cpp
Value timespec(std::string_view bytes);      // {tv_sec=1, tv_nsec=0}
Value rlimit(std::string_view bytes);        // {rlim_cur=RLIM_INFINITY, rlim_max=1024}
Value sigset(std::string_view bytes);        // Symbol "[INT TERM]", "~[KILL STOP]" when most are set
Value kernel_sigaction(std::string_view bytes);  // {sa_handler=SIG_IGN, sa_mask=[..], sa_flags=SA_RESTORER|..}

// perf_event_attr.cpp
Value perf_event_attr(std::string_view bytes, bool truncated);

// io_uring_params.cpp
Value io_uring_params(std::string_view bytes);

// open_how.cpp: {flags=O_RDONLY|O_CLOEXEC, mode=0, resolve=RESOLVE_BENEATH}
Value open_how(std::string_view bytes);

// clone_args.cpp: the CLONE_ARGS_SIZE_VER0 fields of struct clone_args
Value clone_args(std::string_view bytes);

}  // namespace whyfail::decode::structs
