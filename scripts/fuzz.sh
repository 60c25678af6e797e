#!/usr/bin/env bash
# Runs each fuzz target (fuzz/fuzz_targets/) for a bounded time with libFuzzer through cargo fuzz.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
# Needs the nightly toolchain; installs cargo-fuzz from crates.io if missing. The working corpus
# grows in $BRINK_FUZZ_CORPUS (default ~/.cache/brink-fuzz-corpus), seeded from configs/,
# tests/corpus/bad/ and fuzz/seeds/. A crash stops the script with libFuzzer's exit code and
# leaves the input in fuzz/artifacts/; copy it to tests/corpus/fuzz-regressions/ once fixed.
set -euo pipefail
secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${BRINK_FUZZ_TARGET:-$HOME/.cache/brink-fuzz-target}
work=${BRINK_FUZZ_CORPUS:-$HOME/.cache/brink-fuzz-corpus}
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
    exit 3
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p "$work/experiment" "$work/results_folder" "$root/fuzz/artifacts"
cp "$root"/configs/*.toml "$root"/tests/corpus/bad/*.toml "$work/experiment/"
cp "$root"/fuzz/seeds/results_folder/* "$work/results_folder/"
cd "$root/fuzz"
cargo +nightly fuzz build
for t in experiment results_folder; do
    echo "== fuzz target $t: $secs s"
    # Run in a scratch folder: a config may name a posterior file relative to the working folder.
    log="$root/fuzz/artifacts/$t.log"
    status=0
    (cd "$(mktemp -d)" && cargo +nightly fuzz run --fuzz-dir "$root/fuzz" "$t" "$work/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$root/fuzz/artifacts/$t-") >"$log" 2>&1 || status=$?
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|panicked|Test unit written|ERROR" "$log" || true
    if [ "$status" -ne 0 ]; then
        tail -40 "$log" >&2
        echo "fuzz.sh: target $t failed (exit $status); the input is in fuzz/artifacts/" >&2
        exit "$status"
    fi
done
echo "fuzz.sh: no crash in $secs s per target"
