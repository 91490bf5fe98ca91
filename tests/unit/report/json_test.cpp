#include "report/json.h"

#include <gtest/gtest.h>

#include <random>

#include "report/escape.h"

namespace whyfail::report {
namespace {

using decode::Value;

// Parses one rendered line; fails the test on invalid JSON.
nlohmann::json parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a record spans one line";
  return nlohmann::json::parse(line);
}

// The bytes a JSON value for a byte string stands for (docs/json-schema.md).
std::string bytes_back(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  const std::string s = j.at("str").get<std::string>();
  return j.at("utf8").get<bool>() ? s : unescape_non_utf8(s);
}

TEST(BytesToJson, RandomBytesAlwaysParseAndRoundTrip) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 80), coin(0, 1);
  for (int round = 0; round < 5000; ++round) {
    std::string in;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) in += static_cast<char>(byte(rng));
    const bool truncated = coin(rng);
    Json rec;
    rec["v"] = bytes_to_json(in, truncated);
    const nlohmann::json back = parse_line(json_line(rec));
    EXPECT_EQ(bytes_back(back["v"]), in);
    if (is_valid_utf8(in) && !truncated) EXPECT_TRUE(back["v"].is_string());
    else EXPECT_EQ(back["v"]["truncated"].get<bool>(), truncated);
  }
}

