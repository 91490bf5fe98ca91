#include "cli/options.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cli/syscall_filter.h"
#include "decode/decoder.h"
#include "inject/parse.h"

namespace whyfail::cli {

namespace {

constexpr std::string_view kSeeHelp = "see whyfail --help";

tl::unexpected<Error> usage(std::string what, std::string hint = std::string(kSeeHelp)) {
  return tl::unexpected<Error>(Error{0, std::move(what), std::move(hint)});
}

std::optional<uint64_t> parse_unsigned(std::string_view s, uint64_t max) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v > max) return std::nullopt;
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

Result<void> add_pids(std::string_view list, const char* option, std::vector<pid_t>& out, bool must_exist) {
  for (std::string_view item : split(list, ',')) {
    auto v = parse_unsigned(item, 0x3fffffff);
    if (!v || *v == 0) {
      return usage(fmt::format("{} needs a process id (a positive number), not '{}'", option, item),
                   "e.g. -p 1234 or -p 1234,1235");
    }
    const pid_t pid = static_cast<pid_t>(*v);
    if (must_exist) {
      if (pid == ::getpid()) return usage(fmt::format("{} {} is whyfail itself", option, pid), "give another process");
      if (::kill(pid, 0) != 0 && errno == ESRCH) {
        return usage(fmt::format("no process with id {}", pid), "check it with `ps -p " + std::to_string(pid) + "`");
      }
    }
    out.push_back(pid);
  }
  return {};
}

// Whether `name` can be run: a path that exists, or a name found on PATH.
Result<void> check_command(const std::string& name) {
  auto runnable = [](const std::string& path) -> int {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (::access(path.c_str(), X_OK) != 0) return errno;
    return 0;
  };
  if (name.empty()) return usage("the command to run is an empty string", "give a command after --");
  if (name.find('/') != std::string::npos) {
    int err = runnable(name);
    if (err) {
      return tl::unexpected<Error>(
          Error{0, fmt::format("cannot run '{}': {}", name, decode::errno_text(err)),
                "check the path and that the file is executable"});
    }
    return {};
  }
  const char* path_env = std::getenv("PATH");
  std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  int first_err = ENOENT;
  for (std::string_view dir : split(path, ':')) {
    std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
    int err = runnable(candidate);
    if (err == 0) return {};
    if (err != ENOENT && err != ENOTDIR && first_err == ENOENT) first_err = err;
  }
  if (first_err != ENOENT) {
    return usage(fmt::format("cannot run '{}': {}", name, decode::errno_text(first_err)),
                 "check the file's permissions");
  }
  return usage(fmt::format("command not found: {}", name), "check the name, or give its path");
}

// Options that take a value: where their value comes from.
struct ArgCursor {
  int argc;
  char** argv;
  int i;  // index of the current argument
};

class Parser {
 public:
  Parser(int argc, char** argv) : cur_{argc, argv, 1} {}
  Result<Options> run();

 private:
  Result<void> short_cluster(std::string_view arg);
  Result<void> long_option(std::string_view arg);
  Result<void> apply_e(std::string_view value);
  Result<std::string> next_value(std::string_view option);
  Result<void> finish();

