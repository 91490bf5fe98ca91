#include "sweep/sweep_report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>

#include "report/escape.h"
#include "report/json.h"
#include "sweep/errno_candidates.h"

namespace whyfail::sweep {
namespace {

using report::Json;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string clip(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width - 3) + "...";
  return s;
}

std::string outcome_cell(const TrialResult& r) {
  std::string s = outcome_name(r.verdict.outcome);
  if (r.verdict.outcome == Outcome::Crashed) {
    const auto& o = r.observation;
    s += " (" + (o.killed ? o.signal : o.crash_signal) + ")";
  }
  return s;
}

Json exit_json(const RunObservation& o) {
  Json e = Json::object();
  e["killed"] = o.killed;
  e["code"] = o.killed ? Json(nullptr) : Json(o.exit_code);
  e["signal"] = o.killed ? Json(o.signal) : Json(nullptr);
  e["core_dumped"] = o.core_dumped;
  return e;
}

Json frames_json(const RecordedCall& call) {
  Json frames = Json::array();
  for (const auto& f : call.frames) {
    Json j = Json::object();
    j["address"] = hex(f.address);
    j["module"] = report::bytes_to_json(f.module, false);
    j["build_id"] = f.build_id;
    j["offset"] = f.offset;
    j["function"] = report::bytes_to_json(f.function, false);
    j["function_offset"] = f.function_offset;
    j["file"] = f.file.empty() ? Json(nullptr) : report::bytes_to_json(f.file, false);
    j["line"] = f.line > 0 ? Json(f.line) : Json(nullptr);
    frames.push_back(std::move(j));
  }
  return frames;
}

}  // namespace

std::string shown_target(const RecordedCall& call, const SweepSummary& s) {
  std::string t = call_target(call);
  if (!s.record_stdout.empty() && t == s.record_stdout) return "[stdout]";
  if (!s.record_stderr.empty() && t == s.record_stderr) return "[stderr]";
  const std::string prefix = s.record_work + "/";
  if (!s.record_work.empty() && t.rfind(prefix, 0) == 0) return t.substr(prefix.size());
  // "pipe:[1955179]": the inode number differs in every run; the kind is what matters.
  auto open = t.find(":[");
  if (open != std::string::npos && t.back() == ']' &&
      t.find_first_not_of("0123456789", open + 2) == t.size() - 1) {
    return t.substr(0, open);
  }
  return t;
}

std::vector<const TrialResult*> by_severity(const std::vector<TrialResult>& results) {
  std::vector<const TrialResult*> out;
  for (const auto& r : results) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [](const TrialResult* a, const TrialResult* b) {
    if (a->verdict.outcome != b->verdict.outcome) return a->verdict.outcome < b->verdict.outcome;
    return a->index < b->index;
  });
  return out;
}

