// One symbolized frame of a user-space stack (-k). A plain record with no
// dependencies: trace/event.h carries these in SyscallEvent::user_frames.
#pragma once

#include <cstdint>
#include <string>

namespace whyfail::symbolize {

// How a frame's module was found.
enum class FrameSource : uint8_t {
  None,     // not found: only the raw address (or build-id and offset) is known
  Maps,     // the address, through the live process's /proc/PID/maps
  BuildId,  // the GNU build-id and file offset the kernel gave (bpf BPF_F_USER_BUILD_ID)
};

struct UserFrame {
  uint64_t address = 0;       // run-time address; 0 when only (build-id, offset) is known
  std::string module;         // the mapped file as the process named it ("[vdso]"); "" unknown
  std::string build_id;       // GNU build-id of the module, lowercase hex; "" unknown
  uint64_t offset = 0;        // file offset of the address inside the module (when module or build_id is known)
  uint64_t elf_address = 0;   // the same place as the ELF file numbers it (strace's "[0x...]"); 0 unknown
  std::string function;       // symbol name (as in the ELF, not demangled); "" unknown
  uint64_t function_offset = 0;  // address - function start
  std::string file;           // source file from DWARF, when the debug info is found; "" unknown
  int line = 0;
  // The address is where the thread was interrupted (the innermost frame, or
  // a frame a signal interrupted), not a return address: it is looked up as
  // is, a return address as address - 1 (the call instruction's own place).
  bool activation = false;
  FrameSource source = FrameSource::None;

  bool known_module() const { return !module.empty() || !build_id.empty(); }
};

}  // namespace whyfail::symbolize