  ArgCursor cur_;
  Options opts_;
  int t_count_ = 0;
};

Result<std::string> Parser::next_value(std::string_view option) {
  if (cur_.i + 1 >= cur_.argc) return usage(fmt::format("option {} needs a value", option));
  ++cur_.i;
  return std::string(cur_.argv[cur_.i]);
}

Result<void> Parser::apply_e(std::string_view value) {
  std::string_view key = "trace";
  std::string_view body = value;
  if (auto eq = value.find('='); eq != std::string_view::npos) {
    key = value.substr(0, eq);
    body = value.substr(eq + 1);
  }
  if (key == "trace" || key == "t") {
    opts_.trace_exprs.emplace_back(body);
    return {};
  }
  if (key == "status") {
    bool failed = false, successful = false;
    for (std::string_view s : split(body, ',')) {
      if (s == "failed") failed = true;
      else if (s == "successful") successful = true;
      else if (s == "all") failed = successful = true;
      else return usage(fmt::format("unknown status '{}' in -e status=", s), "use failed, successful or all");
    }
    opts_.status = failed && successful ? StatusFilter::All
                   : successful         ? StatusFilter::Successful
                                        : StatusFilter::Failed;
    opts_.status_given = true;
    return {};
  }
  if (key == "inject" || key == "fault" || key == "delay") {
    auto kind = key == "inject" ? inject::RuleKind::Inject
                : key == "fault" ? inject::RuleKind::Fault
                                 : inject::RuleKind::Delay;
    auto rule = inject::parse_rule(kind, body);
    if (!rule) return tl::unexpected(rule.error());
    auto set = parse_syscall_filter({rule->set_expr});
    if (!set) {
      // The set is parsed as -e trace= parses it; name the rule, not trace=.
      Error e = set.error();
      std::string trace_part = " in -e trace=" + rule->set_expr;
      if (auto at = e.what.find(trace_part); at != std::string::npos) e.what.erase(at, trace_part.size());
      e.what = fmt::format("bad -e {}: {}", rule->text, e.what);
      return tl::unexpected(e);
    }
    if (set->set.none()) {
      return usage(fmt::format("bad -e {}: the syscall set '{}' is empty", rule->text, rule->set_expr),
                   "name the calls to inject into, e.g. openat or %file");
    }
    rule->syscalls = set->set;
    opts_.inject_rules.push_back(std::move(*rule));
    return {};
  }
  return usage(fmt::format("-e {}= is not supported", key),
               "whyfail knows -e trace=, status=, inject=, fault= and delay=");
}

Result<void> Parser::short_cluster(std::string_view arg) {
  // arg is "-xyz": flags may be clustered; an option taking a value takes the rest, or the next argument.
  for (std::size_t k = 1; k < arg.size(); ++k) {
    const char c = arg[k];
    auto value = [&]() -> Result<std::string> {
      if (k + 1 < arg.size()) {
        std::string v(arg.substr(k + 1));
        k = arg.size();
        return v;
      }
      return next_value(std::string("-") + c);
    };
    switch (c) {
      case 'f': break;  // following forks is the default
      case 'T': opts_.durations = true; break;
      case 't': ++t_count_; break;
      case 'r': opts_.relative = true; break;
      case 'c': opts_.summary = true; break;
      case 'y': opts_.fd_paths = true; break;
      case 'k': opts_.user_stacks = true; break;
      case 'v': opts_.verbose = true; break;
      case 'h': opts_.verb = Verb::Help; break;
      case 'V': opts_.verb = Verb::Version; break;
      case 'p': {
        auto v = value();
        if (!v) return tl::unexpected(v.error());
        if (auto r = add_pids(*v, "-p", opts_.pids, true); !r) return r;
        break;
      }
      case 'e': {
        auto v = value();
        if (!v) return tl::unexpected(v.error());
        if (auto r = apply_e(*v); !r) return r;
        break;
      }
      case 'o': {
        auto v = value();
        if (!v) return tl::unexpected(v.error());
        if (v->empty()) return usage("-o needs a file name");
        opts_.output_file = *v;
        break;
      }
      case 's': {
        auto v = value();
        if (!v) return tl::unexpected(v.error());
        auto n = parse_unsigned(*v, 1 << 20);
        if (!n) return usage(fmt::format("-s needs a byte count from 0 to 1048576, not '{}'", *v), "e.g. -s 256");
        opts_.string_limit = *n;
        break;
      }
      default:
        return usage(fmt::format("unknown option -{}", c));
    }
  }
  return {};
}

Result<void> Parser::long_option(std::string_view arg) {
  std::string_view name = arg;
  std::optional<std::string> inline_value;
  if (auto eq = arg.find('='); eq != std::string_view::npos) {
    name = arg.substr(0, eq);
    inline_value = std::string(arg.substr(eq + 1));
  }
  auto value = [&]() -> Result<std::string> {
    if (inline_value) return *inline_value;
    return next_value(name);
  };
  auto flag = [&](bool& field, bool v = true) -> Result<void> {
    if (inline_value) return usage(fmt::format("option {} takes no value", name));
    field = v;
    return {};
  };
  if (name == "--help") {
    opts_.verb = Verb::Help;
    return {};
  }
  if (name == "--version") { opts_.verb = Verb::Version; return {}; }
  if (name == "--all") return flag(opts_.all);
  if (name == "--all-failures") return flag(opts_.all_failures);
  if (name == "--json") return flag(opts_.json);
  if (name == "--summary" || name == "--summary-only") return flag(opts_.summary);
  if (name == "--explain") return flag(opts_.explain_each);
  if (name == "--follow-forks") { bool ignored; return flag(ignored); }
  if (name == "--no-fd-paths") return flag(opts_.fd_paths, false);
  if (name == "--decode-fds") return flag(opts_.fd_paths, true);
  if (name == "--stack-trace") return flag(opts_.user_stacks);
  if (name == "--no-abbrev") return flag(opts_.verbose);
  if (name == "--system") return flag(opts_.system);
  if (name == "--kernel") return flag(opts_.kernel_origin);
  if (name == "--kernel-funcs") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    if (v->empty()) return usage("--kernel-funcs needs function names or globs", "e.g. --kernel-funcs 'perf_*,*_attr'");
    opts_.kernel_origin = true;
    opts_.kernel_funcs = *v;
    return {};
  }
  if (name == "--seccomp-bpf") {
    if (inline_value) return usage("option --seccomp-bpf takes no value");
    opts_.seccomp = SeccompChoice::On;
    return {};
  }
  if (name == "--no-seccomp") {
    if (inline_value) return usage("option --no-seccomp takes no value");
    opts_.seccomp = SeccompChoice::Off;
    return {};
  }
  if (name == "--backend") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    if (*v == "auto") opts_.backend = BackendChoice::Auto;
    else if (*v == "ptrace") opts_.backend = BackendChoice::Ptrace;
    else if (*v == "bpf") opts_.backend = BackendChoice::Bpf;
    else return usage(fmt::format("unknown backend '{}'", *v), "use --backend=auto, ptrace or bpf");
    return {};
  }
  if (name == "--color" || name == "--colour") {
    std::string v = inline_value.value_or("always");
    if (v == "auto") opts_.color = report::ColorMode::Auto;
    else if (v == "always") opts_.color = report::ColorMode::Always;
    else if (v == "never") opts_.color = report::ColorMode::Never;
    else return usage(fmt::format("unknown colour mode '{}'", v), "use --color=auto, always or never");
    return {};
  }
  if (name == "--output") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    if (v->empty()) return usage("--output needs a file name");
    opts_.output_file = *v;
    return {};
  }
  if (name == "--string-limit") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    return short_cluster("-s" + *v);
  }
  if (name == "--trace" || name == "--status" || name == "--inject" || name == "--fault") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    return apply_e(std::string(name.substr(2)) + "=" + *v);
  }
  if (name == "--comm") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    for (std::string_view c : split(*v, ',')) {
      if (c.empty() || c.size() > 15) {
        return usage(fmt::format("--comm needs a process name of 1 to 15 characters, not '{}'", c),
                     "the kernel keeps only the first 15 characters of a name (comm)");
      }
      opts_.comm_filter.emplace_back(c);
    }
    return {};
  }
  if (name == "--pid") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    return add_pids(*v, "--pid", opts_.pid_filter, false);
  }
  if (name == "--uid") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    for (std::string_view u : split(*v, ',')) {
      auto n = parse_unsigned(u, 0xfffffffe);
      if (!n) return usage(fmt::format("--uid needs a numeric user id, not '{}'", u), "e.g. --uid 1000");
      opts_.uid_filter.push_back(static_cast<uid_t>(*n));
    }
    return {};
  }
  if (name == "--errno") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    for (std::string_view e : split(*v, ',')) opts_.errno_filter.emplace_back(e);
    return {};
  }
  if (name == "--duration") {
    auto v = value();
    if (!v) return tl::unexpected(v.error());
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || errno || !(d > 0) || d > 1e7) {
      return usage(fmt::format("--duration needs a number of seconds, not '{}'", *v), "e.g. --duration 10");
    }
    opts_.duration_s = d;
    return {};
  }
  return usage(fmt::format("unknown option {}", name));
}

