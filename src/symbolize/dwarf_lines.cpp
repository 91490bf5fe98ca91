#include "symbolize/dwarf_lines.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace whyfail::symbolize {

struct DwarfLines::Impl {
  Dwfl* dwfl = nullptr;
  Dwfl_Module* mod = nullptr;
  ~Impl() {
    if (dwfl) dwfl_end(dwfl);
  }
};

namespace {
// Offline reporting: no debuginfod, no separate debug-file search beyond
// libdwfl's standard one.
char* debuginfo_path = nullptr;
const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};
}  // namespace

DwarfLines::DwarfLines() : impl_(std::make_unique<Impl>()) {}
DwarfLines::DwarfLines(DwarfLines&&) noexcept = default;
DwarfLines& DwarfLines::operator=(DwarfLines&&) noexcept = default;
DwarfLines::~DwarfLines() = default;

Result<DwarfLines> DwarfLines::open(const std::string& elf_path) {
  if (access(elf_path.c_str(), R_OK) != 0) return fail(errno, "open " + elf_path);
  DwarfLines d;
  d.impl_->dwfl = dwfl_begin(&offline_callbacks);
  if (!d.impl_->dwfl) return fail(0, "dwfl_begin", dwfl_errmsg(-1));
  d.impl_->mod = dwfl_report_offline(d.impl_->dwfl, "kernel", elf_path.c_str(), -1);
  dwfl_report_end(d.impl_->dwfl, nullptr, nullptr);
  if (!d.impl_->mod) return fail(0, "read DWARF of " + elf_path, dwfl_errmsg(-1));
  Dwarf_Addr bias = 0;
  if (!dwfl_module_getdwarf(d.impl_->mod, &bias))
    return fail(0, "read DWARF of " + elf_path,
                "no debug info in it (Debian: install linux-image-<release>-dbg)");
  return d;
}

std::vector<std::string> DwarfLines::kernel_debug_paths(const std::string& release) {
  return {
      "/usr/lib/debug/boot/vmlinux-" + release,               // Debian/Ubuntu -dbg packages
      "/usr/lib/debug/lib/modules/" + release + "/vmlinux",    // Fedora kernel-debuginfo
      "/boot/vmlinux-" + release,
      "/lib/modules/" + release + "/build/vmlinux",            // self-built kernels
  };
}

Result<DwarfLines> DwarfLines::open_kernel(const std::string& release, uint64_t text_base) {
  std::string tried;
  for (const auto& p : kernel_debug_paths(release)) {
    if (access(p.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + p;
      continue;
    }
    auto d = open(p);
    if (!d) return d;
    if (auto t = d->symbol_address("_text"); t && text_base) d->set_bias(int64_t(text_base - *t));
    return d;
  }
  return fail(ENOENT, "find vmlinux with debug info (tried " + tried + ")",
              "install linux-image-" + release + "-dbg for file:line");
}

std::optional<uint64_t> DwarfLines::symbol_address(const std::string& name) const {
  int n = dwfl_module_getsymtab(impl_->mod);
  for (int i = 0; i < n; i++) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    const char* s = dwfl_module_getsym_info(impl_->mod, i, &sym, &addr, nullptr, nullptr, nullptr);
    if (s && name == s) return addr;
  }
  return std::nullopt;
}

std::optional<SourceLine> DwarfLines::lookup(uint64_t runtime_addr) const {
  Dwarf_Addr addr = runtime_addr - bias_;
  Dwfl_Line* line = dwfl_module_getsrc(impl_->mod, addr);
  if (!line) return std::nullopt;
  SourceLine out;
  int lineno = 0;
  const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr);
  if (!file) return std::nullopt;
  out.file = file;
  out.line = lineno;
  Dwarf_Addr dwbias = 0;
  if (Dwarf_Die* cu = dwfl_module_addrdie(impl_->mod, addr, &dwbias)) {
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(cu, addr - dwbias, &scopes);
    for (int i = 0; i < n; i++) {
      int tag = dwarf_tag(&scopes[i]);
      if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
        if (const char* fn = dwarf_diename(&scopes[i])) out.function = fn;
        break;
      }
    }
    free(scopes);
  }
  return out;
}

}  // namespace whyfail::symbolize
