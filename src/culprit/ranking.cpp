#include "culprit/ranking.h"

#include <errno.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "culprit/benign.h"
#include "culprit/named_objects.h"

namespace whyfail::culprit {

namespace {

// Weights of the score's parts. Message evidence (evidence.cpp) gives up to
// ~8.5, benign demotion (benign.h) takes up to 6.
constexpr double kFailedProcess = 3.0;     // the process that exited non-zero or was killed
constexpr double kRelatedToFailed = 1.0;   // its parent or child
constexpr double kCopedProcess = -1.5;     // the process exited 0: it handled the failure
constexpr double kLastBeforeExit = 2.0;    // recency, divided by 1 + failures in between
constexpr double kLastBeforeMessage = 1.5;
constexpr double kFallbackPenalty = 2.5;
constexpr double kSearchRepeatPenalty = 3.0;    // ENOENT retry on a path that already failed otherwise

struct Scored {
  const FailureRecord* record = nullptr;
  double score = 0.0;
  double strength = 0.0;
  double benign_penalty = 0.0;    // how harmless the call looks (benign.h)
  double message_strength = 0.0;  // how strongly the program's own messages point at it
  std::vector<std::string> evidence;
};

std::string who(const ProcessTree& tree, pid_t pid) {
  std::string s = "process " + std::to_string(pid);
  if (const ProcessInfo* p = tree.find(pid); p && !p->name.empty()) s += " (" + p->name + ")";
  return s;
}

std::string how_it_ended(const trace::ExitEvent& e) {
  if (e.killed) return "was killed by signal " + std::to_string(e.signo);
  return "exited with status " + std::to_string(e.code);
}

// Orders of the not-benign failures of each process, sorted, for counting
// how many came between a failure and its anchor.
using OrderIndex = std::unordered_map<pid_t, std::vector<uint64_t>>;

std::size_t count_between(const OrderIndex& index, pid_t pid, uint64_t after, uint64_t before) {
  auto it = index.find(pid);
  if (it == index.end() || before <= after) return 0;
  const auto& v = it->second;
  auto lo = std::upper_bound(v.begin(), v.end(), after);
  auto hi = std::lower_bound(v.begin(), v.end(), before);
  return hi > lo ? static_cast<std::size_t>(hi - lo) : 0;
}

}  // namespace

double call_importance(int nr) {
  switch (nr) {
    case SYS_execve: case SYS_execveat:
      return 3.0;
    case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat:
    case SYS_connect: case SYS_bind: case SYS_listen: case SYS_socket:
    case SYS_mkdir: case SYS_mkdirat: case SYS_rmdir: case SYS_unlink: case SYS_unlinkat:
    case SYS_rename: case SYS_renameat: case SYS_renameat2: case SYS_link: case SYS_linkat:
    case SYS_symlink: case SYS_symlinkat: case SYS_chdir: case SYS_fchdir: case SYS_chroot:
    case SYS_mount: case SYS_umount2: case SYS_perf_event_open: case SYS_bpf:
    case SYS_io_uring_setup: case SYS_mmap: case SYS_mprotect: case SYS_mlock: case SYS_mlock2:
    case SYS_mlockall: case SYS_truncate: case SYS_ftruncate: case SYS_chmod: case SYS_fchmod:
    case SYS_fchmodat: case SYS_chown: case SYS_fchown: case SYS_fchownat: case SYS_lchown:
    case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_setuid: case SYS_setgid:
    case SYS_setresuid: case SYS_setresgid: case SYS_write: case SYS_read: case SYS_pwrite64:
    case SYS_pread64: case SYS_dup2: case SYS_dup3: case SYS_ptrace: case SYS_init_module:
    case SYS_finit_module: case SYS_clone: case SYS_clone3: case SYS_fork: case SYS_vfork:
    case SYS_setrlimit: case SYS_prlimit64: case SYS_unshare: case SYS_setns: case SYS_pivot_root:
    case SYS_utimensat: case SYS_fallocate: case SYS_sendto: case SYS_sendmsg: case SYS_accept:
    case SYS_accept4:
      return 2.5;
    case SYS_access: case SYS_faccessat: case SYS_faccessat2: case SYS_stat: case SYS_lstat:
    case SYS_newfstatat: case SYS_statx: case SYS_fstat: case SYS_readlink: case SYS_readlinkat:
    case SYS_statfs: case SYS_fstatfs: case SYS_getxattr: case SYS_lgetxattr: case SYS_fgetxattr:
    case SYS_listxattr: case SYS_llistxattr: case SYS_flistxattr:
      return 1.0;
    default:
      return 1.5;
  }
}

double errno_weight(int err) {
  switch (err) {
    // Running out of something is seldom part of a program's normal flow.
    case EMFILE: case ENFILE: case ENOSPC: case EDQUOT: case ENOMEM: case EFBIG: case EROFS:
    case ETXTBSY: case EXDEV: case ELOOP: case EADDRINUSE: case ECONNREFUSED: case EBADF:
    case EPERM: case EACCES: case ENAMETOOLONG: case ENOEXEC: case E2BIG:
      return 1.0;
    // The everyday answers to a question a program asked.
    case ENOENT: case EAGAIN: case EEXIST: case ENOTTY: case EINTR:
      return 0.0;
    default:
      return 0.5;
  }
}

Ranking rank_failures(const RankInput& input, std::size_t keep) {
  Ranking ranking;
  std::vector<const FailureRecord*> records;
  for (const FailureRecord* r : input.failures.records())
    if (!input.in_scope || input.in_scope(r->call.pid)) records.push_back(r);
  if (records.empty()) return ranking;

  std::vector<const ProcessInfo*> failed = input.tree.failed_processes();
  if (input.in_scope)
    failed.erase(std::remove_if(failed.begin(), failed.end(),
                                [&](const ProcessInfo* p) { return !input.in_scope(p->pid); }),
                 failed.end());

  // First pass: what each failure names and whether it looks benign.
  std::vector<NamedObjects> objects(records.size());
  std::vector<BenignJudgement> benign(records.size());
  OrderIndex serious;
  for (std::size_t i = 0; i < records.size(); ++i) {
    objects[i] = named_objects(records[i]->call);
    benign[i] = judge_benign(*records[i], objects[i], input.successes);
  }

  // A fallback on the same object: touch opens with O_CREAT (EACCES), then
  // tries utimensat on the name (ENOENT). The first refusal says more.
  std::vector<bool> fallback(records.size(), false);
  // A search: the same name looked up in one directory after another (git
  // walking up for .git, a $PATH or library walk that never finds it). The
  // first look-up stands for the search; the rest repeat it elsewhere.
  std::vector<bool> search_repeat(records.size(), false);
  {
    std::unordered_map<std::string, std::size_t> first_specific;   // pid:path -> record
    std::vector<std::size_t> by_order(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) by_order[i] = i;
    std::sort(by_order.begin(), by_order.end(),
              [&](std::size_t a, std::size_t b) { return records[a]->first_order < records[b]->first_order; });
    std::unordered_map<std::string, std::string> first_dir;   // pid:nr:errno:basename -> directory
    for (std::size_t i : by_order) {
      if (objects[i].paths.empty()) continue;
      {
        const std::string& path = objects[i].paths.front();
        const auto slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
        const std::string key = std::to_string(records[i]->call.pid) + ':' + std::to_string(records[i]->call.nr) +
                                ':' + std::to_string(records[i]->call.error()) + ':' + base_name(path);
        auto [it, inserted] = first_dir.emplace(key, dir);
        if (!inserted && it->second != dir) search_repeat[i] = true;
      }
      const std::string key = std::to_string(records[i]->call.pid) + ':' + objects[i].paths.front();
      const int err = records[i]->call.error();
      auto it = first_specific.find(key);
      if (err == ENOENT && it != first_specific.end()) fallback[i] = true;
      else if (err != ENOENT && it == first_specific.end()) first_specific.emplace(key, i);
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i)
    if (benign[i].penalty < kBenignMedium && !search_repeat[i] && !fallback[i])
      serious[records[i]->call.pid].push_back(records[i]->last_order);
  for (auto& [pid, v] : serious) std::sort(v.begin(), v.end());
  uint64_t last_order = 0;
  for (const FailureRecord* r : records) last_order = std::max(last_order, r->last_order);

  std::vector<Scored> scored;
  scored.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const FailureRecord& r = *records[i];
    const pid_t pid = r.call.pid;
    Scored s;
    s.record = &r;
    s.score = call_importance(r.call.nr) + errno_weight(r.call.error());

    // Which process failed.
    const ProcessInfo* self = input.tree.find(pid);
    if (self && ProcessTree::failed(*self)) {
      s.score += kFailedProcess;
      s.strength += 0.2;
      s.evidence.push_back(who(input.tree, pid) + " " + how_it_ended(*self->exit));
    } else {
      const ProcessInfo* kin = nullptr;
      for (const ProcessInfo* f : failed)
        if (input.tree.related(f->pid, pid)) { kin = f; break; }
      if (kin) {
        s.score += kRelatedToFailed;
        s.evidence.push_back("its " + std::string(input.tree.is_ancestor(pid, kin->pid) ? "descendant " : "ancestor ") +
                             who(input.tree, kin->pid) + " " + how_it_ended(*kin->exit));
      } else if (self && self->exit && !failed.empty()) {
        s.score += kCopedProcess;
        s.evidence.push_back(who(input.tree, pid) + " went on and exited 0");
      }
    }

    // What the processes wrote.
    MessageEvidence ev = match_messages(r, objects[i], input.corpus, input.tree);
    s.score += ev.score;
    s.strength += 0.8 * ev.strength;
    s.message_strength = ev.strength;
    for (std::string& reason : ev.reasons) s.evidence.push_back(std::move(reason));

    // Order: the last serious failure before the process ended or spoke up.
    uint64_t exit_order = self && self->exit ? self->exit_order : last_order + 1;
    std::size_t before_exit = count_between(serious, pid, r.last_order, exit_order);
    s.score += kLastBeforeExit / (1.0 + static_cast<double>(before_exit));
    if (before_exit == 0 && benign[i].penalty < kBenignMedium)
      s.evidence.push_back(self && self->exit ? "the last failure before " + who(input.tree, pid) + " exited"
                                              : "the last failure of " + who(input.tree, pid));
    if (ev.anchor_order) {
      std::size_t before_msg = count_between(serious, pid, r.last_order, ev.anchor_order);
      s.score += kLastBeforeMessage / (1.0 + static_cast<double>(before_msg));
    }

    s.benign_penalty = benign[i].penalty;
    if (benign[i].penalty > 0) {
      // A message naming the very path outweighs a look-alike pattern.
      s.score -= benign[i].penalty;
      // First: a renderer that shows one reason per runner-up shows why it lost.
      s.evidence.insert(s.evidence.begin(), "looks harmless: " + benign[i].reason);
    }
    if (search_repeat[i]) {
      s.score -= kSearchRepeatPenalty;
      s.evidence.push_back("the same name already failed in another directory (a search)");
    }
    if (fallback[i]) {
      s.score -= kFallbackPenalty;
      s.evidence.push_back("a fallback after an earlier, different failure on the same path");
    }
    if (r.count > 1) s.evidence.push_back("failed " + std::to_string(r.count) + " times");
    // Tie-break: later failures are closer to the outcome.
    s.score += 1e-6 * static_cast<double>(r.last_order) / static_cast<double>(last_order + 1);
    scored.push_back(std::move(s));
  }

  std::stable_sort(scored.begin(), scored.end(),
                   [](const Scored& a, const Scored& b) { return a.score > b.score; });

  // A harmless-looking failure that nothing the program wrote points at does
  // not explain a failed run (a SIGSEGV, an exit 1 after a logic check):
  // naming it would send the user after the wrong thing. Say nothing instead.
  if (scored[0].benign_penalty >= kBenignMedium && scored[0].message_strength <= 0.0) return ranking;

  const double margin = scored.size() > 1 ? scored[0].score - scored[1].score : std::max(0.0, scored[0].score);
  double confidence = 0.1 + 0.45 * (1.0 - std::exp(-margin / 3.0)) + 0.44 * std::min(1.0, scored[0].strength);
  ranking.confidence = std::clamp(confidence, 0.05, 0.99);

  for (std::size_t i = 0; i < scored.size() && i < keep; ++i) {
    Candidate c;
    c.call = scored[i].record->call;
    c.explanation = scored[i].record->explanation;
    c.score = scored[i].score;
    c.evidence = std::move(scored[i].evidence);
    ranking.candidates.push_back(std::move(c));
  }
  return ranking;
}

}  // namespace whyfail::culprit
