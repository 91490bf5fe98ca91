#!/usr/bin/env python3
"""run-bench.sh --floor: whyfail against what the kernel allows, in one run.

Every variant runs the workload on CPU 1 and its tracer (or the floor's
reader) on CPU 0, as ../shared/floor does, so the floor and whyfail are
compared like with like; one extra row shows whyfail unpinned (what a user
gets). With BENCH_RT=1 (default) every run is under SCHED_FIFO: on this
shared machine the other engineers' builds otherwise make one syscall take
5-10x its idle time, and the ratios drown in that noise. Rounds are
interleaved; medians; slow tracers (ptrace, strace, perf trace) run fewer
iterations and are compared per iteration."""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

from bench_runner import run_argv

# name, directory key, iterations for in-kernel tracers, iterations for stop-per-call tracers.
WORKLOADS = [
    ("failopen", "shared", 300000, 10000),
    ("mixed", "shared", 60000, 2000),
    ("forky", "project", 300, 100),
    ("pingpong", "project", 30000, 2000),
]

CPU_WORK, CPU_TRACER = "1", "0"


def variants(floor, whyfail, floor_modes, alternatives):
    """(label, build(binary, n) -> argv or None, slow, reason when unavailable)."""
    work = ["taskset", "-c", CPU_WORK]
    tracer = ["taskset", "-c", CPU_TRACER]
    out = []
    # floor 0 runs the workload alone, pinned exactly as the traced variants.
    out.append(("untraced", lambda b, n: [floor, "0", b, str(n)], False, None))
    names = {1: "empty sys_exit hook", 2: "+ tgid filter", 3: "+ submit failures",
             4: "+ wakeup flag", 5: "+ sys_enter stash", 6: "submit every call"}
    for m in floor_modes:
        out.append((f"floor {m} ({names.get(m, '?')})",
                    lambda b, n, m=m: [floor, str(m), b, str(n)], False, None))
    have = os.access(whyfail, os.X_OK)
    why = None if have else f"{whyfail} not built"
    wf = [whyfail, "-o", "/dev/null"]
    out.append(("whyfail --backend=bpf",
                lambda b, n: tracer + wf + ["--backend=bpf", "--"] + work + [b, str(n)], False, why))
    for i, alt in enumerate(alternatives, 1):   # A/B: another build of whyfail, same pinning
        awf = [alt, "-o", "/dev/null"]
        out.append((f"whyfail --backend=bpf [alt {i}]",
                    lambda b, n, awf=awf: tracer + awf + ["--backend=bpf", "--"] + work + [b, str(n)],
                    False, None if os.access(alt, os.X_OK) else f"{alt} not built"))
    out.append(("whyfail --backend=bpf (unpinned)",
                lambda b, n: wf + ["--backend=bpf", "--", b, str(n)], False, why))
    out.append(("whyfail --backend=ptrace",
                lambda b, n: tracer + wf + ["--backend=ptrace", "--"] + work + [b, str(n)], True, why))
    strace = shutil.which("strace")
    out.append(("strace -f",
                lambda b, n: tracer + [strace, "-f", "-o", "/dev/null", "--"] + work + [b, str(n)],
                True, None if strace else "strace not installed"))
    bpftrace = shutil.which("bpftrace")
    # What the usual tools cost here: BCC's syscount/opensnoop compile at run time
    # against kernel headers this kernel does not have, so bpftrace plays them.
    # Its -c takes one string, and its PATH lookup wants an absolute taskset.
    bt_work = f"{shutil.which('taskset')} -c {CPU_WORK}"
    count_prog = "tracepoint:raw_syscalls:sys_exit /pid == cpid/ { @[args->id] = count(); }"
    snoop_prog = ("tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @p[tid] = args->filename; } "
                  "tracepoint:syscalls:sys_exit_openat /pid == cpid/ { "
                  "if (args->ret < 0) { printf(\"%s %d\\n\", str(@p[tid]), args->ret); } delete(@p[tid]); }")
    for label, prog, slow in (("bpftrace count per syscall", count_prog, False),
                              ("bpftrace print failing openat", snoop_prog, True)):
        out.append((label,
                    lambda b, n, prog=prog: tracer + [bpftrace, "-q", "-o", "/dev/null", "-e", prog,
                                                      "-c", f"{bt_work} {b} {n}"],
                    slow, None if bpftrace else "bpftrace not installed"))
    perf = shutil.which("perf")
    out.append(("perf trace",
                lambda b, n: tracer + [perf, "trace", "-o", "/dev/null", "--"] + work + [b, str(n)],
                True, None if perf else "perf not installed"))
    return out


