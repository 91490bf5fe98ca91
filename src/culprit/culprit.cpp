#include "culprit/culprit.h"

#include <type_traits>
#include <utility>

#include "culprit/evidence.h"
#include "culprit/failure_log.h"
#include "culprit/output_capture.h"
#include "culprit/process_tree.h"
#include "culprit/ranking.h"
#include "culprit/success_index.h"

namespace whyfail::culprit {

namespace {
constexpr std::size_t kRunnersUp = 3;
}  // namespace

struct CulpritFinder::State {
  uint64_t order = 0;   // position of each event in the stream
  FailureLog failures;
  OutputCapture output;
  ProcessTree tree;
  SuccessIndex successes;

  Verdict build(const std::function<bool(pid_t)>& in_scope, bool failed,
                std::optional<trace::ExitEvent> exit, pid_t fallback_pid) const {
    Verdict v;
    v.command_failed = failed;
    v.exit = std::move(exit);
    if (const ProcessInfo* p = tree.find(fallback_pid)) v.program = p->name;
    if (!failed) return v;
    MessageCorpus corpus = MessageCorpus::from(output.messages());
    Ranking ranking = rank_failures(RankInput{failures, tree, corpus, successes, in_scope}, 1 + kRunnersUp);
    if (ranking.candidates.empty()) return v;
    v.confidence = ranking.confidence;
    v.culprit = std::move(ranking.candidates.front());
    for (std::size_t i = 1; i < ranking.candidates.size(); ++i)
      v.runners_up.push_back(std::move(ranking.candidates[i]));
    if (const ProcessInfo* p = tree.find(v.culprit->call.pid); p && !p->name.empty()) v.program = p->name;
    return v;
  }
};

CulpritFinder::CulpritFinder() : state_(new State) {}
CulpritFinder::~CulpritFinder() { delete state_; }

void CulpritFinder::observe(const trace::SyscallEvent& e) {
  State& s = *state_;
  const uint64_t order = ++s.order;
  s.tree.touch(e.pid, order);
  s.output.on_syscall(e, order);
  if (e.failed()) s.failures.add(e, order);
  else s.successes.on_syscall(e, order);
}

void CulpritFinder::observe(const trace::Event& event) {
  if (const auto* call = std::get_if<trace::SyscallEvent>(&event)) {
    observe(*call);
    return;
  }
  State& s = *state_;
  const uint64_t order = ++s.order;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, trace::SyscallEvent>) {
          // handled above
        } else if constexpr (std::is_same_v<T, trace::SpawnEvent>) {
          s.tree.on_spawn(e, order);
          s.output.on_spawn(e);
        } else if constexpr (std::is_same_v<T, trace::ExecEvent>) {
          s.tree.on_exec(e, order);
          s.output.on_exec(e.pid);
          s.successes.on_exec(e, order);
        } else if constexpr (std::is_same_v<T, trace::ExitEvent>) {
          s.tree.on_exit(e, order);
        } else if constexpr (std::is_same_v<T, trace::DetachEvent>) {
          s.tree.on_detach(e, order);
        } else {
          // Signals and lost-event notices do not change the ranking.
        }
      },
      event);
}

void CulpritFinder::set_explanation(uint64_t seq, const explain::Explanation& explanation) {
  state_->failures.set_explanation(seq, explanation);
}

Verdict CulpritFinder::verdict() const {
  const State& s = *state_;
  const pid_t root = s.tree.root();
  const ProcessInfo* r = s.tree.find(root);
  // Launch mode: the command's own outcome decides. Without its exit (the
  // tracer stopped early), any process that failed counts.
  bool failed = false;
  std::optional<trace::ExitEvent> exit;
  if (r && r->exit) {
    failed = ProcessTree::failed(*r);
    exit = r->exit;
  } else {
    auto failed_procs = s.tree.failed_processes();
    failed = !failed_procs.empty();
    if (failed) exit = failed_procs.back()->exit;
  }
  return s.build({}, failed, exit, root);
}

Verdict CulpritFinder::verdict_for(pid_t pid) const {
  const State& s = *state_;
  auto in_scope = [&s, pid](pid_t p) { return s.tree.is_ancestor(pid, p); };
  const ProcessInfo* self = s.tree.find(pid);
  bool failed = false;
  std::optional<trace::ExitEvent> exit;
  if (self && self->exit) {
    failed = ProcessTree::failed(*self);
    exit = self->exit;
  } else {
    // Detached while running: a descendant that failed still counts.
    for (const ProcessInfo* p : s.tree.failed_processes())
      if (in_scope(p->pid)) {
        failed = true;
        exit = p->exit;
      }
  }
  return s.build(in_scope, failed, exit, pid);
}

}  // namespace whyfail::culprit
