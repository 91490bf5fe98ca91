#!/usr/bin/env python3
"""The two backends on the same real programs: `whyfail --json --all-failures`
with --backend=ptrace and with --backend=bpf must report the same failing
syscalls with the same decoded arguments and errnos, the same calls that never
returned, the same signals, and the same verdict (culprit call, its arguments and
errno, the exit).

The programs are those of the strace comparison (tests/e2e/strace_parity, same
set-up and environment, imported from there) and the culprit scenario programs
of tests/progs (scen_*). What is compared, per process in order of creation
(pids differ per run), is each thread's sequence of failures; normalized only
where the strace comparison normalizes, for the same reasons:

  launch   records before the command's first exec (the bpf launcher's
           held child is seen from the fork; ptrace from the exec);
  timing   futex in multi-threaded programs, and in the shell pipeline and
           the shell with several children the ERESTART* exits and where
           SIGCHLD lands (rt_sigreturn's restored value, SIGCHLD);
  child    a new child's own return from fork (bpf only) is never a failure,
           so it does not show here.

Arguments are compared as decoded, except two things: an fd is compared by its
number (ptrace decodes `{"fd": 3, ...}` from /proc at the call; the bpf backend
after the fact, when the fd or the process may be gone: plain 3); and an
address (a hex value of 5+ digits: stack, heap, mmap hints) is "<ptr>", since
ASLR places them differently per run.

Usage: backend_parity_test.py --whyfail PATH --progs DIR [-k NAME]
Exit 0 when every program matches, 1 otherwise, 77 when a backend cannot run.
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
WORK_ROOT = "/tmp/whyfail-backend-parity"


def load_strace_parity():
    path = os.path.join(HERE, "..", "strace_parity", "strace_parity_test.py")
    spec = importlib.util.spec_from_file_location("strace_parity", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


POINTER = re.compile(r"^0x[0-9a-f]{5,}$")


def strip_fd_paths(v):
    """Decoded args without what differs per run or per moment of decoding (see
    module doc): an fd is its number, an address is "<ptr>"."""
    if isinstance(v, dict):
        if "fd" in v:
            return v["fd"]
        return {k: strip_fd_paths(x) for k, x in v.items()}
    if isinstance(v, list):
        return [strip_fd_paths(x) for x in v]
    if isinstance(v, str) and POINTER.match(v):
        return "<ptr>"
    return v


def summary(path, flags):
    """Per process (creation order): per thread (creation order), its failures;
    plus the verdict's culprit and exit."""
    procs, order, started = {}, [], set()
    verdict = None
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for r in records:
        kind = r.get("type")
        pid = r.get("pid")
        # Processes in creation order (fork order of their parent), which
        # does not depend on how concurrent children are scheduled.
        if kind == "exec":
            started.add(pid)
            if pid not in procs:
                procs[pid] = {}
                order.append(pid)
            continue
        if kind == "spawn":
            child = r.get("child_pid")
            started.add(child)
            if child not in procs:
                procs[child] = {}
                order.append(child)
            continue
        if kind == "verdict":
            verdict = r
            continue
        if pid not in started:
            continue  # launch: before the command's first exec
        if pid not in procs:
            procs[pid] = {}
            order.append(pid)
        tid = r.get("tid", pid)
        seq = procs[pid].setdefault(tid, [])
        if kind == "syscall":
            name = r["syscall"]
            if "threads" in flags and name == "futex":
                continue
            if "async" in flags and (name in ("rt_sigreturn", "restart_syscall") or
                                     (r.get("ret") is not None and -r["ret"] in (512, 513, 514, 516))):
                continue
            if r.get("finished") is False:
                seq.append((name, "no return", json.dumps(strip_fd_paths(r["args"]))))
            elif r.get("errno"):
                seq.append((name, r["errno"], json.dumps(strip_fd_paths(r["args"]))))
        elif kind == "signal":
            if "async" in flags and r.get("signal") == "SIGCHLD":
                continue
            seq.append(("signal", r.get("signal"), r.get("si_code")))
    out = [[seq for _, seq in sorted(procs[p].items(), key=lambda kv: kv[0])] for p in order]
    culprit = None
    if verdict and verdict.get("culprit"):
        c = verdict["culprit"]
        culprit = (c["syscall"], c.get("errno"), json.dumps(strip_fd_paths(c["args"])))
    exit_ = verdict and verdict.get("exit")
    exit_ = exit_ and (exit_.get("killed"), exit_.get("code"), exit_.get("signal"))
    return out, culprit, exit_


