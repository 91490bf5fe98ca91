#include "cli/output.h"

#include <cerrno>
#include <utility>

namespace whyfail::cli {

Output::Output() : file_(stderr), owned_(false) {}

Result<Output> Output::open_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "we");
  if (!f) return fail(errno, "cannot open the output file " + path, "check the directory exists and is writable");
  return Output(f, true);
}

Output::Output(Output&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)), owned_(std::exchange(other.owned_, false)),
      broken_(other.broken_) {}

Output::~Output() {
  if (file_ && owned_) std::fclose(file_);
  else if (file_) std::fflush(file_);
}

void Output::write(std::string_view text) {
  if (broken_ || !file_ || text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) broken_ = true;
}

void Output::flush() {
  if (file_ && !broken_ && std::fflush(file_) != 0) broken_ = true;
}

int Output::fd() const { return file_ ? fileno(file_) : -1; }

}  // namespace whyfail::cli
