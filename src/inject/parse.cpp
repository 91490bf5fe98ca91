#include "inject/parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "decode/decoder.h"
#include "sysent/syscall_classes.h"
#include "sysent/syscall_info.h"

namespace whyfail::inject {

namespace {

constexpr int kMaxSignal = 64;  // SIGRTMAX on x86_64

const char* kind_name(RuleKind kind) {
  switch (kind) {
    case RuleKind::Inject: return "inject";
    case RuleKind::Fault: return "fault";
    case RuleKind::Delay: return "delay";
  }
  return "inject";
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// An integer as strtoll/strtoull read it (decimal, 0x hex, 0 octal), signed or not.
std::optional<int64_t> parse_retval(std::string_view s) {
  std::string str(s);
  if (str.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  if (str[0] == '-') {
    long long v = std::strtoll(str.c_str(), &end, 0);
    if (errno || *end) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  unsigned long long v = std::strtoull(str.c_str(), &end, 0);
  if (errno || *end) return std::nullopt;
  return static_cast<int64_t>(v);
}

bool is_site_key(std::string_view s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

class RuleParser {
 public:
  RuleParser(RuleKind kind, std::string_view text) : kind_(kind), text_(text) {}
  Result<InjectRule> run();

 private:
  tl::unexpected<Error> bad(const std::string& what, std::string hint) const {
    return fail(0, fmt::format("bad -e {}={}: {}", kind_name(kind_), text_, what), std::move(hint));
  }
  Result<void> apply(std::string_view key, std::string_view value);
  Result<void> check_allowed(std::string_view key) const;

  RuleKind kind_;
  std::string_view text_;
  InjectRule rule_;
  bool signal_given_ = false;
};

Result<void> RuleParser::check_allowed(std::string_view key) const {
  static const std::vector<std::string_view> filters = {"comm", "exe", "path", "caller", "site", "when"};
  if (std::find(filters.begin(), filters.end(), key) != filters.end()) return {};
  if (kind_ == RuleKind::Fault && key != "error") {
    return bad(fmt::format("-e fault= takes error= and when= only, not {}=", key),
               "use -e inject= for retval=, signal=, syscall= and delays");
  }
  if (kind_ == RuleKind::Delay && key != "delay_enter" && key != "delay_exit") {
    return bad(fmt::format("-e delay= takes delay_enter=, delay_exit= and when= only, not {}=", key),
               "use -e inject= to combine a delay with error=, retval= or signal=");
  }
  return {};
}

Result<void> RuleParser::apply(std::string_view key, std::string_view value) {
  if (auto ok = check_allowed(key); !ok) return ok;
  if (key == "error") {
    if (rule_.has_error || rule_.has_retval) {
      return bad("only one error= or retval= per rule", "give one, or write two rules");
    }
    int err = -1;
    if (auto n = parse_u64(value)) {
      err = *n >= 1 && *n <= 4095 ? static_cast<int>(*n) : -1;
    } else {
      err = decode::errno_by_name(upper(value));
    }
    if (err < 1 || err > 4095) {
      return bad(fmt::format("unknown errno '{}'", value), "use a name like ENOENT or a number from 1 to 4095");
    }
    rule_.has_error = true;
    rule_.error = err;
    return {};
  }
  if (key == "retval") {
    if (rule_.has_error || rule_.has_retval) {
      return bad("only one error= or retval= per rule", "give one, or write two rules");
    }
    auto v = parse_retval(value);
    if (!v) return bad(fmt::format("retval= needs an integer, not '{}'", value), "e.g. retval=0 or retval=0x10");
    rule_.has_retval = true;
    rule_.retval = *v;
    return {};
  }
  if (key == "signal") {
    if (signal_given_) return bad("only one signal= per rule", "give one signal");
    int sig = -1;
    if (auto n = parse_u64(value)) {
      sig = *n >= 1 && *n <= kMaxSignal ? static_cast<int>(*n) : -1;
    } else {
      sig = decode::signal_by_name(upper(value));
    }
    if (sig < 1 || sig > kMaxSignal) {
      return bad(fmt::format("unknown signal '{}'", value), "use a name like SIGUSR1 or a number from 1 to 64");
    }
    rule_.signal = sig;
    signal_given_ = true;
    return {};
  }
  if (key == "syscall") {
    const sysent::SyscallInfo* info = sysent::syscall_by_name(value);
    auto pure = sysent::syscalls_in_class("%pure");
    if (!info || !pure || std::find(pure->begin(), pure->end(), info->nr) == pure->end()) {
      return bad(fmt::format("syscall={} is not a call without side effects", value),
                 "use one of -e trace=%pure, e.g. syscall=getpid");
    }
    rule_.substitute_nr = info->nr;
    return {};
  }
  if (key == "delay_enter" || key == "delay_exit") {
    auto ns = parse_delay(value);
    if (!ns) return bad(ns.error().what, ns.error().hint);
    (key == "delay_enter" ? rule_.delay_enter_ns : rule_.delay_exit_ns) = *ns;
    return {};
  }
  if (key == "when") {
    auto w = parse_when(value);
    if (!w) return bad(w.error().what, w.error().hint);
    rule_.when = *w;  // the last when= counts, as in strace
    return {};
  }
  if (key == "comm" || key == "exe" || key == "path" || key == "caller") {
    if (value.empty()) return bad(fmt::format("{}= needs a glob", key), fmt::format("e.g. {}", 
        key == "comm" ? "comm=nginx*" : key == "exe" ? "exe=/usr/bin/*" : key == "path" ? "path=/etc/*" : "caller=load_*"));
    std::string& slot = key == "comm" ? rule_.comm : key == "exe" ? rule_.exe : key == "path" ? rule_.path : rule_.caller;
    slot = std::string(value);
    return {};
  }
  if (key == "site") {
    if (!is_site_key(value)) {
      return bad(fmt::format("site= needs a call-site key of 16 lowercase hex digits, not '{}'", value),
                 "copy \"call_site\" from whyfail -k --json output");
    }
    rule_.site = std::string(value);
    return {};
  }
  if (key == "poke_enter" || key == "poke_exit") {
    return bad(fmt::format("{}= is not supported by whyfail", key), "use error=, retval=, signal= or a delay");
  }
  return bad(fmt::format("unknown option '{}'", key),
             "use error=, retval=, signal=, syscall=, delay_enter=, delay_exit=, when=, comm=, exe=, path=, "
             "caller= or site=");
}

Result<InjectRule> RuleParser::run() {
  rule_.text = fmt::format("{}={}", kind_name(kind_), text_);
  auto parts = split(text_, ':');
  rule_.set_expr = std::string(parts[0]);
  if (rule_.set_expr.empty()) {
    return bad("no syscall set before the first ':'", fmt::format("e.g. -e {}=openat:error=ENOENT", kind_name(kind_)));
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.empty()) continue;  // strace accepts "a::b" and a trailing ':'
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      return bad(fmt::format("'{}' is not KEY=VALUE", part), "e.g. error=ENOENT or when=3");
    }
    if (auto ok = apply(part.substr(0, eq), part.substr(eq + 1)); !ok) return tl::unexpected(ok.error());
  }
  if (kind_ == RuleKind::Fault && !rule_.has_error) {
    rule_.has_error = true;
    rule_.error = ENOSYS;
  }
  if (kind_ == RuleKind::Delay && !rule_.delay_enter_ns && !rule_.delay_exit_ns) {
    return bad("no delay_enter= or delay_exit=", "e.g. -e delay=read:delay_enter=10ms");
  }
  const bool has_delay = rule_.delay_enter_ns || rule_.delay_exit_ns;
  if (kind_ == RuleKind::Inject && !rule_.replaces_result() && !rule_.signal && !has_delay) {
    return bad("nothing to inject", "add error=ERRNO, retval=N, signal=SIG, delay_enter= or delay_exit=");
  }
  if (rule_.substitute_nr >= 0 && !rule_.replaces_result()) {
    return bad("syscall= needs error= or retval=", "e.g. -e inject=openat:retval=3:syscall=getpid");
  }
  return rule_;
}

}  // namespace

Result<When> parse_when(std::string_view text) {
  When w;
  std::string_view rest = text;
  std::size_t plus = rest.find('+');
  std::string_view range = rest.substr(0, plus);
  std::optional<std::string_view> step;
  if (plus != std::string_view::npos) step = rest.substr(plus + 1);
  std::size_t dots = range.find("..");
  std::string_view first = range.substr(0, dots);
  auto hint = "when=FIRST[..LAST][+[STEP]], e.g. when=3, when=2..5, when=1+2";
  auto f = parse_u64(first);
  if (!f || *f < 1 || *f > 65535) {
    return fail(0, fmt::format("when= needs a first call number from 1 to 65535, not '{}'", first), hint);
  }
  w.first = static_cast<uint32_t>(*f);
  if (dots != std::string_view::npos) {
    std::string_view last = range.substr(dots + 2);
    auto l = parse_u64(last);
    if (!l || *l < 1 || *l > 65534) {
      return fail(0, fmt::format("when= needs a last call number from 1 to 65534, not '{}'", last), hint);
    }
    if (*l < *f) return fail(0, fmt::format("when={}: the last call comes before the first", text), hint);
    w.last = static_cast<uint32_t>(*l);
    w.step = 1;  // FIRST..LAST: every call of the range
  } else {
    w.step = 0;  // FIRST alone: that call only
  }
  if (step) {
    if (step->empty()) {
      w.step = 1;
    } else {
      auto s = parse_u64(*step);
      if (!s || *s < 1 || *s > 65535) {
        return fail(0, fmt::format("when= needs a step from 1 to 65535, not '{}'", *step), hint);
      }
      w.step = static_cast<uint32_t>(*s);
    }
  }
  return w;
}

Result<uint64_t> parse_delay(std::string_view text) {
  std::string s(text);
  const char* hint = "a number with an optional unit s, ms, us (the default) or ns, e.g. 10ms";
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) {
    return fail(0, fmt::format("bad delay '{}'", text), hint);
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  std::string_view unit(end);
  double scale = 1e3;
  if (unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us" || unit.empty()) scale = 1e3;
  else if (unit == "ns") scale = 1;
  else return fail(0, fmt::format("bad delay '{}'", text), hint);
  double ns = v * scale;
  if (errno || !std::isfinite(ns) || ns < 0 || ns > 1e18) {
    return fail(0, fmt::format("bad delay '{}'", text), hint);
  }
  return static_cast<uint64_t>(std::llround(ns));
}

Result<InjectRule> parse_rule(RuleKind kind, std::string_view text) { return RuleParser(kind, text).run(); }

}  // namespace whyfail::inject
