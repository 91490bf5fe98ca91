#!/usr/bin/env python3
"""What the eBPF backend's exit/exit_group, signal and killed-call records cost
(docs/bpf-backend.md): two whyfail builds side by side, rounds interleaved.

    bench/bpf-records-bench.py --before OLD/whyfail --after NEW/whyfail [--rounds 7]

Variants per round: untraced, `OLD --backend=bpf -o /dev/null`, the same with NEW.
Workloads: churn (300 `/bin/true` from a shell loop: one exit_group record each),
signals (40000 self-signals, half handled, half ignored: one signal record each),
close_ebadf (200000 failing close(-1): the sys_exit hot path). Prints medians of
wall time and of CPU time (user+sys of the whole process tree, whyfail included;
less sensitive than wall time to a loaded run queue) and the after/before ratio.
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

FLOOD_C = r"""
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) { long n = atol(argv[1]); for (long i = 0; i < n; i++) syscall(SYS_close, -1); return 0; }
"""


def timed(argv):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.monotonic() - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bpf-records-bench-")
    flood = os.path.join(tmp, "flood")
    with open(flood + ".c", "w") as f:
        f.write(FLOOD_C)
    subprocess.run(["cc", "-O2", "-o", flood, flood + ".c"], check=True)
    workloads = {
        "churn300": ["sh", "-c", "i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done"],
        "signals40000": ["python3", "-c", "import os, signal\n"
                         "signal.signal(signal.SIGUSR1, lambda *a: None)\n"
                         "signal.signal(signal.SIGUSR2, signal.SIG_IGN)\n"
                         "for i in range(20000): os.kill(os.getpid(), signal.SIGUSR1); "
                         "os.kill(os.getpid(), signal.SIGUSR2)"],
        "close_ebadf200000": [flood, "200000"],
    }
    for name, w in workloads.items():
        res = {"untraced": [], "before": [], "after": []}
        for _ in range(args.rounds):
            res["untraced"].append(timed(w))
            res["before"].append(timed([args.before, "--backend=bpf", "-o", "/dev/null", "--"] + w))
            res["after"].append(timed([args.after, "--backend=bpf", "-o", "/dev/null", "--"] + w))
        for i, what in ((0, "wall"), (1, "cpu")):
            m = {k: statistics.median(x[i] for x in v) for k, v in res.items()}
            print(f"{name} {what}: untraced {m['untraced']:.3f}s  before {m['before']:.3f}s "
                  f"({m['before'] / m['untraced']:.2f}x)  after {m['after']:.3f}s "
                  f"({m['after'] / m['untraced']:.2f}x)  after/before {m['after'] / m['before']:.3f}  "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
