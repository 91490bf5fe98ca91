#include "explain/perf_event_attr.h"

#include <dirent.h>
#include <linux/perf_event.h>
#include <time.h>

#include <cstdio>
#include <cstring>

#include "explain/call.h"
#include "explain/families.h"
#include "explain/path_errors.h"
#include "explain/proc_state.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

// Offsets in struct perf_event_attr (checked against the header below).
constexpr size_t kOffFlags = 40;
constexpr size_t kOffReserved2 = 110;
constexpr size_t kOffReserved3 = 116;
static_assert(offsetof(perf_event_attr, sample_type) == 24);
static_assert(offsetof(perf_event_attr, read_format) == 32);
static_assert(offsetof(perf_event_attr, branch_sample_type) == 72);
static_assert(offsetof(perf_event_attr, clockid) == 92);
static_assert(offsetof(perf_event_attr, __reserved_2) == kOffReserved2);
static_assert(offsetof(perf_event_attr, __reserved_3) == kOffReserved3);

// Bit positions in the flags word, from the header's bitfield order.
constexpr int kBitPinned = 2, kBitExclusive = 3, kBitFreq = 10, kBitUseClockid = 25;
constexpr int kBitRemoveOnExec = 36, kBitSigtrap = 37;

// The __reserved_1 bits as the installed header defines them (bitfield
// layout is the compiler's; let it compute the mask).
uint64_t reserved1_mask() {
  perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  a.__reserved_1 = ~a.__reserved_1;  // all ones, at whatever width the header gives it
  uint64_t w;
  std::memcpy(&w, reinterpret_cast<const char*>(&a) + kOffFlags, 8);
  return w;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

template <typename T>
T get(const std::string& b, size_t off) {
  T v{};
  if (off + sizeof(T) <= b.size()) std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

bool valid_clock(int32_t id) {
  return id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_RAW || id == CLOCK_REALTIME || id == CLOCK_BOOTTIME ||
         id == CLOCK_TAI;
}

}  // namespace

PerfSystem PerfSystem::read() {
  PerfSystem s;
  s.max_sample_rate = read_sysctl_int("/proc/sys/kernel/perf_event_max_sample_rate");
  if (DIR* d = ::opendir("/sys/bus/event_source/devices")) {
    bool cpu = false;
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      if (!std::strcmp(e->d_name, "cpu") || !std::strncmp(e->d_name, "cpu_", 4)) cpu = true;
      if (auto t = read_sysctl_int(std::string("/sys/bus/event_source/devices/") + e->d_name + "/type"))
        s.pmu_types.insert(static_cast<uint32_t>(*t));
    }
    ::closedir(d);
    s.have_cpu_pmu = cpu;
  }
  return s;
}

