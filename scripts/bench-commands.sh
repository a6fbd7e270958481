#!/usr/bin/env bash
# Every command on the generator's shapes (BENCHMARKS.md, "Every command on real IAM shapes"):
# for each shape and size, a state (seed 1), a second state (seed 2) and a plan, then the wall
# time and peak RSS of audit, discover, diff, blast (JSON and text), render and check, next to
# a bare encoding/json decode of the same file into `any` and, at 1k and 10k, inframap.
# Prints one Markdown table row per (shape, size).
#
#   bash scripts/bench-commands.sh [OUTDIR] [INFRAMAP]
#   SHAPES="default realistic" SIZES="1000 10000" bash scripts/bench-commands.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/bh-commands}
inframap=${2:-}
[ -z "$inframap" ] && [ -x ../shared/tools/inframap/inframap ] && inframap=$(realpath ../shared/tools/inframap/inframap)
shapes=${SHAPES:-default deploy wildcards partial shared managed backup keys realistic}
sizes=${SIZES:-1000 10000 100000}
mkdir -p "$out"
go build -o "$out/bulkhead" ./cmd/bulkhead
go build -o "$out/tfgen" ./discover/terraform/tfgen/cmd/tfgen
go build -o "$out/decodeany" ./scripts/decodeany
# run LABEL CMD...: wall seconds and max RSS in MB of one run, as "1.23 s / 45 MB".
run() {
  local t
  t=$( { /usr/bin/time -f "%e %M" "$@" > /dev/null 2> "$out/stderr.txt"; } 2>&1 | tail -1 ) || true
  t=$(tail -1 "$out/stderr.txt")
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.2f s / %d MB", a[1], a[2] / 1024 }'
}
echo "| shape | instances | file | decode into any | audit --format json | discover | diff | blast --format json | blast (text) | render | check --plan (plan) | inframap |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for s in $shapes; do
  for n in $sizes; do
    f="$out/$s-$n.tfstate"
    "$out/tfgen" -n $n -shape "$s" -o "$f"
    "$out/tfgen" -n $n -shape "$s" -seed 2 -o "$out/$s-$n-b.tfstate"
    "$out/tfgen" -n $n -shape "$s" -plan -o "$out/$s-$n.plan.json"
    "$out/bulkhead" discover --tfstate "$out/$s-$n-b.tfstate" -o "$out/$s-$n-b.snap.json" 2> /dev/null || true
    mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.1f MB", b / 1e6 }')
    pmb=$(awk -v b="$(stat -c %s "$out/$s-$n.plan.json")" 'BEGIN { printf "%.0f MB", b / 1e6 }')
    row="| $s | $n | $mb | $(run "$out/decodeany" "$f")"
    row+=" | $(run "$out/bulkhead" audit --tfstate "$f" --format json -o /dev/null)"
    row+=" | $(run "$out/bulkhead" discover --tfstate "$f" -o "$out/$s-$n.snap.json")"
    row+=" | $(run "$out/bulkhead" diff "$out/$s-$n.snap.json" "$out/$s-$n-b.snap.json")"
    row+=" | $(run "$out/bulkhead" blast --tfstate "$f" --format json)"
    row+=" | $(run "$out/bulkhead" blast --tfstate "$f")"
    row+=" | $(run "$out/bulkhead" render --tfstate "$f" -o "$out/$s-$n.svg")"
    row+=" | $(run "$out/bulkhead" check --plan "$out/$s-$n.plan.json") ($pmb)"
    if [ -n "$inframap" ] && [ "$n" -le 10000 ]; then
      row+=" | $(run timeout 600 "$inframap" generate --tfstate "$f")"
    else
      row+=" | –"
    fi
    echo "$row |"
    rm -f "$out/$s-$n-b.tfstate" "$out/$s-$n.snap.json" "$out/$s-$n-b.snap.json" "$out/$s-$n.plan.json"
  done
done
