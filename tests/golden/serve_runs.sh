#!/usr/bin/env bash
# Runs the pinned serving runs of serve_runs.txt and compares their outputs (stdout, summary.json, per-request
# CSVs, timeline checksums) with the golden files in serve/<name>/, so that every behaviour change of the
# simulator shows up as a diff. Wall-clock fields and the source-tree path are normalised away.
# Usage: serve_runs.sh SCHEDKIT_BINARY SOURCE_DIR [--update]
set -euo pipefail
bin=$(realpath "$1")
src=$(realpath "$2")
update=${3:-}
here="$src/tests/golden"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

normalise() {  # file: drop wall-clock figures and the checkout's location
  sed -E -e "s#${src}#<source>#g" -e "s#${work}#<work>#g" \
         -e 's/"wall_seconds": [-0-9.e+]+/"wall_seconds": 0/' \
         -e 's/^(wall time \(s\)).*/\1 <wall>/' \
         -e 's/^(capacity: .* runs), [0-9.]+ s\)/\1, <wall> s)/' "$1"
}

status=0
while read -r name cmd args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  out="$work/$name"
  mkdir -p "$out/files"
  extra=(--no-progress)
  [[ "$cmd" == simulate ]] && extra+=(--output "$out/files")
  # shellcheck disable=SC2086  # the argument list is word-split on purpose
  (cd "$work" && "$bin" "$cmd" $args "${extra[@]}" >"$out/stdout.raw" 2>&1) || {
    echo "FAIL $name: exit $?"; cat "$out/stdout.raw"; status=1; continue; }
  result="$work/result/$name"
  mkdir -p "$result"
  normalise "$out/stdout.raw" >"$result/stdout.txt"
  if [[ "$cmd" == simulate ]]; then
    normalise "$out/files/summary.json" >"$result/summary.json"
    for dir in "$out/files"/*/; do
      label=$(basename "$dir")
      cp "$dir/request_metrics.csv" "$result/$label.request_metrics.csv"
      (cd "$dir" && sha256sum timeline.csv | sed "s#timeline.csv#$label/timeline.csv#") >>"$result/timelines.sha256"
    done
  fi
  if [[ "$update" == --update ]]; then
    rm -rf "$here/serve/$name"
    mkdir -p "$here/serve"
    cp -r "$result" "$here/serve/$name"
  elif ! diff -r "$here/serve/$name" "$result" >"$work/$name.diff"; then
    echo "FAIL $name: outputs differ from tests/golden/serve/$name"
    head -40 "$work/$name.diff"
    status=1
  else
    echo "ok   $name"
  fi
done <"$here/serve_runs.txt"
exit $status
