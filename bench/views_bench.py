#!/usr/bin/env python3
"""The timing loop behind run-views-bench.sh.

Each system-wide tool is started, given time to attach (until it writes its
first byte, then a settle delay), the workload runs next to it, and the tool
is stopped with SIGINT. The workload's own loop time (BENCH_TIMING=1) is the
measure; rounds are interleaved so that the other users of this machine hit
every variant alike, and the medians are compared within the run only.

Start-up: launch of the tool to the first event line read through a pipe,
with /bin/true exec'd every 5 ms in the background so that every view has an
event to report at once."""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seed-scripts")

# workload, iterations (scaled by BENCH_SCALE)
WORKLOADS = [("mixed", 100000), ("pingpong", 40000), ("forky", 300)]


def pinned(cpu, argv, pin):
    return (["taskset", "-c", str(cpu)] + argv) if pin and shutil.which("taskset") else argv


def variants(whyfail, floor, alts=()):
    """workload -> [(label, kind, argv or None, reason)]; kind: base, floor, tool."""
    have = os.access(whyfail, os.X_OK)
    why = None if have else f"{whyfail} not built"
    bpftrace = shutil.which("bpftrace")
    bt_why = None if bpftrace else "bpftrace not installed"

    def bcc(name):
        p = shutil.which(name)
        return p, (None if p else f"{name} not installed (scripts/install-bench-deps.sh)")

    def wf(*a):
        return [whyfail, *a] if have else None

    def bt(script):
        return [bpftrace, os.path.join(SEEDS, script)] if bpftrace else None

    def lbt(name):  # libbpf-tools installs them under their plain names
        p = f"/usr/sbin/{name}"
        ok = os.access(p, os.X_OK)
        return ([p] if ok else None), (None if ok else f"libbpf-tools {name} not installed "
                                       "(scripts/install-bench-deps.sh)")

    opensnoop, os_why = bcc("opensnoop-bpfcc")
    runqlat, rq_why = bcc("runqlat-bpfcc")
    execsnoop, ex_why = bcc("execsnoop-bpfcc")
    l_open, l_open_why = lbt("opensnoop")
    l_runq, l_runq_why = lbt("runqlat")
    l_exec, l_exec_why = lbt("execsnoop")
    table = {
        "mixed": [
            ("untraced", "base", [], None),
            ("floor mode 6 (every call, 1 process)", "floor",
             [floor, "6"] if floor else None, None if floor else "floor not built (FLOOR_DIR)"),
            ("whyfail files", "tool", wf("files"), why),
            ("whyfail files -c", "tool", wf("files", "-c"), why),
            ("libbpf-tools opensnoop (opens only)", "tool", l_open, l_open_why),
            ("opensnoop-bpfcc", "tool", [opensnoop] if opensnoop else None, os_why),
            ("bpftrace fatrace.bt (seed)", "tool", bt("fatrace.bt"), bt_why),
        ],
        "pingpong": [
            ("untraced", "base", [], None),
            ("whyfail sched", "tool", wf("sched"), why),
            ("whyfail sched --min-ms 5", "tool", wf("sched", "--min-ms", "5"), why),
            ("libbpf-tools runqlat -P", "tool", l_runq + ["-P"] if l_runq else None, l_runq_why),
            ("runqlat-bpfcc -P", "tool", [runqlat, "-P"] if runqlat else None, rq_why),
            ("bpftrace slowprocs.bt (seed)", "tool", bt("slowprocs.bt"), bt_why),
        ],
        "forky": [
            ("untraced", "base", [], None),
            ("whyfail execs", "tool", wf("execs"), why),
            ("whyfail execs --tree", "tool", wf("execs", "--tree"), why),
            ("libbpf-tools execsnoop", "tool", l_exec, l_exec_why),
            ("execsnoop-bpfcc", "tool", [execsnoop] if execsnoop else None, ex_why),
            ("bpftrace execsnoop one-liner (seed)", "tool", bt("execsnoop.bt"), bt_why),
        ],
    }
    # WHYFAIL_ALT=path[,path]: the same whyfail rows for other builds (A/B in one run).
    for i, alt in enumerate(alts, 1):
        ok = os.access(alt, os.X_OK)
        for w, rows in table.items():
            extra = [(f"{label} [alt {i}]", kind, ([alt] + argv[1:]) if ok else None,
                      None if ok else f"{alt} not built")
                     for label, kind, argv, _ in rows if label.startswith("whyfail") and argv]
            at = max(j for j, r in enumerate(rows) if r[0].startswith("whyfail")) + 1
            rows[at:at] = extra
    return table


