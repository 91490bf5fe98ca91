#include "origin/session.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace whyfail::origin {

std::vector<std::string> split_globs(const std::string& list) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= list.size()) {
    size_t e = list.find(',', b);
    if (e == std::string::npos) e = list.size();
    std::string g = list.substr(b, e - b);
    while (!g.empty() && g.front() == ' ') g.erase(g.begin());
    while (!g.empty() && g.back() == ' ') g.pop_back();
    if (!g.empty()) out.push_back(g);
    b = e + 1;
  }
  return out;
}

Result<std::unique_ptr<KernelOriginSession>> KernelOriginSession::start(const SessionOptions& opts) {
  SelectOptions so;
  so.patterns = opts.func_globs;
  so.patterns.insert(so.patterns.end(), opts.learned.begin(), opts.learned.end());
  so.max_functions = opts.max_functions;
  if (so.patterns.empty())
    return fail(EINVAL, "kernel origin: no candidate functions",
                "give --kernel-funcs GLOBS, or let whyfail learn them (function_graph run)");
  auto set = select_candidates(so);
  if (!set) return tl::unexpected(set.error());
  if (set->chosen.empty())
    return fail(ENOENT, "kernel origin: none of the candidate functions can be traced",
                fmt::format("{} not traceable, {} without BTF, {} cannot return an error, {} denied",
                            set->not_traceable, set->no_btf, set->cannot_fail, set->denied));
  auto ks = symbolize::Kallsyms::load();
  if (!ks) return tl::unexpected(ks.error());
  ArmOptions ao;
  ao.functions = set->chosen;
  ao.mechanism = opts.mechanism;
  ao.follow_forks = opts.follow_forks;
  ao.errno_filter = opts.errno_filter;
  auto t = OriginTracer::arm(ao, std::make_shared<const symbolize::Kallsyms>(std::move(*ks)));
  if (!t) return tl::unexpected(t.error());
  std::unique_ptr<KernelOriginSession> s(new KernelOriginSession());
  s->tracer_ = std::move(*t);
  s->candidates_ = std::move(*set);
  return s;
}

Result<void> KernelOriginSession::trace_process(pid_t tgid) { return tracer_->trace_process(tgid); }
void KernelOriginSession::untrace_process(pid_t tgid) { tracer_->untrace_process(tgid); }

void KernelOriginSession::drain(int timeout_ms) {
  auto got = tracer_->poll(timeout_ms);
  if (!got) return;
  for (auto& inv : *got) {
    auto& q = by_tid_[inv.tid];
    q.push_back(std::move(inv));
    if (q.size() > 64) q.pop_front();  // unclaimed (a thread the backend did not report)
  }
}

void KernelOriginSession::annotate(trace::SyscallEvent& ev) {
  if (!ev.failed()) return;
  for (int attempt = 0; attempt < 2; attempt++) {
    drain(attempt == 0 ? 0 : 20);
    auto it = by_tid_.find(ev.tid);
    if (it == by_tid_.end()) continue;
    auto& q = it->second;
    for (size_t i = 0; i < q.size(); i++) {
      if (q[i].nr != ev.nr || q[i].ret != ev.ret) continue;
      ev.kernel = tracer_->explain(q[i]);
      q.erase(q.begin(), q.begin() + long(i) + 1);  // older ones were never claimed
      return;
    }
  }
  trace::KernelOrigin none;
  none.mechanism = mechanism_name(tracer_->stats().mechanism);
  auto c = tracer_->counters();
  none.note = c.ring_full ? fmt::format("no kernel record: {} lost to a full ring buffer", c.ring_full)
                          : "no kernel record for this call (thread not traced, or no state slot)";
  ev.kernel = std::move(none);
}

std::string KernelOriginSession::summary() const {
  const auto& st = tracer_->stats();
  return fmt::format("{} on {} kernel functions (attach {:.2f} s{})", mechanism_name(st.mechanism),
                     st.attached, st.attach_seconds,
                     st.failed ? fmt::format(", {} refused", st.failed) : std::string());
}

Result<std::vector<std::string>> learn_functions(const std::vector<std::string>& argv, int max_depth,
                                                 int* status) {
  if (argv.empty()) return fail(EINVAL, "learn kernel functions: no command");
  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0) return fail(errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) return fail(errno, "fork");
  if (pid == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(127);  // parent gave up
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(go[0]);
  FunctionGraphRecorder::Options o;
  o.pids = {pid};
  o.max_depth = max_depth;
  auto rec = FunctionGraphRecorder::start(o);
  if (!rec) {
    close(go[1]);
    waitpid(pid, nullptr, 0);
    return tl::unexpected(rec.error());
  }
  char c = 'g';
  if (write(go[1], &c, 1) != 1) {}
  close(go[1]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (status) *status = st;
  return rec->stop();
}

}  // namespace whyfail::origin
