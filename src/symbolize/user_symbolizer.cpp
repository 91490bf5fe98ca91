#include "symbolize/user_symbolizer.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>

namespace whyfail::symbolize {

namespace {

// Bounds: a long --system run sees many processes and libraries.
constexpr std::size_t kMaxModules = 512;
constexpr std::size_t kMaxFramesPerProcess = 16384;
constexpr std::size_t kMaxBuildIdFrames = 65536;

std::string hex_of(const void* p, std::size_t n) { return to_hex(static_cast<const unsigned char*>(p), n); }

// The GNU build-id of an open ELF file, as hex; "" when it has none or is not ELF.
std::string read_build_id(int fd) {
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  if (!elf) return {};
  std::string id;
  const void* bits = nullptr;
  ssize_t n = dwelf_elf_gnu_build_id(elf, &bits);
  if (n > 0) id = hex_of(bits, static_cast<std::size_t>(n));
  elf_end(elf);
  return id;
}

std::string build_id_of_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string id = read_build_id(fd);
  ::close(fd);
  return id;
}

// The places a file with this build-id may be under one debug directory:
// the separate debug file, then the full ELF (the layout of /usr/lib/debug).
std::vector<std::string> build_id_paths(const std::string& dir, const std::string& build_id) {
  if (build_id.size() < 3) return {};
  const std::string base = dir + "/.build-id/" + build_id.substr(0, 2) + "/" + build_id.substr(2);
  return {base + ".debug", base};
}

std::string dirname_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The symbolizer whose module asks (set as each Dwfl_Module's user data).
struct ModuleContext {
  const std::vector<std::string>* debug_dirs = nullptr;
};

// libdwfl's hook for a module's separate debug info: by build-id in our
// debug directories, then by .gnu_debuglink next to the file, in .debug/
// beside it and under each debug directory. Never over the network
// (dwfl_standard_find_debuginfo would ask debuginfod when DEBUGINFOD_URLS
// is set: a tracer must not stall on that).
int find_debuginfo(Dwfl_Module* mod, void** userdata, const char*, Dwarf_Addr, const char* file_name,
                   const char* debuglink_file, GElf_Word, char** debuginfo_file_name) {
  const auto* ctx = static_cast<const ModuleContext*>(*userdata);
  if (!ctx || !ctx->debug_dirs) return -1;
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int n = dwfl_module_build_id(mod, &bits, &vaddr);
  const std::string want = n > 0 ? to_hex(bits, static_cast<std::size_t>(n)) : std::string();
  auto try_open = [&](const std::string& path, bool check_id) -> int {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (check_id && !want.empty() && read_build_id(fd) != want) {
      ::close(fd);
      return -1;
    }
    *debuginfo_file_name = ::strdup(path.c_str());
    return fd;
  };
  if (!want.empty()) {
    for (const std::string& dir : *ctx->debug_dirs) {
      // Only the .debug file: the full ELF under .build-id/NN/REST is the module itself.
      const std::string p = dir + "/.build-id/" + want.substr(0, 2) + "/" + want.substr(2) + ".debug";
      if (int fd = try_open(p, false); fd >= 0) return fd;
    }
  }
  if (debuglink_file && *debuglink_file && file_name) {
    const std::string dir = dirname_of(file_name);
    std::vector<std::string> candidates = {dir + "/" + debuglink_file, dir + "/.debug/" + debuglink_file};
    for (const std::string& d : *ctx->debug_dirs) candidates.push_back(d + dir + "/" + debuglink_file);
    for (const std::string& p : candidates) {
      if (p == file_name) continue;
      if (int fd = try_open(p, true); fd >= 0) return fd;
    }
  }
  return -1;
}

const Dwfl_Callbacks kCallbacks = {
    .find_elf = nullptr,  // every module is reported with its file (dwfl_report_elf)
    .find_debuginfo = find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

// One line of /proc/PID/maps.
struct MapsLine {
  uint64_t start = 0, end = 0, pgoff = 0;
  unsigned major = 0, minor = 0;
  uint64_t ino = 0;
  std::string path;
  bool deleted = false;
  bool exec = false;  // r-x: code (a file mapped read-only may be a debug file someone reads)
};

bool parse_maps_line(const std::string& line, MapsLine& out) {
  char perms[8] = {};
  int path_at = 0;
  unsigned long long start, end, pgoff, ino;
  if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &out.major,
                  &out.minor, &ino, &path_at) < 7) {
    return false;
  }
  out.start = start;
  out.end = end;
  out.pgoff = pgoff;
  out.ino = ino;
  out.exec = perms[2] == 'x';
  out.path = path_at > 0 && static_cast<std::size_t>(path_at) <= line.size() ? line.substr(path_at) : std::string();
  // The kernel writes a newline in a path as \012 (and nothing else escaped).
  for (std::size_t at; (at = out.path.find("\\012")) != std::string::npos;) out.path.replace(at, 4, "\n");
  static const std::string kDeleted = " (deleted)";
  if (out.path.size() > kDeleted.size() &&
      out.path.compare(out.path.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
    out.path.resize(out.path.size() - kDeleted.size());
    out.deleted = true;
  }
  return true;
}

}  // namespace

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

// A loaded ELF: the file symbols are read from, through its own Dwfl (bias
// 0 for ET_DYN: module addresses are the ELF's virtual addresses).
struct UserSymbolizer::Module {
  struct Load {
    uint64_t offset, vaddr, filesz, memsz;
    bool exec;
  };
  std::string build_id;
  std::string name;            // a path the process knew it by ("" when found only in the debug dirs)
  Dwfl* dwfl = nullptr;
  Dwfl_Module* mod = nullptr;
  Dwarf_Addr bias = 0;
  std::vector<Load> loads;
  // A separate debug file stands in for the module: its program headers
  // keep the addresses but not the file offsets.
  bool debug_only = false;
  ModuleContext ctx;

