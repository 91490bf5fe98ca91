#include "symbolize/call_site.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>

namespace whyfail::symbolize {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// FNV-1a, 64 bits: fixed by its definition, so keys are the same for every
// build of whyfail (std::hash is not).
uint64_t fnv1a(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

bool is_c_runtime(const std::string& module) {
  if (module == "[vdso]" || module == "[vsyscall]") return true;
  const auto slash = module.rfind('/');
  const std::string base = slash == std::string::npos ? module : module.substr(slash + 1);
  for (const char* p : {"libc.so", "libc-2.", "ld-linux", "ld.so", "ld-2.", "ld-musl", "libc.musl", "libpthread.so",
                        "libpthread-2.", "libdl.so", "libdl-2.", "librt.so", "librt-2.", "linux-vdso"}) {
    if (starts_with(base, p)) return true;
  }
  return false;
}

std::size_t first_program_frame(const std::vector<UserFrame>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (!is_c_runtime(frames[i].module)) return i;
  }
  return frames.size();
}

std::string call_site_key(int nr, const std::vector<UserFrame>& frames) {
  if (frames.empty()) return {};
  std::size_t from = first_program_frame(frames);
  if (from == frames.size()) from = 0;
  std::string text = std::to_string(nr) + "\n";
  for (std::size_t i = from, taken = 0; i < frames.size() && taken < kCallSiteFrames; ++i, ++taken) {
    const UserFrame& f = frames[i];
    if (i > 0 && f.activation) break;  // interrupted by a signal: what follows depends on timing
    if (!f.build_id.empty()) {
      text += f.build_id;
    } else if (!f.module.empty()) {
      text += f.module;
    } else {
      text += "?\n";
      continue;
    }
    char off[24];
    std::snprintf(off, sizeof off, ":%" PRIx64 "\n", f.offset);
    text += off;
  }
  char key[17];
  std::snprintf(key, sizeof key, "%016" PRIx64, fnv1a(text));
  return key;
}

}  // namespace whyfail::symbolize
