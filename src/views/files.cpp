#include "views/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <tuple>
#include <vector>

#include "decode/decoder.h"
#include "decode/xlat/flags.h"
#include "report/escape.h"
#include "report/json.h"
#include "views/json_text.h"
#include "trace/bpf/process_launch.h"
#include "views/files_abi.h"
#include "views/files_loader.h"
#include "views/files_rules.h"
#include "views/path_components.h"
#include "views/run_loop.h"

namespace whyfail::views {

namespace {

// A path as a line shows it: quoted and escaped, or "?" when the record has none.
void append_path(std::string& s, const FilePath& p) {
  if (!p.present) {
    s += '?';
    return;
  }
  s += '"';
  report::append_escaped_c(s, p.path);
  s += '"';
}

FilePath decode_slot(const wf_file_slot_hdr& s, std::string_view* data) {
  FilePath p;
  // Views into the record: every file call of the machine is decoded here.
  std::string_view str = data->substr(0, s.str_len);
  data->remove_prefix(std::min<std::size_t>(data->size(), s.str_len));
  std::string_view comps = data->substr(0, s.comps_len);
  data->remove_prefix(std::min<std::size_t>(data->size(), s.comps_len));
  str = str.substr(0, strnlen(str.data(), str.size()));
  p.mode = s.mode;
  p.bad_fd = s.flags & WF_FS_BADFD;
  p.truncated = s.flags & WF_FS_COMPS_TRUNC;
  if (s.flags & WF_FS_PSEUDO) {
    p.present = p.pseudo = true;
    std::string_view name = comps.substr(0, strnlen(comps.data(), comps.size()));
    if (S_ISFIFO(s.mode)) p.path = fmt::format("pipe:[{}]", s.ino);
    else if (S_ISSOCK(s.mode)) p.path = fmt::format("socket:[{}]", s.ino);
    else p.path = "anon_inode:" + std::string(name);
    return p;
  }
  if (s.flags & WF_FS_COMPS_ABS) {
    p.present = p.resolved = true;
    p.path = join_components(comps, p.truncated);
    return p;
  }
  if (s.flags & WF_FS_STR) {
    p.present = true;
    p.path = str;
    if (s.flags & WF_FS_COMPS_BASE) {
      std::string base = join_components(comps, p.truncated);
      p.path = base == "/" ? "" : base;
      p.path += '/';
      p.path += str;
    }
    return p;
  }
  if (s.flags & WF_FS_STR_FAULT) {
    p.present = true;
    p.path = "<unreadable>";
  }
  return p;
}

// fmt::format_int: no format string to parse, for the numbers of every line.
template <typename T>
void append_int(std::string& s, T v) {
  fmt::format_int f(v);
  s.append(f.data(), f.size());
}
template <typename T>
void append_field(std::string& s, std::string_view label, T v) {
  s += label;
  append_int(s, v);
}

bool is_open(const FileEvent& e) { const FileRule* r = file_rule(e.nr); return r && r->rule.kind == WF_FK_OPEN; }

// Flags and mode of an open-like call.
void open_args(const FileEvent& e, uint64_t* flags, uint64_t* mode, bool* has_mode) {
  *has_mode = false;
  if (e.syscall == "open") *flags = e.args[1], *mode = e.args[2];
  else if (e.syscall == "openat") *flags = e.args[2], *mode = e.args[3];
  else if (e.syscall == "creat") *flags = O_CREAT | O_WRONLY | O_TRUNC, *mode = e.args[1];
  else *flags = e.how_flags, *mode = e.how_mode;
  *has_mode = (*flags & O_CREAT) || (*flags & O_TMPFILE) == O_TMPFILE;
}

std::string value_text(const decode::Value& v) {
  switch (v.kind) {
    case decode::Value::Kind::Symbol: return v.text;
    case decode::Value::Kind::Octal: return fmt::format("0{:03o}", v.u);
    default: return fmt::format("{:#x}", v.u);
  }
}

}  // namespace

Result<FileEvent> decode_file(const void* data, std::size_t size, int64_t mono_to_wall_ns) {
  constexpr std::size_t head = offsetof(wf_file_out, data);
  if (size < head) return fail(0, fmt::format("files record of {} bytes", size));
  const auto* r = static_cast<const wf_file_out*>(data);
  if (r->data_len > size - head) return fail(0, "inconsistent files record length");
  std::string_view rest(r->data, r->data_len);
  FileEvent e;
  e.enter_ns = r->enter_ns;
  e.exit_ns = r->exit_ns;
  e.wall_ns = static_cast<int64_t>(r->enter_ns) + mono_to_wall_ns;
  e.pid = static_cast<pid_t>(r->pid);
  e.tid = static_cast<pid_t>(r->tid);
  e.uid = r->uid;
  e.comm = std::string(r->comm, strnlen(r->comm, sizeof r->comm));
  e.nr = r->nr;
  const FileRule* rule = file_rule(r->nr);
  e.syscall = rule ? std::string(rule->name) : fmt::format("syscall_{}", r->nr);
  e.letter = rule ? rule->letter : '?';
  std::memcpy(e.args, r->args, sizeof e.args);
  e.ret = r->ret;
  e.how_flags = r->how_flags;
  e.how_mode = r->how_mode;
  e.how_resolve = r->how_resolve;
  e.path[0] = decode_slot(r->slot[0], &rest);
  e.path[1] = decode_slot(r->slot[1], &rest);
  return e;
}

uint64_t file_bytes(const FileEvent& e) {
  if (e.ret <= 0) return 0;
  if (e.letter == 'R' || e.letter == 'W') return static_cast<uint64_t>(e.ret);
  return 0;
}

bool file_is_write(const FileEvent& e) { return e.letter == 'W'; }

std::string file_text(const FileEvent& e, report::Timestamps timestamps) {
  // Appended in place: a line per file call of the machine.
  std::string s = report::render_timestamp(timestamps, e.wall_ns);
  s.reserve(s.size() + 128);
  report::append_escaped_c(s, e.comm);
  s += '(';
  append_int(s, e.pid);
  if (e.tid != e.pid) {
    s += '/';
    append_int(s, e.tid);
  }
  s += ") ";
  s += e.syscall;
  s += ' ';
  append_path(s, e.path[0]);
  if (e.path[0].bad_fd) s += " (fd not open)";
  if (is_open(e)) {
    uint64_t flags = 0, mode = 0;
    bool has_mode = false;
    open_args(e, &flags, &mode, &has_mode);
    s += " " + value_text(decode::xlat::open_flags(flags));
    if (has_mode) s += fmt::format(" 0{:03o}", mode & 07777);
    if (e.syscall == "openat2" && e.how_resolve) s += fmt::format(" resolve={:#x}", e.how_resolve);
  } else if (e.letter == 'R' || e.letter == 'W') {
    if (e.syscall == "sendfile" || e.syscall == "copy_file_range") {
      s += " -> ";
      append_path(s, e.path[1]);
    }
    else if (e.syscall == "read" || e.syscall == "write" || e.syscall == "pread64" || e.syscall == "pwrite64")
      append_field(s, " count=", e.args[2]);
    if (e.syscall == "pread64" || e.syscall == "pwrite64") append_field(s, " off=", e.args[3]);
    append_field(s, " fd=", static_cast<int>(e.args[e.syscall == "sendfile" ? 1 : 0]));
  } else if (e.letter == '<') {
    s += " -> ";
    append_path(s, e.path[1]);
  } else if (e.letter == 'C' || e.letter == 'S' || e.syscall == "ftruncate") {
    append_field(s, " fd=", static_cast<int>(e.args[0]));
  } else if (e.letter == 'M') {
    s += fmt::format(" fd={} len={} prot={:#x} flags={:#x}", static_cast<int>(e.args[4]), e.args[1], e.args[2],
                     e.args[3]);
  }
  if (e.ret < 0) fmt::format_to(std::back_inserter(s), " = -1 {} (failed)", decode::errno_name(static_cast<int>(-e.ret)));
  else if (e.letter == 'M') fmt::format_to(std::back_inserter(s), " = {:#x}", static_cast<uint64_t>(e.ret));
  else append_field(s, " = ", e.ret);
  return s;
}

std::string file_json(const FileEvent& e) {
  report::Json j;
  j["type"] = "file";
  j["mono_ns"] = e.enter_ns;
  j["duration_ns"] = e.exit_ns >= e.enter_ns ? e.exit_ns - e.enter_ns : 0;
  j["pid"] = e.pid;
  j["tid"] = e.tid;
  j["uid"] = e.uid;
  j["comm"] = report::bytes_to_json(e.comm, false);
  j["syscall"] = e.syscall;
  j["access"] = std::string(1, e.letter);
  for (int i = 0; i < 2; ++i) {
    const FilePath& p = e.path[i];
    if (!p.present) continue;
    report::Json pj;
    pj["path"] = report::bytes_to_json(p.path, p.truncated);
    pj["from_kernel_file_table"] = p.resolved;
    if (p.pseudo) pj["pseudo"] = true;
    if (p.bad_fd) pj["fd_not_open"] = true;
    j[i == 0 ? "file" : "file2"] = std::move(pj);
  }
  if (is_open(e)) {
    uint64_t flags = 0, mode = 0;
    bool has_mode = false;
    open_args(e, &flags, &mode, &has_mode);
    j["flags"] = value_text(decode::xlat::open_flags(flags));
    if (has_mode) j["mode"] = fmt::format("0{:03o}", mode & 07777);
  }
  j["args"] = report::Json::array();
  for (uint64_t a : e.args) j["args"].push_back(a);
  j["ret"] = e.ret;
  if (e.ret < 0) j["errno"] = decode::errno_name(static_cast<int>(-e.ret));
  if (uint64_t b = file_bytes(e)) j["bytes"] = b;
  return json_text(j);
}

namespace {

bool file_matches(const FileEvent& e, const ViewFilters& f) {
  if (!f.pids.empty() && std::find(f.pids.begin(), f.pids.end(), e.pid) == f.pids.end()) return false;
  if (!f.uids.empty() && std::find(f.uids.begin(), f.uids.end(), e.uid) == f.uids.end()) return false;
  if (!f.comms.empty() && std::none_of(f.comms.begin(), f.comms.end(), [&](const std::string& c) {
        return e.comm == c.substr(0, WF_FILES_COMM_LEN - 1);
      }))
    return false;
  return true;
}

// --compact: consecutive accesses of one process to one path merge into one
// line of letters (fatrace: "head(4242): RO /etc/motd").
class Compactor {
 public:
  explicit Compactor(std::ostream& out) : out_(out) {}
  void add(const FileEvent& e) {
    const FilePath& p = e.path[0];
    if (!p.present || p.pseudo) return;
    std::string letters(1, e.letter);
    if (e.ret < 0) letters = "!" + letters;  // failed
    if (e.letter == 'O' && is_open(e)) {
      uint64_t flags = 0, mode = 0;
      bool has_mode = false;
      open_args(e, &flags, &mode, &has_mode);
      if (flags & O_CREAT) letters += "+";
    }
    if (has_ && pid_ == e.pid && path_ == p.path && comm_ == e.comm) {
      for (char c : letters)
        if (letters_.find(c) == std::string::npos) letters_ += c;
      return;
    }
    flush();
    has_ = true;
    pid_ = e.pid;
    comm_ = e.comm;
    path_ = p.path;
    letters_ = letters;
    if (e.letter == '<' && e.path[1].present) {
      flush();
      has_ = true;
      path_ = e.path[1].path;
      letters_ = ">";
    }
  }
  void flush() {
    if (!has_) return;
    out_ << report::escape_c(comm_) << '(' << pid_ << "): " << letters_ << ' ' << report::escape_c(path_) << '\n';
    has_ = false;
  }