  ~Module() {
    if (dwfl) dwfl_end(dwfl);
  }

  InCode in_code(uint64_t vaddr) const {
    if (loads.empty()) return InCode::Unknown;
    for (const Load& l : loads)
      if (l.exec && vaddr >= l.vaddr && vaddr - l.vaddr < l.memsz) return InCode::Yes;
    return InCode::No;
  }

  // The ELF virtual address of a file offset; false when outside every segment.
  bool vaddr_of(uint64_t offset, uint64_t& vaddr) const {
    if (loads.empty()) return false;
    if (debug_only) {
      // Linkers lay the first PT_LOAD at file offset 0 and the text at the
      // same distance from it in the file as in memory (GNU ld and gold:
      // vaddr - offset is constant up to the data segment).
      vaddr = offset + loads.front().vaddr;
      return true;
    }
    for (const Load& l : loads) {
      if (offset >= l.offset && offset < l.offset + l.filesz) {
        vaddr = offset - l.offset + l.vaddr;
        return true;
      }
    }
    // A mapping starts on a page boundary, before its segment's first byte.
    for (const Load& l : loads) {
      const uint64_t page_start = l.offset & ~uint64_t{0xfff};
      if (offset >= page_start && offset < l.offset + l.filesz) {
        vaddr = offset - l.offset + l.vaddr;
        return true;
      }
    }
    return false;
  }
};

struct UserSymbolizer::Process {
  struct Mapping {
    MapsLine line;
    bool resolved = false;
    Module* module = nullptr;
  };
  bool loaded = false;
  std::string maps_text;      // /proc/PID/maps as last read
  std::vector<Mapping> maps;  // in address order (as the kernel lists them)
  std::unordered_map<uint64_t, CachedFrame> frames;  // (address << 1 | activation) -> frame
};

bool UserSymbolizer::FileKey::operator<(const FileKey& o) const {
  return std::tie(dev, ino, size, mtime_ns) < std::tie(o.dev, o.ino, o.size, o.mtime_ns);
}

std::vector<std::string> UserSymbolizer::default_debug_dirs() {
  std::vector<std::string> dirs = {"/usr/lib/debug"};
  if (const char* extra = std::getenv("WHYFAIL_DEBUG_DIRS")) {
    std::string s = extra;
    std::size_t from = 0;
    while (from <= s.size()) {
      std::size_t colon = s.find(':', from);
      if (colon == std::string::npos) colon = s.size();
      std::string dir = s.substr(from, colon - from);
      while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
      if (!dir.empty()) dirs.push_back(dir);
      from = colon + 1;
    }
  }
  return dirs;
}

UserSymbolizer::UserSymbolizer() : UserSymbolizer(default_debug_dirs()) {}

UserSymbolizer::UserSymbolizer(std::vector<std::string> debug_dirs, bool own_files)
    : debug_dirs_(std::move(debug_dirs)), self_indexed_(!own_files) {
  elf_version(EV_CURRENT);
}

UserSymbolizer::~UserSymbolizer() = default;

UserSymbolizer::Process& UserSymbolizer::process(pid_t pid) {
  auto& p = processes_[pid];
  if (!p) p = std::make_unique<Process>();
  if (!p->loaded) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Unchanged (a stack under a seccomp filter re-reads them every time):
    // the mappings' modules and the symbolized frames still hold.
    if (text != p->maps_text || text.empty()) {
      p->maps.clear();
      p->frames.clear();
      std::size_t from = 0;
      while (from < text.size()) {
        std::size_t end = text.find('\n', from);
        if (end == std::string::npos) end = text.size();
        Process::Mapping m;
        if (parse_maps_line(text.substr(from, end - from), m.line)) p->maps.push_back(std::move(m));
        from = end + 1;
      }
      p->maps_text = std::move(text);
    }
    p->loaded = !p->maps.empty();
  }
  return *p;
}

