#include "sweep/sites.h"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "report/escape.h"
#include "sweep/errno_candidates.h"
#include "symbolize/call_site.h"

namespace whyfail::sweep {
namespace {

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_loader(const std::string& module) {
  const std::string base = basename_of(module);
  return base.rfind("ld-linux", 0) == 0 || base.rfind("ld.so", 0) == 0 || base.rfind("ld-musl", 0) == 0;
}

// The dynamic loader's start-up calls (loading the program's libraries before main)
// fail the same way for every program; they are left out unless asked for. Such a call
// has only ld.so frames (an unwinder's unresolved last frames aside); a dlopen() the
// program makes later has its own frames further out, and stays. Known only with
// symbolized frames.
bool made_by_loader(const RecordedCall& call) {
  bool in_loader = false;
  for (const auto& f : call.frames) {
    if (f.module.empty()) continue;
    if (!is_loader(f.module)) return false;
    in_loader = true;
  }
  return in_loader;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}

// The identity of a call site without the tracer's key: the syscall and the raw
// return addresses (stable within one run), or the target when there is no stack.
std::string fallback_site(const RecordedCall& call) {
  std::string key = std::to_string(call.nr);
  if (call.user_stack.empty()) return key + "|" + call_target(call);
  for (uint64_t a : call.user_stack) key += ":" + hex(a);
  return key;
}

}  // namespace

std::string call_target(const RecordedCall& call) {
  // The path when there is one (openat's dirfd says less), else the descriptor.
  int path = path_argument(call.name);
  if (path >= 0 && path < 6 && call.strings[path] && !call.strings[path]->empty()) return *call.strings[path];
  int fd = fd_argument(call.name);
  if (fd >= 0 && fd < 6 && call.fd_paths[fd]) return *call.fd_paths[fd];
  return {};
}

std::string describe_stack(const RecordedCall& call, size_t depth) {
  std::string out;
  size_t n = 0;
  auto add = [&](const std::string& part) {
    if (!out.empty()) out += " < ";
    out += part;
  };
  // From the program's own frames: the C runtime's innermost ones (the syscall
  // wrapper, stdio) are the same for every site.
  std::size_t from = 0;
  while (from < call.frames.size() && symbolize::is_c_runtime(call.frames[from].module)) ++from;
  if (from == call.frames.size()) from = 0;
  for (std::size_t i = from; i < call.frames.size(); ++i) {
    const RecordedFrame& f = call.frames[i];
    if (n++ == depth) break;
    if (!f.function.empty()) {
      std::string part = report::escape_c(f.function) + "+0x" + hex(f.function_offset);
      if (i == from && !f.file.empty() && f.line > 0)
        part += " (" + report::escape_c(basename_of(f.file)) + ":" + std::to_string(f.line) + ")";
      add(part);
    } else if (!f.module.empty()) {
      add(report::escape_c(basename_of(f.module)) + "(+0x" + hex(f.offset) + ")");
    } else {
      add("0x" + hex(f.address));
    }
  }
  if (call.frames.empty()) {
    for (uint64_t a : call.user_stack) {
      if (n++ == depth) break;
      add("0x" + hex(a));
    }
  }
  return out.empty() ? "?" : out;
}

SiteList find_sites(const Recording& recording, const SiteOptions& options) {
  SiteList list;
  // Per thread and call site (or syscall): how many calls so far (the when= count).
  std::map<std::pair<pid_t, std::string>, uint32_t> seen_at;
  // The sweep's own identity of a site: where (site key) and what fits (errno list).
  std::map<std::pair<std::string, std::vector<int>>, size_t> index_of;
  std::set<std::pair<pid_t, int>> written;  // (pid, fd) written since opened
  bool initial_exec_seen = false;

  // What each descriptor refers to, for calls the tracer did not annotate (close()
  // runs after the descriptor is gone).
  std::map<std::pair<pid_t, int>, std::string> fd_names;

  for (const RecordedCall& recorded : recording.calls) {
    RecordedCall call = recorded;
    if (!call.call_site.empty()) list.have_call_sites = true;
    if (int a = fd_argument(call.name); a >= 0) {
      const auto key = std::make_pair(call.pid, static_cast<int>(call.raw_args[a]));
      if (call.fd_paths[a]) {
        fd_names[key] = *call.fd_paths[a];
      } else if (auto it = fd_names.find(key); it != fd_names.end()) {
        call.fd_paths[a] = it->second;
      }
    }
    if (call.ret_path && call.ret >= 0) fd_names[{call.pid, static_cast<int>(call.ret)}] = *call.ret_path;
    const std::string where = call.call_site.empty() ? fallback_site(call) : call.call_site;
    const std::string count_key = call.call_site.empty() ? "nr:" + std::to_string(call.nr) : call.call_site;
    const uint32_t when = ++seen_at[{call.tid, count_key}];

    CallContext context;
    const int fd_arg = fd_argument(call.name);
    const int fd = fd_arg >= 0 ? static_cast<int>(call.raw_args[fd_arg]) : -1;
    context.fd_was_written = fd >= 0 && written.count({call.pid, fd}) != 0;
    if ((call.name == "execve" || call.name == "execveat") && !initial_exec_seen) {
      context.is_initial_exec = true;
      initial_exec_seen = true;
    }
    // Bookkeeping of written descriptors, for close().
    if (!call.failed() && call.finished) {
      if (is_data_call(call.name) && call.name != "close" && fd >= 0) written.insert({call.pid, fd});
      if (call.name == "close" && fd >= 0) written.erase({call.pid, fd});
      if ((call.name == "open" || call.name == "openat" || call.name == "creat" || call.name == "openat2") &&
          call.ret >= 0) {
        written.erase({call.pid, static_cast<int>(call.ret)});
      }
    }
    if (call.name == "close" && !call.failed()) fd_names.erase({call.pid, fd});
    // A site is a call that succeeded in the clean run: the question is what happens
    // when it does not.
    if (!call.finished || call.failed()) continue;
    std::vector<int> errnos = candidate_errnos(call, context);
    if (errnos.empty()) continue;
    if (!options.include_loader && made_by_loader(call)) {
      list.loader_calls_skipped++;
      continue;
    }
    auto key = std::make_pair(where, errnos);
    auto found = index_of.find(key);
    if (found != index_of.end()) {
      list.sites[found->second].calls++;
      continue;
    }
    Site site;
    site.index = list.sites.size();
    site.call = call;
    site.call_site = call.call_site;
    site.when = call.call_site.empty() ? call.occurrence : when;
    site.calls = 1;
    site.errnos = std::move(errnos);
    index_of.emplace(std::move(key), site.index);
    list.sites.push_back(std::move(site));
  }
  return list;
}

}  // namespace whyfail::sweep
