// The capture table compiled for the BPF program from sysent's rules.
#include <algorithm>
#include "capture_rules.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>

namespace whyfail::trace::bpf {
namespace {

TEST(CaptureRules, OpenatCapturesItsPathClampedToTheKernelMax) {
  TraceSpec spec;
  spec.syscalls.set();
  auto rules = build_capture_rules(spec);
  const wf_rule& r = rules[SYS_openat];
  EXPECT_TRUE(r.flags & WF_RULE_TRACED);
  ASSERT_GE(r.ncaps, 1);
  EXPECT_EQ(r.caps[0].arg, 1);
  EXPECT_EQ(r.caps[0].kind, WF_CAP_CSTRING);
  EXPECT_EQ(r.caps[0].limit, WF_CAP_MAX);  // path_limit 4096 clamped
}

TEST(CaptureRules, WritesAreReportedEvenWhenTheySucceed) {
  TraceSpec spec;
  spec.syscalls.set();
  spec.only_failures = true;
  auto rules = build_capture_rules(spec);
  EXPECT_TRUE(rules[SYS_write].flags & WF_RULE_ALWAYS);
  EXPECT_TRUE(rules[SYS_writev].flags & WF_RULE_ALWAYS);
  EXPECT_FALSE(rules[SYS_openat].flags & WF_RULE_ALWAYS);
  ASSERT_GE(rules[SYS_write].ncaps, 1);
  EXPECT_EQ(rules[SYS_write].caps[0].kind, WF_CAP_BUFFER);
  EXPECT_EQ(rules[SYS_write].caps[0].size_from, WF_SIZE_ARG);
  EXPECT_EQ(rules[SYS_write].caps[0].len_arg, 2);
  // Successful writes are not shown in failures-only mode; their bytes are the
  // program's messages for the culprit: message_limit, bounded by WF_CAP_MAX.
  EXPECT_EQ(rules[SYS_write].caps[0].limit, std::min<std::size_t>(WF_CAP_MAX, spec.message_limit));
  spec.only_failures = false;  // shown: -s applies
  EXPECT_EQ(build_capture_rules(spec)[SYS_write].caps[0].limit, spec.string_limit);
  spec.only_failures = true;
  spec.system_wide = true;  // not every write on the machine
  EXPECT_FALSE(build_capture_rules(spec)[SYS_write].flags & WF_RULE_ALWAYS);
}

TEST(CaptureRules, SyscallSetRestrictsAndExecIsStashedOnlyForSuccesses) {
  TraceSpec spec;
  spec.syscalls.set(SYS_execve);
  spec.only_failures = true;
  auto rules = build_capture_rules(spec);
  EXPECT_FALSE(rules[SYS_openat].flags & WF_RULE_TRACED);
  EXPECT_TRUE(rules[SYS_execve].flags & WF_RULE_TRACED);
  EXPECT_FALSE(rules[SYS_execve].flags & WF_RULE_STASH);
  spec.only_failures = false;
  EXPECT_TRUE(build_capture_rules(spec)[SYS_execve].flags & WF_RULE_STASH);
}

}  // namespace
}  // namespace whyfail::trace::bpf

namespace whyfail::trace::bpf {
namespace {

TEST(CaptureRules, CallsWithoutAReturnOfTheirOwnStayTracedWhenOnlyFailuresAre) {
  // As the ptrace backend: rt_sigreturn when its restored rax looks like an
  // error, exit and exit_group as unfinished calls.
  TraceSpec spec;
  spec.syscalls.set();
  spec.only_failures = true;
  for (int nr : {SYS_rt_sigreturn, SYS_exit, SYS_exit_group})
    EXPECT_TRUE(build_capture_rules(spec)[nr].flags & WF_RULE_TRACED) << nr;
  spec.syscalls.reset();
  spec.syscalls.set(SYS_openat);  // -e trace=openat: not these
  for (int nr : {SYS_rt_sigreturn, SYS_exit, SYS_exit_group})
    EXPECT_FALSE(build_capture_rules(spec)[nr].flags & WF_RULE_TRACED) << nr;
}

}  // namespace
}  // namespace whyfail::trace::bpf
