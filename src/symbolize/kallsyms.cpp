#include "symbolize/kallsyms.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace whyfail::symbolize {

std::string SymbolRef::to_string(uint64_t addr) const {
  if (!symbol) return fmt::format("{:#x}", addr);
  std::string s = offset ? fmt::format("{}+{:#x}", symbol->name, offset) : symbol->name;
  if (!symbol->module.empty()) s += fmt::format(" [{}]", symbol->module);
  return s;
}

Result<Kallsyms> Kallsyms::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(errno, "open " + path, "mount /proc");
  Kallsyms k;
  std::string line;
  bool any_nonzero = false;
  while (std::getline(in, line)) {
    // "ffffffff81000000 T _text" or "... t foo\t[module]"
    std::istringstream ls(line);
    std::string addr_s, type_s, name, module;
    if (!(ls >> addr_s >> type_s >> name)) continue;
    ls >> module;
    if (module.size() > 2 && module.front() == '[') module = module.substr(1, module.size() - 2);
    KernelSymbol s;
    s.addr = std::strtoull(addr_s.c_str(), nullptr, 16);
    s.type = type_s.empty() ? '?' : type_s[0];
    s.name = std::move(name);
    s.module = std::move(module);
    if (s.addr) any_nonzero = true;
    if (s.name == "_text" && s.module.empty()) k.text_ = s.addr;
    if (s.type != 't' && s.type != 'T' && s.type != 'W' && s.type != 'w') continue;
    k.syms_.push_back(std::move(s));
  }
  if (!any_nonzero)
    return fail(EPERM, "read kernel addresses from " + path,
                "every address is 0: run as root, or set kernel.kptr_restrict=0");
  k.index();
  return k;
}

Kallsyms Kallsyms::from(std::vector<KernelSymbol> symbols) {
  Kallsyms k;
  k.syms_ = std::move(symbols);
  k.index();
  return k;
}

void Kallsyms::index() {
  std::stable_sort(syms_.begin(), syms_.end(),
                   [](const KernelSymbol& a, const KernelSymbol& b) { return a.addr < b.addr; });
  by_name_.clear();
  for (size_t i = 0; i < syms_.size(); i++) by_name_.emplace(syms_[i].name, i);
}

SymbolRef Kallsyms::lookup(uint64_t addr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                             [](uint64_t a, const KernelSymbol& s) { return a < s.addr; });
  if (it == syms_.begin()) return {};
  --it;
  return SymbolRef{&*it, addr - it->addr};
}

std::vector<uint64_t> Kallsyms::addresses(std::string_view name) const {
  std::vector<uint64_t> out;
  auto [b, e] = by_name_.equal_range(std::string(name));
  for (auto it = b; it != e; ++it) out.push_back(syms_[it->second].addr);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace whyfail::symbolize