Result<void> Parser::finish() {
  if (t_count_ == 1) opts_.timestamps = report::Timestamps::Seconds;
  else if (t_count_ == 2) opts_.timestamps = report::Timestamps::Micros;
  else if (t_count_ >= 3) opts_.timestamps = report::Timestamps::Epoch;
  if (opts_.all && !opts_.status_given) opts_.status = StatusFilter::All;
  if (opts_.verb != Verb::Trace) return {};

  if (auto filter = parse_syscall_filter(opts_.trace_exprs); !filter) return tl::unexpected(filter.error());

  const bool has_system_filters = !opts_.comm_filter.empty() || !opts_.pid_filter.empty() ||
                                  !opts_.uid_filter.empty() || !opts_.errno_filter.empty() ||
                                  opts_.duration_s > 0;
  if (opts_.system) {
    if (!opts_.command.empty() || !opts_.pids.empty()) {
      return usage("--system traces every process; it takes no command and no -p",
                   "narrow it with --comm, --pid or --uid instead");
    }
    if (opts_.backend == BackendChoice::Ptrace) {
      return usage("--system needs the bpf backend", "drop --backend=ptrace");
    }
  } else if (has_system_filters) {
    return usage("--comm, --pid, --uid, --errno and --duration only apply with --system",
                 "add --system, or use -p PID to follow given processes");
  }
  if (!opts_.inject_rules.empty()) {
    if (opts_.system) {
      return usage("-e inject= cannot be used with --system", "inject into a command, or into -p PID");
    }
    if (opts_.backend == BackendChoice::Bpf) {
      return usage("-e inject= needs the ptrace backend (the bpf backend cannot change a call's result "
                   "under kernel lockdown)",
                   "drop --backend=bpf");
    }
  }
  for (const std::string& e : opts_.errno_filter) {
    if (!parse_unsigned(e, 4095) && decode::errno_by_name(e) < 0) {
      return usage(fmt::format("unknown errno '{}' in --errno", e), "use names like ENOENT or numbers");
    }
  }
  if (!opts_.system) {
    if (opts_.command.empty() && opts_.pids.empty()) {
      return usage("nothing to trace", "give a command (whyfail -- CMD ARGS) or -p PID");
    }
    if (!opts_.command.empty() && !opts_.pids.empty()) {
      return usage("give either a command or -p PID, not both", std::string(kSeeHelp));
    }
    if (!opts_.command.empty()) {
      if (auto ok = check_command(opts_.command.front()); !ok) return ok;
    }
  }
  return {};
}

