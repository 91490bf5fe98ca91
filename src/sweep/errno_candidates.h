// Which errnos a recorded call can really return where it was made: the syscall's
// documented errors (man 2 pages, ERRORS), narrowed to what fits its arguments (a
// write to a regular file can hit ENOSPC, one to a socket ECONNRESET; an open without
// O_CREAT ENOENT). One table for every syscall family, in errno_candidates.cpp.
#pragma once

#include <string>
#include <vector>

#include "sweep/recording.h"

namespace whyfail::sweep {

// What a descriptor refers to, from whyfail's fd annotation.
enum class FdKind { Unknown, RegularFile, Pipe, Socket, Terminal, CharDevice, Other };

FdKind fd_kind(const std::string& annotation);

struct CallContext {
  // The descriptor the call works on was written to (a write-family call on it
  // succeeded since it was opened), so its close() or fsync() can report lost data.
  bool fd_was_written = false;
  // This call is the command's own first exec (whyfail starting it): never a site.
  bool is_initial_exec = false;
};

// The errnos to try at this call, in table order; empty: not a site.
std::vector<int> candidate_errnos(const RecordedCall& call, const CallContext& context);

// Calls whose failure means data did not reach its destination (a write, a flush, the
// close that reports a deferred write error): ignoring it loses data.
bool is_data_call(const std::string& syscall);

// The descriptor argument index of fd-based calls (-1: none) and the path argument
// index of path-based calls (-1: none): what a site's target is.
int fd_argument(const std::string& syscall);
int path_argument(const std::string& syscall);

// "ENOENT" for 2; "E<n>" when unknown.
std::string errno_name(int err);

}  // namespace whyfail::sweep
