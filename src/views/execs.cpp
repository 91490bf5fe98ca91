#include "views/execs.h"

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <ostream>

#include "decode/decoder.h"
#include "report/escape.h"
#include "report/json.h"
#include "views/json_text.h"
#include "views/execs_abi.h"
#include "views/execs_loader.h"
#include "views/path_components.h"
#include "views/run_loop.h"

namespace whyfail::views {

namespace {

std::string cstr(const char* p, std::size_t max) { return std::string(p, strnlen(p, max)); }

std::string q(std::string_view bytes) { return "\"" + report::escape_c(bytes) + "\""; }

std::string wall_text(int64_t wall_ns) {
  time_t s = static_cast<time_t>(wall_ns / 1000000000);
  struct tm tm {};
  localtime_r(&s, &tm);
  return fmt::format("{:02}:{:02}:{:02}.{:06}", tm.tm_hour, tm.tm_min, tm.tm_sec, (wall_ns % 1000000000) / 1000);
}

std::string wall_iso(int64_t wall_ns) {
  time_t s = static_cast<time_t>(wall_ns / 1000000000);
  struct tm tm {};
  gmtime_r(&s, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, wall_ns % 1000000000);
}

}  // namespace

Result<ExecEvent> decode_exec(const void* data, std::size_t size, int64_t mono_to_wall_ns) {
  constexpr std::size_t head = offsetof(wf_exec_rec, args);
  if (size >= sizeof(uint32_t) && *static_cast<const uint32_t*>(data) != WF_EXEC_KIND_EXEC)
    return fail(0, "not an exec record");
  if (size < head) return fail(0, fmt::format("execs record of {} bytes (at least {} expected)", size, head));
  const auto* r = static_cast<const wf_exec_rec*>(data);
  if (r->args_len > size - head || r->args_len > WF_EXEC_ARGS_BYTES || r->cwd_len > sizeof r->cwd)
    return fail(0, "inconsistent execs record lengths");
  ExecEvent e;
  e.enter_ns = r->enter_ns;
  e.exit_ns = r->exit_ns;
  e.wall_ns = static_cast<int64_t>(r->enter_ns) + mono_to_wall_ns;
  e.pid = static_cast<pid_t>(r->pid);
  e.tid = static_cast<pid_t>(r->tid);
  e.ppid = static_cast<pid_t>(r->ppid);
  e.uid = r->uid;
  e.gid = r->gid;
  e.ret = r->ret;
  e.succeeded = r->flags & WF_EXEC_SUCCEEDED;
  e.execveat = r->flags & WF_EXEC_AT;
  e.dfd = r->dfd;
  e.at_flags = r->at_flags;
  e.comm_before = cstr(r->comm_before, sizeof r->comm_before);
  e.comm_after = cstr(r->comm_after, sizeof r->comm_after);
  e.filename_fault = r->flags & WF_EXEC_FILENAME_FAULT;
  if (!e.filename_fault) e.filename = cstr(r->filename, std::min<std::size_t>(r->filename_len, sizeof r->filename));
  if (r->flags & WF_EXEC_SCRIPT) e.interp = cstr(r->interp, std::min<std::size_t>(r->interp_len, sizeof r->interp));
  e.argc = r->argc;
  e.args_truncated = r->flags & WF_EXEC_ARGS_TRUNCATED;
  e.arg_cut = r->flags & WF_EXEC_ARG_CUT;
  e.argv_fault = r->flags & WF_EXEC_ARGV_FAULT;
  std::string_view args(r->args, r->args_len);
  for (uint32_t i = 0; i < r->nargs && !args.empty(); ++i) {
    std::size_t nul = args.find('\0');
    if (nul == std::string_view::npos) nul = args.size();
    e.argv.emplace_back(args.substr(0, nul));
    args.remove_prefix(std::min(args.size(), nul + 1));
  }
  e.cwd_truncated = r->flags & WF_EXEC_CWD_TRUNCATED;
  e.cwd = join_components(std::string_view(r->cwd, r->cwd_len), e.cwd_truncated);
  return e;
}

std::string exec_text_header() { return "TIME            PID     PPID    UID    RESULT  COMM -> COMM  FILE  ARGV  CWD"; }

std::string exec_text(const ExecEvent& e) {
  std::string s = fmt::format("{} {:<7} {:<7} {:<6} ", wall_text(e.wall_ns), e.pid, e.ppid, e.uid);
  if (e.succeeded) s += "ok     ";
  else s += fmt::format("{}({}) ", decode::errno_name(-e.ret), e.ret);
  s += report::escape_c(e.comm_before);
  s += " -> ";
  s += e.succeeded ? report::escape_c(e.comm_after) : std::string("-");
  s += "  ";
  if (e.execveat) s += fmt::format("execveat(dfd={}, flags={:#x}) ", e.dfd, e.at_flags);
  s += e.filename_fault ? std::string("<unreadable file name>") : q(e.filename);
  if (!e.interp.empty()) s += " (script, interpreter " + q(e.interp) + ")";
  s += fmt::format("  argv[{}]:", e.argc);
  for (const std::string& a : e.argv) s += " " + q(a);
  if (e.args_truncated || e.argv.size() < e.argc)
    s += fmt::format(" ...(+{} not shown, limits: {} strings, {} bytes)", e.argc - e.argv.size(), WF_EXEC_MAX_ARGS,
                     WF_EXEC_ARGS_BYTES);
  if (e.arg_cut) s += fmt::format(" (a string cut at {} bytes)", WF_EXEC_ARG_MAX - 1);
  if (e.argv_fault) s += " (argv unreadable)";
  if (!e.cwd.empty()) s += "  cwd=" + q(e.cwd);
  if (e.tid != e.pid) s += fmt::format("  tid={}", e.tid);
  return s;
}

std::string exec_json(const ExecEvent& e) {
  report::Json j;
  j["type"] = "exec";
  j["time"] = wall_iso(e.wall_ns);
  j["mono_ns"] = e.enter_ns;
  j["duration_ns"] = e.exit_ns >= e.enter_ns ? e.exit_ns - e.enter_ns : 0;
  j["pid"] = e.pid;
  j["tid"] = e.tid;
  j["ppid"] = e.ppid;
  j["uid"] = e.uid;
  j["gid"] = e.gid;
  j["ok"] = e.succeeded;
  j["ret"] = e.ret;
  if (!e.succeeded) j["errno"] = decode::errno_name(-e.ret);
  j["syscall"] = e.execveat ? "execveat" : "execve";
  if (e.execveat) {
    j["dfd"] = e.dfd;
    j["at_flags"] = e.at_flags;
  }
  j["comm_before"] = report::bytes_to_json(e.comm_before, false);
  if (e.succeeded) j["comm_after"] = report::bytes_to_json(e.comm_after, false);
  j["filename"] = e.filename_fault ? report::Json(nullptr) : report::bytes_to_json(e.filename, false);
  if (!e.interp.empty()) j["interpreter"] = report::bytes_to_json(e.interp, false);
  report::Json argv = report::Json::array();
  for (const std::string& a : e.argv) argv.push_back(report::bytes_to_json(a, false));
  j["argv"] = std::move(argv);
  j["argc"] = e.argc;
  j["argv_truncated"] = e.args_truncated || e.argv.size() < e.argc;
  if (e.arg_cut) j["argv_string_cut"] = true;
  if (e.argv_fault) j["argv_fault"] = true;
  j["cwd"] = e.cwd.empty() ? report::Json(nullptr) : report::bytes_to_json(e.cwd, e.cwd_truncated);
  return json_text(j);
}

bool exec_matches(const ExecEvent& e, const ViewFilters& f) {
  if (!f.pids.empty() && std::find(f.pids.begin(), f.pids.end(), e.pid) == f.pids.end() &&
      std::find(f.pids.begin(), f.pids.end(), e.ppid) == f.pids.end())
    return false;
  if (!f.uids.empty() && std::find(f.uids.begin(), f.uids.end(), e.uid) == f.uids.end()) return false;
  if (!f.comms.empty()) {
    auto match = [&](const std::string& c) {
      return std::any_of(f.comms.begin(), f.comms.end(),
                         [&](const std::string& want) { return c == want.substr(0, WF_EXEC_COMM_LEN - 1); });
    };
    if (!match(e.comm_before) && !(e.succeeded && match(e.comm_after))) return false;
  }
  return true;
}

std::string execs_limits_text() {
  return fmt::format("argv: the first {} strings and {} bytes are kept (each string up to {} bytes), "
                     "all strings are counted up to {}; cwd: {} components, {} bytes",
                     WF_EXEC_MAX_ARGS, WF_EXEC_ARGS_BYTES, WF_EXEC_ARG_MAX - 1, WF_EXEC_COUNT_MAX,
                     WF_EXEC_CWD_DEPTH, WF_EXEC_CWD_BYTES);
}

Result<int> run_execs(const ViewOptions& opts, std::ostream& out) {
  const int64_t offset = mono_to_wall_offset_ns();
  uint64_t shown = 0, bad = 0;
  std::map<pid_t, int> depth;  // --tree: pid -> indentation
  auto on_record = [&](const void* data, std::size_t size) {
    try {
      if (size >= sizeof(wf_exit_rec) && *static_cast<const uint32_t*>(data) == WF_EXEC_KIND_EXIT) {
        wf_exit_rec x;
        std::memcpy(&x, data, sizeof x);
        auto it = depth.find(static_cast<pid_t>(x.pid));
        if (it == depth.end()) return;  // only processes this run saw exec
        std::string comm = cstr(x.comm, sizeof x.comm);
        int st = x.exit_code;
        std::string how = (st & 0x7f) ? fmt::format("killed by signal {}", st & 0x7f)
                                      : fmt::format("exit {}", (st >> 8) & 0xff);
        double life_ms = x.exit_ns >= x.start_ns ? (x.exit_ns - x.start_ns) / 1e6 : 0;
        if (opts.json) {
          report::Json j;
          j["type"] = "exit";
          j["pid"] = x.pid;
          j["ppid"] = x.ppid;
          j["comm"] = report::bytes_to_json(comm, false);
          j["wait_status"] = st;
          j["ended"] = how;
          j["lifetime_ns"] = x.exit_ns >= x.start_ns ? x.exit_ns - x.start_ns : 0;
          out << json_text(j) << '\n';
        } else {
          out << std::string(static_cast<std::size_t>(it->second) * 2, ' ')
              << fmt::format("`- {} {} ended: {}, after {:.3f} ms\n", x.pid, report::escape_c(comm), how, life_ms);
        }
        depth.erase(it);
        return;
      }
      auto e = decode_exec(data, size, offset);
      if (!e) {
        ++bad;
        return;
      }
      if (!exec_matches(*e, opts.filters)) return;
      int d = 0;
      if (opts.tree) {
        auto p = depth.find(e->ppid);
        d = p == depth.end() ? 0 : p->second + 1;
        depth[e->pid] = d;
      }
      if (opts.tree && !opts.json) out << std::string(static_cast<std::size_t>(d) * 2, ' ');
      out << (opts.json ? exec_json(*e) : exec_text(*e)) << '\n';
      ++shown;
    } catch (...) {
      ++bad;  // a C callback: nothing may cross it
    }
  };
  auto loader = ExecsLoader::load(getpid(), opts.ring_bytes, opts.tree, on_record, opts.filters.cgroup);
  if (!loader) return tl::unexpected(loader.error());
  if (auto a = (*loader)->attach(); !a) return tl::unexpected(a.error());
  if (!opts.json) out << exec_text_header() << '\n';
  out.flush();
  RunLoop loop(opts.duration_s);
  while (!loop.done()) {
    auto n = (*loader)->poll(100);
    if (!n) return tl::unexpected(n.error());
    out.flush();
  }
  (*loader)->poll(0);
  auto c = (*loader)->counters();
  const uint64_t lost = c[WF_EXEC_CNT_LOST] + c[WF_EXEC_CNT_NOSLOT];
  if (opts.json) {
    report::Json j;
    j["type"] = "summary";
    j["shown"] = shown;
    j["lost"] = lost;
    j["lost_ring_full"] = c[WF_EXEC_CNT_LOST];
    j["lost_no_slot"] = c[WF_EXEC_CNT_NOSLOT];
    j["bad_records"] = bad;
    out << json_text(j) << '\n';
  } else {
    out << fmt::format("# {} execs shown, {} lost ({} ring buffer full, {} too many in flight)", shown, lost,
                       c[WF_EXEC_CNT_LOST], c[WF_EXEC_CNT_NOSLOT]);
    if (bad) out << fmt::format(", {} malformed records", bad);
    out << '\n';
  }
  out.flush();
  return 0;
}

}  // namespace whyfail::views
