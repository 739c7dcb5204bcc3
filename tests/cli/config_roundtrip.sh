#!/usr/bin/env bash
# A run described by flags, dumped with --dump-config (YAML and JSON) and replayed with --config, gives the
# same bytes; flags given beside --config override the file.
# Usage: config_roundtrip.sh SCHEDKIT_BINARY WORK_DIR
set -euo pipefail
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
cd "$work"
args=(--policy sarathi,ltr --policy-opt ltr:tau=0.5 --max-requests 120 --time-scale 0.5 --clients heavy:4,3
      --kv-blocks 3000 --seed 7 --no-progress)
"$bin" simulate "${args[@]}" --dump-config run.yaml --output flags >/dev/null 2>&1
"$bin" simulate "${args[@]}" --dump-config run.json --output flags_json >/dev/null 2>&1
"$bin" simulate --config run.yaml --no-progress --output from_yaml >/dev/null 2>&1
"$bin" simulate --config run.json --no-progress --output from_json >/dev/null 2>&1
for out in from_yaml from_json; do
  for f in summary.json sarathi/request_metrics.csv ltr/request_metrics.csv; do
    if ! cmp -s <(sed 's/"wall_seconds": .*//' "flags/$f") <(sed 's/"wall_seconds": .*//' "$out/$f"); then
      echo "FAIL: $out/$f differs from the flag run"; exit 1
    fi
  done
done
grep -q '^  max_requests: 120$' run.yaml || { echo "FAIL: run.yaml lacks workload.max_requests"; cat run.yaml; exit 1; }
# A flag beside --config wins over the file.
"$bin" simulate --config run.yaml --max-requests 60 --policy sarathi --no-progress --output over >/dev/null 2>&1
grep -q '"num_requests": 60' over/summary.json || { echo "FAIL: --max-requests did not override the file"; exit 1; }
echo "config round trip ok"
