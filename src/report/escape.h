// Escaping of untrusted bytes (from the tracee) for terminals and JSON.
#pragma once

#include <string>
#include <string_view>

namespace whyfail::report {

// C-style, strace-like: printable ASCII as is, \n \t \" \\ escaped, other bytes \xNN.
// Never emits a control character.
std::string escape_c(std::string_view bytes);

}  // namespace whyfail::report
