#include "report/text.h"

#include <gtest/gtest.h>
#include <time.h>

#include "decode/value.h"

namespace whyfail::report {
namespace {

using decode::Value;

TEST(RenderValue, Scalars) {
  EXPECT_EQ(render_value(Value::make_int(-100)), "-100");
  EXPECT_EQ(render_value(Value::make_uint(42)), "42");
  EXPECT_EQ(render_value(Value::make_hex(0x7f00)), "0x7f00");
  EXPECT_EQ(render_value(Value::make_octal(0644)), "0644");
  // strace's %#03o and %#x: at least three octal digits, and a plain 0.
  EXPECT_EQ(render_value(Value::make_octal(0)), "000");
  EXPECT_EQ(render_value(Value::make_octal(07)), "007");
  EXPECT_EQ(render_value(Value::make_octal(04755)), "04755");
  EXPECT_EQ(render_value(Value::make_hex(0)), "0");
  EXPECT_EQ(render_value(Value::make_null()), "NULL");
  EXPECT_EQ(render_value(Value::make_symbol("O_RDONLY|O_CLOEXEC")), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(render_value(Value::make_unreadable(0x1000)), "0x1000");
}

TEST(RenderValue, BytesAreQuotedEscapedAndMarkedWhenTruncated) {
  EXPECT_EQ(render_value(Value::make_bytes("/etc/passwd", false)), "\"/etc/passwd\"");
  EXPECT_EQ(render_value(Value::make_bytes("a\nb\"", true)), "\"a\\nb\\\"\"...");
  EXPECT_EQ(render_value(Value::make_bytes(std::string("\x00\xff", 2), false)), "\"\\x00\\xff\"");
}

TEST(RenderValue, EnvironmentsAreAbbreviatedAndAbstractNamesMarked) {
  Value env;
  env.kind = Value::Kind::Array;
  env.items = {Value::make_bytes("A=1", false), Value::make_bytes("B=2", false)};
  EXPECT_EQ(render_value(env), "[\"A=1\", \"B=2\"]");
  env.elided = true;
  env.u = 0x7ffd1000;
  env.i = 2;
  EXPECT_EQ(render_value(env), "0x7ffd1000 /* 2 vars */");
  env.i = 1;
  EXPECT_EQ(render_value(env), "0x7ffd1000 /* 1 var */");

  Value name = Value::make_bytes("sock\n", false);
  name.prefix = "@";
  EXPECT_EQ(render_value(name), "@\"sock\\n\"");
}

TEST(RenderValue, FdAnnotationIsEscaped) {
  EXPECT_EQ(render_value(Value::make_fd(3, "/etc/passwd")), "3</etc/passwd>");
  EXPECT_EQ(render_value(Value::make_fd(4)), "4");
  EXPECT_EQ(render_value(Value::make_fd(5, "/tmp/a\nb")), "5</tmp/a\\nb>");
}

TEST(RenderValue, StructsAndArrays) {
  Value st;
  st.kind = Value::Kind::Struct;
  st.fields = {{"st_mode", Value::make_symbol("S_IFREG|0644")}, {"st_size", Value::make_uint(3)}};
  EXPECT_EQ(render_value(st), "{st_mode=S_IFREG|0644, st_size=3}");

  Value arr;
  arr.kind = Value::Kind::Array;
  arr.items = {Value::make_bytes("ls", false), Value::make_bytes("-l", false)};
  EXPECT_EQ(render_value(arr), "[\"ls\", \"-l\"]");
  arr.truncated = true;
  EXPECT_EQ(render_value(arr), "[\"ls\", \"-l\", ...]");
}

TEST(RenderValue, SymbolWithControlCharacterIsEscaped) {
  EXPECT_EQ(render_value(Value::make_symbol("A\x1b[31m")), "A\\x1b[31m");
}

trace::SyscallEvent failed_openat() {
  trace::SyscallEvent ev;
  ev.pid = ev.tid = 41;
  ev.nr = 257;
  ev.ret = -2;
  ev.enter_ns = 1000;
  ev.exit_ns = 2500;
  return ev;
}

decode::DecodedCall openat_call() {
  decode::DecodedCall call;
  call.name = "openat";
  call.args = {Value::make_symbol("AT_FDCWD"), Value::make_bytes("/nonexistent/dir/file", false),
               Value::make_symbol("O_RDONLY")};
  call.ret = Value::make_int(-2);
  call.err = 2;
  call.errno_name = "ENOENT";
  call.errno_text = "No such file or directory";
  return call;
}

TEST(TextRenderer, FailedCallStraceStyleWithPidOnlyWhenSeveralProcesses) {
  TextRenderer r{TextOptions{}};
  r.note_process(41);
  const std::string line = r.syscall(failed_openat(), openat_call(), nullptr);
  EXPECT_EQ(line, "openat(AT_FDCWD, \"/nonexistent/dir/file\", O_RDONLY) = -1 ENOENT (No such file or directory)\n");
  trace::SpawnEvent spawn;
  spawn.parent_pid = spawn.parent_tid = 41;
  spawn.child_pid = spawn.child_tid = 42;
  r.spawn(spawn);
  EXPECT_EQ(r.syscall(failed_openat(), openat_call(), nullptr).rfind("[pid    41] openat(", 0), 0u);
}

TEST(TextRenderer, DurationAndUnfinished) {
  TextOptions o;
  o.durations = true;
  TextRenderer r{o};
  EXPECT_NE(r.syscall(failed_openat(), openat_call(), nullptr).find(" <0.000001>"), std::string::npos);
  trace::SyscallEvent ev = failed_openat();
  ev.finished = false;
  EXPECT_NE(r.syscall(ev, openat_call(), nullptr).find(") = ?"), std::string::npos);
}

// Local time as the C library gives it for the same instant, computed here
// rather than copied from the function under test.
std::string local_hms(time_t secs) {
  struct tm tm_buf {};
  localtime_r(&secs, &tm_buf);
  char out[16];
  strftime(out, sizeof out, "%H:%M:%S", &tm_buf);
  return out;
}

TEST(RenderTimestamp, EachFormatAndEachSecondItsOwnTime) {
  const int64_t t = 1764763445LL * 1000000000 + 123456789;  // 2025-12-03, microseconds 123456
  EXPECT_EQ(render_timestamp(Timestamps::None, t), "");
  EXPECT_EQ(render_timestamp(Timestamps::Epoch, t), "1764763445.123456 ");
  EXPECT_EQ(render_timestamp(Timestamps::Seconds, t), local_hms(1764763445) + " ");
  EXPECT_EQ(render_timestamp(Timestamps::Micros, t), local_hms(1764763445) + ".123456 ");
  // The time of day is converted once per second: the next second and a
  // return to the first must each show their own.
  EXPECT_EQ(render_timestamp(Timestamps::Micros, t + 1000000000), local_hms(1764763446) + ".123456 ");
  EXPECT_EQ(render_timestamp(Timestamps::Seconds, t + 3600LL * 1000000000), local_hms(1764763445 + 3600) + " ");
  EXPECT_EQ(render_timestamp(Timestamps::Micros, t + 5000), local_hms(1764763445) + ".123461 ");
}

TEST(TextRenderer, ExitAndSignalLines) {
  TextRenderer r{TextOptions{}};
  trace::ExitEvent ex;
  ex.pid = ex.tid = 7;
  ex.code = 1;
  EXPECT_EQ(r.exit(ex), "+++ exited with 1 +++\n");
  ex.killed = true;
  ex.signo = 11;
  ex.core_dumped = true;
  EXPECT_NE(r.exit(ex).find("+++ killed by "), std::string::npos);
  EXPECT_NE(r.exit(ex).find("(core dumped) +++"), std::string::npos);
  ex.thread_only = true;
  EXPECT_EQ(r.exit(ex), "");

  trace::SignalEvent sig;
  sig.pid = sig.tid = 7;
  sig.signo = 10;
  sig.si_code = 0;
  sig.sender_pid = 42;
  const std::string line = r.signal(sig);
  EXPECT_EQ(line.rfind("--- ", 0), 0u);
  EXPECT_NE(line.find("si_code=SI_USER, si_pid=42, si_uid=0} ---\n"), std::string::npos);
}

TEST(TextRenderer, LostEvents) {
  TextRenderer r{TextOptions{}};
  trace::LostEvent lost;
  lost.count = 12;
  lost.reason = "ring buffer full";
  EXPECT_EQ(r.lost(lost), "whyfail: 12 events lost (ring buffer full)\n");
}

TEST(TextRenderer, ColourOnlyWhenAskedAndNeverAroundTraceeBytes) {
  TextOptions o;
  o.palette.on = true;
  TextRenderer r{o};
  const std::string line = r.syscall(failed_openat(), openat_call(), nullptr);
  EXPECT_NE(line.find("\x1b[31m-1 ENOENT"), std::string::npos);
  EXPECT_NE(line.find("\"/nonexistent/dir/file\""), std::string::npos);
}

TEST(RenderKernelOrigin, CallSiteSourceAndDivergence) {
  trace::KernelOrigin k;
  k.found = true;
  k.origin.function = "filename_create";
  k.origin.called_from = "do_mkdirat+0x5c";
  k.origin.source = {" 3801:     if (!IS_ERR(dentry))\x1b[2J", ">3802:         error = -EEXIST;"};
  k.chain = {k.origin};
  trace::KernelDivergence d;
  d.within = "do_mkdirat";
  d.common = 4;
  d.failing = {"filename_create", -17};
  d.succeeding = {"filename_create", 0x7fff0000ffff};
  d.success_tid = 12;
  k.divergence = d;
  const std::string out = render_kernel_origin(k);
  EXPECT_EQ(out,
            "  kernel: filename_create called from do_mkdirat+0x5c\n"
            "     3801:     if (!IS_ERR(dentry))\\x1b[2J\n"
            "    >3802:         error = -EEXIST;\n"
            "  kernel: vs a successful call (tid 12): 4 identical traced returns, then in do_mkdirat: here "
            "filename_create returned -EEXIST; there filename_create returned 0x7fff0000ffff\n");
  // The syscall itself returning, at the top level.
  d.within = "";
  d.failing = {"", -1};
  d.succeeding = {"", 3};
  k.divergence = d;
  k.origin.source.clear();
  EXPECT_NE(render_kernel_origin(k).find("then at the top level: here the syscall returned -EPERM; there the "
                                         "syscall returned 3"),
            std::string::npos);
}

}  // namespace
}  // namespace whyfail::report

namespace whyfail::report {
namespace {

TEST(RenderKernelOrigin, FunctionChainAndMechanism) {
  trace::KernelOrigin k;
  k.found = true;
  k.origin.function = "perf_copy_attr";
  k.chain = {k.origin, trace::KernelFrame{}};
  k.chain[1].function = "__x64_sys_perf_event_open";
  k.mechanism = "fexit";
  EXPECT_EQ(render_kernel_origin(k),
            "  kernel: perf_copy_attr  (chain: perf_copy_attr <- __x64_sys_perf_event_open)  [fexit]\n");
  trace::KernelOrigin none;
  none.note = "no traced function returned\nit";
  EXPECT_EQ(render_kernel_origin(none), "  kernel: origin not found: no traced function returned\\x0ait\n");
}

}  // namespace
}  // namespace whyfail::report
