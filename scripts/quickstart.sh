#!/usr/bin/env bash
# Installs dependencies, builds schedkit (release) and runs `schedkit simulate` on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target schedkit_cli
./build/release/apps/schedkit simulate "$@"
