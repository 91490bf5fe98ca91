// Turns a SyscallEvent into named, symbolic values.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "decode/value.h"
#include "trace/event.h"

namespace whyfail::decode {

struct DecodedCall {
  std::string name;            // "openat", or "syscall_1234" for unknown numbers
  std::vector<Value> args;     // as many as the syscall takes
  Value ret;                   // the return value (an Fd for fd-returning calls, Hex for addresses)
  int err = 0;                 // errno, 0 on success
  std::string errno_name;      // "ENOENT" (kernel-internal names too: "ERESTARTSYS")
  std::string errno_text;      // "No such file or directory"
};

struct DecodeOptions {
  // -y: resolve descriptors to what they refer to. Called with (pid, fd);
  // returns "" when unknown. Empty function: no annotation.
  std::function<std::string(pid_t, int)> describe_fd;
  // -v: print environments in full (strace abbreviates them to "/* N vars */").
  bool verbose = false;
};

DecodedCall decode_syscall(const trace::SyscallEvent& event, const DecodeOptions& options);

// One argument alone (index into the syscall's arguments), decoded as in
// decode_syscall; hex for an unknown signature or index.
Value decode_arg(const trace::SyscallEvent& event, int index, const DecodeOptions& options);

// "ENOENT" for 2; "E<n>" when unknown.
std::string errno_name(int err);
// strerror-like text, including kernel-internal codes ("Interrupted system call should be restarted").
std::string errno_text(int err);
// Errno by name ("ENOENT" -> 2), or -1.
int errno_by_name(const std::string& name);
// "SIGINT" for 2; "SIGRTMIN+n" for real-time signals (kernel numbering,
// SIGRTMIN = 32); "SIG<n>" otherwise.
std::string signal_name(int signo);
// Signal by name ("SIGTERM", "TERM", "SIGRTMIN+3") -> number, or -1.
int signal_by_name(const std::string& name);
// Every errno value with a name (1..133 and the kernel-internal 512..), ascending.
std::vector<int> all_errnos();

}  // namespace whyfail::decode
