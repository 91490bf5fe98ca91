#include "inject/injector.h"

#include <fnmatch.h>

#include <limits>

namespace whyfail::inject {

bool When::fires(uint64_t n) const {
  if (n < first) return false;
  if (last != 0 && n > last) return false;
  if (step == 0) return n == first;
  return (n - first) % step == 0;
}

bool glob_matches(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

Injector::Injector(std::vector<InjectRule> rules) : rules_(std::move(rules)) {
  for (const InjectRule& r : rules_) covered_ |= r.syscalls;
}

bool Injector::covers(int nr) const {
  return nr >= 0 && static_cast<std::size_t>(nr) < covered_.size() && covered_.test(static_cast<std::size_t>(nr));
}

namespace {

// The facts of one call, each fetched at most once.
class CachedFacts {
 public:
  explicit CachedFacts(CallFacts& facts) : facts_(facts) {}
  const std::string& comm() { return get(comm_, [&] { return facts_.comm(); }); }
  const std::string& exe() { return get(exe_, [&] { return facts_.exe(); }); }
  const std::optional<std::string>& path() {
    if (!path_read_) {
      path_ = facts_.path();
      path_read_ = true;
    }
    return path_;
  }
  const std::vector<std::string>& functions() {
    if (!functions_) functions_ = facts_.functions();
    return *functions_;
  }
  const std::string& site() { return get(site_, [&] { return facts_.call_site(); }); }

 private:
  template <typename F>
  const std::string& get(std::optional<std::string>& slot, F fetch) {
    if (!slot) slot = fetch();
    return *slot;
  }
  CallFacts& facts_;
  std::optional<std::string> comm_, exe_, site_;
  std::optional<std::string> path_;
  bool path_read_ = false;
  std::optional<std::vector<std::string>> functions_;
};

bool filters_pass(const InjectRule& r, CachedFacts& facts) {
  if (!r.comm.empty() && !glob_matches(r.comm, facts.comm())) return false;
  if (!r.exe.empty() && !glob_matches(r.exe, facts.exe())) return false;
  if (!r.path.empty()) {
    const auto& p = facts.path();
    if (!p || !glob_matches(r.path, *p)) return false;
  }
  if (!r.site.empty() && facts.site() != r.site) return false;
  if (!r.caller.empty()) {
    bool any = false;
    for (const std::string& f : facts.functions()) {
      if (!f.empty() && glob_matches(r.caller, f)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace

const InjectRule* Injector::decide(pid_t tid, int nr, CallFacts& facts) {
  if (!covers(nr)) return nullptr;
  CachedFacts cached(facts);
  const InjectRule* chosen = nullptr;
  std::unordered_map<uint32_t, uint32_t>* counts = nullptr;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const InjectRule& r = rules_[i];
    if (!r.syscalls.test(static_cast<std::size_t>(nr))) continue;
    if (!filters_pass(r, cached)) continue;
    if (!counts) counts = &counts_[tid];
    uint32_t& n = (*counts)[static_cast<uint32_t>(i << 10 | static_cast<std::size_t>(nr))];
    if (n < std::numeric_limits<uint32_t>::max()) ++n;  // past any LAST (<= 65534): never fires again
    if (r.when.fires(n)) chosen = &r;
  }
  return chosen;
}

}  // namespace whyfail::inject
