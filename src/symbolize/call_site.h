// The call-site key of a syscall (-k --json "call_site", -e inject=...:site=KEY,
// whyfail sweep): 16 lowercase hex digits that name the same place in the
// same program in every run, whatever the load addresses (ASLR).
//
// Which frames: the C runtime's own frames innermost (libc's syscall
// wrappers, stdio, malloc, ld.so; see is_c_runtime) are skipped, since they
// are the same for every caller; the key is made from the syscall number
// and the next kCallSiteFrames frames out from there (the program's call of
// libc and its callers, whatever their modules), each as its module's
// build-id (else its path) and the frame's file offset in it. Depth 8 tells
// the callers of a program's own helper (xopen(), full_write()) apart while
// staying inside the program's deterministic code. The key stops before a
// frame a signal interrupted (its pc depends on timing), and unknown frames
// count as "?" without an address. A stack made only of C runtime frames
// (ld.so loading libraries before main) is keyed by those frames.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "symbolize/user_frame.h"

namespace whyfail::symbolize {

inline constexpr std::size_t kCallSiteFrames = 8;

// libc, the dynamic loader, glibc's split-off libraries (libpthread, libdl,
// librt), musl, the vDSO: where syscall wrappers live. By the module's file name.
bool is_c_runtime(const std::string& module);

// The first frame outside the C runtime; frames.size() when there is none.
std::size_t first_program_frame(const std::vector<UserFrame>& frames);

// "" when there are no frames.
std::string call_site_key(int nr, const std::vector<UserFrame>& frames);

}  // namespace whyfail::symbolize
