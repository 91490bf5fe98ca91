// Escaping of untrusted bytes (from the tracee) for terminals and JSON.
#pragma once

#include <string>
#include <string_view>

namespace whyfail::report {

// C-style, strace-like: printable ASCII as is, \n \t \r \" \\ escaped, other bytes \xNN.
// Never emits a control character.
std::string escape_c(std::string_view bytes);
// The same, appended to `out`.
void append_escaped_c(std::string& out, std::string_view bytes);

// Text that is already escaped (explanations, file names quoted by explainers) with any
// remaining control character or DEL replaced by \xNN; everything else unchanged.
std::string strip_controls(std::string_view text);

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// Text for a JSON string from bytes that are NOT valid UTF-8 (docs/json-schema.md, "Byte
// strings"): well-formed UTF-8 sequences pass through, every byte of an ill-formed sequence
// becomes the four characters \xNN, and every backslash is doubled, so the original bytes
// can be recovered exactly (see unescape_json_bytes). The result is always valid UTF-8.
std::string escape_non_utf8(std::string_view bytes);

// Inverse of escape_non_utf8.
std::string unescape_non_utf8(std::string_view text);

}  // namespace whyfail::report
