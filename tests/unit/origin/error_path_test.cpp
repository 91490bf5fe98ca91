#include "origin/error_path.h"

#include <gtest/gtest.h>

#include <map>

using namespace whyfail::origin;

namespace {

// A fake kernel: function "addresses" are small integers.
struct Fake {
  std::map<uint64_t, FunctionInfo> funcs;
  uint64_t add(const std::string& name, int ret_size = 4) {
    uint64_t ip = 0x1000 + funcs.size() * 0x100;
    funcs[ip] = FunctionInfo{name, ip, ret_size};
    return ip;
  }
  FunctionResolver resolver() const {
    return [this](uint64_t ip) -> const FunctionInfo* {
      auto it = funcs.find(ip);
      return it == funcs.end() ? nullptr : &it->second;
    };
  }
};

uint64_t neg(int e) { return uint64_t(int64_t(-e)); }

}  // namespace

TEST(CallTree, NestsByStackDepth) {
  // sys { a { b } c }: returns b, a, c, sys; deeper = lower sp.
  std::vector<FunctionReturn> r = {{1, 0, 800}, {2, 0, 900}, {3, 0, 900}, {4, 0, 1000}};
  CallTree t = build_call_tree(r);
  ASSERT_EQ(t.roots.size(), 1u);
  EXPECT_EQ(t.roots[0], 3u);
  EXPECT_EQ(t.nodes[3].children, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(t.nodes[1].children, (std::vector<size_t>{0}));
  EXPECT_EQ(t.nodes[0].parent, 1);
}

TEST(FindOrigin, DeepestFunctionThatMadeTheValue) {
  // __x64_sys_perf_event_open { security_perf_event_open = 0; perf_copy_attr = -EINVAL }
  Fake k;
  uint64_t sys = k.add("__x64_sys_perf_event_open", 8);
  uint64_t sec = k.add("security_perf_event_open");
  uint64_t copy = k.add("perf_copy_attr");
  uint64_t get = k.add("__get_user_size");
  std::vector<FunctionReturn> r = {
      {sec, 0, 900}, {get, 0, 800}, {copy, 0xffffffffull & neg(EINVAL), 900}, {sys, neg(EINVAL), 1000}};
  auto o = find_origin(r, -EINVAL, k.resolver());
  ASSERT_TRUE(o.found) << o.note;
  EXPECT_EQ(o.origin.function, "perf_copy_attr");
  EXPECT_EQ(o.origin.ret, -EINVAL);
  ASSERT_EQ(o.chain.size(), 2u);
  EXPECT_EQ(o.chain[1].function, "__x64_sys_perf_event_open");
  // Graph in call order with depth.
  ASSERT_EQ(o.graph.size(), 4u);
  EXPECT_EQ(o.graph[0].function, "__x64_sys_perf_event_open");
  EXPECT_EQ(o.graph[1].function, "security_perf_event_open");
  EXPECT_EQ(o.graph[2].function, "perf_copy_attr");
  EXPECT_EQ(o.graph[3].depth, 2);
  EXPECT_TRUE(o.graph[2].on_error_path);
  EXPECT_FALSE(o.graph[1].on_error_path);
}

TEST(FindOrigin, IntReturnIgnoresUpperHalf) {
  Fake k;
  uint64_t f = k.add("f", 4);
  // An int -ENOENT with garbage above bit 31.
  std::vector<FunctionReturn> r = {{f, 0xdead0000fffffffeull, 100}};
  auto o = find_origin(r, -ENOENT, k.resolver());
  ASSERT_TRUE(o.found);
  EXPECT_EQ(o.origin.function, "f");
  // The same bits as a pointer are not an error.
  Fake p;
  uint64_t g = p.add("g", 8);
  r = {{g, 0xdead0000fffffffeull, 100}};
  EXPECT_FALSE(find_origin(r, -ENOENT, p.resolver()).found);
}

TEST(FindOrigin, ErrPtrChainPicksTheLastCarrier) {
  // top { lookup = ERR_PTR(-ENOENT) (first try), retry { inner = -ENOENT } = -ENOENT } = -ENOENT
  Fake k;
  uint64_t top = k.add("top", 8), lookup = k.add("lookup", 8), retry = k.add("retry", 4),
           inner = k.add("inner", 4);
  std::vector<FunctionReturn> r = {
      {lookup, neg(ENOENT), 900}, {inner, neg(ENOENT), 800}, {retry, neg(ENOENT), 900}, {top, neg(ENOENT), 1000}};
  auto o = find_origin(r, -ENOENT, k.resolver());
  ASSERT_TRUE(o.found);
  EXPECT_EQ(o.origin.function, "inner");
  ASSERT_EQ(o.chain.size(), 3u);
  EXPECT_EQ(o.chain[1].function, "retry");
}

TEST(FindOrigin, ChangedValueIsFollowedWithANote) {
  Fake k;
  uint64_t f = k.add("vfs_ioctl");
  std::vector<FunctionReturn> r = {{f, neg(515) /* ENOIOCTLCMD */, 100}};
  auto o = find_origin(r, -ENOTTY, k.resolver());
  ASSERT_TRUE(o.found);
  EXPECT_EQ(o.origin.function, "vfs_ioctl");
  EXPECT_NE(o.note.find("-ENOTTY"), std::string::npos) << o.note;
}

TEST(FindOrigin, NothingMatchesSaysSo) {
  Fake k;
  uint64_t f = k.add("f");
  auto o = find_origin({{f, 0, 100}}, -EPERM, k.resolver());
  EXPECT_FALSE(o.found);
  EXPECT_NE(o.note.find("outside the traced functions"), std::string::npos) << o.note;
  EXPECT_FALSE(find_origin({}, -EPERM, k.resolver()).found);
}

TEST(FindOrigin, BoolCheckBreaksTheChain) {
  // __x64_sys_bpf { ns_capable { security_capable { cap_capable = -EPERM } = -EPERM } = false } = -EPERM
  Fake k;
  uint64_t sys = k.add("__x64_sys_bpf", 8), ns = k.add("ns_capable", 1), sec = k.add("security_capable"),
           cap = k.add("cap_capable");
  std::vector<FunctionReturn> r = {
      {cap, neg(EPERM), 700}, {sec, neg(EPERM), 800}, {ns, 0, 900}, {sys, neg(EPERM), 1000}};
  auto o = find_origin(r, -EPERM, k.resolver());
  ASSERT_TRUE(o.found);
  EXPECT_EQ(o.origin.function, "__x64_sys_bpf");
  EXPECT_EQ(o.chain.size(), 1u);
}

TEST(FindOrigin, KretprobeTailCallSharesTheFrame) {
  // __sys_connect_file ends in `return sock->ops->connect(...)` (a jmp):
  // inet_stream_connect returns at the same stack address with the same value.
  Fake k;
  uint64_t file = k.add("__sys_connect_file"), isc = k.add("inet_stream_connect"),
           inner = k.add("__inet_stream_connect"), sec = k.add("security_socket_connect");
  std::vector<FunctionReturn> r = {{sec, 0, 800}, {inner, neg(ECONNREFUSED), 800},
                                   {isc, neg(ECONNREFUSED), 900}, {file, neg(ECONNREFUSED), 900}};
  EXPECT_EQ(find_origin(r, -ECONNREFUSED, k.resolver(), false).origin.function, "__sys_connect_file");
  auto o = find_origin(r, -ECONNREFUSED, k.resolver(), true);
  EXPECT_EQ(o.origin.function, "__inet_stream_connect");
  EXPECT_EQ(o.chain.size(), 3u);
}

TEST(FindOrigin, FrameOffsetsComeFromTheCallSites) {
  // sys calls do_filp_open at +0x40, which calls path_openat at +0x22; path_openat
  // calls may_lookup (returns into it at +0x90) and then makes -ENOENT itself.
  Fake k;
  uint64_t sys = k.add("__x64_sys_openat", 8);
  uint64_t filp = k.add("do_filp_open", 8);
  uint64_t walk = k.add("path_openat", 8);
  uint64_t may = k.add("may_lookup");
  std::vector<FunctionReturn> r = {{may, 0, 700, walk + 0x90},
                                   {walk, neg(ENOENT), 800, filp + 0x22},
                                   {filp, neg(ENOENT), 900, sys + 0x40},
                                   {sys, neg(ENOENT), 1000, 0x99999999}};
  auto o = find_origin(r, -ENOENT, k.resolver());
  ASSERT_TRUE(o.found);
  ASSERT_EQ(o.chain.size(), 3u);
  EXPECT_EQ(o.origin.function, "path_openat");
  EXPECT_EQ(o.origin.offset, 0x90u);       // after its last traced call
  EXPECT_EQ(o.chain[1].offset, 0x22u);     // do_filp_open's call of path_openat
  EXPECT_EQ(o.chain[2].offset, 0x40u);     // the syscall entry's call of do_filp_open
  // A return address outside the caller (a tail call returns to the caller's
  // caller) gives no offset rather than a wrong one.
  auto outside = [&](uint64_t entry, uint64_t addr) { return addr - entry < 0x30; };
  auto o2 = find_origin(r, -ENOENT, k.resolver(), false, outside);
  EXPECT_EQ(o2.chain[1].offset, 0x22u);
  EXPECT_EQ(o2.chain[2].offset, 0u);
  EXPECT_EQ(o2.origin.offset, 0u);
}

TEST(FindDivergence, SameFunctionDifferentOutcome) {
  // Failing: path_openat { may_lookup = 0; lookup_fast = NULL } = -ENOENT
  // Succeeding: path_openat { may_lookup = 0; lookup_fast = dentry; do_open = 0 } = file
  Fake k;
  uint64_t sys = k.add("__x64_sys_openat", 8);
  uint64_t walk = k.add("path_openat", 8);
  uint64_t may = k.add("may_lookup");
  uint64_t fast = k.add("lookup_fast", 8);
  uint64_t open = k.add("do_open");
  std::vector<FunctionReturn> failing = {
      {may, 0, 700}, {fast, 0, 700}, {walk, neg(ENOENT), 800}, {sys, neg(ENOENT), 1000}};
  std::vector<FunctionReturn> ok = {{may, 0, 700},        {fast, 0xffff888012345678, 700}, {open, 0, 700},
                                    {walk, 0xffff888087654321, 800}, {sys, 3, 1000}};
  auto d = find_divergence(failing, -ENOENT, ok, 3, k.resolver());
  EXPECT_EQ(d.within, "path_openat");
  EXPECT_EQ(d.common, 1u);  // may_lookup
  EXPECT_EQ(d.failing.function, "lookup_fast");
  EXPECT_EQ(d.failing.ret, 0);
  EXPECT_EQ(d.succeeding.function, "lookup_fast");
  EXPECT_EQ(d.succeeding.ret, int64_t(0xffff888012345678));
}

TEST(FindDivergence, OneSideReturnsWhereTheOtherCallsOn) {
  Fake k;
  uint64_t sys = k.add("__x64_sys_mkdir", 8);
  uint64_t create = k.add("filename_create", 8);
  uint64_t lookup = k.add("lookup_one_qstr_excl", 8);
  uint64_t vfs = k.add("vfs_mkdir");
  // Values that differ between any two calls (pointers) are not a difference.
  std::vector<FunctionReturn> failing = {{lookup, 0xffff888000001000, 700}, {create, neg(EEXIST), 800},
                                         {sys, neg(EEXIST), 1000}};
  std::vector<FunctionReturn> ok = {{lookup, 0xffff888000002000, 700}, {create, 0xffff888000002000, 800},
                                    {vfs, 0, 800}, {sys, 0, 1000}};
  auto d = find_divergence(failing, -EEXIST, ok, 0, k.resolver());
  // filename_create's children match; its outcome differs (error vs pointer).
  EXPECT_EQ(d.within, "__x64_sys_mkdir");
  EXPECT_EQ(d.common, 1u);
  EXPECT_EQ(d.failing.function, "filename_create");
  EXPECT_EQ(d.failing.ret, -EEXIST);
  EXPECT_EQ(d.succeeding.function, "filename_create");

  // The failing call's syscall entry returned where the successful one went on to vfs_mkdir.
  std::vector<FunctionReturn> ok2 = {{lookup, 0xffff888000002000, 700}, {create, neg(EEXIST), 800},
                                     {vfs, 0, 800}, {sys, 0, 1000}};
  auto d2 = find_divergence(failing, -EEXIST, ok2, 0, k.resolver());
  EXPECT_EQ(d2.within, "__x64_sys_mkdir");
  EXPECT_EQ(d2.common, 2u);
  EXPECT_EQ(d2.failing.function, "");
  EXPECT_EQ(d2.failing.ret, -EEXIST);
  EXPECT_EQ(d2.succeeding.function, "vfs_mkdir");
}

TEST(FindDivergence, IdenticalTracedCallsPartInUntracedCode) {
  Fake k;
  uint64_t sys = k.add("__x64_sys_bpf", 8);
  uint64_t cap = k.add("capable", 1);
  std::vector<FunctionReturn> failing = {{cap, 1, 700}};
  std::vector<FunctionReturn> ok = {{cap, 1, 700}};
  auto d = find_divergence(failing, -EPERM, ok, 3, k.resolver());
  EXPECT_EQ(d.within, "");
  EXPECT_EQ(d.common, 1u);
  EXPECT_EQ(d.failing.function, "");
  EXPECT_EQ(d.failing.ret, -EPERM);
  EXPECT_EQ(d.succeeding.ret, 3);
  // A bool that differs is the difference (capable() false vs true).
  std::vector<FunctionReturn> ok_cap = {{cap, 0, 700}};
  auto d2 = find_divergence(failing, -EPERM, ok_cap, 3, k.resolver());
  EXPECT_EQ(d2.common, 0u);
  EXPECT_EQ(d2.failing.function, "capable");
  EXPECT_EQ(d2.failing.ret, 1);
  EXPECT_EQ(d2.succeeding.ret, 0);
  // A u8 that only differs in value (get_random_u8) is no difference.
  uint64_t rnd = k.add("get_random_u8", 1);
  std::vector<FunctionReturn> f3 = {{rnd, 93, 700}}, ok3 = {{rnd, 111, 700}};
  auto d3 = find_divergence(f3, -EPERM, ok3, 3, k.resolver());
  EXPECT_EQ(d3.common, 1u);
  EXPECT_EQ(d3.failing.function, "");
  (void)sys;
}