Result<Options> Parser::run() {
  if (cur_.argc >= 2 && std::string_view(cur_.argv[1]) == "doctor") {
    opts_.verb = Verb::Doctor;
    for (int k = 2; k < cur_.argc; ++k) {
      std::string_view a = cur_.argv[k];
      if (a == "--json") opts_.doctor_json = true;
      else if (a == "-h" || a == "--help") opts_.verb = Verb::Help;
      else if (a.substr(0, 7) == "--color") {
        if (auto r = long_option(a); !r) return tl::unexpected(r.error());
      } else {
        return usage(fmt::format("unknown argument '{}' to doctor", a), "use whyfail doctor [--json]");
      }
    }
    return opts_;
  }
  for (; cur_.i < cur_.argc; ++cur_.i) {
    std::string_view arg = cur_.argv[cur_.i];
    if (arg == "--") {
      for (++cur_.i; cur_.i < cur_.argc; ++cur_.i) opts_.command.emplace_back(cur_.argv[cur_.i]);
      break;
    }
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      if (auto r = long_option(arg); !r) return tl::unexpected(r.error());
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      if (auto r = short_cluster(arg); !r) return tl::unexpected(r.error());
      continue;
    }
    // The first bare word starts the command, as in strace.
    for (; cur_.i < cur_.argc; ++cur_.i) opts_.command.emplace_back(cur_.argv[cur_.i]);
    break;
  }
  if (auto r = finish(); !r) return tl::unexpected(r.error());
  return opts_;
}

}  // namespace

Result<Options> parse_options(int argc, char** argv) { return Parser(argc, argv).run(); }

}  // namespace whyfail::cli
