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
  // Opens the first of kernel_debug_paths() that exists, relocated to the
  // running kernel's `text_base` (Kallsyms::text_base()).
  static Result<DwarfLines> open_kernel(const std::string& release, uint64_t text_base);

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
