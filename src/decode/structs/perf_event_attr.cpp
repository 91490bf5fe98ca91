// struct perf_event_attr: a versioned struct whose own `size` field says how
// much of it the caller filled. Fields past that size are not shown; bytes
// past the size this build knows are shown raw, since the kernel rejects
// non-zero unknown bytes with E2BIG and that is worth seeing.
#include <linux/perf_event.h>

#include <array>
#include <cstring>
#include <string>

#include "decode/structs/structs.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::structs {

namespace {

using xlat::Named;

const std::array kTypes = {XLAT(PERF_TYPE_HARDWARE), XLAT(PERF_TYPE_SOFTWARE),
                           XLAT(PERF_TYPE_TRACEPOINT), XLAT(PERF_TYPE_HW_CACHE),
                           XLAT(PERF_TYPE_RAW), XLAT(PERF_TYPE_BREAKPOINT)};

const std::array kHwConfigs = {
    XLAT(PERF_COUNT_HW_CPU_CYCLES), XLAT(PERF_COUNT_HW_INSTRUCTIONS),
    XLAT(PERF_COUNT_HW_CACHE_REFERENCES), XLAT(PERF_COUNT_HW_CACHE_MISSES),
    XLAT(PERF_COUNT_HW_BRANCH_INSTRUCTIONS), XLAT(PERF_COUNT_HW_BRANCH_MISSES),
    XLAT(PERF_COUNT_HW_BUS_CYCLES), XLAT(PERF_COUNT_HW_STALLED_CYCLES_FRONTEND),
    XLAT(PERF_COUNT_HW_STALLED_CYCLES_BACKEND), XLAT(PERF_COUNT_HW_REF_CPU_CYCLES)};

const std::array kSwConfigs = {
    XLAT(PERF_COUNT_SW_CPU_CLOCK), XLAT(PERF_COUNT_SW_TASK_CLOCK), XLAT(PERF_COUNT_SW_PAGE_FAULTS),
    XLAT(PERF_COUNT_SW_CONTEXT_SWITCHES), XLAT(PERF_COUNT_SW_CPU_MIGRATIONS),
    XLAT(PERF_COUNT_SW_PAGE_FAULTS_MIN), XLAT(PERF_COUNT_SW_PAGE_FAULTS_MAJ),
    XLAT(PERF_COUNT_SW_ALIGNMENT_FAULTS), XLAT(PERF_COUNT_SW_EMULATION_FAULTS),
    XLAT(PERF_COUNT_SW_DUMMY), XLAT(PERF_COUNT_SW_BPF_OUTPUT), XLAT(PERF_COUNT_SW_CGROUP_SWITCHES)};

const std::array kCacheIds = {
    XLAT(PERF_COUNT_HW_CACHE_L1D), XLAT(PERF_COUNT_HW_CACHE_L1I), XLAT(PERF_COUNT_HW_CACHE_LL),
    XLAT(PERF_COUNT_HW_CACHE_DTLB), XLAT(PERF_COUNT_HW_CACHE_ITLB), XLAT(PERF_COUNT_HW_CACHE_BPU),
    XLAT(PERF_COUNT_HW_CACHE_NODE)};
const std::array kCacheOps = {XLAT(PERF_COUNT_HW_CACHE_OP_READ), XLAT(PERF_COUNT_HW_CACHE_OP_WRITE),
                              XLAT(PERF_COUNT_HW_CACHE_OP_PREFETCH)};
const std::array kCacheResults = {XLAT(PERF_COUNT_HW_CACHE_RESULT_ACCESS),
                                  XLAT(PERF_COUNT_HW_CACHE_RESULT_MISS)};

const std::array kSampleType = {
    XLAT(PERF_SAMPLE_IP),        XLAT(PERF_SAMPLE_TID),         XLAT(PERF_SAMPLE_TIME),
    XLAT(PERF_SAMPLE_ADDR),      XLAT(PERF_SAMPLE_READ),        XLAT(PERF_SAMPLE_CALLCHAIN),
    XLAT(PERF_SAMPLE_ID),        XLAT(PERF_SAMPLE_CPU),         XLAT(PERF_SAMPLE_PERIOD),
    XLAT(PERF_SAMPLE_STREAM_ID), XLAT(PERF_SAMPLE_RAW),         XLAT(PERF_SAMPLE_BRANCH_STACK),
    XLAT(PERF_SAMPLE_REGS_USER), XLAT(PERF_SAMPLE_STACK_USER),  XLAT(PERF_SAMPLE_WEIGHT),
    XLAT(PERF_SAMPLE_DATA_SRC),  XLAT(PERF_SAMPLE_IDENTIFIER),  XLAT(PERF_SAMPLE_TRANSACTION),
    XLAT(PERF_SAMPLE_REGS_INTR), XLAT(PERF_SAMPLE_PHYS_ADDR),   XLAT(PERF_SAMPLE_AUX),
    XLAT(PERF_SAMPLE_CGROUP),    XLAT(PERF_SAMPLE_DATA_PAGE_SIZE), XLAT(PERF_SAMPLE_CODE_PAGE_SIZE),
    XLAT(PERF_SAMPLE_WEIGHT_STRUCT)};

const std::array kReadFormat = {XLAT(PERF_FORMAT_TOTAL_TIME_ENABLED), XLAT(PERF_FORMAT_TOTAL_TIME_RUNNING),
                                XLAT(PERF_FORMAT_ID), XLAT(PERF_FORMAT_GROUP), Named{16, "PERF_FORMAT_LOST"}};

const std::array kBranchType = {
    XLAT(PERF_SAMPLE_BRANCH_USER),     XLAT(PERF_SAMPLE_BRANCH_KERNEL),  XLAT(PERF_SAMPLE_BRANCH_HV),
    XLAT(PERF_SAMPLE_BRANCH_ANY),      XLAT(PERF_SAMPLE_BRANCH_ANY_CALL), XLAT(PERF_SAMPLE_BRANCH_ANY_RETURN),
    XLAT(PERF_SAMPLE_BRANCH_IND_CALL), XLAT(PERF_SAMPLE_BRANCH_ABORT_TX), XLAT(PERF_SAMPLE_BRANCH_IN_TX),
    XLAT(PERF_SAMPLE_BRANCH_NO_TX),    XLAT(PERF_SAMPLE_BRANCH_COND),    XLAT(PERF_SAMPLE_BRANCH_CALL_STACK),
    XLAT(PERF_SAMPLE_BRANCH_IND_JUMP), XLAT(PERF_SAMPLE_BRANCH_CALL),    XLAT(PERF_SAMPLE_BRANCH_NO_FLAGS),
    XLAT(PERF_SAMPLE_BRANCH_NO_CYCLES), XLAT(PERF_SAMPLE_BRANCH_TYPE_SAVE), XLAT(PERF_SAMPLE_BRANCH_HW_INDEX),
    XLAT(PERF_SAMPLE_BRANCH_PRIV_SAVE)};

// The one-bit flags of the u64 after read_format, in bit order
// (precise_ip, bits 15-16, is a 2-bit number and handled apart).
constexpr const char* kFlagBits[] = {
    "disabled", "inherit", "pinned", "exclusive", "exclude_user", "exclude_kernel", "exclude_hv",
    "exclude_idle", "mmap", "comm", "freq", "inherit_stat", "enable_on_exec", "task", "watermark",
    nullptr, nullptr, "mmap_data", "sample_id_all", "exclude_host", "exclude_guest",
    "exclude_callchain_kernel", "exclude_callchain_user", "mmap2", "comm_exec", "use_clockid",
    "context_switch", "write_backward", "namespaces", "ksymbol", "bpf_event", "aux_output", "cgroup",
    "text_poke", "build_id", "inherit_thread", "remove_on_exec", "sigtrap"};
constexpr unsigned kPreciseShift = 15;
constexpr unsigned kFreqBit = 10;
constexpr unsigned kUseClockidBit = 25;

constexpr size_t kFlagsOffset = 40;

std::string flag_bits(uint64_t bits) {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += '|';
    out += s;
  };
  constexpr unsigned n = sizeof kFlagBits / sizeof kFlagBits[0];
  for (unsigned b = 0; b < n; ++b)
    if (kFlagBits[b] && ((bits >> b) & 1)) add(kFlagBits[b]);
  if (uint64_t precise = (bits >> kPreciseShift) & 3) add("precise_ip=" + std::to_string(precise));
  if (uint64_t rest = bits >> n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%#llx<<%u", static_cast<unsigned long long>(rest), n);
    add(buf);
  }
  return out.empty() ? "0" : out;
}

