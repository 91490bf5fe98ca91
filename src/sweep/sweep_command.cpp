#include "sweep/sweep_command.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sweep/child_run.h"
#include "sweep/classify.h"
#include "sweep/injector.h"
#include "sweep/sites.h"
#include "sweep/sweep_options.h"
#include "sweep/sweep_report.h"
#include "sweep/work_dir.h"

namespace whyfail::sweep {
namespace {

std::atomic<bool> g_interrupted{false};

void on_interrupt(int) { g_interrupted = true; }

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string d;
  while (std::getline(dirs, d, ':')) {
    std::string p = (d.empty() ? "." : d) + "/" + name;
    if (::access(p.c_str(), X_OK) == 0 && !std::filesystem::is_directory(p)) return p;
  }
  return {};
}

// Signals whose default action dumps core: a process killed by one crashed.
bool is_crash_signal(const std::string& sig) {
  for (const char* s : {"SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE", "SIGSYS", "SIGTRAP", "SIGQUIT",
                        "SIGXCPU", "SIGXFSZ"}) {
    if (sig == s) return true;
  }
  return false;
}

std::string signal_name(int signo) {
  const char* abbrev = sigabbrev_np(signo);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signo);
}

struct RunDir {
  std::string dir, work, out, err, trace;
};

RunDir run_dir(const std::string& root, const std::string& name, const std::string& in_place_cwd) {
  RunDir d;
  d.dir = root + "/" + name;
  d.work = in_place_cwd.empty() ? d.dir + "/work" : in_place_cwd;
  d.out = d.dir + "/stdout";
  d.err = d.dir + "/stderr";
  d.trace = d.dir + "/trace";
  return d;
}

// The run's own directory written as "." so that runs in different copies compare
// equal ("cannot open /tmp/whyfail-sweep.X/t3/work/in.txt" reads "cannot open ./in.txt").
std::string without_run_dir(std::string text, const std::string& work) {
  if (work.empty()) return text;
  for (size_t at = text.find(work); at != std::string::npos; at = text.find(work, at + 1)) {
    text.replace(at, work.size(), ".");
  }
  return text;
}

// What one run produced. `clean` is the clean run's directory snapshot (nullptr: do
// not compare files).
RunObservation observe(const RunResult& result, const RunDir& d, Injector injector, const Snapshot* clean,
                       const std::vector<std::string>& unstable, bool in_place) {
  RunObservation o;
  o.timed_out = result.timed_out;
  if (result.start_errno) {
    o.runner_failed = true;
    o.runner_message = std::string("cannot start the tracer: ") + std::strerror(result.start_errno);
    return o;
  }
  o.trace = read_trace(injector, read_all(d.trace));
  const std::string work = in_place ? "" : d.work;
  o.stdout_bytes = without_run_dir(read_all(d.out), work);
  std::string runner_line;
  std::istringstream err(without_run_dir(read_all(d.err), work));
  std::string line;
  while (std::getline(err, line)) {
    if (is_runner_line(injector, line)) {
      if (runner_line.empty()) runner_line = line;
      continue;
    }
    o.stderr_lines.push_back(line);
  }
  auto root = root_exit(o.trace);
  if (root) {
    o.killed = root->killed;
    o.signal = root->signal;
    o.core_dumped = root->core_dumped;
    o.exit_code = root->code;
  } else if (WIFSIGNALED(result.wait_status)) {
    o.killed = true;
    o.signal = signal_name(WTERMSIG(result.wait_status));
  } else {
    o.exit_code = WEXITSTATUS(result.wait_status);
    // The tracer refused or failed before the command ran: its own error line.
    if (!o.timed_out && !runner_line.empty() && o.trace.calls.empty()) {
      o.runner_failed = true;
      o.runner_message = runner_line;
    }
  }
  for (const auto& e : o.trace.exits) {
    if (e.killed && is_crash_signal(e.signal) && o.crash_signal.empty()) o.crash_signal = e.signal;
  }
  if (clean && !o.timed_out) o.changed_files = changed_paths(*clean, snapshot_tree(d.work), unstable);
  return o;
}

struct Progress {
  bool on = false;
  size_t total = 0;
  size_t done = 0;
  void tick() {
    if (!on) return;
    done++;
    const size_t width = 30;
    size_t filled = total ? done * width / total : width;
    std::fprintf(stderr, "\rwhyfail sweep: [%s%s] %zu/%zu trials", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total);
    std::fflush(stderr);
  }
  void clear() {
    if (on) std::fprintf(stderr, "\r\033[K");
  }
};

}  // namespace