std::string render_text(const std::vector<TrialResult>& results, const SweepSummary& s) {
  std::string out;
  std::string cmd;
  for (const auto& a : s.command) cmd += (cmd.empty() ? "" : " ") + report::escape_c(a);
  char line[512];
  std::snprintf(line, sizeof line, "whyfail sweep: %s\n", cmd.c_str());
  out += line;
  std::snprintf(line, sizeof line,
                "clean run: %s, %.2f s; %zu call sites, %zu trials (%s injection%s, timeout %.3g s, -j %zu)%s\n",
                s.clean.killed ? ("killed by " + s.clean.signal).c_str()
                               : ("exit " + std::to_string(s.clean.exit_code)).c_str(),
                s.clean_seconds, s.sites, s.trials_planned, injector_name(s.injector),
                s.every ? ", every call from the first" : "", s.timeout_s, s.jobs,
                s.loader_calls_skipped ? (", " + std::to_string(s.loader_calls_skipped) + " ld.so calls left out").c_str() : "");
  out += line;
  if (!s.stdout_stable) out += "note: stdout differs between two clean runs; it is not compared\n";
  if (!s.unstable_files.empty()) {
    out += "note: " + std::to_string(s.unstable_files.size()) +
           " files differ between two clean runs and are not compared (" +
           report::escape_c(s.unstable_files.front()) + (s.unstable_files.size() > 1 ? ", ..." : "") + ")\n";
  }
  if (s.lost_events) out += "note: the recording run lost " + std::to_string(s.lost_events) + " events; some sites may be missing\n";
  out += "\n";

  struct Row {
    std::string cells[6];
  };
  std::vector<Row> rows;
  rows.push_back({{"OUTCOME", "SYSCALL", "ERRNO", "TARGET", "SITE", "MESSAGE"}});
  for (const TrialResult* r : by_severity(results)) {
    Row row;
    row.cells[0] = outcome_cell(*r);
    row.cells[1] = r->spec.syscall;
    row.cells[2] = errno_name(r->spec.err);
    const std::string target = shown_target(r->site->call, s);
    row.cells[3] = target.empty() ? "-" : clip(report::escape_c(target), 32);
    row.cells[4] = clip(describe_stack(r->site->call, 3), 60);
    // No message: the reason says what the program did instead.
    row.cells[5] = clip(r->verdict.message.empty() ? "(" + r->verdict.reason + ")" : report::escape_c(r->verdict.message), 72);
    rows.push_back(std::move(row));
  }
  size_t width[6] = {};
  for (const auto& row : rows) {
    for (int c = 0; c < 5; c++) width[c] = std::max(width[c], row.cells[c].size());
  }
  for (const auto& row : rows) {
    std::string l;
    for (int c = 0; c < 6; c++) {
      l += row.cells[c];
      if (c < 5) l += std::string(width[c] - row.cells[c].size() + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  }
  std::map<Outcome, size_t> counts;
  for (const auto& r : results) counts[r.verdict.outcome]++;
  out += "\n";
  std::string tally;
  for (Outcome o : {Outcome::Crashed, Outcome::Hung, Outcome::SilentlyIgnored, Outcome::Handled,
                    Outcome::NotReached, Outcome::Error}) {
    if (!tally.empty()) tally += ", ";
    tally += std::to_string(counts[o]) + " " + outcome_name(o);
  }
  out += "summary: " + tally;
  if (s.trials_not_run) {
    out += "; " + std::to_string(s.trials_not_run) + " trials not run (";
    if (s.trials_beyond_max) out += std::to_string(s.trials_beyond_max) + " beyond --max-runs";
    if (s.trials_beyond_max && s.interrupted) out += ", ";
    if (s.interrupted) out += std::to_string(s.trials_not_run - s.trials_beyond_max) + " interrupted";
    out += ")";
  }
  std::snprintf(line, sizeof line, "; %.1f s\n", s.seconds);
  out += line;
  return out;
}

std::string render_json(const std::vector<TrialResult>& results, const SweepSummary& s) {
  std::string out;
  // Trial order (not severity) so that two sweeps' records line up.
  for (const TrialResult& result : results) {
    const TrialResult* r = &result;
    const RecordedCall& call = r->site->call;
    Json j = Json::object();
    j["type"] = "sweep_trial";
    j["trial"] = r->index;
    j["site_index"] = r->site->index;
    j["call_site"] = r->site->call_site.empty() ? Json(nullptr) : Json(r->site->call_site);
    j["syscall"] = r->spec.syscall;
    j["nr"] = call.nr;
    Json raw = Json::array();
    for (uint64_t a : call.raw_args) raw.push_back(a);
    j["raw_args"] = raw;
    j["errno"] = errno_name(r->spec.err);
    j["when"] = std::to_string(r->spec.when) + (r->spec.every ? "+" : "");
    j["injector"] = injector_name(s.injector);
    const std::string target = shown_target(call, s);
    j["target"] = target.empty() ? Json(nullptr) : report::bytes_to_json(target, false);
    j["site_calls"] = r->site->calls;
    j["user_frames"] = frames_json(call);
    Json stack = Json::array();
    for (uint64_t a : call.user_stack) stack.push_back(hex(a));
    j["user_stack"] = stack;
    j["outcome"] = outcome_name(r->verdict.outcome);
    j["reason"] = report::bytes_to_json(r->verdict.reason, false);
    j["fired"] = r->verdict.fired;
    j["retried"] = r->verdict.retried;
    j["timed_out"] = r->observation.timed_out;
    j["exit"] = exit_json(r->observation);
    j["message"] = r->verdict.message.empty() ? Json(nullptr) : report::bytes_to_json(r->verdict.message, false);
    j["stdout_changed"] = s.stdout_stable && r->observation.stdout_bytes != s.clean.stdout_bytes;
    Json files = Json::array();
    for (const auto& f : r->observation.changed_files) files.push_back(report::bytes_to_json(f, false));
    j["files_changed"] = files;
    j["duration_ns"] = static_cast<uint64_t>(r->seconds * 1e9);
    out += report::json_line(j);
  }
  Json j = Json::object();
  j["type"] = "sweep_summary";
  Json cmd = Json::array();
  for (const auto& a : s.command) cmd.push_back(report::bytes_to_json(a, false));
  j["command"] = cmd;
  j["injector"] = injector_name(s.injector);
  j["sites"] = s.sites;
  j["trials_planned"] = s.trials_planned;
  j["trials_run"] = results.size();
  j["trials_not_run"] = s.trials_not_run;
  j["interrupted"] = s.interrupted;
  j["loader_calls_skipped"] = s.loader_calls_skipped;
  Json counts = Json::object();
  for (Outcome o : {Outcome::Crashed, Outcome::Hung, Outcome::SilentlyIgnored, Outcome::Handled,
                    Outcome::NotReached, Outcome::Error}) {
    counts[outcome_name(o)] = 0;
  }
  for (const auto& r : results) counts[outcome_name(r.verdict.outcome)] = counts[outcome_name(r.verdict.outcome)].get<size_t>() + 1;
  j["outcomes"] = counts;
  Json clean = Json::object();
  clean["exit"] = exit_json(s.clean);
  clean["duration_ns"] = static_cast<uint64_t>(s.clean_seconds * 1e9);
  clean["stdout_stable"] = s.stdout_stable;
  Json unstable = Json::array();
  for (const auto& f : s.unstable_files) unstable.push_back(report::bytes_to_json(f, false));
  clean["unstable_files"] = unstable;
  j["clean"] = clean;
  j["lost_events"] = s.lost_events;
  j["timeout_s"] = s.timeout_s;
  j["jobs"] = s.jobs;
  j["every"] = s.every;
  j["in_place"] = s.in_place;
  j["duration_ns"] = static_cast<uint64_t>(s.seconds * 1e9);
  out += report::json_line(j);
  return out;
}

}  // namespace whyfail::sweep