std::vector<PerfAttrFinding> validate_perf_event_attr(std::string_view bytes, int group_fd, unsigned long flags,
                                                      const PerfSystem& system) {
  (void)flags;
  std::vector<PerfAttrFinding> out;
  auto add = [&](const char* code, const char* field, std::string value, std::string problem, int err) {
    out.push_back(PerfAttrFinding{code, field, std::move(value), std::move(problem), err});
  };
  if (bytes.size() < 8) {
    add("perf.attr-unreadable", "size", "?", "only " + std::to_string(bytes.size()) + " bytes of the attr could be read", EFAULT);
    return out;
  }
  uint32_t size = 0;
  std::memcpy(&size, bytes.data() + 4, 4);
  uint32_t effective = size == 0 ? PERF_ATTR_SIZE_VER0 : size;  // size 0 means the first published layout
  if (effective < PERF_ATTR_SIZE_VER0) {
    add("perf.attr-size", "size", std::to_string(size),
        "size " + std::to_string(size) + " is smaller than the first published layout (" +
            std::to_string(PERF_ATTR_SIZE_VER0) + " bytes)", E2BIG);
    return out;
  }
  if (effective > 4096) {
    add("perf.attr-size", "size", std::to_string(size), "size " + std::to_string(size) + " is larger than a page", E2BIG);
    return out;
  }
  // Bytes beyond what the header knows must be zero, else the kernel refuses them with E2BIG
  // (unless it is newer than the header and knows those fields).
  std::string b(bytes.substr(0, std::min<size_t>(bytes.size(), effective)));
  constexpr size_t known = sizeof(perf_event_attr);
  if (b.size() > known) {
    for (size_t i = known; i < b.size(); ++i)
      if (b[i] != 0) {
        add("perf.attr-size", "size", std::to_string(size),
            "size " + std::to_string(size) + " is larger than the " + std::to_string(known) +
                "-byte struct whyfail knows and byte " + std::to_string(i) +
                " beyond it is non-zero (E2BIG unless this kernel knows the newer fields)", E2BIG);
        break;
      }
  }
  b.resize(std::max(b.size(), known), '\0');

  uint32_t type = get<uint32_t>(b, 0);
  uint64_t config = get<uint64_t>(b, 8);
  uint64_t period = get<uint64_t>(b, 16);
  uint64_t sample_type = get<uint64_t>(b, 24);
  uint64_t read_format = get<uint64_t>(b, 32);
  uint64_t fl = get<uint64_t>(b, kOffFlags);
  uint64_t branch = get<uint64_t>(b, 72);
  int32_t clockid = get<int32_t>(b, 92);
  uint16_t reserved2 = get<uint16_t>(b, kOffReserved2);
  uint32_t reserved3 = get<uint32_t>(b, kOffReserved3);
  auto bit = [&](int n) { return (fl >> n) & 1; };

  if (uint64_t r = fl & reserved1_mask())
    add("perf.attr-reserved", "__reserved_1", hex(r),
        "flag bits " + hex(r) + " are reserved (__reserved_1) and must be 0", EINVAL);
  if (reserved2)
    add("perf.attr-reserved", "__reserved_2", hex(reserved2), "__reserved_2 must be 0", EINVAL);
  if (reserved3)
    add("perf.attr-reserved", "__reserved_3", hex(reserved3), "__reserved_3 must be 0", EINVAL);
  if (uint64_t u = sample_type & ~static_cast<uint64_t>(PERF_SAMPLE_MAX - 1))
    add("perf.attr-sample-type", "sample_type", hex(sample_type),
        "sample_type has unknown bits " + hex(u) + " (defined: below " + hex(PERF_SAMPLE_MAX) + ")", EINVAL);
  if (uint64_t u = read_format & ~static_cast<uint64_t>(PERF_FORMAT_MAX - 1))
    add("perf.attr-read-format", "read_format", hex(read_format),
        "read_format has unknown bits " + hex(u) + " (defined: below " + hex(PERF_FORMAT_MAX) + ")", EINVAL);
  if (uint64_t u = branch & ~static_cast<uint64_t>(PERF_SAMPLE_BRANCH_MAX - 1)) {
    bool checked = sample_type & PERF_SAMPLE_BRANCH_STACK;
    add("perf.attr-branch-sample-type", "branch_sample_type", hex(branch),
        "branch_sample_type has bits " + hex(u) + " outside the defined mask " + hex(PERF_SAMPLE_BRANCH_MAX - 1) +
            (checked ? "" : " (the kernel checks it only with PERF_SAMPLE_BRANCH_STACK in sample_type)"),
        checked ? EINVAL : 0);
  }
  if (bit(kBitFreq)) {
    if (system.max_sample_rate && period > static_cast<uint64_t>(*system.max_sample_rate))
      add("perf.attr-sample-freq", "sample_freq", std::to_string(period),
          "sample_freq " + std::to_string(period) + " (freq=1) exceeds kernel.perf_event_max_sample_rate = " +
              std::to_string(*system.max_sample_rate), EINVAL);
  } else if (period & (1ULL << 63)) {
    add("perf.attr-sample-period", "sample_period", hex(period), "sample_period has its top bit set (negative)", EINVAL);
  }
  if (group_fd != -1 && (bit(kBitPinned) || bit(kBitExclusive)))
    add("perf.attr-group-flags", bit(kBitPinned) ? "pinned" : "exclusive", "1",
        std::string(bit(kBitPinned) ? "pinned" : "exclusive") +
            " is only allowed on a group leader, but group_fd is " + std::to_string(group_fd), EINVAL);
  if (bit(kBitUseClockid) && !valid_clock(clockid))
    add("perf.attr-clockid", "clockid", std::to_string(clockid),
        "use_clockid is set but clockid " + std::to_string(clockid) +
            " is not one of CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_TAI", EINVAL);
  if (bit(kBitSigtrap) && !bit(kBitRemoveOnExec))
    add("perf.attr-sigtrap", "sigtrap", "1", "sigtrap requires remove_on_exec", EINVAL);

  switch (type) {
    case PERF_TYPE_HARDWARE:
      if ((config & 0xffffffffULL) >= PERF_COUNT_HW_MAX)
        add("perf.attr-config", "config", hex(config),
            "hardware config " + std::to_string(config & 0xffffffffULL) + " is not below PERF_COUNT_HW_MAX (" +
                std::to_string(PERF_COUNT_HW_MAX) + ")", EINVAL);
      else if (!system.have_cpu_pmu)
        add("perf.no-hardware-pmu", "type", "PERF_TYPE_HARDWARE",
            "this machine exposes no CPU PMU (/sys/bus/event_source/devices/cpu is missing; a VM without vPMU?), "
            "so hardware events cannot be counted", ENOENT);
      break;
    case PERF_TYPE_SOFTWARE:
      if (config >= PERF_COUNT_SW_MAX)
        add("perf.attr-config", "config", std::to_string(config),
            "software config " + std::to_string(config) + " is not below PERF_COUNT_SW_MAX (" +
                std::to_string(PERF_COUNT_SW_MAX) + ")", ENOENT);
      break;
    case PERF_TYPE_HW_CACHE: {
      uint64_t id = config & 0xff, op = (config >> 8) & 0xff, res = (config >> 16) & 0xff;
      if (id >= PERF_COUNT_HW_CACHE_MAX || op >= PERF_COUNT_HW_CACHE_OP_MAX || res >= PERF_COUNT_HW_CACHE_RESULT_MAX)
        add("perf.attr-config", "config", hex(config),
            "hw-cache config " + hex(config) + " has cache id " + std::to_string(id) + ", op " + std::to_string(op) +
                ", result " + std::to_string(res) + "; each must be below its *_MAX", EINVAL);
      break;
    }
    case PERF_TYPE_TRACEPOINT:
    case PERF_TYPE_RAW:
    case PERF_TYPE_BREAKPOINT:
      break;
    default:
      if (!system.pmu_types.count(type))
        add("perf.attr-type", "type", std::to_string(type),
            "type " + std::to_string(type) + " is neither a generic type (below PERF_TYPE_MAX = " +
                std::to_string(PERF_TYPE_MAX) + ") nor the type of a PMU in /sys/bus/event_source/devices", ENOENT);
      break;
  }
  return out;
}

