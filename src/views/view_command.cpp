#include "views/view_command.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "views/cgroup_filter.h"
#include "views/execs.h"
#include "views/files.h"
#include "views/sched.h"

namespace whyfail::views {

namespace {

const char* kHelp = R"(usage: whyfail execs [--tree] [--json] [--comm NAME] [--pid PID] [--uid UID] [--cgroup DIR] [--duration S]
       whyfail files [--compact | -c | -t | -tt | -ttt] [--json] [filters] [--duration S] [-- CMD ARGS...]
       whyfail sched [--min-ms N] [--interval S] [--slow-log] [--json] [filters] [--duration S] [-- CMD ARGS...]

System-wide views, from the kernel's tracepoints (works under lockdown=integrity; needs root).
  execs   every exec, successful or failed: pid, ppid, uid, comm before/after, argv, cwd,
          errno of a failure, the #! interpreter of a script
          --tree     each exec indented under its parent; process ends with status and lifetime
  files   every file operation, one line per completed call: the path of each fd read from
          the task's file table, open flags and octal modes, bytes, errno
          --compact  fatrace-like letters per process and path (O R W C D M S T < >, ! failed, + O_CREAT)
          -c         per process and path totals at the end (opens, reads, writes, bytes), sorted
          -t, -tt, -ttt  each line starts with the call's completion time (as strace: seconds,
                     microseconds, epoch); without, no clock is read per call
  sched   run-queue latency per thread as log2 histograms (microseconds), printed at the end
          --min-ms N    count only waits of at least N ms
          --interval S  print (and reset) the histograms every S seconds
          --slow-log    one line per counted wait, with the task that was running instead
filters: --comm NAME, --pid PID, --uid UID (repeatable); --cgroup DIR (a cgroup v2 directory,
         under the cgroup v2 mount or relative to it as /proc/PID/cgroup shows it, and
         everything below it; checked in the kernel);
         --duration S stops after S seconds
         (default: Ctrl-C, or the end of CMD). See docs/views.md.
)";

Error usage(const std::string& verb, std::string what) {
  return Error{0, std::move(what), "see whyfail " + verb + " --help"};
}

}  // namespace

bool is_view_verb(std::string_view w) { return w == "execs" || w == "files" || w == "sched"; }

Result<int> run_view_command(int argc, char** argv) {
  const std::string verb = argv[0];
  ViewOptions view;
  FilesOptions fo;
  int t_count = 0;
  SchedOptions so;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return tl::unexpected(usage(verb, a + " needs a value"));
      return std::string(argv[++i]);
    };
    auto number = [&](double* out) -> Result<void> {
      auto v = value();
      if (!v) return tl::unexpected(v.error());
      char* end = nullptr;
      *out = std::strtod(v->c_str(), &end);
      if (v->empty() || *end || *out < 0) return tl::unexpected(usage(verb, a + ": not a number: " + *v));
      return {};
    };
    if (a == "-h" || a == "--help") {
      std::cout << kHelp;
      return 0;
    } else if (a == "--json") {
      view.json = true;
    } else if (a == "--comm") {
      auto v = value();
      if (!v) return tl::unexpected(v.error());
      view.filters.comms.push_back(*v);
    } else if (a == "--cgroup") {
      auto v = value();
      if (!v) return tl::unexpected(v.error());
      if (view.filters.cgroup.id) return tl::unexpected(usage(verb, "--cgroup may be given once"));
      auto c = resolve_cgroup(*v);
      if (!c) {
        // A wrong path is bad usage (exit 2), not a tracing failure.
        Error e = c.error();
        if (e.err) e.what += std::string(": ") + std::strerror(e.err);
        e.err = 0;
        return tl::unexpected(e);
      }
      view.filters.cgroup = *c;
    } else if (a == "--pid" || a == "--uid") {
      double d = 0;
      if (auto r = number(&d); !r) return tl::unexpected(r.error());
      if (a == "--pid") view.filters.pids.push_back(static_cast<pid_t>(d));
      else view.filters.uids.push_back(static_cast<uint32_t>(d));
    } else if (a == "--duration" || a == "-d") {
      if (auto r = number(&view.duration_s); !r) return tl::unexpected(r.error());
    } else if (a == "--ring-bytes") {
      double d = 0;
      if (auto r = number(&d); !r) return tl::unexpected(r.error());
      view.ring_bytes = static_cast<std::size_t>(d);
    } else if (verb == "execs" && a == "--tree") {
      view.tree = true;
    } else if (verb == "files" && a == "--compact") {
      fo.compact = true;
    } else if (verb == "files" && (a == "-c" || a == "--summary")) {
      fo.summary = true;
    } else if (verb == "files" && (a == "-t" || a == "-tt" || a == "-ttt")) {
      // As strace: -t -t is -tt.
      t_count += static_cast<int>(a.size()) - 1;
      fo.timestamps = t_count == 1   ? report::Timestamps::Seconds
                      : t_count == 2 ? report::Timestamps::Micros
                                     : report::Timestamps::Epoch;
    } else if (verb == "sched" && a == "--min-ms") {
      if (auto r = number(&so.min_ms); !r) return tl::unexpected(r.error());
    } else if (verb == "sched" && a == "--interval") {
      if (auto r = number(&so.interval_s); !r) return tl::unexpected(r.error());
    } else if (verb == "sched" && a == "--slow-log") {
      so.slow_log = true;
    } else if (a == "--" && verb != "execs") {
      for (++i; i < argc; ++i) view.command.emplace_back(argv[i]);
      if (view.command.empty()) return tl::unexpected(usage(verb, "-- needs a command"));
    } else {
      return tl::unexpected(usage(verb, fmt::format("unknown argument '{}' to {}", a, verb)));
    }
  }
  if (verb == "execs") return run_execs(view, std::cout);
  if (verb == "files") {
    if (fo.compact && fo.summary) return tl::unexpected(usage(verb, "--compact and -c exclude each other"));
    fo.view = view;
    return run_files(fo, std::cout);
  }
  so.view = view;
  return run_sched(so, std::cout);
}

}  // namespace whyfail::views
