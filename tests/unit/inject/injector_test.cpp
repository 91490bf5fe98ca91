// The :when= arithmetic and the filters, on the Injector the tracer uses.
#include "inject/injector.h"

#include <errno.h>
#include <gtest/gtest.h>

#include <vector>

#include "inject/parse.h"

namespace whyfail::inject {
namespace {

// Facts given by the test; counts how often each was asked for.
struct FakeFacts : CallFacts {
  std::string comm_v = "prog", exe_v = "/usr/bin/prog", site_v;
  std::optional<std::string> path_v;
  std::vector<std::string> functions_v;
  int asked_stack = 0, asked_path = 0;
  std::string comm() override { return comm_v; }
  std::string exe() override { return exe_v; }
  std::optional<std::string> path() override {
    ++asked_path;
    return path_v;
  }
  std::vector<std::string> functions() override {
    ++asked_stack;
    return functions_v;
  }
  std::string call_site() override {
    ++asked_stack;
    return site_v;
  }
};

constexpr int kGetpid = 39;
constexpr int kOpenat = 257;

InjectRule rule(const char* text, std::initializer_list<int> nrs) {
  auto r = parse_rule(RuleKind::Inject, text);
  EXPECT_TRUE(r) << text;
  for (int nr : nrs) r->syscalls.set(static_cast<std::size_t>(nr));
  return *r;
}

// Which of calls 1..n of `nr` in thread 100 are injected.
std::vector<int> fired(Injector& inj, int nr, int n, FakeFacts& facts) {
  std::vector<int> out;
  for (int i = 1; i <= n; ++i)
    if (inj.decide(100, nr, facts)) out.push_back(i);
  return out;
}

std::vector<int> fired_for(const char* when, int n) {
  Injector inj({rule((std::string("getpid:error=EIO:when=") + when).c_str(), {kGetpid})});
  FakeFacts facts;
  return fired(inj, kGetpid, n, facts);
}

TEST(InjectWhen, Arithmetic) {
  EXPECT_EQ(fired_for("3", 8), (std::vector<int>{3}));
  EXPECT_EQ(fired_for("3+", 6), (std::vector<int>{3, 4, 5, 6}));
  EXPECT_EQ(fired_for("2..4", 8), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(fired_for("2..4+", 8), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(fired_for("1+3", 10), (std::vector<int>{1, 4, 7, 10}));
  EXPECT_EQ(fired_for("2..8+3", 12), (std::vector<int>{2, 5, 8}));
}

TEST(InjectWhen, EveryCallWithoutWhen) {
  Injector inj({rule("getpid:error=EIO", {kGetpid})});
  FakeFacts facts;
  EXPECT_EQ(fired(inj, kGetpid, 3, facts), (std::vector<int>{1, 2, 3}));
}

TEST(InjectWhen, CountedPerSyscallAndPerThread) {
  // As strace: "per syscall and per tracee". getpid and openat share the
  // rule but not the count; another thread starts from 1.
  Injector inj({rule("getpid,openat:error=EIO:when=2", {kGetpid, kOpenat})});
  FakeFacts facts;
  EXPECT_FALSE(inj.decide(100, kGetpid, facts));
  EXPECT_FALSE(inj.decide(100, kOpenat, facts));
  EXPECT_FALSE(inj.decide(200, kGetpid, facts));
  EXPECT_TRUE(inj.decide(100, kGetpid, facts));
  EXPECT_TRUE(inj.decide(100, kOpenat, facts));
  EXPECT_TRUE(inj.decide(200, kGetpid, facts));
  inj.forget_thread(200);
  EXPECT_FALSE(inj.decide(200, kGetpid, facts));  // a new thread with a reused tid starts afresh
}

TEST(InjectWhen, OnlyCallsPassingTheFiltersCount) {
  Injector inj({rule("openat:error=EACCES:path=/etc/*:when=2", {kOpenat})});
  FakeFacts facts;
  facts.path_v = "/usr/lib/libc.so.6";
  EXPECT_FALSE(inj.decide(100, kOpenat, facts));
  facts.path_v = "/etc/passwd";
  EXPECT_FALSE(inj.decide(100, kOpenat, facts));  // first under /etc
  facts.path_v = "/tmp/x";
  EXPECT_FALSE(inj.decide(100, kOpenat, facts));
  facts.path_v = "/etc/group";
  EXPECT_TRUE(inj.decide(100, kOpenat, facts));   // second under /etc
}

TEST(InjectFilters, CommExeAndPathGlobs) {
  Injector inj({rule("openat:error=EIO:comm=pro?:exe=/usr/*", {kOpenat})});
  FakeFacts facts;
  EXPECT_TRUE(inj.decide(1, kOpenat, facts));
  facts.comm_v = "other";
  EXPECT_FALSE(inj.decide(1, kOpenat, facts));
  facts.comm_v = "prog";
  facts.exe_v = "/opt/prog";
  EXPECT_FALSE(inj.decide(1, kOpenat, facts));
  Injector by_path({rule("openat:error=EIO:path=/etc/*", {kOpenat})});
  facts.path_v = std::nullopt;  // no readable path: no match
  EXPECT_FALSE(by_path.decide(1, kOpenat, facts));
  facts.path_v = "/etc/ssl/certs/x.pem";  // '*' crosses '/'
  EXPECT_TRUE(by_path.decide(1, kOpenat, facts));
}

TEST(InjectFilters, CallerAndSite) {
  Injector by_caller({rule("openat:error=EIO:caller=load_*", {kOpenat})});
  FakeFacts facts;
  facts.functions_v = {"__open64", "", "load_config", "main"};
  EXPECT_TRUE(by_caller.decide(1, kOpenat, facts));
  facts.functions_v = {"__open64", "main"};
  EXPECT_FALSE(by_caller.decide(1, kOpenat, facts));
  Injector by_site({rule("openat:error=EIO:site=00000000000000aa", {kOpenat})});
  facts.site_v = "00000000000000aa";
  EXPECT_TRUE(by_site.decide(1, kOpenat, facts));
  facts.site_v = "00000000000000ab";
  EXPECT_FALSE(by_site.decide(1, kOpenat, facts));
}

TEST(InjectFilters, StackAndPathReadOnlyWhenARuleNeedsThem) {
  Injector inj({rule("openat:error=EIO", {kOpenat}), rule("getpid:error=EIO:caller=f", {kGetpid})});
  FakeFacts facts;
  inj.decide(1, kOpenat, facts);
  EXPECT_EQ(facts.asked_stack, 0);
  EXPECT_EQ(facts.asked_path, 0);
  inj.decide(1, 1 /* write: no rule */, facts);
  EXPECT_EQ(facts.asked_stack, 0);
  inj.decide(1, kGetpid, facts);
  EXPECT_EQ(facts.asked_stack, 1);
}

TEST(InjectRules, LaterRuleWinsWhenBothFire) {
  Injector inj({rule("openat:error=ENOENT", {kOpenat}), rule("openat:error=EACCES:when=2", {kOpenat})});
  FakeFacts facts;
  EXPECT_EQ(inj.decide(1, kOpenat, facts)->error, ENOENT);
  EXPECT_EQ(inj.decide(1, kOpenat, facts)->error, EACCES);
  EXPECT_EQ(inj.decide(1, kOpenat, facts)->error, ENOENT);
  EXPECT_FALSE(inj.covers(kGetpid));
  EXPECT_TRUE(inj.covers(kOpenat));
}

}  // namespace
}  // namespace whyfail::inject
