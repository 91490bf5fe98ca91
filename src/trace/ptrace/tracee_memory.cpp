#include "trace/ptrace/tracee_memory.h"

#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstring>

namespace whyfail::trace::ptrace {

namespace {

constexpr uint64_t kPage = 4096;

uint64_t to_page_end(uint64_t addr) { return kPage - (addr & (kPage - 1)); }

}  // namespace

std::size_t TraceeMemory::read(uint64_t addr, void* out, std::size_t len) {
  if (use_peek_) return read_peek(addr, out, len);
  auto* dst = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < len) {
    // Never cross a page in one call: a partial copy is reported at iovec
    // granularity, so one bad page would hide the good bytes before it.
    std::size_t chunk = std::min<uint64_t>(len - done, to_page_end(addr + done));
    iovec local{dst + done, chunk};
    iovec remote{reinterpret_cast<void*>(addr + done), chunk};
    ssize_t n = process_vm_readv(tid_, &local, 1, &remote, 1, 0);
    if (n < 0 && (errno == ENOSYS || errno == EPERM) && done == 0) {
      use_peek_ = true;
      return read_peek(addr, out, len);
    }
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < chunk) break;
  }
  return done;
}

std::size_t TraceeMemory::read_peek(uint64_t addr, void* out, std::size_t len) {
  auto* dst = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < len) {
    uint64_t word_addr = (addr + done) & ~uint64_t{7};
    std::size_t skip = (addr + done) - word_addr;
    errno = 0;
    long word = ::ptrace(PTRACE_PEEKDATA, tid_, reinterpret_cast<void*>(word_addr), nullptr);
    if (errno != 0) break;
    std::size_t take = std::min(len - done, sizeof word - skip);
    std::memcpy(dst + done, reinterpret_cast<char*>(&word) + skip, take);
    done += take;
  }
  return done;
}

CapturedBytes TraceeMemory::read_string(uint64_t addr, std::size_t limit) {
  CapturedBytes out;
  if (addr == 0) {
    out.fault = true;
    return out;
  }
  char buf[kPage];
  uint64_t cur = addr;
  for (;;) {
    // One byte past the limit tells "exactly limit" from "truncated".
    std::size_t want = std::min<uint64_t>(limit + 1 - out.bytes.size(), to_page_end(cur));
    std::size_t got = read(cur, buf, want);
    if (got == 0) {
      if (out.bytes.empty()) out.fault = true;
      else out.truncated = true;  // unreadable before the NUL: show what we have
      return out;
    }
    const char* nul = static_cast<const char*>(std::memchr(buf, 0, got));
    std::size_t keep = nul ? static_cast<std::size_t>(nul - buf) : got;
    out.bytes.append(buf, keep);
    if (out.bytes.size() > limit) {
      out.bytes.resize(limit);
      out.truncated = true;
      return out;
    }
    if (nul) return out;
    if (got < want) {
      out.truncated = true;
      return out;
    }
    cur += got;
  }
}

CapturedBytes TraceeMemory::read_buffer(uint64_t addr, std::size_t len, std::size_t limit) {
  CapturedBytes out;
  if (len == 0) return out;
  if (addr == 0) {
    out.fault = true;
    return out;
  }
  std::size_t want = std::min(len, limit);
  out.bytes.resize(want);
  std::size_t got = read(addr, out.bytes.data(), want);
  if (got == 0) {
    out.bytes.clear();
    out.fault = true;
    return out;
  }
  out.bytes.resize(got);
  out.truncated = got < len;
  return out;
}

}  // namespace whyfail::trace::ptrace
