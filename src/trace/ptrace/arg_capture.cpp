#include "trace/ptrace/arg_capture.h"

#include <algorithm>
#include <cstring>

#include "sysent/capture.h"
#include "trace/ptrace/tracee_memory.h"

namespace whyfail::trace::ptrace {

namespace {

using sysent::ArgCapture;
using sysent::CaptureKind;
using sysent::CaptureWhen;
using sysent::SizeFrom;

constexpr std::size_t kMaxArrayElements = 64;     // argv/envp strings kept
constexpr std::size_t kMaxArrayCount = 4096;      // pointers counted past that
constexpr std::size_t kMaxIovecs = 1024;          // IOV_MAX
constexpr std::size_t kPollfdSize = 8;
constexpr std::size_t kMaxPerfAttr = 512;
constexpr std::size_t kPerfAttrSizeVer0 = 64;

bool belongs_to(const ArgCapture& rule, CapturePhase phase, bool succeeded) {
  switch (rule.when) {
    case CaptureWhen::Entry: return phase == CapturePhase::Entry;
    case CaptureWhen::Exit: return phase == CapturePhase::Exit && succeeded;
    case CaptureWhen::EntryAndExit: return phase == CapturePhase::Exit;
  }
  return false;
}

CapturedBytes read_string_array(TraceeMemory& mem, uint64_t addr, std::size_t limit) {
  CapturedBytes out;
  if (addr == 0) {
    out.fault = true;
    return out;
  }
  uint64_t ptrs[64];
  std::size_t count = 0;
  while (count < kMaxArrayCount) {
    std::size_t got = mem.read(addr + count * 8, ptrs, sizeof ptrs) / 8;
    if (got == 0) {
      if (count == 0) out.fault = true;
      break;
    }
    std::size_t i = 0;
    for (; i < got && ptrs[i] != 0; ++i, ++count) {
      if (count >= kMaxArrayElements) {
        out.truncated = true;
        continue;
      }
      CapturedBytes s = mem.read_string(ptrs[i], limit);
      out.bytes += s.bytes;
      out.truncated |= s.truncated;
      out.parts.push_back(static_cast<uint32_t>(out.bytes.size()));
      out.part_truncated.push_back(s.truncated);
    }
    if (i < got) break;  // the NULL terminator
  }
  out.elements_total = static_cast<uint32_t>(count);
  return out;
}

CapturedBytes read_iovecs(TraceeMemory& mem, uint64_t addr, uint64_t count, std::size_t budget,
                          std::size_t limit) {
  CapturedBytes out;
  out.elements_total = static_cast<uint32_t>(count);
  if (count == 0) return out;
  if (addr == 0) {
    out.fault = true;
    return out;
  }
  std::size_t n = std::min<uint64_t>(count, kMaxIovecs);
  std::vector<uint64_t> iov(2 * n);
  std::size_t got = mem.read(addr, iov.data(), iov.size() * 8) / 16;
  if (got == 0) {
    out.fault = true;
    return out;
  }
  std::size_t left = std::min(budget, limit);
  uint64_t available = 0;  // bytes the call really moved, for the truncation flag
  for (std::size_t i = 0; i < got; ++i) {
    uint64_t len = iov[2 * i + 1];
    available += len;
    std::size_t take = std::min<uint64_t>(len, left);
    if (take > 0) out.bytes += mem.read_buffer(iov[2 * i], take, take).bytes;
    left -= take;
    out.parts.push_back(static_cast<uint32_t>(out.bytes.size()));
  }
  out.truncated = got < count || std::min<uint64_t>(available, budget) > out.bytes.size();
  return out;
}

CapturedBytes capture_one(TraceeMemory& mem, const sysent::ArgInfo& arg, const ArgCapture& rule,
                          const TraceSpec& spec, const SyscallEvent& ev, uint64_t value) {
  uint64_t len_value = arg.len_arg >= 0 && arg.len_arg < 6 ? ev.args[arg.len_arg] : 0;
  uint64_t ret = ev.ret > 0 ? static_cast<uint64_t>(ev.ret) : 0;
  switch (rule.kind) {
    case CaptureKind::None: return {};
    case CaptureKind::CString:
      return mem.read_string(value, rule.is_path ? spec.path_limit : spec.string_limit);
    case CaptureKind::StringArray: return read_string_array(mem, value, spec.string_limit);
    case CaptureKind::Buffer: {
      uint64_t len = rule.size_from == SizeFrom::Ret ? ret : len_value;
      if (arg.type == sysent::ArgType::PollFds) len *= kPollfdSize;
      return mem.read_buffer(value, len, spec.string_limit);
    }
    case CaptureKind::Iovec: {
      std::size_t budget = rule.size_from == SizeFrom::Ret ? ret : SIZE_MAX;
      return read_iovecs(mem, value, len_value, budget, spec.string_limit);
    }
    case CaptureKind::Struct: return mem.read_buffer(value, rule.fixed_size, rule.fixed_size);
    case CaptureKind::Sockaddr: {
      uint64_t len = len_value;
      if (rule.when != CaptureWhen::Entry) {  // len_arg is a socklen_t* the kernel updated
        uint32_t socklen = 0;
        if (len_value == 0 || mem.read(len_value, &socklen, sizeof socklen) != sizeof socklen)
          return mem.read_buffer(value, 0, 0);
        len = socklen;
      }
      return mem.read_buffer(value, len, rule.fixed_size);
    }
    case CaptureKind::PerfAttr: {
      uint32_t header[2] = {0, 0};  // type, size
      if (mem.read(value, header, sizeof header) != sizeof header)
        return mem.read_buffer(value, 1, 1);  // reports the fault
      std::size_t size = header[1] == 0 ? kPerfAttrSizeVer0 : header[1];
      return mem.read_buffer(value, size, kMaxPerfAttr);
    }
  }
  return {};
}

}  // namespace

void capture_args(const sysent::SyscallInfo& info, CapturePhase phase, const TraceSpec& spec,
                  SyscallEvent& event) {
  if (!info.known_signature) return;
  bool succeeded = event.finished && event.error() == 0;
  TraceeMemory mem(event.tid);
  for (std::size_t i = 0; i < info.nargs && i < 6; ++i) {
    ArgCapture rule = sysent::capture_for(info.args[i].type);
    if (rule.kind == CaptureKind::None || !belongs_to(rule, phase, succeeded)) continue;
    event.captured[i] = capture_one(mem, info.args[i], rule, spec, event, event.args[i]);
  }
}

}  // namespace whyfail::trace::ptrace
