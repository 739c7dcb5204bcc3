#!/usr/bin/env bash
# Tabu-search (TS/PR) gap table on the shared Taillard and DMU instances, one class at a time, against the best
# known upper bound and CP-SAT 600 s (bounds.csv). The limit is on the solver thread's CPU time (--clock cpu),
# so "60 s on one core" holds on a loaded machine; each instance's row says which limit stopped it. The full
# pass at 60 s per instance (45 ta01-50 + 64 dmu instances) takes about 110 CPU-minutes: run it in parts.
#
#   bench/graph/jssp_gap_table.sh [SECONDS] [OUT_DIR] [CLASS ...]
#   e.g. nice -n 5 bench/graph/jssp_gap_table.sh 60 /work/jssp_runs ta01-10 ta11-20
# Environment: SCHEDKIT_CLI (binary), SCHEDKIT_JSSP_DATA (data folder), JSSP_SEED (default 1),
# JSSP_CLOCK (cpu or wall, default cpu), JSSP_EXTRA (more `jssp bench` flags, e.g. "--population 0").
set -euo pipefail
limit=${1:-60}
out=${2:-jssp_gap_tables}
shift $(( $# > 2 ? 2 : $# ))
classes=("$@")
if [ ${#classes[@]} -eq 0 ]; then
  classes=(ta01-10 ta11-20 ta21-30 ta31-40 ta41-50
           dmu01-10 dmu11-20 dmu21-30 dmu31-40 dmu41-50 dmu51-60 dmu61-70 dmu71-80)
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${SCHEDKIT_CLI:-$root/build/release/apps/schedkit}
data=${SCHEDKIT_JSSP_DATA:-$root/../shared/data/jssp}
seed=${JSSP_SEED:-1}
clock=${JSSP_CLOCK:-cpu}
mkdir -p "$out"
for c in "${classes[@]}"; do
  echo "$(date -u +%H:%M:%S) $c (time limit ${limit} s ${clock} per instance, seed ${seed})"
  # shellcheck disable=SC2086
  "$cli" jssp bench "$c" --time-limit "$limit" --clock "$clock" --seed "$seed" --data "$data" \
    ${JSSP_EXTRA:-} -o "$out/$c.md"
  tail -1 "$out/$c.md"
done
