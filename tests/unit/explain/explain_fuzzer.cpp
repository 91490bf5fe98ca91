// libFuzzer entry: bytes -> a SyscallEvent against this process, and the
// perf_event_attr validator. Built only with -DWHYFAIL_LIBFUZZER=ON (clang).
#include <unistd.h>

#include <cstring>

#include "explain/explainer.h"
#include "explain/perf_event_attr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace whyfail;
  if (size < 16) return 0;
  trace::SyscallEvent ev;
  ev.pid = ev.tid = ::getpid();
  uint16_t nr;
  std::memcpy(&nr, data, 2);
  ev.nr = nr % 460;
  ev.ret = -static_cast<int64_t>(1 + data[2] % 140);
  size_t arg = data[3] % 6;
  trace::CapturedBytes c;
  c.bytes.assign(reinterpret_cast<const char*>(data + 16), size - 16);
  ev.captured[arg] = c;
  std::memcpy(&ev.args[5], data + 4, 8);
  explain::ExplainContext ctx;
  ctx.live = false;
  (void)explain::explain_failure(ev, ctx);
  (void)explain::validate_perf_event_attr(c.bytes, -1, 0, explain::PerfSystem{});
  return 0;
}
