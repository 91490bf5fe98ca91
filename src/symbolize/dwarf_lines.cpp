#include "symbolize/dwarf_lines.h"

#include <dwarf.h>
#include <elfutils/debuginfod.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>

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

namespace {
std::string to_hex(const unsigned char* p, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i++) out += fmt::format("{:02x}", p[i]);
  return out;
}
}  // namespace

std::string DwarfLines::build_id_from_notes(const std::string& notes_path) {
  std::ifstream in(notes_path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto align4 = [](size_t v) { return (v + 3) & ~size_t(3); };
  size_t off = 0;
  while (off + 12 <= data.size()) {  // Elf_Nhdr: namesz, descsz, type; then name, desc (4-aligned)
    uint32_t namesz, descsz, type;
    memcpy(&namesz, data.data() + off, 4);
    memcpy(&descsz, data.data() + off + 4, 4);
    memcpy(&type, data.data() + off + 8, 4);
    size_t name_at = off + 12, desc_at = name_at + align4(namesz);
    if (desc_at + descsz > data.size()) break;
    if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 && memcmp(data.data() + name_at, "GNU", 4) == 0)
      return to_hex(reinterpret_cast<const unsigned char*>(data.data() + desc_at), descsz);
    off = desc_at + align4(descsz);
  }
  return "";
}

std::string DwarfLines::build_id() const {
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  int n = dwfl_module_build_id(impl_->mod, &bits, &vaddr);
  return n > 0 ? to_hex(bits, size_t(n)) : "";
}

namespace {

// libdebuginfod is opened only when debuginfo is fetched: linked directly,
// it pulls libcurl and some 25 more shared libraries into every start of
// whyfail (tens of milliseconds in the dynamic loader before main()).
struct DebuginfodApi {
  decltype(&debuginfod_begin) begin = nullptr;
  decltype(&debuginfod_find_debuginfo) find_debuginfo = nullptr;
  decltype(&debuginfod_end) end = nullptr;
  std::string error;
};

const DebuginfodApi& debuginfod_api() {
  static const DebuginfodApi api = [] {
    DebuginfodApi a;
    void* lib = ::dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
      const char* e = ::dlerror();
      a.error = std::string("cannot load libdebuginfod.so.1 (install libdebuginfod1): ") + (e ? e : "");
      return a;
    }
    a.begin = reinterpret_cast<decltype(a.begin)>(::dlsym(lib, "debuginfod_begin"));
    a.find_debuginfo = reinterpret_cast<decltype(a.find_debuginfo)>(::dlsym(lib, "debuginfod_find_debuginfo"));
    a.end = reinterpret_cast<decltype(a.end)>(::dlsym(lib, "debuginfod_end"));
    if (!a.begin || !a.find_debuginfo || !a.end) {
      a.begin = nullptr;
      a.error = "libdebuginfod.so.1 lacks debuginfod_begin/find_debuginfo/end";
    }
    return a;
  }();
  return api;
}

}  // namespace

Result<std::string> DwarfLines::fetch_debuginfo(const std::string& build_id_hex) {
  const char* urls = getenv("DEBUGINFOD_URLS");
  if (!urls || !*urls) return fail(ENOENT, "debuginfod: DEBUGINFOD_URLS is not set");
  if (build_id_hex.empty()) return fail(ENOENT, "debuginfod: no build-id to ask for");
  const DebuginfodApi& api = debuginfod_api();
  if (!api.begin) return fail(ENOENT, "debuginfod: " + api.error);
  debuginfod_client* c = api.begin();
  if (!c) return fail(errno, "debuginfod: start the client");
  char* path = nullptr;
  // A hex string is accepted as is when the length argument is 0.
  int fd = api.find_debuginfo(c, reinterpret_cast<const unsigned char*>(build_id_hex.c_str()), 0, &path);
  api.end(c);
  if (fd < 0)
    return fail(-fd, fmt::format("debuginfod: no debuginfo for build-id {} at {}", build_id_hex, urls));
  close(fd);
  std::string out = path ? path : "";
  free(path);
  return out;
}

Result<DwarfLines> DwarfLines::open_kernel(const std::string& release, uint64_t text_base) {
  std::string running = build_id_from_notes();
  std::string tried;
  auto relocate = [&](DwarfLines& d) {
    if (auto t = d.symbol_address("_text"); t && text_base) d.set_bias(int64_t(text_base - *t));
  };
  for (const auto& p : kernel_debug_paths(release)) {
    if (access(p.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + p;
      continue;
    }
    auto d = open(p);
    if (!d) {
      tried += fmt::format("{}{} ({})", tried.empty() ? "" : ", ", p, d.error().message());
      continue;
    }
    // Another build of the same release would give wrong lines.
    if (std::string id = d->build_id(); !running.empty() && !id.empty() && id != running) {
      tried += fmt::format("{}{} (build-id {}, not the running kernel's {})", tried.empty() ? "" : ", ", p, id,
                           running);
      continue;
    }
    relocate(*d);
    return d;
  }
  if (const char* urls = getenv("DEBUGINFOD_URLS"); urls && *urls) {
    auto path = fetch_debuginfo(running);
    if (!path) return tl::unexpected(path.error());
    auto d = open(*path);
    if (!d) return d;
    relocate(*d);
    return d;
  }
  return fail(ENOENT, "find vmlinux with debug info (tried " + tried + ")",
              "install linux-image-" + release + "-dbg for file:line, or set DEBUGINFOD_URLS");
}

std::vector<std::string> DwarfLines::source_around(const std::string& file, int line, int radius) {
  std::vector<std::string> candidates{file};
  if (const char* root = getenv("WHYFAIL_KERNEL_SOURCE"); root && *root) {
    // "/build/linux-abc/fs/namei.c" -> ROOT/build/linux-abc/fs/namei.c, ROOT/linux-abc/fs/namei.c, ROOT/fs/namei.c...
    std::string rest = file;
    while (!rest.empty()) {
      while (!rest.empty() && (rest.front() == '/' || rest.front() == '.')) rest.erase(rest.begin());
      if (rest.empty()) break;
      candidates.push_back(std::string(root) + "/" + rest);
      auto slash = rest.find('/');
      if (slash == std::string::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  for (const auto& path : candidates) {
    std::ifstream in(path);
    if (!in) continue;
    std::vector<std::string> out;
    std::string text;
    for (int n = 1; std::getline(in, text) && n <= line + radius; n++) {
      if (n < line - radius) continue;
      // Tabs expanded (kernel style, 8 columns), other control bytes escaped.
      std::string clean;
      for (unsigned char ch : text) {
        if (ch == '\t') clean.append(8 - clean.size() % 8, ' ');
        else if (ch < 0x20 || ch == 0x7f) clean += fmt::format("\\x{:02x}", ch);
        else clean += char(ch);
      }
      out.push_back(fmt::format("{}{:>5}: {}", n == line ? ">" : " ", n, clean));
    }
    if (!out.empty()) return out;
  }
  return {};
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
