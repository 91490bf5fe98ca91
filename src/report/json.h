// JSON Lines output: one object per line, schema in docs/json-schema.md.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "decode/value.h"
#include "report/report.h"

namespace whyfail::report {

using Json = nlohmann::ordered_json;

// Bytes from the tracee as JSON (docs/json-schema.md, "Byte strings"): a string when
// complete and valid UTF-8, else {"str":..., "truncated":..., "utf8":...}.
Json bytes_to_json(std::string_view bytes, bool truncated);

// One decoded value (docs/json-schema.md, "Argument values").
Json value_to_json(const decode::Value& value);

// The "syscall" record (also the shape of a verdict's culprit and runners-up).
Json syscall_to_json(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                     const explain::Explanation* explanation);

// The record as one line: never throws, always valid JSON and UTF-8.
std::string json_line(const Json& record);

class JsonRenderer : public Renderer {
 public:
  std::string syscall(const trace::SyscallEvent& event, const decode::DecodedCall& call,
                      const explain::Explanation* explanation) override;
  std::string spawn(const trace::SpawnEvent& event) override;
  std::string exec(const trace::ExecEvent& event) override;
  std::string signal(const trace::SignalEvent& event) override;
  std::string exit(const trace::ExitEvent& event) override;
  std::string detach(const trace::DetachEvent& event) override;
  std::string lost(const trace::LostEvent& event) override;
  std::string verdict(const VerdictReport& report) override;
  std::string summary(const SummaryTable& table) override;
  void note_process(pid_t) override {}
};

}  // namespace whyfail::report