Value config_value(uint32_t type, uint64_t config) {
  switch (type) {
    case PERF_TYPE_HARDWARE: return xlat::enum_value(static_cast<int64_t>(config), kHwConfigs, true);
    case PERF_TYPE_SOFTWARE: return xlat::enum_value(static_cast<int64_t>(config), kSwConfigs, true);
    case PERF_TYPE_HW_CACHE: {
      // config = id | op << 8 | result << 16
      auto id = xlat::enum_name(config & 0xff, kCacheIds);
      auto op = xlat::enum_name((config >> 8) & 0xff, kCacheOps);
      auto res = xlat::enum_name((config >> 16) & 0xff, kCacheResults);
      if (id.empty() || op.empty() || res.empty() || (config >> 24)) return Value::make_hex(config);
      return Value::make_symbol(std::string(id) + "|" + std::string(op) + "<<8|" + std::string(res) + "<<16");
    }
  }
  return Value::make_hex(config);
}

}  // namespace

Value perf_event_attr(std::string_view bytes, bool truncated) {
  Value v;
  v.kind = Value::Kind::Struct;
  if (bytes.size() < 8) {
    v.truncated = true;
    return v;
  }
  ::perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  std::memcpy(&a, bytes.data(), std::min(bytes.size(), sizeof a));
  // size 0 means PERF_ATTR_SIZE_VER0 to the kernel.
  size_t size = a.size ? a.size : PERF_ATTR_SIZE_VER0;
  size_t have = std::min(size, bytes.size());
  auto covers = [&](size_t end) { return have >= end; };
  auto& f = v.fields;
  f.emplace_back("type", xlat::enum_value(a.type, kTypes));
  f.emplace_back("size", Value::make_uint(a.size));
  if (!covers(PERF_ATTR_SIZE_VER0)) {
    v.truncated = true;
    return v;
  }
  uint64_t flags;
  std::memcpy(&flags, bytes.data() + kFlagsOffset, sizeof flags);
  f.emplace_back("config", config_value(a.type, a.config));
  bool freq = (flags >> kFreqBit) & 1;
  f.emplace_back(freq ? "sample_freq" : "sample_period", Value::make_uint(a.sample_period));
  f.emplace_back("sample_type", xlat::flags_value(a.sample_type, kSampleType));
  f.emplace_back("read_format", xlat::flags_value(a.read_format, kReadFormat));
  f.emplace_back("flags", Value::make_symbol(flag_bits(flags)));
  if (a.wakeup_events) f.emplace_back(a.watermark ? "wakeup_watermark" : "wakeup_events", Value::make_uint(a.wakeup_events));
  if (a.type == PERF_TYPE_BREAKPOINT) {
    f.emplace_back("bp_type", Value::make_uint(a.bp_type));
    f.emplace_back("bp_addr", Value::make_hex(a.bp_addr));
  } else if (a.config1) {
    f.emplace_back("config1", Value::make_hex(a.config1));
  }
  if (covers(PERF_ATTR_SIZE_VER1) && a.config2)
    f.emplace_back(a.type == PERF_TYPE_BREAKPOINT ? "bp_len" : "config2", Value::make_hex(a.config2));
  if (covers(PERF_ATTR_SIZE_VER2) && a.branch_sample_type)
    f.emplace_back("branch_sample_type", xlat::flags_value(a.branch_sample_type, kBranchType));
  if (covers(PERF_ATTR_SIZE_VER3)) {
    if (a.sample_regs_user) f.emplace_back("sample_regs_user", Value::make_hex(a.sample_regs_user));
    if (a.sample_stack_user) f.emplace_back("sample_stack_user", Value::make_uint(a.sample_stack_user));
    if ((flags >> kUseClockidBit) & 1) f.emplace_back("clockid", Value::make_int(a.clockid));
  }
  if (covers(PERF_ATTR_SIZE_VER4) && a.sample_regs_intr)
    f.emplace_back("sample_regs_intr", Value::make_hex(a.sample_regs_intr));
  if (covers(PERF_ATTR_SIZE_VER5)) {
    if (a.aux_watermark) f.emplace_back("aux_watermark", Value::make_uint(a.aux_watermark));
    if (a.sample_max_stack) f.emplace_back("sample_max_stack", Value::make_uint(a.sample_max_stack));
  }
  if (covers(PERF_ATTR_SIZE_VER6) && a.aux_sample_size)
    f.emplace_back("aux_sample_size", Value::make_uint(a.aux_sample_size));
  if (covers(PERF_ATTR_SIZE_VER7) && a.sig_data) f.emplace_back("sig_data", Value::make_hex(a.sig_data));
  if (have > sizeof a)
    f.emplace_back("raw_remainder", Value::make_bytes(std::string(bytes.substr(sizeof a, have - sizeof a)), truncated));
  v.truncated = truncated || bytes.size() < size;
  return v;
}

}  // namespace whyfail::decode::structs
