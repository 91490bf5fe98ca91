// -e inject=/fault=/delay= parsing: strace's forms, its limits, and the
// errors for what strace rejects (checked against strace 6.1 by hand).
#include "inject/parse.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <signal.h>

namespace whyfail::inject {
namespace {

InjectRule ok(RuleKind kind, const char* text) {
  auto r = parse_rule(kind, text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().what);
  return r ? *r : InjectRule{};
}

std::string error_of(RuleKind kind, const char* text) {
  auto r = parse_rule(kind, text);
  EXPECT_FALSE(r) << text << " was accepted";
  return r ? "" : r.error().what + "; " + r.error().hint;
}

TEST(InjectParse, ErrorByNameNumberAndLowercase) {
  auto r = ok(RuleKind::Inject, "openat,read:error=ENOENT");
  EXPECT_EQ(r.set_expr, "openat,read");
  EXPECT_TRUE(r.has_error);
  EXPECT_EQ(r.error, ENOENT);
  EXPECT_EQ(r.injected_return(), -ENOENT);
  EXPECT_TRUE(r.replaces_result());
  EXPECT_EQ(ok(RuleKind::Inject, "read:error=13").error, EACCES);
  EXPECT_EQ(ok(RuleKind::Inject, "read:error=eacces").error, EACCES);
  EXPECT_EQ(ok(RuleKind::Inject, "read:error=4095").error, 4095);
}

TEST(InjectParse, Retval) {
  auto r = ok(RuleKind::Inject, "getpid:retval=42");
  EXPECT_TRUE(r.has_retval);
  EXPECT_EQ(r.injected_return(), 42);
  EXPECT_EQ(ok(RuleKind::Inject, "getpid:retval=0x10").retval, 16);
  EXPECT_EQ(ok(RuleKind::Inject, "getpid:retval=0").retval, 0);
}

TEST(InjectParse, SignalDelaysAndSyscall) {
  auto r = ok(RuleKind::Inject, "getppid:signal=SIGUSR1");
  EXPECT_EQ(r.signal, SIGUSR1);
  EXPECT_FALSE(r.replaces_result());
  EXPECT_EQ(ok(RuleKind::Inject, "getppid:signal=usr2").signal, SIGUSR2);
  EXPECT_EQ(ok(RuleKind::Inject, "getppid:signal=9").signal, 9);
  auto d = ok(RuleKind::Inject, "read:delay_enter=1.5ms:delay_exit=20");
  EXPECT_EQ(d.delay_enter_ns, 1500000u);
  EXPECT_EQ(d.delay_exit_ns, 20000u);  // microseconds by default
  EXPECT_EQ(ok(RuleKind::Inject, "read:delay_enter=2s").delay_enter_ns, 2000000000u);
  EXPECT_EQ(ok(RuleKind::Inject, "read:delay_enter=7ns").delay_enter_ns, 7u);
  EXPECT_EQ(ok(RuleKind::Inject, "openat:retval=3:syscall=getpid").substitute_nr, 39);
}

TEST(InjectParse, FaultDefaultsToEnosys) {
  auto r = ok(RuleKind::Fault, "openat");
  EXPECT_TRUE(r.has_error);
  EXPECT_EQ(r.error, ENOSYS);
  EXPECT_EQ(ok(RuleKind::Fault, "openat:error=EPERM:when=2").error, EPERM);
}

TEST(InjectParse, DelayForm) {
  EXPECT_EQ(ok(RuleKind::Delay, "read:delay_exit=5ms").delay_exit_ns, 5000000u);
  EXPECT_NE(error_of(RuleKind::Delay, "read").find("no delay_enter="), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Delay, "read:delay_enter=1:error=EIO").find("-e delay= takes"), std::string::npos);
}

TEST(InjectParse, WhyfailFilters) {
  auto r = ok(RuleKind::Inject, "openat:error=EACCES:path=/etc/*:comm=cat:exe=/usr/bin/*:caller=load_*");
  EXPECT_EQ(r.path, "/etc/*");
  EXPECT_EQ(r.comm, "cat");
  EXPECT_EQ(r.exe, "/usr/bin/*");
  EXPECT_EQ(r.caller, "load_*");
  EXPECT_TRUE(r.needs_stack());
  EXPECT_EQ(ok(RuleKind::Inject, "openat:error=EIO:site=0123456789abcdef:when=2").site, "0123456789abcdef");
  EXPECT_EQ(ok(RuleKind::Fault, "openat:path=/tmp/*").path, "/tmp/*");
}

TEST(InjectParse, TrailingAndDoubleColonsAreIgnoredAsInStrace) {
  EXPECT_EQ(ok(RuleKind::Inject, "getpid:error=1:").error, 1);
  EXPECT_EQ(ok(RuleKind::Inject, "getpid::error=1").error, 1);
}

TEST(InjectParse, LastWhenWins) {
  auto r = ok(RuleKind::Inject, "getpid:error=1:when=1:when=3+");
  EXPECT_EQ(r.when.first, 3u);
  EXPECT_EQ(r.when.step, 1u);
}

TEST(InjectParse, WhatStraceRejects) {
  // Each of these is refused by strace 6.1 too ("invalid inject argument").
  EXPECT_NE(error_of(RuleKind::Inject, "getpid").find("nothing to inject"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:error=EFOO").find("unknown errno 'EFOO'"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:error=4096").find("unknown errno"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:error=0").find("unknown errno"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:error=ENOENT:retval=1").find("only one error= or retval="),
            std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:error=ENOENT:error=EPERM").find("only one"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:signal=FOO").find("unknown signal 'FOO'"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:signal=0").find("unknown signal"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:signal=65").find("unknown signal"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:delay_enter=abc").find("bad delay 'abc'"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:delay_enter=-1").find("bad delay"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:delay_enter=3h").find("bad delay"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:signal=USR1:syscall=gettid").find("syscall= needs error= or retval="),
            std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:retval=3:syscall=openat").find("not a call without side effects"),
            std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:foo=1").find("unknown option 'foo'"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, ":error=1").find("no syscall set"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Fault, "getpid:retval=3").find("-e fault= takes"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Fault, "getpid:signal=USR1").find("-e fault= takes"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "getpid:error=1:poke_enter=@arg1=00").find("not supported"),
            std::string::npos);
}

