#include "cli/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace whyfail::cli {
namespace {

Result<Options> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "whyfail");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return parse_options(static_cast<int>(args.size()), argv.data());
}

TEST(Options, CommandAfterDashDashOrBare) {
  auto a = parse({"--", "true", "-x"});
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(a->command, (std::vector<std::string>{"true", "-x"}));
  auto b = parse({"-T", "true", "-T"});
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->durations);
  EXPECT_EQ(b->command, (std::vector<std::string>{"true", "-T"}));
}

TEST(Options, ClusteredFlagsAndTimestamps) {
  auto o = parse({"-fTtt", "-r", "-y", "--", "true"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->timestamps, report::Timestamps::Micros);
  EXPECT_TRUE(o->relative);
  EXPECT_TRUE(o->fd_paths);
  EXPECT_EQ(parse({"-ttt", "true"})->timestamps, report::Timestamps::Epoch);
  EXPECT_EQ(parse({"-t", "true"})->timestamps, report::Timestamps::Seconds);
}

TEST(Options, ValuesAttachedOrSeparate) {
  auto o = parse({"-s100", "-o", "/tmp/x", "-etrace=openat", "-e", "status=all", "true"});
  ASSERT_TRUE(o) << o.error().what;
  EXPECT_EQ(o->string_limit, 100u);
  EXPECT_EQ(o->output_file, "/tmp/x");
  EXPECT_EQ(o->trace_exprs, (std::vector<std::string>{"openat"}));
  EXPECT_EQ(o->status, StatusFilter::All);
}

TEST(Options, AllImpliesEveryStatusUnlessStatusGiven) {
  EXPECT_EQ(parse({"--all", "true"})->status, StatusFilter::All);
  EXPECT_EQ(parse({"--all", "-e", "status=failed", "true"})->status, StatusFilter::Failed);
  EXPECT_EQ(parse({"true"})->status, StatusFilter::Failed);
}

TEST(Options, PidsRepeatableAndCommaSeparated) {
  const std::string self = std::to_string(::getppid());
  auto o = parse({"-p", self, "-p" + self + "," + self});
  ASSERT_TRUE(o) << o.error().what;
  EXPECT_EQ(o->pids.size(), 3u);
}

TEST(Options, BadValuesAreOneLineErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-s", "abc", "true"}, {"-p", "0"}, {"-p", "abc"}, {"--bogus", "true"}, {"-Z", "true"},
           {"-s"}, {"--backend=magic", "true"}, {"--color=sometimes", "true"}, {},
           {"-e", "trace=opn", "true"}, {"-e", "signal=all", "true"}, {"--comm", "x", "true"},
           {"--system", "true"}, {"--system", "--backend=ptrace"}, {"--duration", "-1", "--system"},
           {"definitely-not-a-command-whyfail"}, {"-p", "1", "true"}, {"--json=yes", "true"}}) {
    auto o = parse(args);
    ASSERT_FALSE(o) << "accepted: " << (args.empty() ? "" : args[0]);
    EXPECT_FALSE(o.error().what.empty());
    EXPECT_EQ(o.error().what.find('\n'), std::string::npos);
  }
}

TEST(Options, NonexistentPidIsRefused) {
  // A pid beyond pid_max can never exist.
  auto o = parse({"-p", "1073741823"});
  ASSERT_FALSE(o);
  EXPECT_NE(o.error().what.find("1073741823"), std::string::npos);
}

TEST(Options, Verbs) {
  EXPECT_EQ(parse({"--help"})->verb, Verb::Help);
  EXPECT_EQ(parse({"-h"})->verb, Verb::Help);
  EXPECT_EQ(parse({"--version"})->verb, Verb::Version);
  auto d = parse({"doctor", "--json"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verb, Verb::Doctor);
  EXPECT_TRUE(d->doctor_json);
  EXPECT_FALSE(parse({"doctor", "--bogus"}));
}

TEST(Options, SystemWideFilters) {
  auto o = parse({"--system", "--comm", "nginx,cat", "--uid=1000", "--errno", "2", "--duration", "1.5"});
  ASSERT_TRUE(o) << o.error().what;
  EXPECT_TRUE(o->system);
  EXPECT_EQ(o->comm_filter.size(), 2u);
  EXPECT_EQ(o->uid_filter, (std::vector<uid_t>{1000}));
  EXPECT_DOUBLE_EQ(o->duration_s, 1.5);
}

TEST(Options, SeccompAndBackendAndFdPaths) {
  auto o = parse({"--no-seccomp", "--backend=ptrace", "--no-fd-paths", "--color=never", "true"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->seccomp, SeccompChoice::Off);
  EXPECT_EQ(o->backend, BackendChoice::Ptrace);
  EXPECT_FALSE(o->fd_paths);
  EXPECT_EQ(o->color, report::ColorMode::Never);
}

}  // namespace
}  // namespace whyfail::cli

namespace whyfail::cli {
namespace {

Result<Options> parse_inject(std::vector<std::string> args) {
  args.insert(args.begin(), "whyfail");
  args.push_back("--");
  args.push_back("true");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(args.size()), argv.data());
}

TEST(OptionsInject, RulesAccumulateWithTheirSyscallSets) {
  auto o = parse_inject({"-e", "inject=%network:error=ETIMEDOUT", "-e", "fault=openat:when=2", "--inject=read:retval=0",
                         "-edelay=write:delay_exit=1ms"});
  ASSERT_TRUE(o) << o.error().what;
  ASSERT_EQ(o->inject_rules.size(), 4u);
  EXPECT_TRUE(o->inject_rules[0].syscalls.test(42));    // connect is in %network
  EXPECT_FALSE(o->inject_rules[0].syscalls.test(257));
  EXPECT_TRUE(o->inject_rules[1].syscalls.test(257));   // openat
  EXPECT_EQ(o->inject_rules[1].when.first, 2u);
  EXPECT_TRUE(o->inject_rules[2].has_retval);
  EXPECT_EQ(o->inject_rules[3].delay_exit_ns, 1000000u);
}

TEST(OptionsInject, Errors) {
  auto unknown = parse_inject({"-e", "inject=opnat:error=EIO"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().what, "bad -e inject=opnat:error=EIO: unknown syscall 'opnat'");
  EXPECT_NE(unknown.error().hint.find("openat"), std::string::npos);
  auto empty = parse_inject({"-e", "inject=none:error=EIO"});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().what.find("is empty"), std::string::npos);
  auto bpf = parse_inject({"--backend=bpf", "-e", "inject=openat:error=EIO"});
  ASSERT_FALSE(bpf);
  EXPECT_NE(bpf.error().what.find("needs the ptrace backend"), std::string::npos);
  EXPECT_TRUE(parse_inject({"--backend=ptrace", "-e", "inject=openat:error=EIO"}));
  // caller= and site= filter by the user stack (the ptrace tracer unwinds it at entry).
  auto site = parse_inject({"-e", "inject=openat:error=EIO:site=0123456789abcdef"});
  ASSERT_TRUE(site) << site.error().what;
  EXPECT_EQ(site->inject_rules.at(0).site, "0123456789abcdef");
  auto caller = parse_inject({"-e", "inject=openat:error=EIO:caller=load_*"});
  ASSERT_TRUE(caller) << caller.error().what;
  EXPECT_TRUE(caller->inject_rules.at(0).needs_stack());
  auto bad_site = parse_inject({"-e", "inject=openat:error=EIO:site=main"});
  ASSERT_FALSE(bad_site);
  EXPECT_NE(bad_site.error().what.find("16 lowercase hex digits"), std::string::npos);
}

}  // namespace
}  // namespace whyfail::cli
