#include "origin/error_path.h"

#include <fmt/format.h>

#include <cstring>
#include <optional>

namespace whyfail::origin {

namespace {

bool is_error(int64_t v) { return v < 0 && v >= -4095; }

std::string errno_text(int64_t v) {
  int e = int(-v);
  // strerrorname_np needs glibc 2.32; Debian 12 has 2.36.
  const char* name = strerrorname_np(e);
  return name ? fmt::format("-{}", name) : fmt::format("{}", v);
}

}  // namespace

int64_t return_value(const FunctionReturn& r, const FunctionInfo* info) {
  if (info && info->ret_size == 1) return int64_t(uint8_t(r.ret));
  if (info && info->ret_size == 4) return int64_t(int32_t(uint32_t(r.ret)));
  return int64_t(r.ret);
}

CallTree build_call_tree(const std::vector<FunctionReturn>& returns, bool tail_calls_share_frame) {
  CallTree t;
  t.nodes.resize(returns.size());
  // Returns come in post-order. Pending holds finished subtrees not yet
  // claimed by a parent; a return claims every pending subtree that ran
  // deeper (at a lower stack address) than itself.
  std::vector<size_t> pending;
  for (size_t i = 0; i < returns.size(); i++) {
    t.nodes[i].index = i;
    size_t first = pending.size();
    while (first > 0 && returns[pending[first - 1]].sp < returns[i].sp) first--;
    if (tail_calls_share_frame && first > 0 && first == pending.size() && pending.back() + 1 == i &&
        returns[i - 1].sp == returns[i].sp && returns[i - 1].ret == returns[i].ret)
      first--;
    for (size_t k = first; k < pending.size(); k++) {
      t.nodes[i].children.push_back(pending[k]);
      t.nodes[pending[k]].parent = int(i);
    }
    pending.resize(first);
    pending.push_back(i);
  }
  t.roots = pending;
  return t;
}

trace::KernelOrigin find_origin(const std::vector<FunctionReturn>& returns, int64_t syscall_ret,
                                const FunctionResolver& resolve, bool tail_calls_share_frame,
                                const ContainsCheck& contains) {
  trace::KernelOrigin out;
  if (returns.empty()) {
    out.note = "no traced kernel function returned inside this syscall";
    return out;
  }
  CallTree tree = build_call_tree(returns, tail_calls_share_frame);
  auto info = [&](size_t i) { return resolve ? resolve(returns[i].ip) : nullptr; };
  auto value = [&](size_t i) { return return_value(returns[i], info(i)); };

  // The top of the error chain: the last return carrying the syscall's value
  // (parents return after their children, so it is the outermost one).
  int64_t wanted = syscall_ret;
  int top = -1;
  for (size_t i = returns.size(); i-- > 0;)
    if (value(i) == wanted) {
      top = int(i);
      break;
    }
  if (top < 0) {
    // The value changed on the way (ENOIOCTLCMD -> ENOTTY, ...) or was made by
    // code we did not trace: follow the last error any function returned.
    for (size_t i = returns.size(); i-- > 0;)
      if (is_error(value(i))) {
        top = int(i);
        wanted = value(i);
        break;
      }
    if (top < 0) {
      out.note = fmt::format("none of the {} traced returns was {}: the error was made by code "
                             "outside the traced functions",
                             returns.size(), errno_text(syscall_ret));
    } else {
      out.note = fmt::format("no traced function returned {}; following {} instead (the value "
                             "was changed by an untraced caller)",
                             errno_text(syscall_ret), errno_text(wanted));
    }
  }

  std::vector<size_t> path;  // top first
  if (top >= 0) {
    size_t cur = size_t(top);
    path.push_back(cur);
    for (;;) {
      int next = -1;
      for (size_t c : tree.nodes[cur].children)
        if (value(c) == wanted) next = int(c);  // the last one: closest to the parent's return
      if (next < 0) break;
      cur = size_t(next);
      path.push_back(cur);
    }
  }

  auto frame = [&](size_t i) {
    trace::KernelFrame f;
    const FunctionInfo* fi = info(i);
    f.function = fi ? fi->name : fmt::format("{:#x}", returns[i].ip);
    f.address = fi && fi->address ? fi->address : returns[i].ip;
    f.ret = value(i);
    f.return_address = returns[i].caller;
    return f;
  };
  // The call site inside node n: the return address of its child c.
  auto call_offset = [&](size_t n, size_t c) -> uint64_t {
    uint64_t entry = frame(n).address, at = returns[c].caller;
    if (!at || at <= entry) return 0;
    bool inside = contains ? contains(entry, at) : at - entry < 65536;
    return inside ? at - entry : 0;
  };
  for (size_t k = path.size(); k-- > 0;) {
    trace::KernelFrame f = frame(path[k]);
    if (k + 1 < path.size()) f.offset = call_offset(path[k], path[k + 1]);
    else if (!tree.nodes[path[k]].children.empty())
      f.offset = call_offset(path[k], tree.nodes[path[k]].children.back());
    out.chain.push_back(std::move(f));
  }
  if (!path.empty()) {
    out.found = true;
    out.origin = out.chain.front();
  }

  std::vector<bool> on_path(returns.size(), false);
  for (size_t i : path) on_path[i] = true;
  // Pre-order walk: call order with nesting depth.
  std::function<void(size_t, int)> walk = [&](size_t n, int depth) {
    trace::KernelGraphEntry e;
    e.depth = depth;
    e.function = frame(n).function;
    e.ret = value(n);
    e.on_error_path = on_path[n];
    out.graph.push_back(std::move(e));
    for (size_t c : tree.nodes[n].children) walk(c, depth + 1);
  };
  for (size_t r : tree.roots) walk(r, 0);
  return out;
}

namespace {

// What a return says about how the call went, for comparing two invocations:
// the errno itself, NULL/0, or "a value" (pointers, counts and sizes differ
// between any two calls and say nothing). bool/char returns count as true or
// false (capable() true vs false is the difference; two random u8 are not).
int64_t outcome(int64_t v, const FunctionInfo* info) {
  if (info && info->ret_size == 1) return v != 0;
  if (is_error(v) || v == 0) return v;
  return 1;
}

struct TreeView {
  const std::vector<FunctionReturn>& returns;
  CallTree tree;
  const FunctionResolver& resolve;
  const FunctionInfo* info(size_t i) const { return resolve ? resolve(returns[i].ip) : nullptr; }
  int64_t value(size_t i) const { return return_value(returns[i], info(i)); }
  std::string name(size_t i) const {
    const FunctionInfo* fi = info(i);
    return fi ? fi->name : fmt::format("{:#x}", returns[i].ip);
  }
  const std::vector<size_t>& children(int n) const { return n < 0 ? tree.roots : tree.nodes[size_t(n)].children; }
};

// Compares the children of a (failing) and b (successful), -1 = top level.
std::optional<trace::KernelDivergence> compare(const TreeView& fa, int a, const TreeView& sb, int b,
                                               int64_t fail_ret, int64_t ok_ret, size_t& common) {
  const auto& ca = fa.children(a);
  const auto& cb = sb.children(b);
  for (size_t k = 0;; k++) {
    bool end_a = k == ca.size(), end_b = k == cb.size();
    if (end_a && end_b && a >= 0) return std::nullopt;  // the parents' own outcomes are compared above
    if (end_a || end_b || fa.returns[ca[k]].ip != sb.returns[cb[k]].ip) {
      trace::KernelDivergence d;
      d.within = a >= 0 ? fa.name(size_t(a)) : "";
      d.common = common;
      d.failing = end_a ? trace::KernelStep{"", a >= 0 ? fa.value(size_t(a)) : fail_ret}
                        : trace::KernelStep{fa.name(ca[k]), fa.value(ca[k])};
      d.succeeding = end_b ? trace::KernelStep{"", b >= 0 ? sb.value(size_t(b)) : ok_ret}
                           : trace::KernelStep{sb.name(cb[k]), sb.value(cb[k])};
      return d;
    }
    if (auto d = compare(fa, int(ca[k]), sb, int(cb[k]), fail_ret, ok_ret, common)) return d;
    if (outcome(fa.value(ca[k]), fa.info(ca[k])) != outcome(sb.value(cb[k]), sb.info(cb[k]))) {
      trace::KernelDivergence d;
      d.within = a >= 0 ? fa.name(size_t(a)) : "";
      d.common = common;
      d.failing = {fa.name(ca[k]), fa.value(ca[k])};
      d.succeeding = {sb.name(cb[k]), sb.value(cb[k])};
      return d;
    }
    common++;
  }
}

}  // namespace

trace::KernelDivergence find_divergence(const std::vector<FunctionReturn>& failing, int64_t failing_ret,
                                        const std::vector<FunctionReturn>& succeeding, int64_t succeeding_ret,
                                        const FunctionResolver& resolve, bool tail_calls_share_frame) {
  TreeView fa{failing, build_call_tree(failing, tail_calls_share_frame), resolve};
  TreeView sb{succeeding, build_call_tree(succeeding, tail_calls_share_frame), resolve};
  size_t common = 0;
  // At the top level, running out of returns on both sides ends in a
  // divergence: the two syscall results differ.
  return *compare(fa, -1, sb, -1, failing_ret, succeeding_ret, common);
}

}  // namespace whyfail::origin
