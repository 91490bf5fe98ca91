// The ERRORS section of the installed man page of a syscall, read at run time
// (/usr/share/man/man2/<name>.2.gz): the fallback when no explainer knows the
// errno. Possible causes only (verified=false); nothing is invented.
#pragma once

#include <string>
#include <vector>

#include "explain/explanation.h"

namespace whyfail::explain {

struct ManEntry {
  std::vector<std::string> errnos;  // the tag: "EACCES" (sometimes "EAGAIN or EWOULDBLOCK")
  std::string text;                 // the paragraph, roff removed
};

// Parses roff source; follows nothing (see man_page_errors for .so).
std::vector<ManEntry> parse_man_errors(const std::string& roff);
// The ERRORS entries of `syscall`'s page in `man_dir` (default /usr/share/man), cached.
std::vector<ManEntry> man_page_errors(const std::string& syscall, const std::string& man_dir = "/usr/share/man");
// Causes for `err_name` ("ENOENT"), marked verified=false.
std::vector<Cause> man_page_causes(const std::string& syscall, const std::string& err_name);

}  // namespace whyfail::explain
