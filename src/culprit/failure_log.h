// The failed calls of a run, bounded: repeats of the same failure (same
// process, call, errno and arguments) are counted, not stored again, and the
// oldest records go first when the log is full.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "explain/explanation.h"
#include "trace/event.h"

namespace whyfail::culprit {

struct FailureRecord {
  trace::SyscallEvent call;           // the first occurrence
  explain::Explanation explanation;
  bool explained = false;
  uint64_t first_order = 0;           // position in the event stream
  uint64_t last_order = 0;
  uint64_t last_seq = 0;
  uint32_t count = 1;
};

class FailureLog {
 public:
  static constexpr std::size_t kMaxRecords = 20000;

  explicit FailureLog(std::size_t max_records = kMaxRecords) : max_records_(max_records) {}

  void add(const trace::SyscallEvent& call, uint64_t order);
  // Attaches an explanation by seq; one that arrives before its call waits.
  void set_explanation(uint64_t seq, const explain::Explanation& explanation);

  // Records in the order first seen.
  std::vector<const FailureRecord*> records() const;
  std::size_t size() const { return records_.size(); }
  uint64_t dropped() const { return dropped_; }

 private:
  std::string key_of(const trace::SyscallEvent& call) const;
  std::size_t max_records_;
  uint64_t next_id_ = 0;
  std::map<uint64_t, FailureRecord> records_;           // id -> record, oldest first
  std::unordered_map<std::string, uint64_t> by_key_;    // dedup key -> id
  std::unordered_map<uint64_t, uint64_t> by_seq_;       // recent seqs -> id
  std::deque<uint64_t> seq_order_;                      // bounds by_seq_
  std::unordered_map<uint64_t, explain::Explanation> early_;  // explanations before their call
  uint64_t dropped_ = 0;
};

}  // namespace whyfail::culprit
