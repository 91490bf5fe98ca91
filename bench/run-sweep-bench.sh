#!/usr/bin/env bash
# Sweep throughput: trials per second of `whyfail sweep -- cp in.txt out.txt` (a 4 KiB
# file), at -j 1 and -j 2, rounds interleaved with untraced runs of the same cp so that
# the ratio (one trial's wall time / one untraced cp) is measured under the same load.
# Usage:
#   bench/run-sweep-bench.sh [ROUNDS]        (default 3)
# Environment:
#   WHYFAIL=path/to/whyfail   (default: build/whyfail of this checkout)
#   SWEEP_INJECTOR=auto|site|when|strace, or a comma list (when,strace) to compare
#                   injectors in the same interleaved rounds (default auto)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-3}"
whyfail="${WHYFAIL:-$root/build/whyfail}"
injector="${SWEEP_INJECTOR:-auto}"

work="$(mktemp -d /tmp/whyfail-sweep-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
head -c 4096 /dev/urandom > "$work/in.txt"

python3 - "$rounds" "$whyfail" "$injector" "$work" <<'PY'
import json, os, statistics, subprocess, sys, time

rounds, whyfail, injector, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cmd = ["cp", "in.txt", "out.txt"]

def untraced(n=20):
    """Median wall time of one untraced cp, over n runs."""
    times = []
    for _ in range(n):
        t0 = time.monotonic()
        subprocess.run(cmd, cwd=work, check=True)
        times.append(time.monotonic() - t0)
        os.unlink(os.path.join(work, "out.txt"))
    return statistics.median(times)

def sweep(jobs, injector):
    """(trials run, wall seconds of the whole sweep, outcome counts)."""
    t0 = time.monotonic()
    p = subprocess.run([whyfail, "sweep", "--json", "-j", str(jobs), f"--injector={injector}", "--timeout", "30",
                        "--"] + cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    if p.returncode not in (0, 3):
        sys.exit(f"whyfail sweep failed ({p.returncode}): {p.stderr.decode(errors='replace').strip()}")
    summary = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()][-1]
    return summary["trials_run"], wall, summary

print(f"sweep bench: cp of a 4 KiB file, {rounds} rounds interleaved, injector={injector}, "
      f"load {os.getloadavg()[0]:.1f} at start")
injectors = injector.split(",")
labels = [(inj, jobs) for inj in injectors for jobs in (1, 2)]
rows = {"untraced cp": []}
rows.update({lab: [] for lab in labels})
for r in range(rounds):
    rows["untraced cp"].append(untraced())
    for inj, jobs in labels:
        rows[(inj, jobs)].append(sweep(jobs, inj))
base = statistics.median(rows["untraced cp"])
print(f"untraced cp: median {base * 1000:.2f} ms per run")
for inj, jobs in labels:
    runs = rows[(inj, jobs)]
    rates = [n / wall for n, wall, _ in runs]
    per_trial = [wall / n for n, wall, _ in runs]
    s0 = runs[0][2]
    print(f"whyfail sweep --injector={inj} -j {jobs} ({s0['injector']}, {runs[0][0]} trials, outcomes "
          f"{ {k: v for k, v in s0['outcomes'].items() if v} }): median {statistics.median(rates):.1f} trials/s "
          f"(rounds: {', '.join(f'{x:.1f}' for x in rates)}); one trial = "
          f"{statistics.median(per_trial) / base:.0f}x an untraced cp")
print(f"load {os.getloadavg()[0]:.1f} at end")
PY
