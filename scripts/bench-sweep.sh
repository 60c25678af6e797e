#!/usr/bin/env bash
# Sweep benchmark: throughput (runs/s) and peak memory of a sweep of N runs, of the bare
# simulation (--dry-run: simulate and aggregate in the workers, write nothing), and of the
# analysis of the finished result (`brink report`: read runs.parquet, statistics, charts).
#
#   scripts/bench-sweep.sh [RUNS] [THREADS...]       e.g. scripts/bench-sweep.sh 1000000 1 2
#
# RUNS is rounded up to whole (scenario, replication) groups of the six default policies.
# MODES (default "bare full report") picks the measurements. Needs GNU time (/usr/bin/time).
# Prints one line per measurement: mode, threads, runs, seconds, runs/s, peak RSS (MiB).
# Compare modes as ratios within one invocation: the machine may be shared and noisy.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-600000}; shift || true
threads=("$@"); [ ${#threads[@]} -gt 0 ] || threads=(1 2)
modes=${MODES:-bare full report}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target}
brink=${BRINK:-}
if [ -z "$brink" ]; then
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
  brink=$CARGO_TARGET_DIR/release/brink
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
samples=100
reps=$(( (runs + 6 * samples - 1) / (6 * samples) ))
total=$(( samples * reps * 6 ))
cat > "$work/bench.toml" <<TOML
[experiment]
name = "bench"
replications = $reps
[design]
method = "monte_carlo"
samples = $samples
TOML
measure() { # mode threads args...
  local mode=$1 t=$2; shift 2
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/time.log" "$brink" --results "$work/results-$t" "$@" > "$work/out.log" 2>&1
  end=$(date +%s.%N)
  awk -v m="$mode" -v t="$t" -v n="$total" -v s="$start" -v e="$end" -v kb="$(tail -1 "$work/time.log")" \
    'BEGIN { d = e - s; printf "%-6s threads %2d  runs %10d  %8.2f s  %10.0f runs/s  peak RSS %7.1f MiB\n", m, t, n, d, n / d, kb / 1024 }'
}
for t in "${threads[@]}"; do
  for mode in $modes; do
    case $mode in
      bare) measure bare "$t" sweep "$work/bench.toml" --dry-run --threads "$t" ;;
      full) rm -rf "$work/results-$t"; measure full "$t" sweep "$work/bench.toml" --threads "$t" ;;
      report)
        hash=$("$brink" validate "$work/bench.toml" | sed -n 's/.*hash \([0-9a-f]\{16\}\);.*/\1/p')
        [ -f "$work/results-$t/$hash/manifest.json" ] || { echo "report needs the full mode first" >&2; continue; }
        RAYON_NUM_THREADS=$t measure report "$t" report "$hash" ;;
    esac
  done
done
