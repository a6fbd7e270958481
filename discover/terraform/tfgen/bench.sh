#!/usr/bin/env bash
# Reproduces docs/bench-terraform.md: generates states of 1k, 10k and 100k resources,
# runs the side-by-side benchmark (bulkhead load+analyze vs a bare encoding/json decode
# into any), the phase split, peak memory (live, with garbage, and under a memory limit of
# the file size), peak RSS of the CLI (also with GOMEMLIMIT = the file size), and inframap
# on the same files.
#
#   bash discover/terraform/tfgen/bench.sh [OUTDIR] [INFRAMAP]
#
# SHAPES picks the generator's shapes (tfgen -shape; one run per word, default "default"),
# SIZES the instance counts (default "1000 10000 100000"):
#
#   SHAPES="default realistic deploy managed" SIZES="1000 10000" bash discover/terraform/tfgen/bench.sh
#
# The default shape's files keep their names (state-N.tfstate); others are state-SHAPE-N.tfstate.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=${1:-/tmp/tfbench}
inframap=${2:-}
shapes=${SHAPES:-default}
sizes=${SIZES:-1000 10000 100000}
mkdir -p "$out"
go build -o "$out/bulkhead" ./cmd/bulkhead
go build -o "$out/tfgen" ./discover/terraform/tfgen/cmd/tfgen
file() { if [ "$1" = default ]; then echo "$out/state-$2.tfstate"; else echo "$out/state-${1//,/+}-$2.tfstate"; fi; }
for s in $shapes; do
  for n in $sizes; do
    "$out/tfgen" -n $n -shape "$s" -o "$(file "$s" $n)"
  done
done
for s in $shapes; do
  for n in $sizes; do
    f=$(file "$s" $n)
    iters=5; [ $n -ge 100000 ] && iters=3
    echo "== $s, $n resources: $(stat -c %s "$f") bytes"
    BULKHEAD_BENCH_STATE="$f" go test ./discover/terraform/ -run XXX \
      -bench 'SideBySide|Phases|PeakMemory' -benchtime ${iters}x -timeout 60m | grep Benchmark
    /usr/bin/time -f "bulkhead audit: %e s wall, %U s user, max RSS %M KB" \
      "$out/bulkhead" audit --tfstate "$f" --format json > /dev/null || true
    GOMEMLIMIT=$(stat -c %s "$f") /usr/bin/time -f "bulkhead audit, GOMEMLIMIT = file size: %e s wall, %U s user, max RSS %M KB" \
      "$out/bulkhead" audit --tfstate "$f" --format json > /dev/null || true
    if [ -n "$inframap" ]; then
      /usr/bin/time -f "inframap generate: %e s wall, %U s user, max RSS %M KB" \
        timeout 1800 "$inframap" generate --tfstate "$f" > "${f%.tfstate}.inframap.dot" || echo "inframap: exit $?"
    fi
  done
done
