#!/usr/bin/env bash
# Times untraced vs strace vs whyfail (ptrace, seccomp, bpf) vs perf trace on
# the bench workloads, in one run, rounds interleaved, medians; prints
# slowdown ratios. Usage:
#   bench/run-bench.sh [ROUNDS]            (default 3; whole run < 5 min)
#   bench/run-bench.sh --floor [ROUNDS]    whyfail vs ../shared/floor (pinned, SCHED_FIFO)
#   bench/run-bench.sh --flood             bpf start-up, RSS over 10M failures, lost events
# Environment:
#   WHYFAIL=path/to/whyfail   (default: build/whyfail of this checkout)
#   BENCH_SCALE=F             multiply every workload's iteration count by F
#   BENCH_BUDGET_S=S          stop starting rounds after S seconds (default 240)
#   BENCH_TIMEOUT_S=S         one traced run is abandoned after S seconds (default 60)
#   --floor only: FLOOR_DIR (default ../shared/floor), SHARED_WORKLOADS (default
#   ../shared/workloads), FLOOR_MODES (default 1,3), BENCH_RT=0 (no SCHED_FIFO),
#   WHYFAIL_ALT=path[,path] (A/B rows for other builds), BENCH_WORKLOADS=failopen,mixed,
#   BENCH_VARIANTS=REGEX (only matching rows; untraced always runs)
#   --flood only: FLOOD_CALLS (default 10e6), FLOOD_STEP (1e6), FLOOD_MARKS (1e6,5e6,10e6),
#   STARTUP_RUNS (5)
set -euo pipefail

mode=runner
case "${1:-}" in
  --floor) mode=floor; shift ;;
  --flood) mode=flood; shift ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-3}"
whyfail="${WHYFAIL:-$root/build/whyfail}"

bin="$(mktemp -d /tmp/whyfail-bench.XXXXXX)"
trap 'rm -rf "$bin"' EXIT
for w in failopen mixed forky pingpong; do
  cc -O2 -Wall -Wextra -o "$bin/$w" "$here/workloads/$w.c"
done

if [[ $mode != runner ]]; then
  floor_src="${FLOOR_DIR:-$root/../shared/floor}"
  shared_src="${SHARED_WORKLOADS:-$root/../shared/workloads}"
  for d in "$floor_src" "$shared_src"; do
    [[ -d "$d" ]] || { echo "whyfail: $d not found; set FLOOR_DIR / SHARED_WORKLOADS" >&2; exit 1; }
  done
  # Built in the temp dir: the shared trees stay untouched.
  cp -r "$shared_src" "$bin/shared"
  make -s -C "$bin/shared" >/dev/null
fi
if [[ $mode == flood ]]; then
  python3 "$here/flood_check.py" --whyfail "$whyfail" --failopen "$bin/shared/failopen"
  exit
fi
if [[ $mode == floor ]]; then
  cp -r "$floor_src" "$bin/floor"
  make -s -C "$bin/floor" floor >/dev/null
  python3 "$here/floor_runner.py" --rounds "$rounds" --floor "$bin/floor/floor" \
    --shared "$bin/shared" --project "$bin" --whyfail "$whyfail"
  exit
fi
python3 "$here/bench_runner.py" --rounds "$rounds" --bin "$bin" --whyfail "$whyfail"
