// Kernel symbols from /proc/kallsyms: address -> function+offset, and name ->
// address. Needs root (kptr_restrict hides addresses otherwise; that is
// reported, not guessed around).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/result.h"

namespace whyfail::symbolize {

struct KernelSymbol {
  uint64_t addr = 0;
  std::string name;
  std::string module;   // "" for vmlinux
  char type = 't';      // kallsyms type letter
};

struct SymbolRef {
  const KernelSymbol* symbol = nullptr;  // null: not inside any known function
  uint64_t offset = 0;
  // "perf_copy_attr+0x1c" (or the hex address when unknown).
  std::string to_string(uint64_t addr) const;
};

class Kallsyms {
 public:
  // Reads `path` (default /proc/kallsyms). Fails when every address reads as
  // zero (kptr_restrict, not root).
  static Result<Kallsyms> load(const std::string& path = "/proc/kallsyms");
  // Builds from a list, for tests.
  static Kallsyms from(std::vector<KernelSymbol> symbols);

  // The text symbol containing addr (nearest at or below it).
  SymbolRef lookup(uint64_t addr) const;
  // Every address of a text symbol with this name (static functions repeat).
  std::vector<uint64_t> addresses(std::string_view name) const;
  // The kernel's _text, for relocating vmlinux addresses under KASLR.
  uint64_t text_base() const { return text_; }
  const std::vector<KernelSymbol>& symbols() const { return syms_; }

 private:
  std::vector<KernelSymbol> syms_;  // text symbols sorted by address
  std::unordered_multimap<std::string, size_t> by_name_;
  uint64_t text_ = 0;
  void index();
};

}  // namespace whyfail::symbolize
