#!/bin/bash
# First-build cost of brink: `cargo build --release --timings` from an empty target folder,
# under /usr/bin/time -v (CPU-seconds, wall time, peak memory). docs/PERFORMANCE.md, "First build".
#
#   scripts/build-time.sh [TARGET_DIR] [LABEL]
#
# TARGET_DIR (default /tmp/brink-build-time) is removed first. Writes LABEL.time (the time -v
# report and the wall seconds), LABEL.log and LABEL.html (cargo's timings) in the current folder.
set -euo pipefail
target=${1:-/tmp/brink-build-time}
label=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$PWD
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
rm -rf "$target"
start=$(date +%s)
(cd "$root" && /usr/bin/time -v -o "$out/$label.time" cargo build --release --timings --target-dir "$target") >"$out/$label.log" 2>&1
echo "wall seconds: $(( $(date +%s) - start ))" >> "$out/$label.time"
cp "$target/cargo-timings/cargo-timing.html" "$out/$label.html"
grep -E "User time|System time|Elapsed|Maximum resident" "$out/$label.time"