bool is_sweep_verb(std::string_view word) { return word == "sweep"; }

Result<int> run_sweep_command(int argc, char** argv) {
  const double started = now_s();
  auto parsed = parse_sweep_options(argc, argv);
  if (!parsed) return tl::unexpected(parsed.error());
  SweepOptions opt = *parsed;
  if (opt.help) {
    std::fputs(sweep_help_text().c_str(), stdout);
    return 0;
  }
  Commands cmds;
  cmds.command = opt.command;
  std::error_code ec;
  // The children exec this very executable through /proc/self/exe (a fork's own exe is
  // ours), so a whyfail rebuilt or replaced during a sweep does not mix versions.
  if (::access("/proc/self/exe", X_OK) != 0) {
    return fail(errno, "cannot find whyfail's own executable (/proc/self/exe)", "mount /proc");
  }
  cmds.whyfail = "/proc/self/exe";
  cmds.strace = find_in_path("strace");
  if (find_in_path(opt.command[0]).empty()) {
    return fail(0, "command not found: " + opt.command[0], "check the name, or give its path");
  }
  std::string cwd = std::filesystem::current_path(ec).string();
  if (ec) return fail(ec.value(), "cannot read the working directory", "run the sweep from an existing directory");
  if (!opt.in_place) {
    auto size = tree_size(cwd, opt.max_copy_bytes);
    if (!size) return tl::unexpected(size.error());
  }
  if (opt.injector_auto) {
    opt.injector = probe_injector(cmds);
  }
  if (opt.injector == Injector::Strace && cmds.strace.empty()) {
    return fail(ENOENT, "this whyfail cannot inject failures (-e inject) and strace is not installed",
                "install strace (apt-get install strace)");
  }
  const size_t jobs = opt.in_place ? 1 : (opt.jobs ? opt.jobs : std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  auto root = make_temp_root();
  if (!root) return tl::unexpected(root.error());
  const std::string in_place_cwd = opt.in_place ? cwd : "";

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);

  auto prepare_dir = [&](const RunDir& d) -> int {
    std::error_code e;
    std::filesystem::create_directories(d.dir, e);
    if (e) return e.value();
    if (!opt.in_place) {
      auto copied = copy_tree(cwd, d.work);
      if (!copied) return copied.error().err ? copied.error().err : EIO;
    }
    return 0;
  };
  auto cleanup = [&]() {
    if (opt.keep) {
      std::fprintf(stderr, "whyfail: the sweep's run directories are kept in %s\n", root->c_str());
    } else {
      remove_tree(*root);
    }
  };

  // 1. The recording run (every call, stacks) and a second clean run through the trial
  //    mechanism: together they say what is stable from run to run.
  const RunDir rec_dir = run_dir(*root, "record", in_place_cwd);
  const RunDir clean_dir = run_dir(*root, "clean", in_place_cwd);
  std::vector<RunRequest> first = {
      {record_argv(cmds, rec_dir.trace), rec_dir.work, rec_dir.out, rec_dir.err, opt.timeout_s},
      {clean_argv(cmds, opt.injector, clean_dir.trace), clean_dir.work, clean_dir.out, clean_dir.err, opt.timeout_s}};
  RunResult first_results[2];
  const RunDir* first_dirs[2] = {&rec_dir, &clean_dir};
  Snapshot clean_snaps[2];
  bool ok = run_all(
      first, opt.in_place ? 1 : 2, [&](size_t i) { return prepare_dir(*first_dirs[i]); },
      [&](size_t i, const RunResult& r) {
        first_results[i] = r;
        if (!opt.in_place) clean_snaps[i] = snapshot_tree(first_dirs[i]->work);
      },
      g_interrupted);
  if (!ok) {
    cleanup();
    return fail(EINTR, "the sweep was interrupted during its clean runs", "");
  }
  RunObservation clean = observe(first_results[0], rec_dir, Injector::Site, nullptr, {}, opt.in_place);
  RunObservation clean2 = observe(first_results[1], clean_dir, opt.injector, nullptr, {}, opt.in_place);
  const Recording recording = parse_recording(read_all(rec_dir.trace));
  for (const RunObservation* o : {&clean, &clean2}) {
    if (o->runner_failed) {
      cleanup();
      return fail(0, "the clean run of the command failed to start: " + o->runner_message,
                  "check that the command runs under whyfail (whyfail -- COMMAND)");
    }
    if (o->timed_out) {
      cleanup();
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", opt.timeout_s);
      return fail(0, std::string("the command did not finish within ") + limit + " s in its clean run",
                  "raise --timeout, or give the command input that makes it end (stdin is /dev/null)");
    }
  }
  SweepSummary summary;
  summary.command = opt.command;
  summary.clean = clean;
  summary.clean_seconds = first_results[1].seconds;
  summary.stdout_stable = clean.stdout_bytes == clean2.stdout_bytes;
  if (!opt.in_place) summary.unstable_files = changed_paths(clean_snaps[0], clean_snaps[1]);
  summary.timeout_s = opt.timeout_s;
  summary.jobs = jobs;
  summary.every = opt.every;
  summary.in_place = opt.in_place;
  summary.lost_events = recording.lost_events;
  summary.record_work = rec_dir.work;
  summary.record_stdout = rec_dir.out;
  summary.record_stderr = rec_dir.err;

  // 2. The sites, and one trial per site and errno, in that order.
  SiteOptions site_options;
  site_options.include_loader = opt.include_loader;
  const SiteList sites = find_sites(recording, site_options);
  if (opt.injector == Injector::Site && !sites.have_call_sites) {
    if (!opt.injector_auto) {
      cleanup();
      return fail(0, "the recording run gave no call-site keys, so --injector=site cannot aim at a site",
                  "use --injector=when or --injector=strace");
    }
    opt.injector = Injector::When;
  }
  summary.injector = opt.injector;
  summary.sites = sites.sites.size();
  summary.loader_calls_skipped = sites.loader_calls_skipped;

  std::vector<TrialResult> results;
  for (const Site& site : sites.sites) {
    for (int err : site.errnos) {
      TrialResult t;
      t.index = results.size();
      t.site = &site;
      t.spec.syscall = site.call.name;
      t.spec.err = err;
      t.spec.call_site = site.call_site;
      t.spec.when = opt.injector == Injector::Site ? site.when : site.call.occurrence;
      t.spec.every = opt.every;
      results.push_back(std::move(t));
    }
  }
  summary.trials_planned = results.size();
  if (results.size() > opt.max_runs) {
    summary.trials_not_run = summary.trials_beyond_max = results.size() - opt.max_runs;
    results.resize(opt.max_runs);
  }

  // 3. The trials.
  std::vector<RunRequest> requests;
  std::vector<RunDir> dirs;
  for (const TrialResult& t : results) {
    RunDir d = run_dir(*root, "t" + std::to_string(t.index), in_place_cwd);
    requests.push_back({trial_argv(cmds, opt.injector, t.spec, d.trace), d.work, d.out, d.err, opt.timeout_s});
    dirs.push_back(std::move(d));
  }
  CleanBaseline baseline;
  baseline.run = clean;
  baseline.stdout_stable = summary.stdout_stable;
  baseline.unstable_files = summary.unstable_files;
  Progress progress;
  progress.on = ::isatty(2) == 1 && !requests.empty();
  progress.total = requests.size();
  std::vector<bool> finished(results.size(), false);
  bool completed = run_all(
      requests, jobs, [&](size_t i) { return prepare_dir(dirs[i]); },
      [&](size_t i, const RunResult& r) {
        TrialResult& t = results[i];
        t.seconds = r.seconds;
        t.observation = observe(r, dirs[i], opt.injector, opt.in_place ? nullptr : &clean_snaps[0],
                                summary.unstable_files, opt.in_place);
        t.verdict = classify(baseline, t.observation, t.spec.syscall);
        finished[i] = true;
        if (!opt.keep && !opt.in_place) remove_tree(dirs[i].dir);
        progress.tick();
      },
      g_interrupted);
  progress.clear();
  if (!completed) {
    summary.interrupted = true;
    std::vector<TrialResult> done;
    for (size_t i = 0; i < results.size(); i++) {
      if (finished[i]) done.push_back(std::move(results[i]));
    }
    summary.trials_not_run += results.size() - done.size();
    results = std::move(done);
  }
  cleanup();
  summary.seconds = now_s() - started;

  const std::string text = opt.json ? render_json(results, summary) : render_text(results, summary);
  if (opt.output_file.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  } else {
    std::ofstream out(opt.output_file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return fail(errno, "cannot write " + opt.output_file, "check the path and free space");
  }
  if (summary.interrupted) return 130;
  for (const auto& r : results) {
    Outcome o = r.verdict.outcome;
    if (o == Outcome::Crashed || o == Outcome::Hung || o == Outcome::SilentlyIgnored) return 3;
  }
  return 0;
}

}  // namespace whyfail::sweep
