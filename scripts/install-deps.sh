#!/usr/bin/env bash
# Installs every Debian 12 package whyfail needs to build, test and benchmark.
# Debian packages only; nothing is downloaded from anywhere else.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev libexpected-dev libgtest-dev
  # eBPF backend and kernel origin
  clang llvm libbpf-dev bpftool libelf-dev libdw-dev zlib1g-dev libdebuginfod-dev
  # man pages read at run time for "possible causes"
  man-db manpages manpages-dev
  # tests: the oracle and the real programs they trace
  strace python3 git procps iproute2 busybox-static util-linux
  debuginfod  # a local server for the libdebuginfod test (tests/unit/origin)
  # kernel lab (tests/kernel-lab): a kernel that allows kprobes/fexit, booted under TCG
  qemu-system-x86 linux-image-amd64 cpio
  # benchmarks
  linux-perf bpftrace
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get install)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
