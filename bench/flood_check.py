#!/usr/bin/env python3
"""run-bench.sh --flood: the eBPF backend's start-up, memory and losses.

1. Start-up to the first traced syscall: wall time from just before whyfail is
   started to the traced program's main() (the workload stamps CLOCK_REALTIME
   there), median of a few runs under SCHED_FIFO (BENCH_RT=0: not), next to
   strace -f and bpftrace doing the same.
2. whyfail's RSS over a flood of failing calls: one traced shell runs
   `failopen STEP` again and again and, between steps, copies its parent's
   (whyfail's) VmRSS to stderr; printed at 1M, 5M and 10M failures by default.
3. Lost events at that rate with the default ring buffer: whyfail's own
   "events lost" lines, which must not appear."""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def startup(argv, runs):
    """Median seconds from launch to the traced program's main(), or a reason."""
    times = []
    for _ in range(runs):
        t0 = time.time()
        p = subprocess.run(argv, env=dict(os.environ, BENCH_TIMING="1"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60)
        m = re.search(r"start_rt=([0-9.]+)", p.stderr)
        if p.returncode != 0 or not m:
            return None, f"exit {p.returncode}: {p.stderr.strip().splitlines()[-1:]}"
        times.append(float(m.group(1)) - t0)
    return statistics.median(times), f"min {min(times):.3f} max {max(times):.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--failopen", required=True, help="a workload stamping start_rt= (../shared/workloads)")
    args = ap.parse_args()
    total = int(float(os.environ.get("FLOOD_CALLS", "10e6")))
    step = int(float(os.environ.get("FLOOD_STEP", "1e6")))
    marks = {int(float(m)) for m in os.environ.get("FLOOD_MARKS", "1e6,5e6,10e6").split(",")}
    runs = int(os.environ.get("STARTUP_RUNS", "5"))

    print(f"whyfail flood check: {os.uname().release}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; whyfail={args.whyfail}\n")
    # Under SCHED_FIFO as in --floor: at load 20 the run queue, not whyfail, sets the wall time.
    rt = ["chrt", "-f", "10"] if os.environ.get("BENCH_RT", "1") != "0" and shutil.which("chrt") else []
    print(f"start-up to the traced program's main() (median of {runs}, failopen 1, "
          f"{'chrt -f 10' if rt else 'ordinary scheduling'}):")
    rows = [("whyfail --backend=bpf", [args.whyfail, "--backend=bpf", "-o", "/dev/null", "--"]),
            ("whyfail --backend=ptrace", [args.whyfail, "--backend=ptrace", "-o", "/dev/null", "--"])]
    if shutil.which("strace"):
        rows.append(("strace -f", ["strace", "-f", "-o", "/dev/null", "--"]))
    if shutil.which("bpftrace"):
        # The same question answered by bpftrace: compiles its script at run time.
        rows.append(("bpftrace (failing syscalls of -c)",
                     ["bpftrace", "-q", "-e",
                      "tracepoint:raw_syscalls:sys_exit /pid == cpid && args->ret < 0/ { @[args->id] = count(); }",
                      "-c"]))
    for label, prefix in rows:
        # bpftrace's -c takes the command and its arguments as one string.
        cmd = [f"{args.failopen} 1"] if label.startswith("bpftrace") else [args.failopen, "1"]
        med, note = startup(rt + prefix + cmd, runs)
        print(f"  {label:36} " + (f"{med:6.3f} s  ({note})" if med is not None else f"n/a: {note}"))

    print(f"\nflood: {total} failing openat in steps of {step} (one traced shell, default ring buffer)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "whyfail.out")
        steps = max(1, total // step)
        # Shell builtins only between steps: a grep per step would add a traced
        # process (and its own failures) to the measurement each time.
        script = (f'i=0; while [ $i -lt {steps} ]; do "$0" {step} || exit 1; i=$((i+1)); '
                  f'while read -r k v; do case $k in VmRSS:) echo "flood: step=$i VmRSS: $v" >&2;; esac; '
                  f'done < /proc/$PPID/status; done; exit 0')
        t0 = time.monotonic()
        p = subprocess.run([args.whyfail, "--backend=bpf", "-o", out, "--", "sh", "-c", script, args.failopen],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.monotonic() - t0
        for line in p.stderr.splitlines():
            m = re.match(r"flood: step=(\d+) VmRSS:\s+(\d+) kB", line)
            if m and int(m.group(1)) * step in marks:
                print(f"  after {int(m.group(1)) * step:>9} failures: whyfail VmRSS {int(m.group(2)) / 1024:6.1f} MiB")
        text = open(out, errors="replace").read()
        lost = re.findall(r"whyfail: (\d+) events lost \(([^)]*)\)", text)
        seen = re.search(r"(\d+) system calls failed", text)
        print(f"  exit {p.returncode}, {wall:.1f} s; failures counted by whyfail: "
              f"{seen.group(1) if seen else '?'}")
        if lost:
            for n, why in lost:
                print(f"  LOST {n} events ({why})")
        else:
            print("  lost events: 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
