#!/usr/bin/env bash
# Times untraced vs strace vs whyfail (ptrace, seccomp, bpf) vs perf trace on
# the bench workloads, in one run, rounds interleaved, medians; prints
# slowdown ratios. Usage:
#   bench/run-bench.sh [ROUNDS]            (default 3; whole run < 5 min)
# Environment:
#   WHYFAIL=path/to/whyfail   (default: build/whyfail of this checkout)
#   BENCH_SCALE=F             multiply every workload's iteration count by F
#   BENCH_BUDGET_S=S          stop starting rounds after S seconds (default 240)
#   BENCH_TIMEOUT_S=S         one traced run is abandoned after S seconds (default 60)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-3}"
whyfail="${WHYFAIL:-$root/build/whyfail}"

bin="$(mktemp -d /tmp/whyfail-bench.XXXXXX)"
trap 'rm -rf "$bin"' EXIT
for w in failopen mixed forky pingpong; do
  cc -O2 -Wall -Wextra -o "$bin/$w" "$here/workloads/$w.c"
done

exec python3 "$here/bench_runner.py" --rounds "$rounds" --bin "$bin" --whyfail "$whyfail"
