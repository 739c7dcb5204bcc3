#!/usr/bin/env bash
# Builds schedkit and runs every test twice: a release build with -Werror, then an ASan + UBSan build.
# Usage: scripts/test.sh [release|asan]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
presets=("${@:-release asan}")
for preset in ${presets[@]}; do
  echo "=== $preset: configure, build, test ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
