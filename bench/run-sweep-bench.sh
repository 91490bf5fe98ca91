#!/usr/bin/env bash
# Sweep throughput: trials per second of `whyfail sweep -- cp in.txt out.txt` (a 4 KiB
# file), at -j 1 and -j 2, rounds interleaved with untraced runs of the same cp so that
# the ratio (one trial's wall time / one untraced cp) is measured under the same load.
# Usage:
#   bench/run-sweep-bench.sh [ROUNDS]        (default 3)
# Environment:
#   WHYFAIL=path/to/whyfail   (default: build/whyfail of this checkout)
#   SWEEP_INJECTOR=auto|site|when|strace (default auto)
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

def sweep(jobs):
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
rows = {"untraced cp": [], "-j 1": [], "-j 2": []}
trials = None
for r in range(rounds):
    rows["untraced cp"].append(untraced())
    for jobs in (1, 2):
        n, wall, summary = sweep(jobs)
        trials = n
        rows[f"-j {jobs}"].append((n, wall, summary))
base = statistics.median(rows["untraced cp"])
print(f"untraced cp: median {base * 1000:.2f} ms per run")
print(f"trials per sweep: {trials} (injector {rows['-j 1'][0][2]['injector']}, outcomes "
      f"{rows['-j 1'][0][2]['outcomes']})")
for label in ("-j 1", "-j 2"):
    rates = [n / wall for n, wall, _ in rows[label]]
    per_trial = [wall / n for n, wall, _ in rows[label]]
    print(f"whyfail sweep {label}: median {statistics.median(rates):.1f} trials/s "
          f"(rounds: {', '.join(f'{x:.1f}' for x in rates)}); one trial = "
          f"{statistics.median(per_trial) / base:.0f}x an untraced cp (wall, whole sweep / trials)")
print(f"load {os.getloadavg()[0]:.1f} at end")
PY
