// Explanations of repeated identical failures, computed once. A loop failing the
// same call 100000 times must not walk the same path 100000 times.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

#include "explain/explanation.h"
#include "trace/event.h"

namespace whyfail::cli {

class ExplainCache {
 public:
  explicit ExplainCache(std::size_t capacity = 1024) : capacity_(capacity) {}

  // The cached explanation for an identical failure, or nullptr.
  const explain::Explanation* find(const trace::SyscallEvent& event);
  const explain::Explanation& insert(const trace::SyscallEvent& event, explain::Explanation explanation);

  std::size_t size() const { return index_.size(); }
  uint64_t hits() const { return hits_; }

  // What makes two failures identical: process, call, errno, the bytes read from
  // the tracee, and the arguments that are values rather than pointers to those bytes.
  static std::string key_of(const trace::SyscallEvent& event);

 private:
  using Entry = std::pair<std::string, explain::Explanation>;
  std::size_t capacity_;
  std::list<Entry> lru_;   // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  uint64_t hits_ = 0;
};

}  // namespace whyfail::cli
