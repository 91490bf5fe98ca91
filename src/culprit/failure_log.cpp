#include "culprit/failure_log.h"

#include <algorithm>
#include <utility>

namespace whyfail::culprit {

namespace {
constexpr std::size_t kSeqMemory = 4096;   // explanations arrive right after their call
constexpr std::size_t kEarlyMax = 256;
}  // namespace

std::string FailureLog::key_of(const trace::SyscallEvent& call) const {
  // Same process, call, errno and argument bytes: a retry loop or a
  // poll on EAGAIN collapses into one record. Numbers go in as raw bytes
  // (no text conversion: this runs for every failure).
  auto number = [](std::string& k, uint64_t v) { k.append(reinterpret_cast<const char*>(&v), sizeof v); };
  std::string key;
  key.reserve(64);
  number(key, static_cast<uint64_t>(call.pid));
  number(key, static_cast<uint64_t>(call.nr));
  number(key, static_cast<uint64_t>(call.error()));
  bool any_capture = false;
  for (const auto& cap : call.captured) {
    if (cap) {
      any_capture = true;
      const std::size_t n = std::min<std::size_t>(cap->bytes.size(), 512);
      key += 'c';
      number(key, n);
      key.append(cap->bytes, 0, n);
    } else {
      key += '|';
    }
  }
  // Without captured bytes, the first argument (usually an fd) tells calls apart.
  if (!any_capture) number(key, call.args[0]);
  return key;
}

void FailureLog::add(const trace::SyscallEvent& call, uint64_t order) {
  std::string key = key_of(call);
  uint64_t id;
  auto found = by_key_.find(key);
  if (found != by_key_.end()) {
    id = found->second;
    FailureRecord& r = records_.at(id);
    ++r.count;
    r.last_order = order;
    r.last_seq = call.seq;
  } else {
    if (records_.size() >= max_records_) {
      auto oldest = records_.begin();
      by_key_.erase(key_of(oldest->second.call));
      records_.erase(oldest);
      ++dropped_;
    }
    id = next_id_++;
    FailureRecord r;
    r.call = call;
    r.first_order = r.last_order = order;
    r.last_seq = call.seq;
    records_.emplace(id, std::move(r));
    by_key_.emplace(std::move(key), id);
  }
  by_seq_[call.seq] = id;
  seq_order_.push_back(call.seq);
  if (seq_order_.size() > kSeqMemory) {
    by_seq_.erase(seq_order_.front());
    seq_order_.pop_front();
  }
  auto early = early_.find(call.seq);
  if (early != early_.end()) {
    set_explanation(call.seq, early->second);
    early_.erase(early);
  }
}

void FailureLog::set_explanation(uint64_t seq, const explain::Explanation& explanation) {
  auto it = by_seq_.find(seq);
  if (it == by_seq_.end()) {
    if (early_.size() < kEarlyMax) early_[seq] = explanation;
    return;
  }
  auto rec = records_.find(it->second);
  if (rec == records_.end()) return;
  // The first occurrence's explanation describes the stored call; a later
  // repeat only fills it in when the first had none.
  if (rec->second.explained && !rec->second.explanation.causes.empty()) return;
  rec->second.explanation = explanation;
  rec->second.explained = true;
}

std::vector<const FailureRecord*> FailureLog::records() const {
  std::vector<const FailureRecord*> out;
  out.reserve(records_.size());
  for (const auto& [id, r] : records_) out.push_back(&r);
  return out;
}

}  // namespace whyfail::culprit
