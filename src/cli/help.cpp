#include "cli/options.h"

namespace whyfail::cli {

std::string help_text() {
  return R"(usage: whyfail [OPTIONS] [--] COMMAND [ARGS...]
       whyfail [OPTIONS] -p PID[,PID...]
       whyfail [OPTIONS] --system [--comm NAME] [--pid PID] [--uid UID] [--errno E] [--duration S]
       whyfail execs|files|sched [--comm NAME] [--pid PID] [--uid UID] [--cgroup DIR] [-d S] [-- CMD]
                            system-wide views; execs --tree, files --compact or -c,
                            sched --min-ms N --interval S --slow-log (whyfail VIEW --help)
       whyfail doctor [--json]
       whyfail sweep [OPTIONS] -- COMMAND   fail each call site in turn (whyfail sweep --help)

Traces a command or processes like `strace -f`, prints the system calls that failed, picks the
one that made the command fail, and explains why the kernel refused it.

What to trace:
  -p PID[,PID]         attach to running processes (repeatable); Ctrl-C detaches, they keep running
  -f                   follow forks, threads and exec (always on)
  -e trace=SET         show only these syscalls: names, %file %network %process %memory %signal
                       %ipc %desc %creds %clock %stat, /REGEX, all, none; '!' negates
  -e status=WHICH      show failed (default), successful or all calls
  -e inject=SET:ACTION make calls fail, return a value, get a signal or wait (ptrace backend):
                       error=ERRNO|retval=N, signal=SIG, delay_enter=T, delay_exit=T,
                       syscall=NAME, when=FIRST[..LAST][+STEP]; beyond strace: comm=GLOB,
                       exe=GLOB, path=GLOB, caller=GLOB (a function on the user stack),
                       site=KEY (a call site: "call_site" of -k --json) (docs/injection.md)
  -e fault=SET[:error=ERRNO]  -e delay=SET:delay_enter=T   short forms of -e inject=
  --system             every process on the machine (bpf backend); narrow with
                       --comm NAME, --pid PID, --uid UID, --errno ENOENT,..., --duration SECONDS
  --backend=KIND       auto (default: bpf when allowed, else ptrace), ptrace or bpf
  --seccomp-bpf        with -e trace=, stop the command only for those syscalls (default)
  --no-seccomp         never install a seccomp filter in the command
  -k                   user stack of each shown call, symbolized as strace -k does
                       (separate debug files by build-id: /usr/lib/debug, $WHYFAIL_DEBUG_DIRS)
  --kernel             the kernel function each error was born in (fexit or kretprobes;
                       without --kernel-funcs the command first runs once to learn them)
  --kernel-funcs=GLOBS watch these kernel functions ('perf_*,*_attr'); implies --kernel

What to print:
  --all                every syscall, not only failures
  --all-failures       list the failures even when the command succeeded
  --explain            the cause under each failed call
  --json               JSON Lines (docs/json-schema.md)
  -v, --no-abbrev      print execve environments in full (default: "/* N vars */" as strace)
  -c                   summary per syscall: calls, errors by errno, time (instead of the calls)
  -o FILE              write the trace to FILE instead of stderr
  -s N                 bytes of strings and buffers to capture (default 64; paths: whole)
  -T                   time spent in each call
  -t, -tt, -ttt        wall-clock time, with microseconds, as epoch seconds
  -r                   time since the previous call
  -y                   show what descriptors refer to (default); --no-fd-paths turns it off
  --color=WHEN         auto (default: on a terminal without NO_COLOR), always, never

  -h, --help           this text
  -V, --version        whyfail's version

Exit status: the command's own (128+N when signal N killed it); 2 for bad usage; 1 when
tracing failed. With -p: 0 once every process ended or was detached.
)";
}

}  // namespace whyfail::cli
