// The value model decoders produce and renderers (report/text, report/json)
// print. Decoders never format output; they say what a value is.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace whyfail::decode {

struct Value {
  enum class Kind {
    Int,       // i: signed decimal
    UInt,      // u: unsigned decimal
    Hex,       // u: 0x...
    Octal,     // u: 0644 (file modes)
    Null,      // a NULL pointer
    Bytes,     // bytes (+truncated): a string or buffer from the tracee; renderers escape it
    Symbol,    // text: a symbolic constant or flag set "O_RDONLY|O_CLOEXEC" (trusted: made by whyfail)
    Struct,    // fields: {name=value, ...}
    Array,     // items (+truncated when more elements existed)
    Fd,        // i: descriptor number; annotation: what it refers to ("/etc/passwd", "TCP:[1.2.3.4:80]")
    Unreadable,// u: address that could not be read from the tracee
  };
  Kind kind = Kind::Int;
  int64_t i = 0;
  uint64_t u = 0;
  std::string bytes;                                  // Bytes (untrusted)
  bool truncated = false;                             // Bytes, Array
  bool elided = false;    // Array: an environment (execve envp); text shows "ADDR /* N vars */" as strace
                          // does without -v (u = address, i = count); JSON keeps every item
  std::string prefix;     // Bytes: trusted marker shown before the quoted bytes in text: "@" for an
                          // abstract socket name, whose leading NUL is then not part of bytes
  std::string text;                                   // Symbol
  std::string annotation;                             // Fd (untrusted: a path)
  std::vector<std::pair<std::string, Value>> fields;  // Struct
  std::vector<Value> items;                           // Array

  static Value make_int(int64_t v) { Value x; x.kind = Kind::Int; x.i = v; return x; }
  static Value make_uint(uint64_t v) { Value x; x.kind = Kind::UInt; x.u = v; return x; }
  static Value make_hex(uint64_t v) { Value x; x.kind = Kind::Hex; x.u = v; return x; }
  static Value make_octal(uint64_t v) { Value x; x.kind = Kind::Octal; x.u = v; return x; }
  static Value make_null() { Value x; x.kind = Kind::Null; return x; }
  static Value make_symbol(std::string s) { Value x; x.kind = Kind::Symbol; x.text = std::move(s); return x; }
  static Value make_bytes(std::string b, bool trunc) {
    Value x; x.kind = Kind::Bytes; x.bytes = std::move(b); x.truncated = trunc; return x;
  }
  static Value make_fd(int64_t fd, std::string annotation = {}) {
    Value x; x.kind = Kind::Fd; x.i = fd; x.annotation = std::move(annotation); return x;
  }
  static Value make_unreadable(uint64_t addr) { Value x; x.kind = Kind::Unreadable; x.u = addr; return x; }
};

}  // namespace whyfail::decode
