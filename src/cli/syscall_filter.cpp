#include "cli/syscall_filter.h"

#include <fmt/format.h>

#include <regex>
#include <string_view>

#include "sysent/syscall_classes.h"
#include "sysent/syscall_info.h"

namespace whyfail::cli {

namespace {

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (k) out += k + 1 == names.size() ? " or " : ", ";
    out += names[k];
  }
  return out;
}

// Adds one element of an expression to `set`.
Result<void> add_element(std::string_view element, const std::string& expression, trace::SyscallSet& set) {
  bool optional = false;
  if (!element.empty() && element.front() == '?') {
    optional = true;
    element.remove_prefix(1);
  }
  if (element.empty()) {
    return fail(0, fmt::format("empty syscall name in -e trace={}", expression),
                "list names separated by commas, e.g. -e trace=openat,stat");
  }
  if (element == "all") {
    for (const auto& info : sysent::all_syscalls()) {
      if (info.nr >= 0 && static_cast<std::size_t>(info.nr) < set.size()) set.set(info.nr);
    }
    return {};
  }
  if (element == "none") return {};
  if (element.front() == '/') {
    std::regex re;
    try {
      re = std::regex(std::string(element.substr(1)), std::regex::extended);
    } catch (const std::regex_error& e) {
      return fail(0, fmt::format("bad regular expression '{}' in -e trace=", element.substr(1)),
                  "write it as a POSIX extended regex, e.g. -e trace=/^open");
    }
    for (const auto& info : sysent::all_syscalls()) {
      if (std::regex_search(std::string(info.name), re) && static_cast<std::size_t>(info.nr) < set.size()) {
        set.set(info.nr);
      }
    }
    return {};
  }
  if (element.front() == '%') {
    auto nrs = sysent::syscalls_in_class(element);
    if (!nrs) {
      if (optional) return {};
      return fail(0, fmt::format("unknown syscall class '{}' in -e trace={}", element, expression),
                  fmt::format("known classes: {}", joined(sysent::class_names())));
    }
    for (int nr : *nrs) {
      if (nr >= 0 && static_cast<std::size_t>(nr) < set.size()) set.set(nr);
    }
    return {};
  }
  if (const auto* info = sysent::syscall_by_name(element)) {
    if (static_cast<std::size_t>(info->nr) < set.size()) set.set(info->nr);
    return {};
  }
  // strace also accepts a class name without '%' ("file") when no syscall has that name.
  if (auto nrs = sysent::syscalls_in_class(element)) {
    for (int nr : *nrs) {
      if (nr >= 0 && static_cast<std::size_t>(nr) < set.size()) set.set(nr);
    }
    return {};
  }
  if (optional) return {};
  auto close = sysent::close_syscall_names(element, 3);
  std::string hint = close.empty() ? std::string("see the syscall names in `man 2 syscalls`")
                                   : fmt::format("did you mean {}?", joined(close));
  return fail(0, fmt::format("unknown syscall '{}' in -e trace={}", element, expression), hint);
}

}  // namespace

Result<SyscallFilter> parse_syscall_filter(const std::vector<std::string>& expressions) {
  SyscallFilter filter;
  if (expressions.empty()) {
    filter.set.set();
    return filter;
  }
  filter.restricted = true;
  for (const std::string& expression : expressions) {
    std::string_view body = expression;
    bool negate = false;
    if (!body.empty() && body.front() == '!') {
      negate = true;
      body.remove_prefix(1);
    }
    trace::SyscallSet set;
    for (std::string_view element : split_commas(body)) {
      auto added = add_element(element, expression, set);
      if (!added) return tl::unexpected(added.error());
    }
    if (negate) {
      trace::SyscallSet all;
      for (const auto& info : sysent::all_syscalls()) {
        if (info.nr >= 0 && static_cast<std::size_t>(info.nr) < all.size()) all.set(info.nr);
      }
      set = all & ~set;
    }
    filter.set |= set;
  }
  return filter;
}

}  // namespace whyfail::cli
