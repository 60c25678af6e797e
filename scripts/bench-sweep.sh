#!/usr/bin/env bash
# Sweep benchmark: throughput (runs/s) and peak memory of a sweep of N runs, and of the bare
# simulation (--dry-run: simulate and aggregate, write nothing), for each thread count given.
#
#   scripts/bench-sweep.sh [RUNS] [THREADS...]       e.g. scripts/bench-sweep.sh 1000000 1 2
#
# RUNS is rounded to whole (scenario, replication) groups of the six default policies.
# Prints one line per measurement: mode, threads, runs, seconds, runs/s, peak RSS (MiB).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-600000}; shift || true
threads=("$@"); [ ${#threads[@]} -gt 0 ] || threads=(1 2)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target}
brink=${BRINK:-}
if [ -z "$brink" ]; then
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
  brink=$CARGO_TARGET_DIR/release/brink
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
samples=100
reps=$(( (runs + 6 * samples - 1) / (6 * samples) ))
cat > "$work/bench.toml" <<TOML
[experiment]
name = "bench"
replications = $reps
seed = $RANDOM
[design]
method = "monte_carlo"
samples = $samples
TOML
measure() { # mode threads args...
  local mode=$1 t=$2; shift 2
  local log=$work/time.log
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$log" "$brink" --results "$work/results-$mode-$t" "$@" --threads "$t" > /dev/null 2>&1
  end=$(date +%s.%N)
  local secs rss
  secs=$(echo "$end - $start" | bc -l)
  rss=$(tail -1 "$log")
  printf '%-6s threads %2d  runs %10d  %8.2f s  %10.0f runs/s  peak RSS %7.1f MiB\n' \
    "$mode" "$t" $((samples * reps * 6)) "$secs" "$(echo "$samples * $reps * 6 / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
for t in "${threads[@]}"; do
  measure bare "$t" sweep "$work/bench.toml" --dry-run
  measure full "$t" sweep "$work/bench.toml"
  rm -rf "$work/results-full-$t"
done
