#!/usr/bin/env bash
# What armed -e inject= rules that never fire cost against plain ptrace
# tracing (and strace's own armed cost, for reference), on the bench
# workloads, rounds interleaved, medians, ratios. Usage:
#   bench/run-inject-bench.sh [ROUNDS]     (default 3)
# Environment: WHYFAIL=path (default build/whyfail), BENCH_SCALE=F, BENCH_TIMEOUT_S=S.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-3}"
whyfail="${WHYFAIL:-$root/build/whyfail}"

bin="$(mktemp -d /tmp/whyfail-inject-bench.XXXXXX)"
trap 'rm -rf "$bin"' EXIT
for w in failopen mixed forky pingpong; do
  cc -O2 -Wall -Wextra -o "$bin/$w" "$here/workloads/$w.c"
done

exec python3 "$here/inject_bench.py" --rounds "$rounds" --bin "$bin" --whyfail "$whyfail"
