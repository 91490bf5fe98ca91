// Memory-mapping flags. MAP_SHARED/MAP_PRIVATE/MAP_SHARED_VALIDATE are a
// 2-bit type, and MAP_HUGETLB puts log2(page size) in bits 26..31.
#include <sys/mman.h>

#include <array>
#include <string>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

constexpr uint64_t kMapType = 0x0f;       // MAP_TYPE
constexpr unsigned kHugeShift = 26;       // MAP_HUGE_SHIFT
constexpr uint64_t kHugeMask = 0x3f;      // MAP_HUGE_MASK

const std::array kProt = {XLAT(PROT_READ), XLAT(PROT_WRITE), XLAT(PROT_EXEC), Named{0x8, "PROT_SEM"},
                          Named{0x10, "PROT_BTI"}, Named{0x20, "PROT_MTE"},
                          XLAT(PROT_GROWSDOWN), XLAT(PROT_GROWSUP)};

const std::array kMapTypes = {XLAT(MAP_SHARED), XLAT(MAP_PRIVATE), Named{0x03, "MAP_SHARED_VALIDATE"}};

const std::array kMapFlags = {
    XLAT(MAP_FIXED),     XLAT(MAP_ANONYMOUS), Named{0x40, "MAP_32BIT"}, XLAT(MAP_GROWSDOWN),
    XLAT(MAP_DENYWRITE), XLAT(MAP_EXECUTABLE), XLAT(MAP_LOCKED),     XLAT(MAP_NORESERVE),
    XLAT(MAP_POPULATE),  XLAT(MAP_NONBLOCK),  XLAT(MAP_STACK),       XLAT(MAP_HUGETLB),
    Named{0x80000, "MAP_SYNC"}, Named{0x100000, "MAP_FIXED_NOREPLACE"},
};

const std::array kMsync = {XLAT(MS_ASYNC), XLAT(MS_INVALIDATE), XLAT(MS_SYNC)};

const std::array kMadvise = {
    XLAT(MADV_NORMAL),      XLAT(MADV_RANDOM),     XLAT(MADV_SEQUENTIAL),  XLAT(MADV_WILLNEED),
    XLAT(MADV_DONTNEED),    XLAT(MADV_FREE),    XLAT(MADV_REMOVE),
    XLAT(MADV_DONTFORK),    XLAT(MADV_DOFORK),     XLAT(MADV_MERGEABLE),   XLAT(MADV_UNMERGEABLE),
    XLAT(MADV_HUGEPAGE),    XLAT(MADV_NOHUGEPAGE), XLAT(MADV_DONTDUMP),    XLAT(MADV_DODUMP),
    XLAT(MADV_WIPEONFORK),  XLAT(MADV_KEEPONFORK), Named{20, "MADV_COLD"}, Named{21, "MADV_PAGEOUT"},
    Named{22, "MADV_POPULATE_READ"}, Named{23, "MADV_POPULATE_WRITE"},
    Named{24, "MADV_DONTNEED_LOCKED"}, Named{25, "MADV_COLLAPSE"},
    XLAT(MADV_HWPOISON),    Named{101, "MADV_SOFT_OFFLINE"},
};

std::string huge_size_name(uint64_t log2) {
  // MAP_HUGE_2MB is 21 << 26: name the size the way the header does.
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  uint64_t unit = log2 / 10;
  if (unit < 5) return "MAP_HUGE_" + std::to_string(1ull << (log2 % 10)) + kUnits[unit];
  return "MAP_HUGE_SHIFT<<" + std::to_string(log2);
}

}  // namespace

Value prot_flags(uint64_t prot) { return flags_value(prot, kProt, "PROT_NONE"); }

Value map_flags(uint64_t flags) {
  auto type = enum_name(flags & kMapType, kMapTypes);
  std::string out = type.empty() ? flags_text(flags & kMapType, {}) : std::string(type);
  uint64_t rest = flags & ~kMapType;
  uint64_t huge = (rest >> kHugeShift) & kHugeMask;
  rest &= ~(kHugeMask << kHugeShift);
  if (rest) out += "|" + flags_text(rest, kMapFlags);
  if (huge) out += "|" + huge_size_name(huge);
  return Value::make_symbol(out);
}

Value msync_flags(uint64_t flags) { return flags_value(flags, kMsync); }

Value madvise_advice(uint64_t advice) {
  return enum_value(static_cast<int64_t>(advice), kMadvise);
}

}  // namespace whyfail::decode::xlat
