// Which bytes to copy out of the tracee for one argument, and when. Derived
// from ArgType; shared by every backend (the BPF backend compiles the same
// rules into its per-syscall capture table, see trace/bpf/syscalls_abi.h).
//
// What decode/ expects in SyscallEvent::captured[i] (trace/event.h), per kind:
//  - absent (nullopt): nothing captured (an output of a failed call, a rule of
//    kind None). The decoder then shows the raw register (an address).
//  - fault = true: the address was not readable; bytes empty. Shown as
//    Unreadable(address). A NULL pointer needs no capture: the decoder checks
//    the register for 0 first and shows NULL.
//  - CString: the bytes without the terminating NUL; truncated when the
//    limit (-s, or path_limit for paths) cut it before its NUL.
//  - StringArray: the strings back to back, no NULs; parts[i] = end offset
//    of string i; elements_total = the array's length in the tracee (may
//    exceed parts.size()); truncated when any string or the array was cut.
//  - Buffer: the bytes (up to len_arg's value, or the return value for
//    SizeFrom::Ret), cut at -s; truncated when cut. PollFds: nfds * 8 bytes
//    of struct pollfd, also cut at -s.
//  - Iovec: each element's contents back to back; parts[i] = end offset of
//    element i (parts.size() = elements copied); elements_total = iovcnt;
//    truncated when the byte budget (-s, or the return value for IovecOut)
//    stopped the copy. The decoder takes lengths from parts; after a cut it
//    treats the last non-empty element as the cut one (iov_len unknown).
//  - Struct: exactly fixed_size bytes in the tracee's (= x86_64 kernel) layout.
//  - Sockaddr: addrlen bytes (len_arg's value at entry; at exit, the value
//    the kernel wrote to the socklen_t* in len_arg), at most fixed_size;
//    truncated when addrlen was larger.
//  - PerfAttr: `size` bytes as the struct's own size field says (0 means 64),
//    bounded; truncated when bounded.
#pragma once

#include <cstdint>

#include "sysent/arg_type.h"

namespace whyfail::sysent {

enum class CaptureKind : uint8_t {
  None,
  CString,      // NUL-terminated string, up to the string limit (-s) or PATH_MAX for paths
  StringArray,  // NULL-terminated array of strings
  Buffer,       // `size_from` tells where the byte count comes from
  Iovec,        // iovec array; element count from len_arg; total bytes bounded by size_from
  Struct,       // fixed-size struct of `fixed_size` bytes
  Sockaddr,     // struct sockaddr; length from len_arg (a value, or a socklen_t* when at exit)
  PerfAttr,     // perf_event_attr, the size it declares (bounded)
};

enum class CaptureWhen : uint8_t {
  Entry,         // input: read before the kernel runs
  Exit,          // output: read after, only if the call succeeded
  EntryAndExit,  // in/out struct (io_uring_params): read at exit, successful or not
};

enum class SizeFrom : uint8_t {
  None,
  Arg,      // args[len_arg]
  Ret,      // the return value (bytes the kernel produced)
};

struct ArgCapture {
  CaptureKind kind = CaptureKind::None;
  CaptureWhen when = CaptureWhen::Entry;
  SizeFrom size_from = SizeFrom::None;
  uint16_t fixed_size = 0;   // for Struct
  bool is_path = false;      // CString that names a file (captured up to PATH_MAX, not -s)
};

// The capture rule for an argument of this type. len_arg is the index of the
// argument holding the length, when the type needs one.
ArgCapture capture_for(ArgType type);

}  // namespace whyfail::sysent