void UserSymbolizer::invalidate(pid_t pid) {
  auto it = processes_.find(pid);
  if (it != processes_.end()) it->second->loaded = false;
}

void UserSymbolizer::forget(pid_t pid) { processes_.erase(pid); }

UserSymbolizer::Module* UserSymbolizer::load_module(int fd, const std::string& name, const std::string& build_id,
                                                    const std::string& key) {
  if (modules_.size() >= kMaxModules) {
    // Mappings point at modules: drop them all, they are re-read on demand.
    for (auto& [pid, p] : processes_) {
      p->loaded = false;
      p->maps_text.clear();
    }
    modules_.clear();
    retired_.clear();
    build_id_frames_.clear();
  }
  auto m = std::make_unique<Module>();
  m->build_id = build_id;
  m->name = name;
  m->ctx.debug_dirs = &debug_dirs_;
  m->dwfl = dwfl_begin(&kCallbacks);
  if (!m->dwfl) {
    ::close(fd);
    return nullptr;
  }
  const std::string label = name.empty() ? build_id : name;
  m->mod = dwfl_report_elf(m->dwfl, label.c_str(), label.c_str(), fd, 0, false);  // consumes fd
  dwfl_report_end(m->dwfl, nullptr, nullptr);
  if (!m->mod) return nullptr;
  void** userdata = nullptr;
  dwfl_module_info(m->mod, &userdata, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (userdata) *userdata = &m->ctx;
  Elf* elf = dwfl_module_getelf(m->mod, &m->bias);
  if (!elf) return nullptr;
  std::size_t nphdr = 0;
  if (elf_getphdrnum(elf, &nphdr) == 0) {
    for (std::size_t i = 0; i < nphdr; ++i) {
      GElf_Phdr ph;
      if (!gelf_getphdr(elf, static_cast<int>(i), &ph) || ph.p_type != PT_LOAD) continue;
      m->loads.push_back({ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz, (ph.p_flags & PF_X) != 0});
      if ((ph.p_flags & PF_X) && ph.p_filesz == 0 && ph.p_memsz != 0) m->debug_only = true;
    }
  }
  Module* raw = m.get();
  modules_[key] = std::move(m);
  return raw;
}

UserSymbolizer::Module* UserSymbolizer::module_of_mapping(pid_t pid, Process& proc, std::size_t index) {
  Process::Mapping& map = proc.maps[index];
  if (map.resolved) return map.module;
  map.resolved = true;
  const MapsLine& l = map.line;
  if (l.path.empty() || l.path[0] != '/') return nullptr;
  // The mapped inode itself (exact even when deleted, replaced or in another
  // mount namespace), else the path inside the process's root, else as named.
  char range[64];
  std::snprintf(range, sizeof range, "%" PRIx64 "-%" PRIx64, l.start, l.end);
  const std::string proc_dir = "/proc/" + std::to_string(pid);
  int fd = -1;
  struct stat st {};
  for (const std::string& path : {proc_dir + "/map_files/" + range, proc_dir + "/root" + l.path, l.path}) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::fstat(fd, &st) == 0 && st.st_ino == l.ino && major(st.st_dev) == l.major && minor(st.st_dev) == l.minor)
      break;
    ::close(fd);  // not the mapped file (replaced since)
    fd = -1;
  }
  if (fd < 0) return nullptr;
  FileKey key{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
              static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  auto known = files_.find(key);
  if (known == files_.end()) {
    known = files_.emplace(key, FileInfo{read_build_id(fd), l.path}).first;
    if (!known->second.build_id.empty()) {
      auto& paths = paths_by_build_id_[known->second.build_id];
      if (std::find(paths.begin(), paths.end(), l.path) == paths.end() && paths.size() < 8) paths.push_back(l.path);
      build_id_missing_.erase(known->second.build_id);
    }
  }
  const std::string& build_id = known->second.build_id;
  // Without a build-id a module is one file's contents: its identity.
  const std::string module_key = build_id.empty() ? "file:" + std::to_string(key.dev) + ":" + std::to_string(key.ino) +
                                                        ":" + std::to_string(key.mtime_ns)
                                                  : build_id;
  if (auto it = modules_.find(module_key); it != modules_.end()) {
    // Known from a debug directory only: the real file, under its real name, is better.
    if (!(it->second->debug_only || it->second->name.empty()) || !l.exec) {
      ::close(fd);
      map.module = it->second.get();
      return map.module;
    }
    retired_.push_back(std::move(it->second));  // mappings of other processes may point at it
    modules_.erase(it);
  }
  map.module = load_module(fd, l.path, build_id, module_key);
  return map.module;
}

