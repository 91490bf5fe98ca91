#include "report/json.h"

#include <fmt/format.h>

#include "decode/decoder.h"
#include "report/escape.h"
#include "report/siginfo.h"
#include "report/user_stack.h"

namespace whyfail::report {

namespace {

Json causes_to_json(const explain::Explanation& explanation) {
  Json causes = Json::array();
  for (const explain::Cause& c : explanation.causes) {
    Json j;
    j["code"] = bytes_to_json(c.code, false);
    j["text"] = bytes_to_json(c.text, false);
    Json evidence = Json::array();
    for (const auto& e : c.evidence) evidence.push_back(bytes_to_json(e, false));
    j["evidence"] = std::move(evidence);
    if (!c.fix.empty()) j["fix"] = bytes_to_json(c.fix, false);
    j["verified"] = c.verified;
    j["state_after_the_fact"] = c.state_after_the_fact;
    causes.push_back(std::move(j));
  }
  return causes;
}

Json kernel_frame_to_json(const trace::KernelFrame& f) {
  Json j;
  j["function"] = bytes_to_json(f.function, false);
  j["address"] = fmt::format("{:#x}", f.address);
  j["offset"] = f.offset;
  j["file"] = f.file.empty() ? Json(nullptr) : bytes_to_json(f.file, false);
  j["line"] = f.line;
  j["ret"] = f.ret;
  j["called_from"] = f.called_from.empty() ? Json(nullptr) : bytes_to_json(f.called_from, false);
  if (!f.source.empty()) {
    Json src = Json::array();
    for (const auto& l : f.source) src.push_back(bytes_to_json(l, false));
    j["source"] = std::move(src);
  }
  return j;
}

Json kernel_step_to_json(const trace::KernelStep& s) {
  Json j;
  j["function"] = s.function.empty() ? Json(nullptr) : bytes_to_json(s.function, false);
  j["ret"] = s.ret;
  return j;
}

Json kernel_origin_to_json(const trace::KernelOrigin& k) {
  Json j;
  j["found"] = k.found;
  j["origin"] = k.found ? kernel_frame_to_json(k.origin) : Json(nullptr);
  Json chain = Json::array();
  for (const auto& f : k.chain) chain.push_back(kernel_frame_to_json(f));
  j["chain"] = std::move(chain);
  j["returns_dropped"] = k.returns_dropped;
  j["mechanism"] = bytes_to_json(k.mechanism, false);
  j["note"] = bytes_to_json(k.note, false);
  Json graph = Json::array();
  for (const auto& g : k.graph) {
    Json e;
    e["depth"] = g.depth;
    e["function"] = bytes_to_json(g.function, false);
    e["ret"] = g.ret;
    e["error_path"] = g.on_error_path;
    graph.push_back(std::move(e));
  }
  j["graph"] = std::move(graph);
  if (k.divergence) {
    Json d;
    d["within"] = k.divergence->within.empty() ? Json(nullptr) : bytes_to_json(k.divergence->within, false);
    d["common"] = k.divergence->common;
    d["failing"] = kernel_step_to_json(k.divergence->failing);
    d["successful"] = kernel_step_to_json(k.divergence->succeeding);
    d["successful_tid"] = k.divergence->success_tid;
    j["divergence"] = std::move(d);
  }
  return j;
}

Json exit_fields(const trace::ExitEvent& e) {
  Json j;
  j["ts_ns"] = e.ts_ns;
  j["pid"] = e.pid;
  j["tid"] = e.tid;
  j["thread_only"] = e.thread_only;
  j["killed"] = e.killed;
  j["code"] = e.code;
  j["signal"] = e.killed ? Json(decode::signal_name(e.signo)) : Json(nullptr);
  j["signo"] = e.signo;
  j["core_dumped"] = e.core_dumped;
  return j;
}

Json candidate_to_json(const DecodedCandidate& c) {
  if (!c.candidate) return nullptr;
  Json j = syscall_to_json(c.candidate->call, c.call, &c.candidate->explanation);
  j.erase("type");
  j["score"] = c.candidate->score;
  Json evidence = Json::array();
  for (const auto& e : c.candidate->evidence) evidence.push_back(bytes_to_json(e, false));
  j["evidence"] = std::move(evidence);
  return j;
}

}  // namespace

Json bytes_to_json(std::string_view bytes, bool truncated) {
  const bool utf8 = is_valid_utf8(bytes);
  if (utf8 && !truncated) return std::string(bytes);
  Json j;
  j["str"] = utf8 ? std::string(bytes) : escape_non_utf8(bytes);
  j["truncated"] = truncated;
  j["utf8"] = utf8;
  return j;
}

Json value_to_json(const decode::Value& value) {
  using Kind = decode::Value::Kind;
  switch (value.kind) {
    case Kind::Int: return value.i;
    case Kind::UInt: return value.u;
    case Kind::Hex: return fmt::format("{:#x}", value.u);
    case Kind::Octal: return fmt::format("0{:03o}", value.u);
    case Kind::Null: return nullptr;
    // An abstract socket name keeps its leading NUL in JSON, as before "@" was shown in text.
    case Kind::Bytes:
      return bytes_to_json(value.prefix == "@" ? std::string(1, '\0') + value.bytes : value.bytes, value.truncated);
    case Kind::Symbol: return bytes_to_json(value.text, false);
    case Kind::Struct: {
      Json j = Json::object();
      for (const auto& [name, v] : value.fields) j[name] = value_to_json(v);
      if (value.truncated) j["..."] = true;
      return j;
    }
    case Kind::Array: {
      Json items = Json::array();
      for (const auto& v : value.items) items.push_back(value_to_json(v));
      if (!value.truncated) return items;
      Json j;
      j["items"] = std::move(items);
      j["truncated"] = true;
      return j;
    }
    case Kind::Fd: {
      if (value.annotation.empty()) return value.i;
      Json j;
      j["fd"] = value.i;
      j["path"] = bytes_to_json(value.annotation, false);
      return j;
    }
    case Kind::Unreadable: {
      Json j;
      j["unreadable"] = fmt::format("{:#x}", value.u);
      return j;
    }
  }
  return nullptr;
}

Json syscall_to_json(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                     const explain::Explanation* explanation) {
  Json j;
  j["type"] = "syscall";
  j["seq"] = event.seq;
  j["pid"] = event.pid;
  j["tid"] = event.tid;
  j["syscall"] = bytes_to_json(call.name, false);
  j["nr"] = event.nr;
  Json args = Json::array();
  for (const auto& v : call.args) args.push_back(value_to_json(v));
  j["args"] = std::move(args);
  Json raw = Json::array();
  for (std::size_t k = 0; k < call.args.size() && k < event.args.size(); ++k) raw.push_back(event.args[k]);
  j["raw_args"] = std::move(raw);
  j["ret"] = event.finished ? Json(event.ret) : Json(nullptr);
  const int err = event.finished ? event.error() : 0;
  if (err) {
    j["errno"] = call.errno_name.empty() ? decode::errno_name(err) : call.errno_name;
    j["errno_text"] = bytes_to_json(call.errno_text.empty() ? decode::errno_text(err) : call.errno_text, false);
  } else {
    j["errno"] = nullptr;
    j["errno_text"] = nullptr;
  }
  j["retval"] = event.finished && !err ? value_to_json(call.ret) : Json(nullptr);
  j["enter_ns"] = event.enter_ns;
  j["exit_ns"] = event.finished ? Json(event.exit_ns) : Json(nullptr);
  j["duration_ns"] = event.finished && event.exit_ns >= event.enter_ns
                         ? Json(event.exit_ns - event.enter_ns) : Json(nullptr);
  j["finished"] = event.finished;
  j["injected"] = event.injected;
  if (!event.user_stack.empty()) {
    Json stack = Json::array();
    for (uint64_t a : event.user_stack) stack.push_back(fmt::format("{:#x}", a));
    j["user_stack"] = std::move(stack);
  }
  if (!event.user_frames.empty()) {
    j["user_frames"] = user_frames_to_json(event.user_frames);
    j["call_site"] = event.call_site.empty() ? Json(nullptr) : Json(event.call_site);
  }
  if (event.kernel) j["kernel"] = kernel_origin_to_json(*event.kernel);
  if (explanation && !explanation->causes.empty()) {
    j["explanation"] = bytes_to_json(explanation->summary(), false);
    j["causes"] = causes_to_json(*explanation);
  }
  return j;
}

std::string json_line(const Json& record) {
  // Every string was made valid UTF-8 above; `replace` is a last guard so dump never throws.
  return record.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string JsonRenderer::syscall(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                                  const explain::Explanation* explanation) {
  return json_line(syscall_to_json(event, call, explanation));
}

std::string JsonRenderer::spawn(const trace::SpawnEvent& e) {
  Json j;
  j["type"] = "spawn";
  j["ts_ns"] = e.ts_ns;
  j["parent_pid"] = e.parent_pid;
  j["parent_tid"] = e.parent_tid;
  j["child_pid"] = e.child_pid;
  j["child_tid"] = e.child_tid;
  j["is_thread"] = e.is_thread;
  return json_line(j);
}

std::string JsonRenderer::exec(const trace::ExecEvent& e) {
  Json j;
  j["type"] = "exec";
  j["ts_ns"] = e.ts_ns;
  j["pid"] = e.pid;
  j["old_tid"] = e.old_tid;
  j["filename"] = bytes_to_json(e.filename, false);
  j["comm"] = bytes_to_json(e.comm, false);
  return json_line(j);
}

std::string JsonRenderer::signal(const trace::SignalEvent& e) {
  Json j;
  j["type"] = "signal";
  j["ts_ns"] = e.ts_ns;
  j["pid"] = e.pid;
  j["tid"] = e.tid;
  j["signal"] = decode::signal_name(e.signo);
  j["signo"] = e.signo;
  j["si_code"] = si_code_name(e.signo, e.si_code);
  j["si_code_num"] = e.si_code;
  j["sender_pid"] = e.sender_pid;
  j["sender_uid"] = e.sender_uid;
  return json_line(j);
}

std::string JsonRenderer::exit(const trace::ExitEvent& e) {
  Json j;
  j["type"] = "exit";
  j.update(exit_fields(e));
  return json_line(j);
}

std::string JsonRenderer::detach(const trace::DetachEvent& e) {
  Json j;
  j["type"] = "detach";
  j["ts_ns"] = e.ts_ns;
  j["pid"] = e.pid;
  return json_line(j);
}

std::string JsonRenderer::lost(const trace::LostEvent& e) {
  Json j;
  j["type"] = "lost";
  j["ts_ns"] = e.ts_ns;
  j["count"] = e.count;
  j["reason"] = bytes_to_json(e.reason, false);
  return json_line(j);
}

std::string JsonRenderer::verdict(const VerdictReport& r) {
  Json j;
  j["type"] = "verdict";
  if (r.pid) j["pid"] = r.pid;
  bool failed = r.verdict && r.verdict->command_failed;
  if (r.outcome && r.outcome->launched) failed = failed || r.outcome->killed || r.outcome->code != 0;
  j["command_failed"] = failed;
  j["program"] = r.verdict && !r.verdict->program.empty() ? bytes_to_json(r.verdict->program, false)
                                                          : Json(nullptr);
  j["culprit"] = r.culprit ? candidate_to_json(*r.culprit) : Json(nullptr);
  j["confidence"] = r.verdict && r.culprit ? r.verdict->confidence : 0.0;
  Json runners = Json::array();
  for (std::size_t k = 0; k < r.runners_up.size() && k < 3; ++k) {
    runners.push_back(candidate_to_json(r.runners_up[k]));
  }
  j["runners_up"] = std::move(runners);
  if (r.verdict && r.verdict->exit) {
    j["exit"] = exit_fields(*r.verdict->exit);
  } else if (r.outcome && r.outcome->launched) {
    Json e;
    e["killed"] = r.outcome->killed;
    e["code"] = r.outcome->code;
    e["signal"] = r.outcome->killed ? Json(decode::signal_name(r.outcome->signo)) : Json(nullptr);
    e["signo"] = r.outcome->signo;
    j["exit"] = std::move(e);
  } else {
    j["exit"] = nullptr;
  }
  j["detached"] = r.detached;
  if (r.outcome && r.outcome->launched) j["exit_status"] = r.outcome->shell_status();
  j["failures_seen"] = r.failures_seen;
  j["failures_hidden"] = r.failures_hidden;
  return json_line(j);
}

std::string JsonRenderer::summary(const SummaryTable& t) {
  Json j;
  j["type"] = "summary";
  Json rows = Json::array();
  for (const SummaryRow& r : t.rows) {
    Json row;
    if (r.pid) {
      row["pid"] = r.pid;
      row["process"] = bytes_to_json(r.process, false);
    }
    row["syscall"] = bytes_to_json(r.syscall, false);
    row["calls"] = r.calls;
    row["errors"] = r.errors;
    row["total_ns"] = r.total_ns;
    row["avg_ns"] = r.calls ? r.total_ns / r.calls : 0;
    Json by = Json::object();
    for (const auto& [name, n] : r.errors_by_errno) by[name] = n;
    row["errors_by_errno"] = std::move(by);
    rows.push_back(std::move(row));
  }
  j["rows"] = std::move(rows);
  j["calls"] = t.calls;
  j["errors"] = t.errors;
  j["total_ns"] = t.total_ns;
  return json_line(j);
}

}  // namespace whyfail::report
