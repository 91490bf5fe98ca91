#!/usr/bin/env bash
# Packages only the benchmarks compare against (not needed to build or use whyfail):
# libbpf-tools (CO-RE execsnoop/opensnoop/runqlat, work from the kernel's BTF), bpfcc-tools
# (BCC's *-bpfcc, which compile at run time and need the running kernel's headers), bpftrace,
# strace. Debian 12; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(libbpf-tools bpfcc-tools bpftrace strace)
if ! apt-get install -y --no-install-recommends "${pkgs[@]}"; then
  apt-get update
  apt-get install -y --no-install-recommends "${pkgs[@]}"
fi
