// Memory calls: EINVAL from the arguments themselves (alignment, flag
// combinations) and ENOMEM/EAGAIN/EPERM from the limit that was hit.
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "explain/families.h"
#include "explain/path_errors.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

constexpr int kCapIpcLock = 14;
constexpr uint64_t kIoUringMaxEntries = 32768;  // IORING_MAX_ENTRIES

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string show(const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : std::string("unlimited"); }

std::optional<uint64_t> meminfo_kb(const std::string& key) {
  auto text = read_text_file("/proc/meminfo");
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string k;
  uint64_t v;
  std::string unit;
  while (in >> k >> v) {
    std::getline(in, unit);
    if (k == key + ":") return v;
  }
  return std::nullopt;
}

std::vector<Cause> memlock_causes(const Call& call, uint64_t len, const char* what) {
  std::vector<Cause> out;
  const ProcState& proc = call.proc();
  Limit lim = proc.limit(RLIMIT_MEMLOCK);
  if (!lim.known) return {unchecked_cause("RLIMIT_MEMLOCK", "/proc/PID/limits is not readable")};
  if (proc.creds().has_cap(kCapIpcLock)) return out;  // CAP_IPC_LOCK bypasses the limit
  uint64_t locked = proc.status_number("VmLck").value_or(0) * 1024;
  if (!lim.soft) return out;  // unlimited
  if (*lim.soft != 0 && locked + len <= *lim.soft) return out;
  Cause c = make_cause("mem.rlimit-memlock",
                       std::string(what) + " needs " + std::to_string(len) + " more bytes of locked memory; process " +
                           std::to_string(proc.pid()) + " already locks " + std::to_string(locked) +
                           " bytes and its RLIMIT_MEMLOCK soft limit is " + show(lim.soft) + " bytes (hard " +
                           show(lim.hard) + "), and it lacks CAP_IPC_LOCK",
                       "raise the limit (ulimit -l, or LimitMEMLOCK= in a systemd unit) or lock less memory");
  out.push_back(c);
  return out;
}

std::vector<Cause> mmap_einval(const Call& call) {
  std::vector<Cause> out;
  long page = ::sysconf(_SC_PAGESIZE);
  uint64_t addr = call.arg(0), len = call.arg(1), flags = call.arg(3), off = call.arg(5);
  if (len == 0)
    out.push_back(make_cause("mem.zero-length", "the length is 0; mmap() cannot map 0 bytes", "pass a length > 0"));
  if ((flags & 0x0f) == 0)  // MAP_TYPE
    out.push_back(make_cause("mem.map-type-missing",
                             "flags " + hex(flags) + " have neither MAP_SHARED nor MAP_PRIVATE; exactly one is required",
                             "add MAP_PRIVATE (or MAP_SHARED)"));
  if ((flags & MAP_FIXED) && addr % static_cast<uint64_t>(page))
    out.push_back(make_cause("mem.unaligned-address",
                             "address " + hex(addr) + " with MAP_FIXED is not a multiple of the page size (" +
                                 std::to_string(page) + ")",
                             "round the address down to a page boundary"));
  if (!(flags & MAP_ANONYMOUS) && off % static_cast<uint64_t>(page))
    out.push_back(make_cause("mem.unaligned-offset",
                             "file offset " + std::to_string(off) + " is not a multiple of the page size (" +
                                 std::to_string(page) + ")",
                             "map from a page-aligned offset and add the remainder to the pointer"));
  if (len > (1ULL << 47))
    out.push_back(make_cause("mem.length-too-large", "the length " + std::to_string(len) +
                                                         " exceeds the user address space", "pass a sane length"));
  return out;
}

std::vector<Cause> unaligned_addr(const Call& call) {
  long page = ::sysconf(_SC_PAGESIZE);
  uint64_t addr = call.arg(0);
  if (addr % static_cast<uint64_t>(page) == 0) return {};
  return {make_cause("mem.unaligned-address",
                     "address " + hex(addr) + " is not a multiple of the page size (" + std::to_string(page) + ")",
                     "pass a page-aligned address")};
}

