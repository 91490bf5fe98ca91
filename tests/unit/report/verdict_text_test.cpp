#include "report/verdict_text.h"

#include <gtest/gtest.h>

#include "report/text.h"

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

// --kernel: the culprit's kernel origin is in the verdict too, as under its trace line.
TEST(VerdictText, CulpritCarriesItsKernelOrigin) {
  culprit::Verdict v;
  v.command_failed = true;
  v.program = "mkdir";
  culprit::Candidate c;
  c.call.ret = -17;
  trace::KernelOrigin k;
  k.found = true;
  k.mechanism = "fexit";
  for (const char* f : {"filename_create", "do_mkdirat", "__x64_sys_mkdir"}) {
    trace::KernelFrame frame;
    frame.function = f;
    k.chain.push_back(frame);
  }
  k.origin = k.chain.front();
  c.call.kernel = k;
  v.culprit = c;
  VerdictReport r;
  r.verdict = &v;
  decode::DecodedCall call;
  call.name = "mkdir";
  call.err = 17;
  r.culprit = DecodedCandidate{&*v.culprit, call};
  r.outcome = trace::RunOutcome{true, false, 1, 0, false};
  const std::string text = render_verdict_text(r, Palette{});
  const auto because = text.find("mkdir failed because");
  const auto origin = text.find(render_kernel_origin(k));
  ASSERT_NE(origin, std::string::npos) << text;
  EXPECT_LT(because, origin) << text;
  EXPECT_NE(text.find("filename_create <- do_mkdirat <- __x64_sys_mkdir"), std::string::npos) << text;
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
