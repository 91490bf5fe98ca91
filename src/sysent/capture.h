// Which bytes to copy out of the tracee for one argument, and when. Derived
// from ArgType; shared by every backend (the BPF backend compiles the same
// rules into its per-syscall capture table, see trace/bpf/syscalls_abi.h).
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
