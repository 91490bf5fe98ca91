#!/usr/bin/env bash
# Quick start: install the Debian packages, build whyfail, and run it on a real
# failing command. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo
echo "\$ build/whyfail -- cat /nonexistent/dir/file"
status=0
build/whyfail -- cat /nonexistent/dir/file || status=$?
# cat fails with status 1; whyfail must pass that status through.
if [ "$status" -ne 1 ]; then
  echo "quickstart: whyfail exited with $status, expected cat's status 1" >&2
  exit 1
fi
