// A reader of one BPF ring buffer map (BPF_MAP_TYPE_RINGBUF) that hands back
// consumed space in batches.
//
// libbpf's ring_buffer__consume() stores the consumer position after every
// record. Each store pulls that cache line to the reader's CPU, and the
// producer (a traced program's syscall exit on another CPU) reads the same
// line in bpf_ringbuf_reserve: one cross-CPU miss per record while the reader
// is busy. Here the position is stored every `release_bytes` and at the end of
// each drain, so the producer misses about once per batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "util/result.h"

namespace whyfail::trace::bpf {

class RingReader {
 public:
  // Called for each committed, not discarded record. A negative return stops
  // the drain (the record counts as consumed) and is returned by it.
  using Handler = int (*)(void* ctx, void* data, std::size_t size);

  // `map_fd`: the ring buffer map; its size is read from the kernel.
  static Result<std::unique_ptr<RingReader>> open(int map_fd, Handler handler, void* ctx);
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  // Waits up to timeout_ms for a wakeup (0: not at all; producers may submit
  // without waking, so a timeout says nothing about what is pending).
  Result<void> wait(int timeout_ms);
  // wait(), then drain(): the records handed to the handler.
  Result<int> poll(int timeout_ms);
  // Hands every committed record to the handler; the count, or the handler's
  // negative return.
  int drain();

 private:
  RingReader() = default;
  int epoll_fd_ = -1;
  void* consumer_page_ = nullptr;     // read-write: the consumer position
  void* producer_area_ = nullptr;     // read-only: producer position page, then data mapped twice
  std::size_t producer_len_ = 0;
  std::size_t page_ = 0;
  uint64_t mask_ = 0;                 // ring size - 1
  uint64_t release_bytes_ = 0;
  Handler handler_ = nullptr;
  void* ctx_ = nullptr;
};

}  // namespace whyfail::trace::bpf
