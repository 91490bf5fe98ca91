#include "sweep/injector.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <sstream>

#include "sweep/errno_candidates.h"

namespace whyfail::sweep {
namespace {

std::string inject_expr(const TrialSpec& s, bool with_site) {
  std::string e = "inject=" + s.syscall + ":error=" + errno_name(s.err);
  if (with_site) e += ":site=" + s.call_site;
  e += ":when=" + std::to_string(s.when) + (s.every ? "+" : "");
  return e;
}

std::vector<std::string> whyfail_base(const Commands& c, const std::string& trace_path) {
  return {c.whyfail, "--backend=ptrace", "--json", "-o", trace_path};
}

void append_command(std::vector<std::string>& argv, const Commands& c) {
  argv.push_back("--");
  argv.insert(argv.end(), c.command.begin(), c.command.end());
}

// Exit status of `argv` run with every stream on /dev/null; -1 when it could not run.
int quiet_status(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid < 0) return -1;
  int st = 0;
  if (::waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

const char* injector_name(Injector injector) {
  switch (injector) {
    case Injector::Site: return "site";
    case Injector::When: return "when";
    case Injector::Strace: return "strace";
  }
  return "?";
}

std::vector<std::string> record_argv(const Commands& c, const std::string& trace_path) {
  auto argv = whyfail_base(c, trace_path);
  argv.insert(argv.end(), {"-k", "-e", "status=all"});
  append_command(argv, c);
  return argv;
}

std::vector<std::string> clean_argv(const Commands& c, Injector injector, const std::string& trace_path) {
  std::vector<std::string> argv;
  if (injector == Injector::Strace) {
    argv = {c.strace, "-f", "-q", "-o", trace_path, "-e", "trace=none"};
  } else {
    argv = whyfail_base(c, trace_path);
    argv.insert(argv.end(), {"-e", "trace=none"});
  }
  append_command(argv, c);
  return argv;
}

std::vector<std::string> trial_argv(const Commands& c, Injector injector, const TrialSpec& spec,
                                    const std::string& trace_path) {
  std::vector<std::string> argv;
  if (injector == Injector::Strace) {
    argv = {c.strace, "-f", "-q", "-o", trace_path, "-e", "trace=" + spec.syscall, "-e", inject_expr(spec, false)};
  } else {
    argv = whyfail_base(c, trace_path);
    argv.insert(argv.end(), {"-e", "trace=" + spec.syscall, "-e", "status=all", "-e",
                             inject_expr(spec, injector == Injector::Site)});
  }
  append_command(argv, c);
  return argv;
}

Recording read_trace(Injector injector, const std::string& text) {
  if (injector != Injector::Strace) return parse_recording(text);
  // strace -f -o: "[PID ]name(args) = RET [ERRNO (text)] [(INJECTED)]", and
  // "[PID ]+++ exited with N +++" / "+++ killed by SIGX [(core dumped)] +++".
  static const std::regex call_re(R"(^(?:(\d+)\s+)?(\w+)\((.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+|\?)(?:\s+(E[A-Z0-9]+)\b)?)");
  static const std::regex resumed_re(R"(^(?:(\d+)\s+)?<\.\.\. (\w+) resumed>.*=\s+(-?\d+|\?)(?:\s+(E[A-Z0-9]+)\b)?)");
  static const std::regex exit_re(R"(^(?:(\d+)\s+)?\+\+\+ (exited with (\d+)|killed by (SIG\w+)( \(core dumped\))?) \+\+\+)");
  Recording rec;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    pid_t pid = 0;
    if (std::regex_search(line, m, exit_re)) {
      pid = m[1].matched ? std::stoi(m[1]) : 0;
      RecordedExit e;
      e.pid = pid;
      if (m[3].matched) {
        e.code = std::stoi(m[3]);
      } else {
        e.killed = true;
        e.signal = m[4];
        e.core_dumped = m[5].matched;
      }
      if (rec.root_pid == 0) rec.root_pid = pid;
      rec.exits.push_back(e);
      continue;
    }
    RecordedCall c;
    if (std::regex_search(line, m, call_re)) {
      c.pid = c.tid = m[1].matched ? std::stoi(m[1]) : 0;
      c.name = m[2];
      c.strings[0] = m[3].str();  // the arguments as strace printed them (retries compare them)
      if (m[5].matched) c.errno_name = m[5];
    } else if (std::regex_search(line, m, resumed_re)) {
      c.pid = c.tid = m[1].matched ? std::stoi(m[1]) : 0;
      c.name = m[2];
      if (m[4].matched) c.errno_name = m[4];
    } else {
      continue;
    }
    c.injected = line.find("(INJECTED)") != std::string::npos;
    c.finished = line.find("= ?") == std::string::npos;
    if (rec.root_pid == 0) rec.root_pid = c.pid;
    rec.calls.push_back(std::move(c));
  }
  // Without -f's prefix (one process), pids are 0 throughout: consistent either way.
  return rec;
}

bool is_runner_line(Injector injector, const std::string& line) {
  if (injector == Injector::Strace) return line.rfind("strace: ", 0) == 0;
  return line.rfind("whyfail: ", 0) == 0;
}

Injector probe_injector(const Commands& c) {
  const std::vector<std::string> site = {c.whyfail, "--backend=ptrace", "-o", "/dev/null",
                                         "-e", "inject=getpid:error=EPERM:site=0123456789abcdef:when=1",
                                         "--", "/bin/true"};
  if (quiet_status(site) == 0) return Injector::Site;
  const std::vector<std::string> when = {c.whyfail, "--backend=ptrace", "-o", "/dev/null",
                                         "-e", "inject=getpid:error=EPERM:when=1", "--", "/bin/true"};
  if (quiet_status(when) == 0) return Injector::When;
  return Injector::Strace;
}

}  // namespace whyfail::sweep
