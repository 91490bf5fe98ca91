#include "sysent/syscall_classes.h"

#include <algorithm>
#include <string>

namespace whyfail::sysent {

namespace {

struct ClassBit {
  std::string_view name;
  uint16_t bits;
};

// The bit classes; "net" is strace's alias for "network".
constexpr ClassBit kBitClasses[] = {
    {"file", kClassFile},       {"desc", kClassDesc},     {"network", kClassNetwork},
    {"net", kClassNetwork},     {"process", kClassProcess}, {"memory", kClassMemory},
    {"signal", kClassSignal},   {"ipc", kClassIpc},       {"creds", kClassCreds},
    {"clock", kClassClock},     {"stat", kClassStat},
};

struct ClassList {
  std::string_view name;
  std::vector<std::string_view> syscalls;
};

// Classes that are a fixed list of names, as strace defines them by purpose.
const std::vector<ClassList>& list_classes() {
  static const std::vector<ClassList> lists = {
      {"lstat", {"lstat"}},
      {"fstat", {"fstat", "newfstatat"}},
      {"%stat", {"stat", "lstat", "fstat", "newfstatat", "statx"}},
      {"statfs", {"statfs"}},
      {"fstatfs", {"fstatfs"}},
      {"%statfs", {"statfs", "fstatfs"}},
      {"pure", {"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid",
                "getpgrp", "sched_yield"}},
  };
  return lists;
}

std::string_view strip_percent(std::string_view name) {
  if (!name.empty() && name.front() == '%') name.remove_prefix(1);
  return name;
}

// Optimal string alignment distance: Levenshtein plus adjacent
// transpositions, the most common typo ("stta" for "stat").
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t w = b.size() + 1;
  std::vector<size_t> d((a.size() + 1) * w);
  auto at = [&](size_t i, size_t j) -> size_t& { return d[i * w + j]; };
  for (size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
  for (size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.size(), b.size());
}

}  // namespace

std::optional<uint16_t> parse_class(std::string_view name) {
  std::string_view bare = strip_percent(name);
  for (const auto& c : kBitClasses)
    if (c.name == bare) return c.bits;
  return std::nullopt;
}

std::optional<std::vector<int>> syscalls_in_class(std::string_view name) {
  std::vector<int> nrs;
  if (auto bits = parse_class(name)) {
    for (const auto& info : all_syscalls())
      if (info.classes & *bits) nrs.push_back(info.nr);
    return nrs;
  }
  std::string_view bare = strip_percent(name);
  for (const auto& list : list_classes()) {
    if (list.name != bare) continue;
    for (auto n : list.syscalls)
      if (const auto* info = syscall_by_name(n)) nrs.push_back(info->nr);
    return nrs;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& class_names() {
  static const std::vector<std::string_view> names = [] {
    static std::vector<std::string> storage;
    for (const auto& c : kBitClasses) storage.push_back("%" + std::string(c.name));
    for (const auto& l : list_classes()) storage.push_back("%" + std::string(l.name));
    return std::vector<std::string_view>(storage.begin(), storage.end());
  }();
  return names;
}

std::vector<std::string_view> close_syscall_names(std::string_view unknown, std::size_t max) {
  struct Candidate {
    size_t score;
    std::string_view name;
  };
  std::vector<Candidate> found;
  // Allow more typos in longer names: 1 for short names, up to 3 for long ones.
  size_t limit = std::clamp<size_t>(unknown.size() / 4, 1, 3);
  for (const auto& info : all_syscalls()) {
    size_t d = edit_distance(unknown, info.name);
    bool prefix = unknown.size() >= 3 && info.name.substr(0, unknown.size()) == unknown;
    if (d <= limit)
      found.push_back({d, info.name});
    else if (prefix)
      found.push_back({limit + 1 + info.name.size() - unknown.size(), info.name});
  }
  std::stable_sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score < b.score : a.name < b.name;
  });
  std::vector<std::string_view> out;
  for (const auto& c : found) {
    if (out.size() >= max) break;
    out.push_back(c.name);
  }
  return out;
}

}  // namespace whyfail::sysent
