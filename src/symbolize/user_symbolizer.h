// -k: user-space return addresses -> module, build-id, offset, function+offset
// and file:line, through elfutils (libelf for build-ids, libdwfl for symbols
// and lines). Two ways in:
//   - an address of a live process, its module from /proc/PID/maps (ptrace:
//     the process is stopped at the syscall, so the maps are exact);
//   - a (build-id, file offset) pair, as the kernel's BPF_F_USER_BUILD_ID
//     stacks give them: valid after the process is gone, and whatever path
//     the file had in the process's mount namespace.
// Modules are cached by build-id across processes (libc is read once per
// run); each process's maps are cached until invalidate() (mmap, munmap,
// exec); each process's symbolized addresses are cached too, so a failure
// repeated in a loop costs a hash lookup per frame.
//
// Finding a module's symbols: the mapped file itself when its build-id is
// the expected one (a live mapping: the same inode), else a file with that
// build-id in the debug directories (DIR/.build-id/NN/REST.debug, then
// DIR/.build-id/NN/REST, for /usr/lib/debug and each directory of
// $WHYFAIL_DEBUG_DIRS, colon-separated). Names come from the module's
// .symtab, else from the .symtab of its separate debug file (same
// directories, by build-id, then .gnu_debuglink), else from .dynsym; a
// .dynsym name is only taken when the address lies inside that symbol, so a
// static function of a stripped library is not named after the export
// before it. file:line comes from DWARF, in the module or its debug file.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "symbolize/user_frame.h"

namespace whyfail::symbolize {

// Whether a frame's address lies in code: a return address must (a frame
// walk that went astray gives addresses in data, the stack, nowhere).
enum class InCode : uint8_t { Unknown, Yes, No };

class UserSymbolizer {
 public:
  // The debug directories: /usr/lib/debug, then $WHYFAIL_DEBUG_DIRS.
  static std::vector<std::string> default_debug_dirs();

  UserSymbolizer();
  // `own_files`: a build-id not seen yet is first looked for among the files
  // whyfail itself maps (libc, ld.so: the same as the traced processes' on
  // the same system); off, only what it was shown or the debug directories.
  explicit UserSymbolizer(std::vector<std::string> debug_dirs, bool own_files = true);
  ~UserSymbolizer();
  UserSymbolizer(const UserSymbolizer&) = delete;
  UserSymbolizer& operator=(const UserSymbolizer&) = delete;

  // Frames for `pcs` (innermost first) of the live process `pid`.
  // `activations[i]` says pcs[i] is an interrupted pc, not a return address
  // (when null or shorter: only pcs[0] is). `lines`: also file:line (reads
  // DWARF; the call-site key and caller= do not need it).
  std::vector<UserFrame> symbolize_live(pid_t pid, const std::vector<uint64_t>& pcs,
                                        const std::vector<bool>* activations = nullptr, bool lines = true);

  // Completes a frame that has `address` (and `activation`) from the live
  // process's maps. False when the process or the mapping is gone.
  // `in_code`: whether the address is in an executable mapping.
  bool symbolize_address(pid_t pid, UserFrame& frame, bool lines = true, InCode* in_code = nullptr);

  // Completes a frame that has `build_id` and `offset` (bpf). `pid`, when
  // not 0 and alive, helps find the file of a build-id not seen yet (its
  // maps). Module, function and file:line stay empty when no file with that
  // build-id is found.
  // `in_code`: whether the offset is in an executable segment of the module.
  void symbolize_build_id(UserFrame& frame, pid_t pid = 0, bool lines = true, InCode* in_code = nullptr);

  // An executable the traced processes ran (exec): its build-id is indexed,
  // so frames of a process that has exited still find its file.
  void note_file(const std::string& path);
  // The same for a live process's executable (/proc/PID/exe: whatever its
  // mount namespace), named as the process names it.
  void note_process_exe(pid_t pid);

  // The process's mappings changed (mmap, munmap, mremap, exec).
  void invalidate(pid_t pid);
  // The process is gone.
  void forget(pid_t pid);

  struct Module;   // a loaded ELF (user_symbolizer.cpp)
  struct Process;  // one process's maps and symbolized addresses

 private:
  struct FileKey {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator<(const FileKey& o) const;
  };
  struct FileInfo {
    std::string build_id;  // "" when the file has none
    std::string path;      // a path it was opened by (for the module name)
  };

  Process& process(pid_t pid);
  // The module mapped at `mapping_index` of `proc`; null when it cannot be read.
  Module* module_of_mapping(pid_t pid, Process& proc, std::size_t mapping_index);
  // The module with this build-id, loaded from a known file or the debug directories.
  Module* module_by_build_id(const std::string& build_id);
  // Consumes fd; the module is cached under `key` (its build-id, else its file's identity).
  Module* load_module(int fd, const std::string& path, const std::string& build_id, const std::string& key);
  // Loads the modules of the live process's mapped files (their build-ids become known).
  void index_maps(pid_t pid);
  // Function, elf_address and file:line of a frame whose `offset` is in `m`.
  InCode fill_from_module(Module& m, UserFrame& frame, bool lines);

  struct CachedFrame {
    UserFrame frame;
    bool lines = false;  // file:line was looked up
    InCode in_code = InCode::Unknown;
  };

  std::vector<std::string> debug_dirs_;
  bool self_indexed_ = false;  // whyfail's own mapped files were looked at (or must not be)
  std::unordered_map<pid_t, std::unique_ptr<Process>> processes_;
  std::map<FileKey, FileInfo> files_;                          // opened files' build-ids
  std::unordered_map<std::string, std::vector<std::string>> paths_by_build_id_;
  std::unordered_map<std::string, std::unique_ptr<Module>> modules_;  // by build-id (or file identity)
  std::vector<std::unique_ptr<Module>> retired_;  // replaced by a better file, still pointed at
  std::unordered_map<std::string, bool> build_id_missing_;     // looked for, not found
  std::unordered_map<std::string, CachedFrame> build_id_frames_;  // "build-id:offset" -> frame
};

// Lowercase hex of bytes.
std::string to_hex(const unsigned char* bytes, std::size_t n);

}  // namespace whyfail::symbolize
