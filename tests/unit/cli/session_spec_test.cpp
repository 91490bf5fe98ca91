#include "cli/session.h"

#include <gtest/gtest.h>

#include "sysent/syscall_info.h"

namespace whyfail::cli {
namespace {

std::size_t nr(const char* name) { return static_cast<std::size_t>(sysent::syscall_by_name(name)->nr); }

TEST(BuildTraceSpec, RestrictedDisplayStillStopsForWhatTheCulpritNeeds) {
  Options o;
  o.command = {"true"};
  o.trace_exprs = {"openat"};
  auto display = parse_syscall_filter(o.trace_exprs);
  ASSERT_TRUE(display);
  const trace::TraceSpec spec = build_trace_spec(o, *display);
  EXPECT_TRUE(spec.restricted);
  EXPECT_TRUE(spec.use_seccomp);
  EXPECT_TRUE(spec.syscalls.test(nr("openat")));
  EXPECT_TRUE(spec.syscalls.test(nr("write")));
  EXPECT_TRUE(spec.syscalls.test(nr("exit_group")));
  EXPECT_FALSE(spec.syscalls.test(nr("close")));
  // The display filter itself is untouched.
  EXPECT_FALSE(display->set.test(nr("write")));
  EXPECT_TRUE(spec.only_failures);
}

TEST(BuildTraceSpec, SummaryAndAllNeedEveryCall) {
  Options o;
  o.command = {"true"};
  o.summary = true;
  auto display = parse_syscall_filter({});
  EXPECT_FALSE(build_trace_spec(o, *display).only_failures);
  Options a;
  a.command = {"true"};
  a.status = StatusFilter::All;
  a.seccomp = SeccompChoice::Off;
  const auto spec = build_trace_spec(a, *display);
  EXPECT_FALSE(spec.only_failures);
  EXPECT_FALSE(spec.use_seccomp);
  EXPECT_FALSE(spec.restricted);
}

// The kernel's clock read is skipped only where no time is shown or exported.
TEST(BuildTraceSpec, TimesAreAskedForOnlyWhereTheyLeaveWhyfail) {
  auto display = parse_syscall_filter({});
  Options plain;
  plain.command = {"true"};
  EXPECT_FALSE(build_trace_spec(plain, *display).timestamps);
  auto with = [&](auto set) {
    Options o = plain;
    set(o);
    return build_trace_spec(o, *display).timestamps;
  };
  EXPECT_TRUE(with([](Options& o) { o.json = true; }));
  EXPECT_TRUE(with([](Options& o) { o.timestamps = report::Timestamps::Micros; }));
  EXPECT_TRUE(with([](Options& o) { o.relative = true; }));
  EXPECT_TRUE(with([](Options& o) { o.durations = true; }));
  EXPECT_TRUE(with([](Options& o) { o.summary = true; }));
}

TEST(BuildTraceSpec, SystemWideFields) {
  Options o;
  o.system = true;
  o.comm_filter = {"nginx"};
  o.uid_filter = {1000};
  o.errno_filter = {"13"};
  o.duration_s = 2;
  auto display = parse_syscall_filter({});
  const auto spec = build_trace_spec(o, *display);
  EXPECT_TRUE(spec.system_wide);
  EXPECT_EQ(spec.comm_filter, o.comm_filter);
  EXPECT_EQ(spec.errno_filter, (std::vector<int>{13}));
  EXPECT_DOUBLE_EQ(spec.duration_s, 2);
}

}  // namespace
}  // namespace whyfail::cli

namespace whyfail::cli {
namespace {

TEST(BuildTraceSpec, InjectedSyscallsStopUnderTheSeccompFilterForEveryFd) {
  std::vector<std::string> args = {"whyfail", "-e", "trace=openat", "-e", "inject=write,connect:error=EIO",
                                   "--", "true"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto o = parse_options(static_cast<int>(args.size()), argv.data());
  ASSERT_TRUE(o) << o.error().what;
  auto display = parse_syscall_filter(o->trace_exprs);
  ASSERT_TRUE(display);
  const trace::TraceSpec spec = build_trace_spec(*o, *display);
  ASSERT_EQ(spec.inject_rules.size(), 1u);
  EXPECT_TRUE(spec.syscalls.test(nr("connect")));
  EXPECT_TRUE(spec.syscalls.test(nr("write")));
  EXPECT_FALSE(spec.message_only.test(nr("write")));  // not only fd 1 and 2: every write may be injected
  EXPECT_FALSE(display->set.test(nr("connect")));     // still not shown
}

}  // namespace
}  // namespace whyfail::cli
