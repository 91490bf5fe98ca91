// file:line for kernel addresses, from vmlinux DWARF through libdw, when the
// debug info is on this machine (Debian: linux-image-$(uname -r)-dbg).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace whyfail::symbolize {

struct SourceLine {
  std::string file;
  int line = 0;
  std::string function;   // the DWARF function (inlined callee when there is one)
};

class DwarfLines {
 public:
  // Opens an ELF file with DWARF. `bias` is added to its link-time addresses
  // to get run-time ones (KASLR: kallsyms _text - vmlinux _text).
  static Result<DwarfLines> open(const std::string& elf_path);
  // The usual places of the running kernel's vmlinux with debug info.
  static std::vector<std::string> kernel_debug_paths(const std::string& release);
  // Opens the first of kernel_debug_paths() that exists and whose build-id is
  // the running kernel's, else asks the debuginfod servers of DEBUGINFOD_URLS
  // (libdebuginfod, which caches the file) for the build-id's debuginfo;
  // relocated to the running kernel's `text_base` (Kallsyms::text_base()).
  static Result<DwarfLines> open_kernel(const std::string& release, uint64_t text_base);
  // Asks DEBUGINFOD_URLS for the debuginfo file of a build-id (hex); returns
  // its path in the local debuginfod cache.
  static Result<std::string> fetch_debuginfo(const std::string& build_id_hex);
  // The GNU build-id in a file of ELF notes (/sys/kernel/notes), as hex; "" when none.
  static std::string build_id_from_notes(const std::string& notes_path = "/sys/kernel/notes");

  // The file's own GNU build-id, as hex ("" when it has none).
  std::string build_id() const;
  // Lines [line-radius, line+radius] of a source file named by the DWARF
  // (">NNNNN: text" for `line`, " NNNNN: text" around it; tabs expanded,
  // control bytes escaped as \xNN), when it can be read: as named,
  // or below $WHYFAIL_KERNEL_SOURCE (a kernel source tree) with the path's
  // leading components dropped one by one. Empty otherwise.
  static std::vector<std::string> source_around(const std::string& file, int line, int radius);

  DwarfLines(DwarfLines&&) noexcept;
  DwarfLines& operator=(DwarfLines&&) noexcept;
  ~DwarfLines();

  void set_bias(int64_t bias) { bias_ = bias; }
  // The link-time address of a symbol in the file (to compute the bias).
  std::optional<uint64_t> symbol_address(const std::string& name) const;
  std::optional<SourceLine> lookup(uint64_t runtime_addr) const;

 private:
  struct Impl;
  DwarfLines();
  std::unique_ptr<Impl> impl_;
  int64_t bias_ = 0;
};

}  // namespace whyfail::symbolize