def rt_prefix(want):
    """SCHED_FIFO for the whole variant when allowed; else nothing (and say so)."""
    if not want:
        return [], "off (BENCH_RT=0)"
    chrt = shutil.which("chrt")
    if chrt and subprocess.run([chrt, "-f", "10", "true"], stderr=subprocess.DEVNULL).returncode == 0:
        return [chrt, "-f", "10"], "SCHED_FIFO 10 (chrt)"
    return [], "unavailable (chrt -f failed): ordinary scheduling"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--floor", required=True, help="the built ../shared/floor program")
    ap.add_argument("--shared", required=True, help="built ../shared/workloads")
    ap.add_argument("--project", required=True, help="built bench/workloads")
    ap.add_argument("--whyfail", required=True)
    args = ap.parse_args()
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    budget = float(os.environ.get("BENCH_BUDGET_S", "240"))
    timeout = float(os.environ.get("BENCH_TIMEOUT_S", "60"))
    modes = [int(m) for m in os.environ.get("FLOOR_MODES", "1,3").split(",") if m]
    rt, rt_note = rt_prefix(os.environ.get("BENCH_RT", "1") != "0")

    dirs = {"shared": args.shared, "project": args.project}
    alts = [a for a in os.environ.get("WHYFAIL_ALT", "").split(",") if a]
    vs = variants(args.floor, args.whyfail, modes, alts)
    pick = os.environ.get("BENCH_VARIANTS")          # regex: only these rows (untraced always)
    if pick:
        vs = [v for v in vs if v[0] == "untraced" or re.search(pick, v[0])]
    only = os.environ.get("BENCH_WORKLOADS")         # comma list: only these workloads
    work = [(w, os.path.join(dirs[d], w), max(1, int(fast * scale)), max(1, int(slow * scale)))
            for w, d, fast, slow in WORKLOADS if not only or w in only.split(",")]
    failed = {}
    for label, build, slow, reason in vs:
        if reason:
            for w, *_ in work:
                failed[(w, label)] = reason
    for w, binary, fast, slow_n in work:      # pre-flight: a broken variant costs seconds, not rounds
        for label, build, slow, _ in vs:
            if (w, label) in failed:
                continue
            try:
                run_argv(rt + build(binary, max(1, (slow_n if slow else fast) // 100)), timeout)
            except RuntimeError as e:
                failed[(w, label)] = str(e)

    per_iter = {}
    start = time.monotonic()
    done = 0
    for r in range(args.rounds):
        if r > 0 and time.monotonic() - start > budget:
            print(f"(budget of {budget:.0f} s spent: stopped after {done} rounds)", file=sys.stderr)
            break
        for w, binary, fast, slow_n in work:
            for label, build, slow, _ in vs:
                if (w, label) in failed:
                    continue
                n = slow_n if slow else fast
                try:
                    loop, _ = run_argv(rt + build(binary, n), timeout)
                except RuntimeError as e:
                    failed[(w, label)] = str(e)
                    continue
                per_iter.setdefault((w, label), []).append(loop / n)
        done += 1
        print(f"round {done}/{args.rounds} done ({time.monotonic() - start:.0f} s)", file=sys.stderr)

    print(f"whyfail vs floor: {done} interleaved rounds, medians; {os.uname().release}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; scheduling: {rt_note}")
    print(f"workload on CPU {CPU_WORK}, tracer/reader on CPU {CPU_TRACER} (except 'unpinned'); "
          f"ratio = loop time per iteration vs untraced; whyfail={args.whyfail}\n")
    floor_label = next((l for l, *_ in vs if l.startswith("floor 3")), None)
    for w, binary, fast, slow_n in work:
        base = per_iter.get((w, "untraced"))
        base_m = statistics.median(base) if base else None
        fl = per_iter.get((w, floor_label)) if floor_label else None
        fl_m = statistics.median(fl) if fl else None
        print(f"{w} (n={fast}; stop-per-call tracers n={slow_n})")
        print(f"  {'variant':36} {'us/iter':>9} {'x untraced':>10} {'spread':>13} {'x floor 3':>9}")
        for label, _, slow, _ in vs:
            key = (w, label)
            if key not in per_iter:
                print(f"  {label:36} n/a: {failed.get(key, 'not run')}")
                continue
            xs = per_iter[key]
            m = statistics.median(xs)
            ratio = f"{m / base_m:9.2f}x" if base_m else "      n/a"
            spread = f"{min(xs) / base_m:5.2f}-{max(xs) / base_m:5.2f}x" if base_m else ""
            vs_floor = f"{m / fl_m:8.2f}x" if fl_m and label.startswith("whyfail --backend=bpf") else ""
            note = f"  (a later run failed: {failed[key]})" if key in failed else ""
            print(f"  {label:36} {m * 1e6:9.3f} {ratio:>10} {spread:>13} {vs_floor:>9}{note}")
        a, b = per_iter.get((w, "whyfail --backend=bpf")), per_iter.get((w, "strace -f"))
        if a and b:
            print(f"  strace -f / whyfail bpf: {statistics.median(b) / statistics.median(a):.0f}x")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
