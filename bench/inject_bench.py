#!/usr/bin/env python3
"""The timing loop behind run-inject-bench.sh: what armed injection rules
that never fire cost, against plain ptrace tracing, on the bench workloads.
Rounds interleaved, medians, ratios within the run (bench_runner.py's
run_once and workloads)."""

import argparse
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_runner import WORKLOADS, run_once  # noqa: E402

# Rules that cover each workload's calls but never fire: when= past any
# count reached here costs the entry check and the count; a :path= filter
# that never matches also reads the path argument of every openat.
ARMED_WHEN = "inject=openat,read,write,getpid,close,newfstatat,pipe2,clone,wait4:error=EIO:when=65535"
ARMED_PATH = "inject=openat:error=EIO:path=/never-matched-by-a-workload/*"


def variants(whyfail):
    out = []
    strace = shutil.which("strace")
    if strace:
        out.append(("strace -f", [strace, "-f", "-o", "/dev/null", "--"]))
        out.append(("strace -f, armed when=", [strace, "-f", "-o", "/dev/null", "-e", ARMED_WHEN, "--"]))
    base = [whyfail, "--backend=ptrace", "-o", "/dev/null"]
    out.append(("whyfail ptrace", base + ["--"]))
    out.append(("whyfail ptrace, armed when=", base + ["-e", ARMED_WHEN, "--"]))
    out.append(("whyfail ptrace, armed path=", base + ["-e", ARMED_PATH, "--"]))
    out.append(("whyfail ptrace -e openat", base + ["-e", "trace=openat", "--"]))
    out.append(("whyfail ptrace -e openat, armed path=", base + ["-e", "trace=openat", "-e", ARMED_PATH, "--"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--whyfail", required=True)
    args = ap.parse_args()
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    timeout = float(os.environ.get("BENCH_TIMEOUT_S", "60"))
    vs = variants(args.whyfail)
    work = [(w, max(1, int(n * scale))) for w, n in WORKLOADS]
    loops, failed = {}, {}
    start = time.monotonic()
    for r in range(args.rounds):
        for w, n in work:
            for label, prefix in vs:
                if (w, label) in failed:
                    continue
                try:
                    loop, _ = run_once(prefix, os.path.join(args.bin, w), n, timeout)
                except RuntimeError as e:
                    failed[(w, label)] = str(e)
                    continue
                loops.setdefault((w, label), []).append(loop)
        print(f"round {r + 1}/{args.rounds} done ({time.monotonic() - start:.0f} s)", file=sys.stderr)

    print(f"whyfail inject bench: {args.rounds} interleaved rounds, medians of the workload's loop time; "
          f"{os.uname().release}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"armed when=: -e {ARMED_WHEN}\narmed path=: -e {ARMED_PATH}\n")
    pairs = [("whyfail ptrace, armed when=", "whyfail ptrace"),
             ("whyfail ptrace, armed path=", "whyfail ptrace"),
             ("whyfail ptrace -e openat, armed path=", "whyfail ptrace -e openat"),
             ("strace -f, armed when=", "strace -f")]
    for w, n in work:
        print(f"{w} {n}")
        for label, _ in vs:
            key = (w, label)
            if key not in loops:
                print(f"  {label:40} n/a: {failed.get(key, 'not run')}")
                continue
            print(f"  {label:40} {statistics.median(loops[key]):9.4f} s")
        for mine, plain in pairs:
            a, b = loops.get((w, mine)), loops.get((w, plain))
            if a and b:
                print(f"  {mine} / {plain}: {statistics.median(a) / statistics.median(b):.3f}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
