#!/usr/bin/env bash
# Tabu-search gap table on the shared Taillard and DMU instances, one class at a time, against the best
# known upper bound and CP-SAT 600 s (bounds.csv). The full pass at 60 s per instance takes about two hours
# of one core (72 ta + 64 dmu instances); pass a shorter limit or a subset of classes for a partial run.
#
#   bench/graph/jssp_gap_table.sh [SECONDS] [OUT_DIR] [CLASS ...]
#   e.g. bench/graph/jssp_gap_table.sh 60 /tmp/jssp ta01-10 ta11-20
set -euo pipefail
limit=${1:-60}
out=${2:-jssp_gap_tables}
shift $(( $# > 2 ? 2 : $# ))
classes=("$@")
if [ ${#classes[@]} -eq 0 ]; then
  classes=(ta01-10 ta11-20 ta21-30 ta31-40 ta41-50 ta51-60 ta61-70 ta71-80
           dmu01-10 dmu11-20 dmu21-30 dmu31-40 dmu41-50 dmu51-60 dmu61-70 dmu71-80)
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${SCHEDKIT_CLI:-$root/build/release/apps/schedkit}
data=${SCHEDKIT_JSSP_DATA:-$root/../shared/data/jssp}
mkdir -p "$out"
for c in "${classes[@]}"; do
  echo "$(date -u +%H:%M:%S) $c (time limit ${limit} s per instance)"
  "$cli" jssp bench "$c" --time-limit "$limit" --seed 1 --data "$data" -o "$out/$c.md"
  tail -1 "$out/$c.md"
done
