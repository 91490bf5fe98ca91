#!/usr/bin/env python3
"""The timing loop behind run-bench.sh: runs every (workload, tracer) pair
once per round, rounds interleaved so that a noisy neighbour hits all
variants alike, and prints medians and ratios.

Two times per run: the workload's own loop time (reported by the workload on
stderr with BENCH_TIMING=1; the steady-state cost per syscall) and the wall
time of the whole command (adds the tracer's start-up and exit)."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

# name, argv after the binary. Sizes keep strace -f near 2 s each here.
WORKLOADS = [
    ("failopen", 10000),
    ("mixed", 3000),
    ("forky", 30),
    ("pingpong", 2000),
]


def variants(whyfail):
    """(label, argv prefix or None, reason when unavailable)."""
    out = [("untraced", [], None)]
    strace = shutil.which("strace")
    out.append(("strace -f", [strace, "-f", "-o", "/dev/null", "--"] if strace else None,
                None if strace else "strace not installed"))
    out.append(("strace -f --seccomp-bpf -e openat",
                [strace, "-f", "--seccomp-bpf", "-e", "trace=openat", "-o", "/dev/null", "--"]
                if strace else None, None if strace else "strace not installed"))
    have = os.access(whyfail, os.X_OK)
    why = None if have else f"{whyfail} not built"
    # The default picks a backend itself (auto: bpf when allowed); the
    # ptrace rows are the like-for-like comparison with strace.
    out.append(("whyfail (default)", [whyfail, "-o", "/dev/null", "--"] if have else None, why))
    out.append(("whyfail --backend=ptrace",
                [whyfail, "--backend=ptrace", "-o", "/dev/null", "--"] if have else None, why))
    out.append(("whyfail --backend=ptrace -e openat",
                [whyfail, "--backend=ptrace", "-e", "trace=openat", "-o", "/dev/null", "--"]
                if have else None, why))
    out.append(("whyfail --backend=bpf",
                [whyfail, "--backend=bpf", "-o", "/dev/null", "--"] if have else None, why))
    perf = shutil.which("perf")
    out.append(("perf trace", [perf, "trace", "-o", "/dev/null", "--"] if perf else None,
                None if perf else "perf not installed"))
    return out


def run_once(prefix, binary, n, timeout):
    """Returns (loop_s, wall_s) or raises RuntimeError(reason)."""
    return run_argv(prefix + [binary, str(n)], timeout)


def run_argv(argv, timeout):
    """Runs one timed command line: (loop_s, wall_s) or RuntimeError(reason)."""
    env = dict(os.environ, BENCH_TIMING="1")
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout:.0f} s")
    except OSError as e:
        raise RuntimeError(str(e))
    wall = time.monotonic() - t0
    err = p.stderr.decode(errors="replace")
    loop = None
    for line in err.splitlines():
        if line.startswith("bench: "):
            for field in line.split()[1:]:
                k, _, v = field.partition("=")
                if k == "loop_s":
                    loop = float(v)
    if p.returncode != 0 or loop is None:
        last = [l for l in err.splitlines() if l.strip() and not l.startswith("bench: ")]
        reason = last[-1].strip() if last else "no timing line"
        raise RuntimeError(f"exit {p.returncode}: {reason[:100]}")
    return loop, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--whyfail", required=True)
    args = ap.parse_args()
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    budget = float(os.environ.get("BENCH_BUDGET_S", "240"))
    timeout = float(os.environ.get("BENCH_TIMEOUT_S", "60"))

    vs = variants(args.whyfail)
    work = [(w, max(1, int(n * scale))) for w, n in WORKLOADS]
    failed = {}   # (workload, label) -> reason
    for label, prefix, reason in vs:
        if prefix is None:
            for w, _ in work:
                failed[(w, label)] = reason
    # Pre-flight: one tiny run per pair, so a broken tracer costs seconds, not rounds.
    for w, n in work:
        for label, prefix, _ in vs:
            if (w, label) in failed:
                continue
            try:
                run_once(prefix, os.path.join(args.bin, w), max(1, n // 100), timeout)
            except RuntimeError as e:
                failed[(w, label)] = str(e)

    loops, walls = {}, {}
    start = time.monotonic()
    done = 0
    for r in range(args.rounds):
        if r > 0 and time.monotonic() - start > budget:
            print(f"(budget of {budget:.0f} s spent: stopped after {done} rounds)", file=sys.stderr)
            break
        for w, n in work:
            for label, prefix, _ in vs:
                if (w, label) in failed:
                    continue
                try:
                    loop, wall = run_once(prefix, os.path.join(args.bin, w), n, timeout)
                except RuntimeError as e:
                    failed[(w, label)] = str(e)
                    continue
                loops.setdefault((w, label), []).append(loop)
                walls.setdefault((w, label), []).append(wall)
        done += 1
        print(f"round {done}/{args.rounds} done ({time.monotonic() - start:.0f} s)", file=sys.stderr)

    print(f"whyfail bench: {done} interleaved rounds, medians; {os.uname().release}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; whyfail={args.whyfail}")
    print("loop = the workload's own loop time; wall = whole command incl. tracer start-up\n")
    for w, n in work:
        base = loops.get((w, "untraced"))
        base_m = statistics.median(base) if base else None
        print(f"{w} {n}")
        print(f"  {'tracer':36} {'loop s':>9} {'x untraced':>10} {'wall s':>8}")
        for label, _, _ in vs:
            key = (w, label)
            if key in failed and key not in loops:
                print(f"  {label:36} n/a: {failed[key]}")
                continue
            lm = statistics.median(loops[key])
            wm = statistics.median(walls[key])
            ratio = f"{lm / base_m:9.2f}x" if base_m else "      n/a"
            note = f"  (later run failed: {failed[key]})" if key in failed else ""
            print(f"  {label:36} {lm:9.4f} {ratio:>10} {wm:8.3f}{note}")
        # whyfail against strace, like for like.
        for mine, theirs in (("whyfail (default)", "strace -f"),
                             ("whyfail --backend=ptrace", "strace -f"),
                             ("whyfail --backend=ptrace -e openat",
                              "strace -f --seccomp-bpf -e openat"),
                             ("whyfail --backend=bpf", "strace -f")):
            a, b = loops.get((w, mine)), loops.get((w, theirs))
            if a and b:
                q = statistics.median(a) / statistics.median(b)
                verdict = "faster" if q < 1 else "SLOWER"
                print(f"  {mine} / {theirs}: {q:.2f} ({verdict})")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
