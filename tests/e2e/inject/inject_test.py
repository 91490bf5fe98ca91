#!/usr/bin/env python3
"""Injection on real programs (tests/progs/inject_probe.c).

For each syscall class, the probe runs under `strace -f -e inject=RULE` and
under `whyfail -e inject=RULE`: its output and exit status must be the same
(strace is the oracle for what the program saw), and must show the injection
took effect (so a tracer that injects nothing cannot pass). Then what strace
cannot check: delays measured by the program itself, a delayed thread not
holding the others, the (INJECTED) mark and the verdict's wording in text and
JSON, whyfail's own filters, and the errors.

Usage: inject_test.py --whyfail PATH --probe PATH --two-sites PATH [-v]
Exit status 0 on success, 1 on a failure, 77 when strace is missing.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def check(cond, what, detail=""):
    if not cond:
        FAILURES.append(f"{what}\n{detail}".rstrip())
        print(f"FAIL {what}")
    elif ARGS.verbose:
        print(f"ok   {what}")


def count_calls(probe, args, syscall):
    """How many times the probe calls `syscall`, seen by strace."""
    r = run(["strace", "-f", "-qq", "-e", f"trace={syscall}", "-o", "/dev/stdout", probe] + args)
    return sum(1 for line in r.stdout.splitlines() if re.match(rf"^(\d+\s+)?{syscall}\(", line))


def compare(name, strace_opts, whyfail_opts, probe_args, expect):
    """Same output and status under strace and whyfail; `expect` is in it."""
    s = run(["strace", "-f", "-qq", "-o", "/dev/null"] + strace_opts + [ARGS.probe] + probe_args)
    w = run([ARGS.whyfail, "-o", "/dev/null"] + whyfail_opts + ["--", ARGS.probe] + probe_args)
    detail = (f"strace: rc={s.returncode} out={s.stdout!r} err={s.stderr!r}\n"
              f"whyfail: rc={w.returncode} out={w.stdout!r} err={w.stderr!r}")
    check(s.stdout == w.stdout and s.returncode == w.returncode, f"{name}: same as strace", detail)
    check(expect in w.stdout, f"{name}: the program saw the injection ({expect!r})", detail)


def oracle_cases():
    probe = ARGS.probe
    # The program's own call is the last of its kind (after the loader's),
    # but for write the last is the report of the result: when=N on it
    # checks both the class and the per-syscall count. brk reports failure
    # by returning the old break, not an errno: glibc sees a 0 as ENOMEM.
    for mode, syscall, action, from_end, text in [
        ("read", "read", "error=EIO", 0, "read: failed: Input/output error"),
        ("write", "write", "error=ENOSPC", 1, "write: failed: No space left on device"),
        ("connect", "connect", "error=ETIMEDOUT", 0, "connect: failed: Connection timed out"),
        ("mmap", "mmap", "error=ENOMEM", 0, "mmap: failed: Cannot allocate memory"),
        ("brk", "brk", "retval=0", 0, "sbrk: failed: Cannot allocate memory"),
    ]:
        n = count_calls(probe, [mode], syscall) - from_end
        check(n > 0, f"{mode}: strace sees {syscall}")
        rule = f"inject={syscall}:{action}:when={n}"
        compare(f"{mode} {rule}", ["-e", rule], ["-e", rule], [mode], text)
    # File open: strace's -P PATH is whyfail's :path=GLOB.
    compare("open path=", ["-P", "/etc/hostname", "-e", "inject=openat:error=EACCES"],
            ["-e", "inject=openat:error=EACCES:path=/etc/host*"], ["open", "/etc/hostname"],
            "open: failed: Permission denied")
    n = count_calls(probe, ["open", "/etc/hostname"], "openat")
    compare("open when=", ["-e", f"inject=openat:error=ENOENT:when={n}"],
            ["-e", f"inject=openat:error=ENOENT:when={n}"], ["open", "/etc/hostname"],
            "open: failed: No such file or directory")
    compare("fault= defaults to ENOSYS", ["-e", "fault=connect"], ["-e", "fault=connect"], ["connect"],
            "connect: failed: Function not implemented")
    compare("retval= when=2", ["-e", "inject=getpid:retval=42:when=2"], ["-e", "inject=getpid:retval=42:when=2"],
            ["getpid"], "getpid 1: the pid\ngetpid 2: 42\n")
    compare("retval= when=1+", ["-e", "inject=getpid:retval=7:when=1+"], ["-e", "inject=getpid:retval=7:when=1+"],
            ["getpid"], "getpid 1: 7\ngetpid 2: 7\n")
    # when= counts per syscall and per thread: the second getuid of each thread.
    compare("when= counts per thread", ["-e", "inject=getuid:retval=77:when=2"],
            ["-e", "inject=getuid:retval=77:when=2"], ["counts"],
            f"main thread: getuid {os.getuid()}, 77\nsecond thread: getuid {os.getuid()}, 77\n")
    compare("syscall= runs a harmless call instead", ["-e", "inject=getpid:retval=5:syscall=gettid"],
            ["-e", "inject=getpid:retval=5:syscall=gettid"], ["getpid"], "getpid 2: 5")
    compare("signal=SIGUSR1", ["-e", "inject=getppid:signal=SIGUSR1"], ["-e", "inject=getppid:signal=SIGUSR1"],
            ["signal"], "SIGUSR1 delivered")
    # With -e trace= the launched command runs under a seccomp filter: the
    # injected calls must still stop (and the signal still be delivered).
    # strace injects only into traced calls; whyfail's -e trace= only says
    # what to show, so strace is told to trace the injected call too.
    compare("under a seccomp filter",
            ["--seccomp-bpf", "-e", "trace=openat,connect", "-e", "inject=connect:error=ETIMEDOUT"],
            ["-e", "trace=openat", "-e", "inject=connect:error=ETIMEDOUT"], ["connect"],
            "connect: failed: Connection timed out")
    compare("signal under a seccomp filter",
            # strace 6.1 with --seccomp-bpf loses this signal (a seccomp stop
            # drops a resume signal; whyfail sends it with tgkill there):
            # the oracle runs without the filter.
            ["-e", "trace=openat,getppid", "-e", "inject=getppid:signal=USR1"],
            ["-e", "trace=openat", "-e", "inject=getppid:signal=USR1"], ["signal"], "SIGUSR1 delivered")


def measured_ms(text, pattern):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else None


def delay_cases():
    for opt in ["inject=getppid:delay_enter=200ms", "delay=getppid:delay_exit=200000"]:
        w = run([ARGS.whyfail, "-o", "/dev/null", "-e", opt, "--", ARGS.probe, "delay"])
        ms = measured_ms(w.stdout, r"getppid took ([\d.]+) ms")
        check(ms is not None and 195 <= ms < 5000, f"-e {opt}: the program measured the delay ({ms} ms)", w.stdout)
    # The main thread's getppid is held 600 ms; the other thread must go on
    # making calls (each a ptrace stop the tracer serves) meanwhile.
    w = run([ARGS.whyfail, "-o", "/dev/null", "-e", "inject=getppid:delay_enter=600ms", "--", ARGS.probe, "threads"])
    m = re.search(r"getppid took ([\d.]+) ms; the other thread made (\d+) calls, longest gap ([\d.]+) ms", w.stdout)
    check(m is not None, "threads: the probe reported", w.stdout + w.stderr)
    if m:
        held, calls, gap = float(m.group(1)), int(m.group(2)), float(m.group(3))
        check(held >= 595, f"threads: the delayed call took {held} ms", w.stdout)
        check(calls > 20 and gap < held / 2,
              f"threads: the other thread was not held ({calls} calls, longest gap {gap} ms)", w.stdout)


def marks_and_verdict():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        r = run([ARGS.whyfail, "--json", "-o", out, "-e", "inject=connect:error=ETIMEDOUT", "--",
                 ARGS.probe, "connect"])
        records = [json.loads(line) for line in open(out) if line.strip()]
        calls = [j for j in records if j.get("type") == "syscall" and j.get("syscall") == "connect"]
        check(len(calls) == 1 and calls[0].get("injected") is True and calls[0].get("ret") == -110,
              "JSON: the connect record is marked injected", json.dumps(calls))
        verdicts = [j for j in records if j.get("type") == "verdict"]
        culprit = verdicts[-1].get("culprit") if verdicts else None
        check(culprit is not None and culprit.get("syscall") == "connect" and culprit.get("injected") is True,
              "JSON: the culprit is the injected call, marked", json.dumps(verdicts))
        check(r.returncode == 1, "JSON run: the program's exit status", str(r.returncode))
    r = run([ARGS.whyfail, "-e", "inject=connect:error=ETIMEDOUT", "--", ARGS.probe, "connect"])
    check(re.search(r"connect\(.*= -1 ETIMEDOUT .*\(INJECTED\)", r.stderr) is not None,
          "text: the call is marked (INJECTED)", r.stderr)
    check("failed because connect(" in r.stderr and "injected by whyfail" in r.stderr,
          "text: the verdict says the culprit was injected by whyfail", r.stderr)
    check("using the ptrace backend (-e inject needs it" in r.stderr,
          "auto backend: says why ptrace", r.stderr)
    # Not injected: no mark anywhere.
    r = run([ARGS.whyfail, "-e", "trace=connect", "--", ARGS.probe, "connect"])
    check("failed because connect(" in r.stderr and "INJECTED" not in r.stderr and "injected by" not in r.stderr,
          "a real failure is not marked", r.stderr)


def filters():
    # :comm= and :exe= that do not match: nothing injected, the call succeeds.
    for f in ["comm=nomatch", "exe=/nonexistent/*"]:
        r = run([ARGS.whyfail, "-o", "/dev/null", "-e", f"inject=getpid:retval=9:{f}", "--", ARGS.probe, "getpid"])
        check("getpid 1: the pid\ngetpid 2: the pid\n" in r.stdout, f":{f} that does not match injects nothing",
              r.stdout)
    r = run([ARGS.whyfail, "-o", "/dev/null", "-e", "inject=getpid:retval=9:comm=inject_pro*:exe=*/inject_probe",
             "--", ARGS.probe, "getpid"])
    check("getpid 1: 9\ngetpid 2: 9\n" in r.stdout, ":comm= and :exe= that match inject", r.stdout)
    # :path= counts only matching calls for when=: the second open of /etc/hostname.
    r = run([ARGS.whyfail, "-o", "/dev/null", "-e", "inject=openat:error=EPERM:path=/etc/hostname:when=1",
             "--", ARGS.probe, "open", "/etc/hostname"])
    check("open: failed: Operation not permitted" in r.stdout, ":path= with when=1 hits the first matching call",
          r.stdout)


def stack_filters():
    """caller= and site= on tests/progs/fails_open_two_sites.c: load_config() then load_cache()
    open the same file; a stack filter must fail only the chosen one."""
    prog = ARGS.two_sites
    both_ok = "load_config: ok\nload_cache: ok\n"
    config_fails = "load_config: Permission denied\nload_cache: ok\n"
    cache_fails = "load_config: ok\nload_cache: Permission denied\n"
    base = run([prog, "/dev/null"])
    check(base.stdout == both_ok and base.returncode == 0, "two sites: both opens succeed untraced", base.stdout)

    def inject(rule, extra=()):
        return run([ARGS.whyfail, "-o", "/dev/null"] + list(extra) + ["-e", rule, "--", prog, "/dev/null"])

    for rule, want, rc in [
        ("inject=openat:error=EACCES:caller=load_cache", cache_fails, 1),
        ("inject=openat:error=EACCES:caller=load_config", config_fails, 1),
        ("inject=openat:error=EACCES:caller=load_c*", "load_config: Permission denied\nload_cache: Permission denied\n", 1),
        ("inject=openat:error=EACCES:caller=main", "load_config: Permission denied\nload_cache: Permission denied\n", 1),
        ("inject=openat:error=EACCES:caller=no_such_function", both_ok, 0),
        ("inject=openat:error=EACCES:caller=load_c*:when=2", cache_fails, 1),
    ]:
        r = inject(rule)
        check(r.stdout == want and r.returncode == rc, f"{rule}: only the chosen call fails", r.stdout + r.stderr)
    # Under a seccomp filter (-e trace=) the stack is read at the seccomp stop.
    r = inject("inject=openat:error=EACCES:caller=load_cache", ["-e", "trace=openat"])
    check(r.stdout == cache_fails, "caller= under a seccomp filter", r.stdout + r.stderr)

    # site=: the key of each call, from a -k --json run where both succeed.
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "trace.json")

        def keys(args):
            run([ARGS.whyfail, "--backend=ptrace", "-k", "--json", "-e", "status=all", "-e", "trace=openat", "-o", out,
                 "--", prog] + args)
            records = [json.loads(line) for line in open(out) if line.startswith("{")]
            return [j.get("call_site") for j in records if j.get("type") == "syscall" and
                    json.dumps(j.get("args")).find("/dev/null" if args else "/nonexistent") >= 0]
        ok_keys = keys(["/dev/null"])
        fail_keys = keys([])
    two_keys = len(ok_keys) == 2 and all(ok_keys) and ok_keys[0] != ok_keys[1]
    check(two_keys, "site=: two keys from a -k --json run", repr(ok_keys))
    if not two_keys:
        return
    check(fail_keys == ok_keys, "site=: the same call sites have the same keys whether the calls fail or not",
          f"{ok_keys} {fail_keys}")
    r = inject(f"inject=openat:error=EACCES:site={ok_keys[1]}")
    check(r.stdout == cache_fails and r.returncode == 1, "site= of load_cache's open fails only it", r.stdout + r.stderr)
    r = inject(f"inject=openat:error=EACCES:site={ok_keys[0]}")
    check(r.stdout == config_fails and r.returncode == 1, "site= of load_config's open fails only it",
          r.stdout + r.stderr)
    r = inject(f"inject=openat:error=EACCES:site={ok_keys[0]}:when=2")
    check(r.stdout == both_ok, "site= counts when= among the calls at that site (one here)", r.stdout + r.stderr)
    r = inject(f"inject=read:error=EIO:site={ok_keys[0]}")
    check(r.stdout == both_ok, "site= of an openat does not match another syscall", r.stdout + r.stderr)


def errors():
    cases = [
        (["--backend=bpf", "-e", "inject=openat:error=EACCES"], "needs the ptrace backend"),
        (["--backend=bpf", "-e", "inject=openat:error=EACCES:caller=main"], "needs the ptrace backend"),
        (["-e", "inject=openat:error=EIO:site=main"], "16 lowercase hex digits"),
        (["-e", "inject=openat:error=EFOO"], "unknown errno 'EFOO'"),
        (["-e", "inject=nosuch:error=EIO"], "unknown syscall 'nosuch'"),
        (["-e", "inject=openat"], "nothing to inject"),
        (["-e", "inject=openat:error=EIO:when=0"], "when="),
    ]
    for opts, text in cases:
        r = run([ARGS.whyfail] + opts + ["--", "true"])
        lines = r.stderr.strip().splitlines()
        check(r.returncode != 0 and len(lines) == 1 and lines[0].startswith("whyfail: ") and text in lines[0]
              and "; " in lines[0], f"error for {' '.join(opts)}", r.stderr)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--probe", required=True)
    ap.add_argument("--two-sites", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    ARGS = ap.parse_args()
    ARGS.whyfail = os.path.abspath(ARGS.whyfail)
    ARGS.probe = os.path.abspath(ARGS.probe)
    ARGS.two_sites = os.path.abspath(ARGS.two_sites)
    if not shutil.which("strace"):
        print("strace is not installed: cannot compare")
        return 77
    os.chdir(tempfile.gettempdir())
    oracle_cases()
    delay_cases()
    marks_and_verdict()
    filters()
    stack_filters()
    errors()
    if FAILURES:
        print("\n".join(FAILURES))
        return 1
    print("injection: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
