#!/usr/bin/env bash
# Long fuzzing run: every fuzz target of the module for N minutes each (default 10), one
# after another, with new inputs minimised for at most a second (the default, a minute per
# input, starves the slow targets: see issue 21). Prints one line per target (executions,
# result) and exits 1 if any target found a failing input (written to its
# testdata/fuzz/<target> directory, which is then part of every `go test`).
#
#   scripts/fuzz-long.sh            # 10 minutes per target
#   scripts/fuzz-long.sh 1          # 1 minute per target
#   scripts/fuzz-long.sh 10 'Config|Baseline'  # only targets whose name matches the regexp
#   FUZZ_PARALLEL=1 scripts/fuzz-long.sh       # one fuzzing worker (on a shared machine)
#
# Record the summary of a full run in docs/reliability.md ("Last long fuzzing run").
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
minutes=${1:-10}
filter=${2:-}
log_dir=${FUZZ_LOG_DIR:-$(mktemp -d)}
mkdir -p "$log_dir"
failed=0
count_inputs() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }
printf '%-28s %-28s %14s  %s\n' package target executions result
while IFS=: read -r file fn; do
  pkg=./$(dirname "${file#./}")
  target=${fn#func }
  [ -n "$filter" ] && ! [[ "$target" =~ $filter ]] && continue
  dir="$pkg/testdata/fuzz/$target"
  before=$(count_inputs "$dir")
  log="$log_dir/${target}.log"
  go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "${minutes}m" -fuzzminimizetime 1s ${FUZZ_PARALLEL:+-parallel "$FUZZ_PARALLEL"} >"$log" 2>&1
  rc=$?
  after=$(count_inputs "$dir")
  execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  if [ "$rc" -eq 0 ]; then
    result=ok
  elif [ "$after" -gt "$before" ]; then
    result="FAILING INPUT in $dir (log $log)"
    failed=1
  elif grep -q 'context deadline exceeded' "$log"; then
    # Go 1.26's coordinator can stop a duration-bounded run this way with no failing
    # input (golang/go#75804): the executions up to then count.
    result="ok (coordinator stopped at the deadline, golang/go#75804)"
  else
    result="error without a failing input (log $log)"
    failed=1
  fi
  printf '%-28s %-28s %14s  %s\n' "$pkg" "$target" "${execs:-?}" "$result"
done < <(grep -rHoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . | sort -u)
echo "logs: $log_dir ($(go version | awk '{print $3}'), ${minutes} min per target, $(date -u +%Y-%m-%dT%H:%MZ))"
exit $failed
