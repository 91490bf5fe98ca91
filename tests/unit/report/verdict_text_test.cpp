#include "report/verdict_text.h"

#include <gtest/gtest.h>

namespace whyfail::report {
namespace {

TEST(VerdictText, NamesProgramCallObjectAndCause) {
  culprit::Verdict v;
  v.command_failed = true;
  v.confidence = 0.9;
  v.program = "cat";
  culprit::Candidate c;
  c.call.ret = -2;
  c.explanation.causes.push_back({"path.missing-component", "directory \"/\" has no entry \"nonexistent\"",
                                  {"/: exists"}, "", true, false});
  c.evidence = {"stderr names its path"};
  v.culprit = c;
  VerdictReport r;
  r.verdict = &v;
  decode::DecodedCall call;
  call.name = "openat";
  call.args = {decode::Value::make_symbol("AT_FDCWD"), decode::Value::make_bytes("/nonexistent/f", false)};
  call.err = 2;
  call.errno_name = "ENOENT";
  call.errno_text = "No such file or directory";
  r.culprit = DecodedCandidate{&*v.culprit, call};
  r.outcome = trace::RunOutcome{true, false, 1, 0, false};
  const std::string text = render_verdict_text(r, Palette{});
  EXPECT_NE(text.find("cat failed because openat(\"/nonexistent/f\") returned ENOENT"), std::string::npos) << text;
  EXPECT_NE(text.find("Directory \"/\" has no entry \"nonexistent\"."), std::string::npos) << text;
  EXPECT_NE(text.find("confidence: 0.90"), std::string::npos);
  EXPECT_NE(text.find("  - stderr names its path"), std::string::npos);
  EXPECT_NE(text.find("The command exited with status 1."), std::string::npos) << text;
}

TEST(VerdictText, SuccessSaysSo) {
  culprit::Verdict v;
  VerdictReport r;
  r.verdict = &v;
  r.outcome = trace::RunOutcome{true, false, 0, 0, false};
  r.failures_hidden = 3;
  const std::string text = render_verdict_text(r, Palette{});
  EXPECT_NE(text.find("The command succeeded"), std::string::npos);
  EXPECT_NE(text.find("3 system calls failed"), std::string::npos);
}

TEST(VerdictText, KilledWithoutCulprit) {
  culprit::Verdict v;
  v.command_failed = true;
  v.program = "sh";
  VerdictReport r;
  r.verdict = &v;
  r.outcome = trace::RunOutcome{true, true, 0, 11, false};
  const std::string text = render_verdict_text(r, Palette{});
  EXPECT_NE(text.find("The command was killed by"), std::string::npos) << text;
  EXPECT_NE(text.find("no failed system call explains it"), std::string::npos);
}

}  // namespace
}  // namespace whyfail::report
