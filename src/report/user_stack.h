// -k stacks as text (strace -k's shape), as JSON ("user_frames"), and the
// verdict's "called from:" line.
#pragma once

#include <string>
#include <vector>

#include "report/json.h"
#include "trace/event.h"

namespace whyfail::report {

// One " > ..." line per frame, as strace -k prints them:
//   " > /usr/lib/x86_64-linux-gnu/libc.so.6(__open64+0x51) [0xf8011]"
// (module(function+offset) [address in the module's ELF numbering]);
// "module(+0x...)" when the function is unknown, " > [0x...]" (the run-time
// address) when the module is. Module and function names escaped.
std::string render_user_stack(const trace::SyscallEvent& event);

// The "user_frames" array (docs/json-schema.md).
Json user_frames_to_json(const std::vector<symbolize::UserFrame>& frames);

// "function+0x1a in /path/prog at prog.c:12": the first frame in the program
// itself (outside libc and ld.so), "" when the stack has none.
std::string called_from(const trace::SyscallEvent& event);

}  // namespace whyfail::report