std::vector<Cause> mmap_enomem(const Call& call) {
  std::vector<Cause> out;
  const ProcState& proc = call.proc();
  uint64_t len = call.arg(1), flags = call.arg(3);
  uint64_t vmsize = proc.status_number("VmSize").value_or(0) * 1024;
  Limit as = proc.limit(RLIMIT_AS);
  if (as.known && as.soft && vmsize + len > *as.soft)
    out.push_back(make_cause("mem.rlimit-as",
                             "the mapping of " + std::to_string(len) + " bytes would grow the address space from " +
                                 std::to_string(vmsize) + " bytes past RLIMIT_AS (soft " + show(as.soft) + ", hard " +
                                 show(as.hard) + ")",
                             "raise ulimit -v, or map less"));
  Limit data = proc.limit(RLIMIT_DATA);
  uint64_t vmdata = proc.status_number("VmData").value_or(0) * 1024;
  if (data.known && data.soft && (flags & MAP_PRIVATE) && !(flags & MAP_SHARED) && vmdata + len > *data.soft)
    out.push_back(make_cause("mem.rlimit-data",
                             "private data would grow from " + std::to_string(vmdata) + " bytes past RLIMIT_DATA (soft " +
                                 show(data.soft) + ")",
                             "raise ulimit -d"));
  auto max_maps = read_sysctl_int("/proc/sys/vm/max_map_count");
  size_t maps = proc.map_count();
  if (max_maps && maps + 1 > static_cast<uint64_t>(*max_maps))
    out.push_back(make_cause("mem.max-map-count",
                             "process " + std::to_string(proc.pid()) + " has " + std::to_string(maps) +
                                 " memory mappings; vm.max_map_count is " + std::to_string(*max_maps),
                             "raise vm.max_map_count or use fewer, larger mappings"));
  auto policy = read_sysctl_int("/proc/sys/vm/overcommit_memory");
  if (policy && *policy == 2) {
    auto limit = meminfo_kb("CommitLimit"), committed = meminfo_kb("Committed_AS");
    if (limit && committed && *committed * 1024 + len > *limit * 1024) {
      Cause c = make_cause("mem.overcommit-limit",
                           "vm.overcommit_memory is 2 (strict): committing " + std::to_string(len) +
                               " more bytes would exceed CommitLimit " + std::to_string(*limit) + " kB (Committed_AS " +
                               std::to_string(*committed) + " kB)",
                           "free memory, add swap, or raise vm.overcommit_ratio");
      if (auto r = read_sysctl_int("/proc/sys/vm/overcommit_ratio")) c.evidence.push_back("vm.overcommit_ratio = " + std::to_string(*r));
      out.push_back(c);
    }
  }
  if (flags & MAP_LOCKED)
    for (auto& c : memlock_causes(call, len, "MAP_LOCKED")) out.push_back(c);
  return out;
}

std::vector<Cause> io_uring_setup_causes(const Call& call) {
  std::vector<Cause> out;
  uint64_t entries = call.arg(0);
  switch (call.err()) {
    case EINVAL:
      if (entries == 0)
        out.push_back(make_cause("io_uring.zero-entries", "entries is 0", "pass a queue size > 0"));
      else if (entries > kIoUringMaxEntries)
        out.push_back(make_cause("io_uring.too-many-entries",
                                 "entries " + std::to_string(entries) + " exceeds IORING_MAX_ENTRIES (" +
                                     std::to_string(kIoUringMaxEntries) + ") and IORING_SETUP_CLAMP was not given",
                                 "ask for fewer entries or set IORING_SETUP_CLAMP"));
      break;
    case ENOMEM: {
      auto c = memlock_causes(call, 0, "the io_uring rings");
      Limit lim = call.proc().limit(RLIMIT_MEMLOCK);
      if (c.empty() && lim.known) {
        Cause m = make_cause("mem.rlimit-memlock",
                             "io_uring rings are accounted as locked memory (older kernels) or to the memory cgroup; "
                             "RLIMIT_MEMLOCK soft limit is " + show(lim.soft) + " bytes",
                             "raise ulimit -l or the cgroup memory limit");
        m.verified = false;
        c.push_back(m);
      }
      return c;
    }
    default:
      break;
  }
  return out;
}

}  // namespace

bool is_memory_call(int nr) {
  return nr == SYS_mmap || nr == SYS_munmap || nr == SYS_mprotect || nr == SYS_mlock || nr == SYS_mlock2 ||
         nr == SYS_mlockall || nr == SYS_io_uring_setup || nr == SYS_madvise || nr == SYS_msync;
}

std::vector<Cause> explain_memory(const Call& call) {
  int err = call.err();
  switch (call.nr()) {
    case SYS_mmap:
      if (err == EINVAL) return mmap_einval(call);
      if (err == ENOMEM) return mmap_enomem(call);
      if (err == EAGAIN && (call.arg(3) & MAP_LOCKED)) return memlock_causes(call, call.arg(1), "MAP_LOCKED");
      return {};
    case SYS_munmap:
    case SYS_mprotect:
    case SYS_madvise:
    case SYS_msync:
      if (err == EINVAL) return unaligned_addr(call);
      return {};
    case SYS_mlock:
    case SYS_mlock2:
      if (err == ENOMEM || err == EPERM || err == EAGAIN) return memlock_causes(call, call.arg(1), "mlock()");
      return {};
    case SYS_mlockall:
      if (err == ENOMEM || err == EPERM) {
        uint64_t vmsize = call.proc().status_number("VmSize").value_or(0) * 1024;
        return memlock_causes(call, vmsize, "mlockall()");
      }
      return {};
    case SYS_io_uring_setup:
      return io_uring_setup_causes(call);
    default:
      return {};
  }
}

}  // namespace whyfail::explain