 private:
  std::ostream& out_;
  bool has_ = false;
  pid_t pid_ = 0;
  std::string comm_, path_, letters_;
};

struct Totals {
  uint64_t opens = 0, reads = 0, writes = 0, rbytes = 0, wbytes = 0, failures = 0;
};

// This process's comm, as the kernel puts it in records (at most 15 bytes).
std::string own_process_comm() {
  std::string c;
  std::ifstream in("/proc/self/comm");
  std::getline(in, c);
  return c;
}

}  // namespace

Result<int> run_files(const FilesOptions& opts, std::ostream& out) {
  const int64_t offset = mono_to_wall_offset_ns();
  uint64_t shown = 0, bad = 0;
  Compactor compact(out);
  std::map<std::tuple<pid_t, std::string, std::string>, Totals> totals;
  std::vector<pid_t> tree;
  // `-- CMD`: the child is forked before the programs are attached and waits
  // in a read of a pipe until released; built at exit, that read is reported
  // (as whyfail's, before the exec). It is ours, not the command's.
  pid_t held_child = -1;
  bool held_read_seen = false;
  const std::string own_comm = own_process_comm();
  auto on_record = [&](const void* data, std::size_t size) {
    try {
      auto e = decode_file(data, size, offset);
      if (!e) {
        ++bad;
        return;
      }
      if (!held_read_seen && e->pid == held_child && e->comm == own_comm && e->syscall == "read" &&
          e->path[0].pseudo) {
        held_read_seen = true;
        return;
      }
      if (!file_matches(*e, opts.view.filters)) return;
      ++shown;
      if (opts.summary) {
        Totals& t = totals[{e->pid, e->comm, e->path[0].present ? e->path[0].path : std::string("?")}];
        if (e->ret < 0) ++t.failures;
        if (e->letter == 'O') ++t.opens;
        if (e->letter == 'R') ++t.reads, t.rbytes += file_bytes(*e);
        if (e->letter == 'W') ++t.writes, t.wbytes += file_bytes(*e);
      } else if (opts.compact) {
        compact.add(*e);
      } else {
        out << (opts.view.json ? file_json(*e) : file_text(*e, opts.timestamps)) << '\n';
      }
    } catch (...) {
      ++bad;
    }
  };
  const bool command = !opts.view.command.empty();
  // JSON shows the entry time and the duration (built at entry); text the
  // completion time with -t/-tt/-ttt; --compact and -c none. Each clock read
  // costs every file call of the machine ~35 ns here.
  const bool text = !opts.view.json && !opts.summary && !opts.compact;
  const FileTimes times = opts.view.json && !opts.summary ? FileTimes::EnterExit
                          : text && opts.timestamps != report::Timestamps::None ? FileTimes::Completion
                                                                                : FileTimes::None;
  const bool need_uid = opts.view.json || !opts.view.filters.uids.empty();
  auto loader = FilesLoader::load(getpid(), command, opts.view.ring_bytes, on_record, opts.view.filters.cgroup, times,
                                  need_uid);
  if (!loader) return tl::unexpected(loader.error());
  std::optional<trace::bpf::HeldChild> child;
  if (command) {
    auto c = trace::bpf::HeldChild::fork_held(opts.view.command, getuid(), getgid());
    if (!c) return tl::unexpected(c.error());
    child.emplace(std::move(*c));
    held_child = child->pid();
    if (auto a = (*loader)->add_traced(child->pid()); !a) {
      child->abandon();
      return tl::unexpected(a.error());
    }
  }
  if (auto a = (*loader)->attach(); !a) {
    if (child) child->abandon();
    return tl::unexpected(a.error());
  }
  int exit_code = 0;
  if (child) {
    if (auto r = child->release(); !r) return tl::unexpected(r.error());
  }
  RunLoop loop(command ? 0 : opts.view.duration_s);
  while (!loop.done()) {
    auto n = (*loader)->poll(20);  // records arrive without wakeups: this is the latency
    if (!n) return tl::unexpected(n.error());
    // --compact merges consecutive accesses: print the pending line only once quiet.
    if (opts.compact && *n == 0) compact.flush();
    out.flush();
    if (child) {
      int st = 0;
      if (waitpid(child->pid(), &st, WNOHANG) == child->pid()) {
        exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
    }
  }
  for (int i = 0; i < 3; ++i) (void)(*loader)->poll(10);
  compact.flush();
  if (opts.summary) {
    std::vector<std::pair<std::tuple<pid_t, std::string, std::string>, Totals>> rows(totals.begin(), totals.end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second.rbytes + a.second.wbytes > b.second.rbytes + b.second.wbytes;
    });
    if (opts.view.json) {
      for (const auto& [k, t] : rows) {
        report::Json j;
        j["type"] = "file_total";
        j["pid"] = std::get<0>(k);
        j["comm"] = report::bytes_to_json(std::get<1>(k), false);
        j["path"] = report::bytes_to_json(std::get<2>(k), false);
        j["opens"] = t.opens; j["reads"] = t.reads; j["writes"] = t.writes;
        j["read_bytes"] = t.rbytes; j["write_bytes"] = t.wbytes; j["failures"] = t.failures;
        out << json_text(j) << '\n';
      }
    } else {
      out << fmt::format("{:<7} {:<16} {:>6} {:>7} {:>7} {:>12} {:>12} {:>5}  PATH\n", "PID", "COMM", "OPENS",
                         "READS", "WRITES", "READ_B", "WRITE_B", "FAIL");
      for (const auto& [k, t] : rows)
        out << fmt::format("{:<7} {:<16} {:>6} {:>7} {:>7} {:>12} {:>12} {:>5}  {}\n", std::get<0>(k),
                           report::escape_c(std::get<1>(k)), t.opens, t.reads, t.writes, t.rbytes, t.wbytes,
                           t.failures, report::escape_c(std::get<2>(k)));
    }
  }
  auto c = (*loader)->counters();
  uint64_t lost = c[WF_FILES_CNT_LOST] + c[WF_FILES_CNT_NOSLOT] + c[WF_FILES_CNT_BUSY];
  if (opts.view.json) {
    report::Json j;
    j["type"] = "summary";
    j["shown"] = shown;
    j["lost"] = lost;
    j["lost_ring_full"] = c[WF_FILES_CNT_LOST];
    j["lost_no_slot"] = c[WF_FILES_CNT_NOSLOT];
    j["lost_busy"] = c[WF_FILES_CNT_BUSY];
    j["unpaired_dropped"] = c[WF_FILES_CNT_MISMATCH];
    j["bad_records"] = bad;
    out << json_text(j) << '\n';
  } else {
    out << fmt::format("# {} calls shown, {} lost ({} ring buffer full, {} no slot, {} program busy on its CPU), {} "
                       "exits without their entry dropped\n",
                       shown, lost, c[WF_FILES_CNT_LOST], c[WF_FILES_CNT_NOSLOT], c[WF_FILES_CNT_BUSY],
                       c[WF_FILES_CNT_MISMATCH]);
  }
  out.flush();
  return exit_code;
}

}  // namespace whyfail::views