def scenario_cases(progs):
    """The culprit scenario programs that need no set-up (tests/progs/scen_*)."""
    out = {}
    for name in sorted(os.listdir(progs)):
        full = os.path.join(progs, name)
        if name.startswith("scen_") and os.access(full, os.X_OK) and os.path.isfile(full):
            out[name] = ([full], lambda work: None, ".", set())
    return out


def run(whyfail, backend, argv, work, cwd, setup, out):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    setup(work)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": work, "LC_ALL": "C", "TZ": "UTC",
           "PYTHONHASHSEED": "0", "GIT_CONFIG_NOSYSTEM": "1", "TERM": "dumb"}
    p = subprocess.run([whyfail, f"--backend={backend}", "--json", "--all-failures", "-o", out, "--"]
                       + argv, cwd=os.path.join(work, cwd), env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    return p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--progs", required=True)
    ap.add_argument("-k", action="append")
    args = ap.parse_args()
    whyfail = os.path.abspath(args.whyfail)
    for backend in ("ptrace", "bpf"):
        p = subprocess.run([whyfail, f"--backend={backend}", "--", "true"], capture_output=True, timeout=60)
        if p.returncode != 0:
            print(f"SKIP: the {backend} backend cannot run here: "
                  f"{p.stderr.decode(errors='replace').strip()[:200]}")
            return SKIP
    sp = load_strace_parity()
    progs = os.path.abspath(args.progs)
    cases = dict(sp.cases(progs))
    cases.update(scenario_cases(progs))
    flags_for = {"shell_children": {"async"}}
    os.makedirs(WORK_ROOT, exist_ok=True)
    failures = 0
    selected = {n: c for n, c in cases.items() if not args.k or any(k in n for k in args.k)}
    for name, (argv, setup, cwd, flags) in selected.items():
        flags = set(flags) | flags_for.get(name, set())
        work = os.path.join(WORK_ROOT, "work")
        res = {}
        for backend in ("ptrace", "bpf"):
            out = os.path.join(WORK_ROOT, f"{name}.{backend}.jsonl")
            rc = run(whyfail, backend, argv, work, cwd, setup, out)
            res[backend] = (rc,) + summary(out, flags)
        problems = []
        (prc, pseq, pcul, pexit), (brc, bseq, bcul, bexit) = res["ptrace"], res["bpf"]
        if prc != brc:
            problems.append(f"exit status: ptrace {prc}, bpf {brc}")
        if len(pseq) != len(bseq):
            problems.append(f"processes: ptrace {len(pseq)}, bpf {len(bseq)}")
        for i, (pp, bp) in enumerate(zip(pseq, bseq)):
            if pp != bp:
                problems.append(f"process {i}: failures differ\n    ptrace {pp}\n    bpf    {bp}")
        if pcul != bcul:
            problems.append(f"culprit: ptrace {pcul}, bpf {bcul}")
        if pexit != bexit:
            problems.append(f"exit: ptrace {pexit}, bpf {bexit}")
        if problems:
            failures += 1
            print(f"FAIL {name}")
            for pr in problems:
                print("  " + pr[:2000])
        else:
            print(f"ok   {name}  ({sum(len(t) for p in pseq for t in p)} failures, culprit {pcul and pcul[:2]})")
    print(f"{len(selected) - failures}/{len(selected)} programs: both backends report the same")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
