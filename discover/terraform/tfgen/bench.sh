#!/usr/bin/env bash
# Reproduces docs/bench-terraform.md: generates states of 1k, 10k and 100k resources,
# runs the side-by-side benchmark (bulkhead load+analyze vs a bare encoding/json decode
# into any), the phase split, peak memory (live, with garbage, and under a memory limit of
# the file size), peak RSS of the CLI (also with GOMEMLIMIT = the file size), and inframap
# on the same files.
#
#   bash discover/terraform/tfgen/bench.sh [OUTDIR] [INFRAMAP]
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=${1:-/tmp/tfbench}
inframap=${2:-}
mkdir -p "$out"
go build -o "$out/bulkhead" ./cmd/bulkhead
for n in 1000 10000 100000; do
  go run ./discover/terraform/tfgen/cmd/tfgen -n $n -o "$out/state-$n.tfstate"
done
for n in 1000 10000 100000; do
  iters=5; [ $n = 100000 ] && iters=3
  echo "== $n resources: $(stat -c %s "$out/state-$n.tfstate") bytes"
  BULKHEAD_BENCH_STATE="$out/state-$n.tfstate" go test ./discover/terraform/ -run XXX \
    -bench 'SideBySide|Phases|PeakMemory' -benchtime ${iters}x -timeout 60m | grep Benchmark
  /usr/bin/time -f "bulkhead audit: %e s wall, %U s user, max RSS %M KB" \
    "$out/bulkhead" audit --tfstate "$out/state-$n.tfstate" --format json > /dev/null || true
  GOMEMLIMIT=$(stat -c %s "$out/state-$n.tfstate") /usr/bin/time -f "bulkhead audit, GOMEMLIMIT = file size: %e s wall, %U s user, max RSS %M KB" \
    "$out/bulkhead" audit --tfstate "$out/state-$n.tfstate" --format json > /dev/null || true
  if [ -n "$inframap" ]; then
    /usr/bin/time -f "inframap generate: %e s wall, %U s user, max RSS %M KB" \
      timeout 1800 "$inframap" generate --tfstate "$out/state-$n.tfstate" > "$out/inframap-$n.dot" || echo "inframap: exit $?"
  fi
done