std::vector<Cause> explain_perf_event_open(const Call& call) {
  int err = call.err();
  if (err == EACCES || err == EPERM) return explain_privilege(call);
  std::string why;
  std::optional<std::string> attr;
  const auto& cap = call.event().captured[0];
  if (cap && !cap->fault) {
    attr = cap->bytes;
  } else if (auto head = call.read_memory(call.arg(0), 8); head && head->size() == 8) {
    uint32_t size;
    std::memcpy(&size, head->data() + 4, 4);
    attr = call.read_memory(call.arg(0), std::min<uint32_t>(std::max<uint32_t>(size, PERF_ATTR_SIZE_VER0), 4096));
  }
  if (!attr) return {unchecked_cause("the perf_event_attr", cap && cap->fault ? "its address could not be read"
                                                                               : "it was not captured")};
  auto findings = validate_perf_event_attr(*attr, call.int_arg(3), call.arg(4), PerfSystem::read());
  std::vector<Cause> matching, other;
  for (const auto& f : findings) {
    Cause c = make_cause(f.code, "perf_event_attr." + f.field + " = " + f.value + ": " + f.problem,
                         "fix " + f.field + " in the perf_event_attr");
    if (f.err == err) {
      matching.push_back(c);
    } else {
      c.verified = false;
      other.push_back(c);
    }
  }
  for (auto& c : other) matching.push_back(c);
  return matching;
}

}  // namespace whyfail::explain