def loop_time(stderr_text):
    for line in stderr_text.splitlines():
        if line.startswith("bench: "):
            for field in line.split()[1:]:
                k, _, v = field.partition("=")
                if k == "loop_s":
                    return float(v)
    return None


def run_workload(argv, timeout):
    env = dict(os.environ, BENCH_TIMING="1")
    try:
        p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"workload timed out after {timeout:.0f} s")
    err = p.stderr.decode(errors="replace")
    t = loop_time(err)
    if p.returncode != 0 or t is None:
        raise RuntimeError(f"workload exit {p.returncode}: {err.strip()[-100:]}")
    return t


def stop(tool, timeout=15):
    if tool.poll() is None:
        tool.send_signal(signal.SIGINT)
        try:
            tool.wait(timeout)
        except subprocess.TimeoutExpired:
            tool.kill()
            tool.wait()


def run_with_tool(tool_argv, work_argv, pin, settle, timeout):
    """Loop time of work_argv while tool_argv runs system-wide."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        tool = subprocess.Popen(pinned(0, tool_argv, pin), stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            t0 = time.monotonic()
            # Attached when it has written something (bpftrace's "Attaching",
            # BCC's header, whyfail's first line or its "tracing" note).
            while os.fstat(out.fileno()).st_size == 0 and os.fstat(err.fileno()).st_size == 0:
                if tool.poll() is not None or time.monotonic() - t0 > timeout:
                    break
                time.sleep(0.02)
            time.sleep(settle)
            if tool.poll() is not None:
                err.seek(0)
                msg = err.read().decode(errors="replace").strip().splitlines()
                raise RuntimeError(f"exit {tool.returncode}: {(msg[-1] if msg else 'no message')[:120]}")
            return run_workload(pinned(1, work_argv, pin), timeout)
        finally:
            stop(tool)


def first_event_s(tool_argv, is_event, timeout=20):
    """Launch of the tool to its first event line through a pipe."""
    trigger = subprocess.Popen(["sh", "-c", "while :; do /bin/true; sleep 0.005; done"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t0 = time.monotonic()
        tool = subprocess.Popen(tool_argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        try:
            for raw in tool.stdout:
                if is_event(raw.decode(errors="replace")):
                    return time.monotonic() - t0
                if time.monotonic() - t0 > timeout:
                    break
            return None
        finally:
            stop(tool)
    finally:
        trigger.kill()
        trigger.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--floor", default="")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("whyfail: run-views-bench.sh needs root (BPF); run it as root", file=sys.stderr)
        return 1
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    pin = os.environ.get("BENCH_PIN", "1") != "0" and (os.cpu_count() or 1) >= 2
    settle = float(os.environ.get("BENCH_SETTLE_S", "0.5"))
    timeout = float(os.environ.get("BENCH_TIMEOUT_S", "60"))
    alts = [a for a in os.environ.get("WHYFAIL_ALT", "").split(",") if a]
    vs = variants(args.whyfail, args.floor, alts)
    only = os.environ.get("BENCH_ONLY", "")  # e.g. "mixed": a subset while working on one view
    work = [(w, max(1, int(n * scale))) for w, n in WORKLOADS if not only or w in only.split(",")]
    failed, loops = {}, {}
    for w, _ in work:
        for label, _, argv, reason in vs[w]:
            if argv is None:
                failed[(w, label)] = reason

    def one(w, n, label, kind, argv):
        wargv = [os.path.join(args.bin, w), str(n)]
        if kind == "base":
            return run_workload(pinned(1, wargv, pin), timeout)
        if kind == "floor":  # the floor pins the workload to CPU 1 and itself to CPU 0
            return run_workload(argv + wargv, timeout)
        return run_with_tool(argv, wargv, pin, settle, timeout)

    start = time.monotonic()
    for r in range(args.rounds + 1):  # round 0: warm-up (and BCC's first compile), not counted
        for w, n in work:
            for label, kind, argv, _ in vs[w]:
                if (w, label) in failed:
                    continue
                try:
                    t = one(w, n if r else max(1, n // 10), label, kind, argv)
                except RuntimeError as e:
                    failed[(w, label)] = str(e)
                    continue
                if r:
                    loops.setdefault((w, label), []).append(t)
        print(f"round {r}/{args.rounds} done ({time.monotonic() - start:.0f} s, load "
              f"{os.getloadavg()[0]:.1f})", file=sys.stderr)

    print(f"whyfail views bench: {args.rounds} interleaved rounds, medians (min); {os.uname().release}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end; "
          f"{'workload on CPU 1, tracer on CPU 0' if pin else 'not pinned'}")
    print("loop = the workload's own loop time while the tool runs system-wide\n")
    for w, n in work:
        base = loops.get((w, "untraced"))
        bm, bmin = (statistics.median(base), min(base)) if base else (None, None)
        floor_l = loops.get((w, "floor mode 6 (every call, 1 process)"))
        print(f"{w} {n}")
        print(f"  {'variant':38} {'loop s':>8} {'x untraced':>11} {'(min)':>7}" + ("  x floor" if floor_l else ""))
        for label, _, _, _ in vs[w]:
            key = (w, label)
            if key not in loops:
                print(f"  {label:38} n/a: {failed.get(key, 'no run')}")
                continue
            m, lo = statistics.median(loops[key]), min(loops[key])
            line = f"  {label:38} {m:8.4f} {m / bm:10.2f}x {lo / bmin:6.2f}x" if bm else f"  {label:38} {m:8.4f}"
            if floor_l:
                line += f"  {m / statistics.median(floor_l):6.2f}x"
            if key in failed:
                line += f"  (a later run failed: {failed[key]})"
            print(line)
        print()

    if os.access(args.whyfail, os.X_OK) and os.environ.get("BENCH_STARTUP", "1") != "0":
        print("start-up: launch to the first event line through a pipe (/bin/true exec'd every 5 ms)")
        cases = [("whyfail execs", [args.whyfail, "execs"], lambda l: "true" in l),
                 ("whyfail files", [args.whyfail, "files"], lambda l: bool(l.strip())),
                 ("whyfail sched --slow-log", [args.whyfail, "sched", "--slow-log"], lambda l: bool(l.strip()))]
        for i, alt in enumerate(alts, 1):
            if os.access(alt, os.X_OK):
                cases += [(f"{label} [alt {i}]", [alt] + argv[1:], is_event) for label, argv, is_event in cases[:3]]
        if os.access("/usr/sbin/execsnoop", os.X_OK):
            cases.append(("libbpf-tools execsnoop", ["/usr/sbin/execsnoop"], lambda l: "true" in l))
        if shutil.which("bpftrace"):
            cases.append(("bpftrace execsnoop one-liner (seed)",
                          ["bpftrace", os.path.join(SEEDS, "execsnoop.bt")], lambda l: "true" in l))
        for label, argv, is_event in cases:
            ts = []
            for _ in range(max(3, args.rounds)):
                t = first_event_s(argv, is_event)
                if t is not None:
                    ts.append(t)
            if ts:
                print(f"  {label:38} median {statistics.median(ts) * 1000:6.0f} ms  "
                      f"(min {min(ts) * 1000:.0f}, max {max(ts) * 1000:.0f}, {len(ts)} runs)")
            else:
                print(f"  {label:38} n/a: no event within 20 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
