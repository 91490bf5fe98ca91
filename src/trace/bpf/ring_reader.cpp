#include "trace/bpf/ring_reader.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace whyfail::trace::bpf {

namespace {

// The kernel's record header (kernel/bpf/ringbuf.c): a u32 length whose top
// bits say "still being written" and "discarded", and a u32 page offset.
constexpr uint32_t kBusy = BPF_RINGBUF_BUSY_BIT;
constexpr uint32_t kDiscard = BPF_RINGBUF_DISCARD_BIT;
constexpr uint64_t kHeader = BPF_RINGBUF_HDR_SZ;

// At most this share of the ring is held back from the producer by a batch.
constexpr uint64_t kReleaseShare = 16;

}  // namespace

Result<std::unique_ptr<RingReader>> RingReader::open(int map_fd, Handler handler, void* ctx) {
  bpf_map_info info{};
  uint32_t len = sizeof info;
  if (bpf_obj_get_info_by_fd(map_fd, &info, &len) != 0)
    return fail(errno, "reading the BPF ring buffer's size");
  if (info.type != BPF_MAP_TYPE_RINGBUF || info.max_entries == 0 ||
      (info.max_entries & (info.max_entries - 1)) != 0)
    return fail(EINVAL, "reading the BPF ring buffer", "not a ring buffer map");

  std::unique_ptr<RingReader> r(new RingReader());
  r->handler_ = handler;
  r->ctx_ = ctx;
  r->page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  r->mask_ = info.max_entries - 1;
  r->release_bytes_ = info.max_entries / kReleaseShare;

  void* c = mmap(nullptr, r->page_, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
  if (c == MAP_FAILED) return fail(errno, "mapping the BPF ring buffer's consumer page");
  r->consumer_page_ = c;
  // The data pages are mapped twice in a row, so a record that wraps around
  // the end reads as one piece.
  r->producer_len_ = r->page_ + 2 * static_cast<std::size_t>(info.max_entries);
  void* p = mmap(nullptr, r->producer_len_, PROT_READ, MAP_SHARED, map_fd, static_cast<off_t>(r->page_));
  if (p == MAP_FAILED) return fail(errno, "mapping the BPF ring buffer's data");
  r->producer_area_ = p;

  r->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (r->epoll_fd_ < 0) return fail(errno, "epoll_create1");
  epoll_event ev{};
  ev.events = EPOLLIN;
  if (epoll_ctl(r->epoll_fd_, EPOLL_CTL_ADD, map_fd, &ev) != 0)
    return fail(errno, "waiting on the BPF ring buffer (epoll_ctl)");
  return r;
}

RingReader::~RingReader() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (producer_area_) munmap(producer_area_, producer_len_);
  if (consumer_page_) munmap(consumer_page_, page_);
}

int RingReader::drain() {
  auto* consumer_pos = static_cast<uint64_t*>(consumer_page_);
  const auto* producer_pos = static_cast<const uint64_t*>(producer_area_);
  const auto* data = static_cast<const uint8_t*>(producer_area_) + page_;
  uint64_t cons = __atomic_load_n(consumer_pos, __ATOMIC_RELAXED);  // only this reader writes it
  uint64_t released = cons;
  int n = 0, rc = 0;
  for (;;) {
    const uint64_t prod = __atomic_load_n(producer_pos, __ATOMIC_ACQUIRE);
    if (cons >= prod) break;
    bool busy = false;
    while (cons < prod) {
      const auto* hdr = reinterpret_cast<const uint32_t*>(data + (cons & mask_));
      const uint32_t word = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
      if (word & kBusy) {  // reserved, not yet committed: later records wait for it
        busy = true;
        break;
      }
      const uint32_t size = word & ~(kBusy | kDiscard);
      cons += (size + kHeader + 7) & ~uint64_t{7};
      if (!(word & kDiscard)) {
        ++n;
        rc = handler_(ctx_, const_cast<uint32_t*>(hdr) + 2, size);
        if (rc < 0) break;
      }
      if (cons - released >= release_bytes_) {
        __atomic_store_n(consumer_pos, cons, __ATOMIC_RELEASE);
        released = cons;
      }
    }
    if (busy || rc < 0) break;
  }
  if (cons != released) __atomic_store_n(consumer_pos, cons, __ATOMIC_RELEASE);
  return rc < 0 ? rc : n;
}

Result<void> RingReader::wait(int timeout_ms) {
  if (timeout_ms == 0) return {};
  epoll_event ev{};
  int w = epoll_wait(epoll_fd_, &ev, 1, timeout_ms);
  if (w < 0 && errno != EINTR) return fail(errno, "waiting on the BPF ring buffer (epoll_wait)");
  return {};
}

Result<int> RingReader::poll(int timeout_ms) {
  if (auto w = wait(timeout_ms); !w) return tl::unexpected(w.error());
  int n = drain();
  if (n < 0) return fail(-n, "reading the BPF ring buffer");
  return n;
}

}  // namespace whyfail::trace::bpf
