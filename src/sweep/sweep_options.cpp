#include "sweep/sweep_options.h"

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace whyfail::sweep {
namespace {

const char* kHint = "see whyfail sweep --help";

Result<uint64_t> parse_count(const std::string& opt, const std::string& v, uint64_t min, uint64_t max) {
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < min || n > max || v[0] == '-') {
    return fail(0, "bad value '" + v + "' for " + opt + " (a whole number from " + std::to_string(min) +
                       " to " + std::to_string(max) + ")",
                kHint);
  }
  return n;
}

}  // namespace

std::string sweep_help_text() {
  return R"(usage: whyfail sweep [OPTIONS] [--] COMMAND [ARGS...]

Runs COMMAND once traced and records its failable call sites (syscall + user stack),
then re-runs it once per site and plausible errno, in a fresh copy of the working
directory, with that one call failing; classes each outcome against the clean run:
crashed, hung, silently-ignored (exit as clean, no message, output or files differ, or
a failed write/fsync/close was not retried), handled. See docs/sweep.md.

options:
  --max-runs=N        run at most N trials (default 500); the rest are counted
  --timeout=S         seconds before a run counts as hung (default 10)
  -j N, --jobs=N      trials run in parallel (default: online CPUs)
  --every             fail every call at the site from the first one on, not only the first
  --injector=auto|site|when|strace
                      how trials make a call fail (default auto: the best available)
  --max-copy=MIB      refuse to copy a working directory above MIB MiB (default 64)
  --in-place          run in the working directory itself, one run at a time (no copies;
                      files are not compared)
  --include-loader    also try the dynamic loader's calls (ld.so loading libraries)
  --json              JSON Lines: one sweep_trial record per trial, then sweep_summary
  -o FILE, --output=FILE  write the report to FILE instead of stdout
  --keep              keep the temporary directories of the runs (their path is printed)
  -h, --help          this text

exit status: 0 every trial was handled (or did not reach its call), 3 some crashed, hung
or were silently ignored, 1 the sweep could not run, 2 bad usage.
)";
}

Result<SweepOptions> parse_sweep_options(int argc, char** argv) {
  SweepOptions o;
  int i = 1;
  auto value = [&](std::string_view arg, std::string_view name, std::string* out) -> Result<bool> {
    // --name=V, --name V (and -j N / -jN / -o F / -oF for the short ones)
    const std::string n(name);
    if (arg == n) {
      if (i + 1 >= argc) return fail(0, "option " + n + " needs a value", kHint);
      *out = argv[++i];
      return true;
    }
    if (n.size() > 2 && arg.rfind(n + "=", 0) == 0) {
      *out = std::string(arg.substr(n.size() + 1));
      return true;
    }
    if (n.size() == 2 && arg.size() > 2 && arg.rfind(n, 0) == 0) {
      *out = std::string(arg.substr(2));
      return true;
    }
    return false;
  };
  for (; i < argc; i++) {
    std::string_view arg = argv[i];
    std::string v;
    if (arg == "--") {
      i++;
      break;
    }
    if (arg.empty() || arg[0] != '-') break;
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      return o;
    }
    if (arg == "--every") {
      o.every = true;
      continue;
    }
    if (arg == "--in-place") {
      o.in_place = true;
      continue;
    }
    if (arg == "--include-loader") {
      o.include_loader = true;
      continue;
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (arg == "--keep") {
      o.keep = true;
      continue;
    }
    Result<bool> got = false;
    if ((got = value(arg, "--max-runs", &v)) && *got) {
      auto n = parse_count("--max-runs", v, 1, 1000000);
      if (!n) return tl::unexpected(n.error());
      o.max_runs = *n;
    } else if (got && (got = value(arg, "--timeout", &v)) && *got) {
      char* end = nullptr;
      double s = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || !(s > 0) || s > 86400) {
        return fail(0, "bad value '" + v + "' for --timeout (seconds, above 0)", kHint);
      }
      o.timeout_s = s;
    } else if (got && (((got = value(arg, "-j", &v)) && *got) || (got && (got = value(arg, "--jobs", &v)) && *got))) {
      auto n = parse_count("-j", v, 1, 1024);
      if (!n) return tl::unexpected(n.error());
      o.jobs = *n;
    } else if (got && (got = value(arg, "--injector", &v)) && *got) {
      if (v == "auto") o.injector_auto = true;
      else if (v == "site") o.injector_auto = false, o.injector = Injector::Site;
      else if (v == "when") o.injector_auto = false, o.injector = Injector::When;
      else if (v == "strace") o.injector_auto = false, o.injector = Injector::Strace;
      else return fail(0, "bad value '" + v + "' for --injector (auto, site, when or strace)", kHint);
    } else if (got && (got = value(arg, "--max-copy", &v)) && *got) {
      auto n = parse_count("--max-copy", v, 1, 1u << 20);
      if (!n) return tl::unexpected(n.error());
      o.max_copy_bytes = *n << 20;
    } else if (got && (((got = value(arg, "-o", &v)) && *got) || (got && (got = value(arg, "--output", &v)) && *got))) {
      if (v.empty()) return fail(0, "option -o needs a file name", kHint);
      o.output_file = v;
    } else if (!got) {
      return tl::unexpected(got.error());
    } else {
      return fail(0, "unknown option '" + std::string(arg) + "' for whyfail sweep", kHint);
    }
  }
  for (; i < argc; i++) o.command.push_back(argv[i]);
  if (o.command.empty()) return fail(0, "whyfail sweep needs a command to run", "write whyfail sweep [OPTIONS] -- COMMAND [ARGS...]");
  if (o.in_place) o.jobs = 1;
  return o;
}

}  // namespace whyfail::sweep