TEST(BytesToJson, ValidUtf8WithControlCharactersPassesThrough) {
  const std::string in = "line1\nline2\t\x01 caf\xc3\xa9";
  Json rec;
  rec["v"] = bytes_to_json(in, false);
  const std::string line = json_line(rec);
  EXPECT_EQ(parse_line(line)["v"].get<std::string>(), in);
  for (char c : line.substr(0, line.size() - 1)) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(ValueToJson, Kinds) {
  EXPECT_EQ(value_to_json(Value::make_int(-100)), -100);
  EXPECT_EQ(value_to_json(Value::make_hex(255)), "0xff");
  EXPECT_EQ(value_to_json(Value::make_octal(0755)), "0755");
  EXPECT_TRUE(value_to_json(Value::make_null()).is_null());
  EXPECT_EQ(value_to_json(Value::make_symbol("O_RDONLY")), "O_RDONLY");
  EXPECT_EQ(value_to_json(Value::make_fd(3)), 3);
  Json fd = value_to_json(Value::make_fd(3, "/etc/passwd"));
  EXPECT_EQ(fd["fd"], 3);
  EXPECT_EQ(fd["path"], "/etc/passwd");
  Value st;
  st.kind = Value::Kind::Struct;
  st.fields = {{"st_size", Value::make_uint(3)}};
  EXPECT_EQ(value_to_json(st)["st_size"], 3);
  Value arr;
  arr.kind = Value::Kind::Array;
  arr.items = {Value::make_int(1)};
  EXPECT_TRUE(value_to_json(arr).is_array());
  arr.truncated = true;
  EXPECT_EQ(value_to_json(arr)["items"][0], 1);
}

TEST(JsonRenderer, SyscallRecordFields) {
  trace::SyscallEvent ev;
  ev.seq = 9;
  ev.pid = 41;
  ev.tid = 43;
  ev.nr = 257;
  ev.args = {static_cast<uint64_t>(-100), 0x1000, 0, 0, 0, 0};
  ev.ret = -2;
  ev.enter_ns = 100;
  ev.exit_ns = 350;
  decode::DecodedCall call;
  call.name = "openat";
  call.args = {Value::make_symbol("AT_FDCWD"), Value::make_bytes(std::string("/x\xff", 3), false),
               Value::make_symbol("O_RDONLY")};
  call.err = 2;
  call.errno_name = "ENOENT";
  call.errno_text = "No such file or directory";
  explain::Explanation ex;
  ex.causes.push_back({"path.missing-component", "\"/\" has no entry \"x\"", {"checked /"}, "", true, false});
  JsonRenderer r;
  const nlohmann::json j = parse_line(r.syscall(ev, call, &ex));
  EXPECT_EQ(j["type"], "syscall");
  EXPECT_EQ(j["seq"], 9);
  EXPECT_EQ(j["pid"], 41);
  EXPECT_EQ(j["tid"], 43);
  EXPECT_EQ(j["syscall"], "openat");
  EXPECT_EQ(j["nr"], 257);
  EXPECT_EQ(j["ret"], -2);
  EXPECT_EQ(j["errno"], "ENOENT");
  EXPECT_EQ(j["duration_ns"], 250);
  EXPECT_EQ(j["raw_args"].size(), 3u);
  EXPECT_EQ(j["raw_args"][1], 0x1000);
  EXPECT_EQ(bytes_back(j["args"][1]), std::string("/x\xff", 3));
  EXPECT_EQ(j["causes"][0]["code"], "path.missing-component");
  EXPECT_EQ(j["explanation"], ex.summary());
  EXPECT_TRUE(j["finished"].get<bool>());
}

// --kernel: origin, chain with call sites, graph and divergence; source lines
// from a kernel file are bytes from disk and come back exactly.
TEST(JsonRenderer, KernelOriginFields) {
  trace::SyscallEvent ev;
  ev.nr = 298;
  ev.ret = -22;
  trace::KernelOrigin k;
  k.found = true;
  k.origin.function = "perf_copy_attr";
  k.origin.address = 0xffffffff81234560;
  k.origin.called_from = "__do_sys_perf_event_open+0x60";
  k.origin.ret = -22;
  k.origin.file = "kernel/events/core.c";
  k.origin.line = 12345;
  k.origin.source = {">12345: \tif (attr->branch_sample_type & ~(PERF_SAMPLE_BRANCH_MAX - 1))\x1b"};
  k.chain = {k.origin, trace::KernelFrame{}};
  k.chain[1].function = "__x64_sys_perf_event_open";
  k.chain[1].offset = 0x4d;
  k.graph = {{0, "__x64_sys_perf_event_open", -22, true}, {1, "perf_copy_attr", -22, true}};
  k.mechanism = "fexit";
  trace::KernelDivergence d;
  d.within = "__x64_sys_perf_event_open";
  d.common = 1;
  d.failing = {"perf_copy_attr", -22};
  d.succeeding = {"", 0};
  d.success_tid = 77;
  k.divergence = d;
  ev.kernel = k;
  decode::DecodedCall call;
  call.name = "perf_event_open";
  call.err = 22;
  JsonRenderer r;
  const nlohmann::json j = parse_line(r.syscall(ev, call, nullptr));
  const auto& kj = j.at("kernel");
  EXPECT_EQ(kj["origin"]["function"], "perf_copy_attr");
  EXPECT_EQ(kj["origin"]["called_from"], "__do_sys_perf_event_open+0x60");
  EXPECT_EQ(bytes_back(kj["origin"]["source"][0]), k.origin.source[0]);
  EXPECT_EQ(kj["chain"][1]["offset"], 0x4d);
  EXPECT_TRUE(kj["chain"][1]["called_from"].is_null());
  ASSERT_EQ(kj["graph"].size(), 2u);
  EXPECT_EQ(kj["graph"][1]["depth"], 1);
  EXPECT_EQ(kj["graph"][1]["error_path"], true);
  EXPECT_EQ(kj["divergence"]["within"], "__x64_sys_perf_event_open");
  EXPECT_EQ(kj["divergence"]["common"], 1);
  EXPECT_EQ(kj["divergence"]["failing"]["function"], "perf_copy_attr");
  EXPECT_TRUE(kj["divergence"]["successful"]["function"].is_null());
  EXPECT_EQ(kj["divergence"]["successful"]["ret"], 0);
  EXPECT_EQ(kj["divergence"]["successful_tid"], 77);
}

TEST(JsonRenderer, VerdictRecordShape) {
  culprit::Verdict v;
  v.command_failed = true;
  v.confidence = 0.8;
  v.program = "cat";
  culprit::Candidate c;
  c.call.nr = 257;
  c.call.ret = -2;
  c.call.pid = c.call.tid = 5;
  c.score = 3;
  c.evidence = {"stderr names its path"};
  c.explanation.causes.push_back({"path.missing-component", "missing", {}, "", true, false});
  v.culprit = c;
  trace::ExitEvent ex;
  ex.pid = 5;
  ex.code = 1;
  v.exit = ex;
  VerdictReport r;
  r.verdict = &v;
  decode::DecodedCall call;
  call.name = "openat";
  call.err = 2;
  r.culprit = DecodedCandidate{&*v.culprit, call};
  JsonRenderer jr;
  const nlohmann::json j = parse_line(jr.verdict(r));
  EXPECT_EQ(j["type"], "verdict");
  EXPECT_EQ(j["culprit"]["syscall"], "openat");
  EXPECT_EQ(j["culprit"]["causes"][0]["code"], "path.missing-component");
  EXPECT_EQ(j["culprit"]["explanation"], "missing");
  EXPECT_DOUBLE_EQ(j["confidence"].get<double>(), 0.8);
  EXPECT_TRUE(j["runners_up"].is_array());
  EXPECT_EQ(j["exit"]["code"], 1);
  EXPECT_FALSE(j.contains("pid"));
}

TEST(JsonRenderer, OtherRecordsParse) {
  JsonRenderer r;
  EXPECT_EQ(parse_line(r.lost(trace::LostEvent{1, 5, "ring buffer full"}))["count"], 5);
  EXPECT_EQ(parse_line(r.exit(trace::ExitEvent{}))["type"], "exit");
  EXPECT_EQ(parse_line(r.spawn(trace::SpawnEvent{}))["type"], "spawn");
  trace::ExecEvent ex;
  ex.filename = std::string("/bin/\xfe", 6);
  EXPECT_EQ(bytes_back(parse_line(r.exec(ex))["filename"]), ex.filename);
  EXPECT_EQ(parse_line(r.signal(trace::SignalEvent{}))["type"], "signal");
  EXPECT_EQ(parse_line(r.detach(trace::DetachEvent{}))["type"], "detach");
}

}  // namespace
}  // namespace whyfail::report
