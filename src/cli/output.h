// Where the trace goes: stderr (like strace) or the -o file.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "util/result.h"

namespace whyfail::cli {

class Output {
 public:
  // stderr.
  Output();
  // A file, created or truncated; close-on-exec so the traced command never inherits it.
  static Result<Output> open_file(const std::string& path);
  Output(Output&& other) noexcept;
  Output& operator=(Output&&) = delete;
  Output(const Output&) = delete;
  ~Output();

  void write(std::string_view text);
  void flush();
  int fd() const;
  // The reader went away (EPIPE) or the disk filled: later writes are dropped.
  bool broken() const { return broken_; }

 private:
  explicit Output(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  std::FILE* file_;
  bool owned_;
  bool broken_ = false;
};

}  // namespace whyfail::cli
