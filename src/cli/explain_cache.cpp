#include "cli/explain_cache.h"

namespace whyfail::cli {

namespace {

void append_number(std::string& out, uint64_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

std::string ExplainCache::key_of(const trace::SyscallEvent& event) {
  std::string key;
  append_number(key, static_cast<uint64_t>(event.pid));
  append_number(key, static_cast<uint64_t>(event.nr));
  append_number(key, static_cast<uint64_t>(event.ret));
  for (std::size_t k = 0; k < event.args.size(); ++k) {
    const auto& captured = event.captured[k];
    if (!captured) {
      key += 'v';
      append_number(key, event.args[k]);
      continue;
    }
    key += captured->fault ? 'f' : (captured->truncated ? 't' : 'c');
    append_number(key, captured->bytes.size());
    key += captured->bytes;
    append_number(key, captured->parts.size());
    for (uint32_t p : captured->parts) append_number(key, p);
  }
  return key;
}

const explain::Explanation* ExplainCache::find(const trace::SyscallEvent& event) {
  if (capacity_ == 0) return nullptr;
  auto it = index_.find(key_of(event));
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return &it->second->second;
}

const explain::Explanation& ExplainCache::insert(const trace::SyscallEvent& event,
                                                 explain::Explanation explanation) {
  std::string key = key_of(event);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(explanation);
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  if (capacity_ == 0) {
    lru_.clear();
    lru_.emplace_front(std::move(key), std::move(explanation));
    return lru_.front().second;
  }
  while (index_.size() >= capacity_ && !lru_.empty()) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  lru_.emplace_front(key, std::move(explanation));
  index_.emplace(std::move(key), lru_.begin());
  return lru_.front().second;
}

}  // namespace whyfail::cli