UserSymbolizer::Module* UserSymbolizer::module_by_build_id(const std::string& build_id) {
  if (build_id.empty()) return nullptr;
  if (auto it = modules_.find(build_id); it != modules_.end()) return it->second.get();
  if (build_id_missing_.count(build_id)) return nullptr;
  if (!self_indexed_) {
    // whyfail's own libraries: on the same system the traced processes map
    // the same libc and ld.so, under the same paths.
    self_indexed_ = true;
    index_maps(::getpid());
    if (auto it = modules_.find(build_id); it != modules_.end()) return it->second.get();
  }
  // A file seen under a path earlier (an exec, another process's maps), if it still is that file.
  if (auto it = paths_by_build_id_.find(build_id); it != paths_by_build_id_.end()) {
    for (const std::string& path : it->second) {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      if (read_build_id(fd) == build_id) return load_module(fd, path, build_id, build_id);
      ::close(fd);
    }
  }
  // The debug directories: the full ELF, else its separate debug file.
  for (const std::string& dir : debug_dirs_) {
    auto paths = build_id_paths(dir, build_id);
    for (auto p = paths.rbegin(); p != paths.rend(); ++p) {
      int fd = ::open(p->c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      if (read_build_id(fd) == build_id) return load_module(fd, "", build_id, build_id);
      ::close(fd);
    }
  }
  if (build_id_missing_.size() > 4096) build_id_missing_.clear();
  build_id_missing_[build_id] = true;
  return nullptr;
}

void UserSymbolizer::index_maps(pid_t pid) {
  invalidate(pid);
  Process& p = process(pid);
  for (std::size_t i = 0; i < p.maps.size(); ++i) {
    // Code only: a file mapped otherwise may be data someone reads (whyfail's
    // own maps hold the debug files libdwfl reads, with the same build-ids).
    if (!p.maps[i].line.exec) continue;
    module_of_mapping(pid, p, i);
  }
}

void UserSymbolizer::note_file(const std::string& path) {
  if (path.empty() || path[0] != '/') return;
  const std::string id = build_id_of_path(path);
  if (id.empty()) {
    // A script: what runs is its interpreter ("#!/usr/bin/env bash": env).
    std::ifstream in(path);
    std::string line;
    if (std::getline(in, line) && line.rfind("#!", 0) == 0) {
      std::size_t from = line.find_first_not_of(" \t", 2);
      std::size_t to = from == std::string::npos ? from : line.find_first_of(" \t", from);
      std::string interp = from == std::string::npos ? std::string() : line.substr(from, to - from);
      if (interp != path && build_id_of_path(interp).size()) note_file(interp);
    }
    return;
  }
  if (modules_.count(id)) return;
  auto& paths = paths_by_build_id_[id];
  if (std::find(paths.begin(), paths.end(), path) == paths.end() && paths.size() < 8) paths.push_back(path);
  build_id_missing_.erase(id);
}

void UserSymbolizer::note_process_exe(pid_t pid) {
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  char buf[4096];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  std::string name = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  static const std::string kDeleted = " (deleted)";
  if (name.size() > kDeleted.size() && name.compare(name.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0)
    name.resize(name.size() - kDeleted.size());
  int fd = ::open(link.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const std::string id = read_build_id(fd);
  if (id.empty() || modules_.count(id)) {
    ::close(fd);
    return;
  }
  load_module(fd, name, id, id);
  build_id_missing_.erase(id);
}

InCode UserSymbolizer::fill_from_module(Module& m, UserFrame& f, bool lines) {
  uint64_t vaddr = 0;
  if (!m.vaddr_of(f.offset, vaddr)) return m.loads.empty() ? InCode::Unknown : InCode::No;
  f.elf_address = vaddr;
  // A return address is looked up one byte back: the call instruction, which
  // is in the caller even when the call is the last instruction of a function.
  const uint64_t lookup = (f.activation ? vaddr : vaddr - 1) + m.bias;
  GElf_Off off = 0;
  GElf_Sym sym {};
  const char* name = dwfl_module_addrinfo(m.mod, lookup, &off, &sym, nullptr, nullptr, nullptr);
  // libdwfl names an address after the closest symbol before it even past
  // that symbol's end (with only .dynsym: the export before a static function).
  if (name && *name && (sym.st_size == 0 || lookup - (sym.st_value + m.bias) < sym.st_size)) {
    f.function = name;
    // glibc's .symtab names versioned definitions "__libc_start_main@@GLIBC_2.34".
    if (auto at = f.function.find('@'); at != std::string::npos && at > 0) f.function.resize(at);
    f.function_offset = vaddr + m.bias - (sym.st_value + m.bias);
  }
  if (lines) {
    if (Dwfl_Line* line = dwfl_module_getsrc(m.mod, lookup)) {
      int lineno = 0;
      if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
        f.file = file;
        f.line = lineno;
        // A relative name is relative to the compilation directory.
        if (file[0] != '/') {
          Dwarf_Attribute attr;
          Dwarf_Die* cu = dwfl_linecu(line);
          const char* comp_dir = cu ? dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr)) : nullptr;
          if (comp_dir && comp_dir[0] == '/')
            f.file = (std::filesystem::path(comp_dir) / file).lexically_normal().string();
        }
      }
    }
  }
  return m.in_code(f.activation ? vaddr : vaddr - 1);
}

