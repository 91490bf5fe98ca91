// `whyfail files`: every file operation, one line per completed call, with
// the paths the kernel resolved. Text, --compact (fatrace-like letters),
// -c (per process and path totals, like filetop), --json.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "report/text.h"
#include "util/result.h"
#include "views/view_options.h"

namespace whyfail::views {

struct FilePath {
  bool present = false;
  std::string path;      // absolute when resolved; as passed (relative) when no base was read
  bool resolved = false; // from the kernel's file table (fd or the opened fd)
  bool truncated = false;
  bool pseudo = false;   // pipe:[ino], socket:[ino], anon_inode:... (no path)
  bool bad_fd = false;
  uint32_t mode = 0;     // the inode's type and permission bits, when from an fd
};

struct FileEvent {
  uint64_t enter_ns = 0, exit_ns = 0;
  int64_t wall_ns = 0;
  pid_t pid = 0, tid = 0;
  uint32_t uid = 0;
  std::string comm;
  uint32_t nr = 0;
  std::string syscall;
  char letter = '?';
  uint64_t args[6] = {};
  int64_t ret = 0;
  uint64_t how_flags = 0, how_mode = 0, how_resolve = 0;
  FilePath path[2];
};

Result<FileEvent> decode_file(const void* data, std::size_t size, int64_t mono_to_wall_ns);

// One line: [time] comm(pid) syscall "path" args = ret [ERRNO]; the time (of
// the call's completion) with -t, -tt, -ttt only, as strace.
std::string file_text(const FileEvent& e, report::Timestamps timestamps = report::Timestamps::None);
std::string file_json(const FileEvent& e);
// The bytes moved by a read/write-like call (0 for others or on failure).
uint64_t file_bytes(const FileEvent& e);
bool file_is_write(const FileEvent& e);

struct FilesOptions {
  ViewOptions view;
  bool compact = false;
  bool summary = false;  // -c
  report::Timestamps timestamps = report::Timestamps::None;  // -t, -tt, -ttt (text)
};

Result<int> run_files(const FilesOptions& opts, std::ostream& out);

}  // namespace whyfail::views