TEST(InjectParse, FilterErrors) {
  EXPECT_NE(error_of(RuleKind::Inject, "openat:error=EIO:path=").find("path= needs a glob"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "openat:error=EIO:site=xyz").find("16 lowercase hex"), std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "openat:error=EIO:site=0123456789ABCDEF").find("16 lowercase hex"),
            std::string::npos);
  EXPECT_NE(error_of(RuleKind::Inject, "openat:error").find("not KEY=VALUE"), std::string::npos);
}

TEST(InjectParse, ErrorsNameTheRuleAndSayWhatToDo) {
  auto r = parse_rule(RuleKind::Inject, "getpid:error=EFOO");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what, "bad -e inject=getpid:error=EFOO: unknown errno 'EFOO'");
  EXPECT_FALSE(r.error().hint.empty());
}

TEST(InjectWhenParse, Forms) {
  auto w = parse_when("3");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->first, 3u);
  EXPECT_EQ(w->last, 0u);
  EXPECT_EQ(w->step, 0u);
  w = parse_when("3+");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->step, 1u);
  w = parse_when("2..5");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->last, 5u);
  EXPECT_EQ(w->step, 1u);
  w = parse_when("2..9+3");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->first, 2u);
  EXPECT_EQ(w->last, 9u);
  EXPECT_EQ(w->step, 3u);
  w = parse_when("1+2");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->step, 2u);
}

TEST(InjectWhenParse, StraceLimits) {
  EXPECT_TRUE(parse_when("65535"));
  EXPECT_FALSE(parse_when("65536"));
  EXPECT_FALSE(parse_when("0"));
  EXPECT_TRUE(parse_when("1..65534"));
  EXPECT_FALSE(parse_when("1..65535"));
  EXPECT_FALSE(parse_when("2..1"));
  EXPECT_FALSE(parse_when("1+0"));
  EXPECT_FALSE(parse_when("1+65536"));
  EXPECT_FALSE(parse_when(""));
  EXPECT_FALSE(parse_when("x"));
  EXPECT_FALSE(parse_when("1..x"));
}

TEST(InjectDelayParse, Units) {
  EXPECT_EQ(*parse_delay("10"), 10000u);
  EXPECT_EQ(*parse_delay("10us"), 10000u);
  EXPECT_EQ(*parse_delay("0.5s"), 500000000u);
  EXPECT_EQ(*parse_delay("3ms"), 3000000u);
  EXPECT_EQ(*parse_delay("0"), 0u);
  EXPECT_FALSE(parse_delay("ms"));
  EXPECT_FALSE(parse_delay("1m"));
  EXPECT_FALSE(parse_delay(""));
}

}  // namespace
}  // namespace whyfail::inject
