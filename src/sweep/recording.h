// What a traced run of the command did, read back from whyfail's own `--json` output
// (docs/json-schema.md): the sweep runs whyfail as a child process, so this JSON Lines
// text is its only interface to the tracer.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace whyfail::sweep {

// One frame of a call's user stack ("user_frames" in the JSON; innermost first).
struct RecordedFrame {
  uint64_t address = 0;
  std::string module;        // path of the mapped file, "[vdso]", "" unknown
  std::string build_id;
  uint64_t offset = 0;       // file offset inside module
  std::string function;      // "" unknown
  uint64_t function_offset = 0;
  std::string file;          // source file, "" unknown
  int line = 0;
};

struct RecordedCall {
  uint64_t seq = 0;
  pid_t pid = 0;
  pid_t tid = 0;
  int nr = -1;
  std::string name;
  std::array<uint64_t, 6> raw_args{};
  int64_t ret = 0;
  bool finished = true;
  bool injected = false;
  std::string errno_name;               // "" when the call did not fail
  // Per argument: the descriptor's annotation ({"fd":N,"path":...}) or a byte string,
  // as bytes; nullopt for anything else (numbers, flags).
  std::array<std::optional<std::string>, 6> fd_paths;
  std::array<std::optional<std::string>, 6> strings;
  std::optional<std::string> ret_path;  // a returned descriptor's annotation ("retval")
  std::string call_site;                // "call_site" key, "" when the tracer gave none
  std::vector<uint64_t> user_stack;     // raw return addresses (-k)
  std::vector<RecordedFrame> frames;    // symbolized frames (-k), when the tracer gives them
  uint32_t occurrence = 0;              // 1-based: this thread's how-manyth call of `nr`

  bool failed() const { return finished && !errno_name.empty(); }
};

// How a traced process ended ("exit" records without thread_only).
struct RecordedExit {
  pid_t pid = 0;
  bool killed = false;
  int code = 0;
  int signo = 0;
  std::string signal;
  bool core_dumped = false;
};

struct Recording {
  std::vector<RecordedCall> calls;      // in seq order
  std::vector<RecordedExit> exits;      // in order
  pid_t root_pid = 0;                   // the first process seen (the command)
  size_t lost_events = 0;               // "lost" records' counts
  size_t bad_lines = 0;                 // lines that were not JSON objects (a cut-off last line)
};

// Parses whyfail JSON Lines. Never fails on content: unknown records and fields are
// ignored (the schema only grows); a truncated last line (a killed run) is counted.
Recording parse_recording(const std::string& jsonl);

// The root process's exit, if recorded.
std::optional<RecordedExit> root_exit(const Recording& recording);

}  // namespace whyfail::sweep