bool UserSymbolizer::symbolize_address(pid_t pid, UserFrame& f, bool lines, InCode* in_code) {
  InCode ignored;
  InCode& code = in_code ? *in_code : ignored;
  code = InCode::Unknown;
  Process& p = process(pid);
  if (!p.loaded) return false;
  const uint64_t cache_key = f.address << 1 | (f.activation ? 1 : 0);
  if (auto it = p.frames.find(cache_key); it != p.frames.end() && (it->second.lines || !lines)) {
    f = it->second.frame;
    code = it->second.in_code;
    return true;
  }
  code = InCode::No;  // unless a mapping holds it
  const uint64_t lookup = f.activation || f.address == 0 ? f.address : f.address - 1;
  auto after = std::upper_bound(p.maps.begin(), p.maps.end(), lookup,
                                [](uint64_t a, const Process::Mapping& m) { return a < m.line.start; });
  if (after == p.maps.begin()) return false;
  const std::size_t index = static_cast<std::size_t>(after - p.maps.begin()) - 1;
  const MapsLine& l = p.maps[index].line;
  if (lookup >= l.end) return false;
  code = l.exec ? InCode::Yes : InCode::No;  // anonymous code too (a JIT's)
  if (l.path.empty()) return false;
  f.module = l.path;
  f.offset = f.address - l.start + l.pgoff;
  f.source = FrameSource::Maps;
  f.function.clear();
  f.file.clear();
  f.line = 0;
  if (Module* m = module_of_mapping(pid, p, index)) {
    f.build_id = m->build_id;
    fill_from_module(*m, f, lines);
  }
  if (p.frames.size() >= kMaxFramesPerProcess) p.frames.clear();
  p.frames[cache_key] = {f, lines, code};
  return true;
}

