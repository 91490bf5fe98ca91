#include "sweep/recording.h"

#include <map>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "report/escape.h"

namespace whyfail::sweep {
namespace {

using nlohmann::json;

// A "byte string" (docs/json-schema.md) back to its bytes.
std::optional<std::string> byte_string(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("str") && v["str"].is_string()) {
    const std::string text = v["str"].get<std::string>();
    bool utf8 = v.value("utf8", true);
    return utf8 ? text : report::unescape_non_utf8(text);
  }
  return std::nullopt;
}

uint64_t hex_or_number(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) return static_cast<uint64_t>(v.get<int64_t>());
  if (v.is_string()) {
    try {
      return std::stoull(v.get<std::string>(), nullptr, 0);
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

RecordedFrame parse_frame(const json& f) {
  RecordedFrame frame;
  if (!f.is_object()) return frame;
  if (f.contains("address")) frame.address = hex_or_number(f["address"]);
  if (f.contains("module")) frame.module = byte_string(f["module"]).value_or("");
  if (f.contains("build_id") && f["build_id"].is_string()) frame.build_id = f["build_id"];
  if (f.contains("offset")) frame.offset = hex_or_number(f["offset"]);
  if (f.contains("function")) frame.function = byte_string(f["function"]).value_or("");
  if (f.contains("function_offset")) frame.function_offset = hex_or_number(f["function_offset"]);
  if (f.contains("file")) frame.file = byte_string(f["file"]).value_or("");
  if (f.contains("line") && f["line"].is_number_integer()) frame.line = f["line"].get<int>();
  return frame;
}

RecordedCall parse_call(const json& r) {
  RecordedCall c;
  c.seq = r.value("seq", uint64_t{0});
  c.pid = r.value("pid", 0);
  c.tid = r.value("tid", c.pid);
  c.nr = r.value("nr", -1);
  if (r.contains("syscall") && r["syscall"].is_string()) c.name = r["syscall"];
  if (r.contains("raw_args") && r["raw_args"].is_array()) {
    for (size_t i = 0; i < r["raw_args"].size() && i < 6; i++) c.raw_args[i] = hex_or_number(r["raw_args"][i]);
  }
  if (r.contains("args") && r["args"].is_array()) {
    for (size_t i = 0; i < r["args"].size() && i < 6; i++) {
      const json& a = r["args"][i];
      if (a.is_object() && a.contains("fd") && a.contains("path")) {
        c.fd_paths[i] = byte_string(a["path"]);
      } else if (a.is_object() && a.contains("str")) {
        c.strings[i] = byte_string(a);
      } else if (a.is_string()) {
        c.strings[i] = a.get<std::string>();
      }
    }
  }
  if (r.contains("retval") && r["retval"].is_object() && r["retval"].contains("path")) {
    c.ret_path = byte_string(r["retval"]["path"]);
  }
  if (r.contains("ret") && r["ret"].is_number()) c.ret = r["ret"].get<int64_t>();
  c.finished = r.value("finished", true);
  c.injected = r.value("injected", false);
  if (r.contains("errno") && r["errno"].is_string()) c.errno_name = r["errno"];
  if (r.contains("call_site") && r["call_site"].is_string()) c.call_site = r["call_site"];
  if (r.contains("user_stack") && r["user_stack"].is_array()) {
    for (const auto& a : r["user_stack"]) c.user_stack.push_back(hex_or_number(a));
  }
  if (r.contains("user_frames") && r["user_frames"].is_array()) {
    for (const auto& f : r["user_frames"]) c.frames.push_back(parse_frame(f));
  }
  return c;
}

RecordedExit parse_exit(const json& r) {
  RecordedExit e;
  e.pid = r.value("pid", 0);
  e.killed = r.value("killed", false);
  e.code = r.value("code", 0);
  e.signo = r.value("signo", 0);
  if (r.contains("signal") && r["signal"].is_string()) e.signal = r["signal"];
  e.core_dumped = r.value("core_dumped", false);
  return e;
}

}  // namespace

Recording parse_recording(const std::string& jsonl) {
  Recording rec;
  std::map<std::pair<pid_t, int>, uint32_t> per_thread_count;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json r = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!r.is_object()) {
      rec.bad_lines++;
      continue;
    }
    const std::string type = r.value("type", "");
    try {
      if (type == "syscall") {
        RecordedCall c = parse_call(r);
        if (rec.root_pid == 0) rec.root_pid = c.pid;
        c.occurrence = ++per_thread_count[{c.tid, c.nr}];
        rec.calls.push_back(std::move(c));
      } else if (type == "exec" || type == "spawn") {
        if (rec.root_pid == 0) rec.root_pid = r.value(type == "exec" ? "pid" : "parent_pid", 0);
      } else if (type == "exit") {
        if (!r.value("thread_only", false)) rec.exits.push_back(parse_exit(r));
      } else if (type == "lost") {
        rec.lost_events += r.value("count", size_t{0});
      }
    } catch (const json::exception&) {
      rec.bad_lines++;  // a field of an unexpected type: skip the record, count it
    }
  }
  return rec;
}

std::optional<RecordedExit> root_exit(const Recording& recording) {
  for (const auto& e : recording.exits) {
    if (e.pid == recording.root_pid) return e;
  }
  return std::nullopt;
}

}  // namespace whyfail::sweep