std::vector<UserFrame> UserSymbolizer::symbolize_live(pid_t pid, const std::vector<uint64_t>& pcs,
                                                      const std::vector<bool>* activations, bool lines) {
  std::vector<UserFrame> out;
  out.reserve(pcs.size());
  for (std::size_t i = 0; i < pcs.size(); ++i) {
    UserFrame f;
    f.address = pcs[i];
    f.activation = activations && i < activations->size() ? (*activations)[i] : i == 0;
    symbolize_address(pid, f, lines);
    out.push_back(std::move(f));
  }
  return out;
}

void UserSymbolizer::symbolize_build_id(UserFrame& f, pid_t pid, bool lines, InCode* in_code) {
  InCode ignored;
  InCode& code = in_code ? *in_code : ignored;
  code = InCode::Unknown;
  if (f.build_id.empty()) return;
  const std::string cache_key = f.build_id + ":" + std::to_string(f.offset) + (f.activation ? "a" : "");
  if (auto it = build_id_frames_.find(cache_key); it != build_id_frames_.end() && (it->second.lines || !lines)) {
    const uint64_t address = f.address;
    f = it->second.frame;
    f.address = address;
    code = it->second.in_code;
    return;
  }
  Module* m = module_by_build_id(f.build_id);
  if (!m && pid > 0 && ::kill(pid, 0) == 0) {
    // Not seen yet: the process is alive, its maps name the file.
    index_maps(pid);
    m = module_by_build_id(f.build_id);
  }
  if (m) {
    f.source = FrameSource::BuildId;
    if (!m->name.empty()) {
      f.module = m->name;
    } else if (auto it = paths_by_build_id_.find(f.build_id); it != paths_by_build_id_.end() && !it->second.empty()) {
      f.module = it->second.front();
    }
    code = fill_from_module(*m, f, lines);
    // Only what was found is kept: the file may become known later (an exec, a process's maps).
    if (build_id_frames_.size() >= kMaxBuildIdFrames) build_id_frames_.clear();
    build_id_frames_[cache_key] = {f, lines, code};
  }
}

}  // namespace whyfail::symbolize
