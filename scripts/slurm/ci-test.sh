#!/usr/bin/env bash
# CI check of the Slurm path on a real one-node cluster (scripts/slurm/local/up.sh):
# an 8-shard job array plus its merge job (afterany) must give the bytes of an unsharded sweep.
# Needs SLURM_CONF set and BRINK pointing at a built brink binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${SLURM_CONF:?bring the cluster up first}" "${BRINK:?set BRINK to the brink binary}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > exp.toml <<'TOML'
[experiment]
name = "slurm-ci"
replications = 4200
horizon_months = 36
policies = ["containment_transparency", "maximum_pressure"]
[design]
samples = 8
TOML
export BRINK_RESULTS="$work/sharded"
# Shard options first, then after `--` the merge job's own.
out=$("$here/submit.sh" exp.toml 8 --cpus-per-task=1 --chdir="$work" --output="$work/slurm-%A_%a.out" \
  -- --chdir="$work" --output="$work/brink-merge-%j.out")
echo "submitted: $out"
array=$(echo "$out" | awk '{print $2}'); merge=$(echo "$out" | awk '{print $4}'); hash=$(echo "$out" | awk '{print $6}')
for _ in $(seq 1 1200); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 0.5
done
state=$(sacct -n -X -j "$merge" -o State 2>/dev/null | head -1 | tr -d ' ' || true)
if [ ! -f "$work/sharded/$hash/manifest.json" ]; then
  echo "slurm ci: merge did not complete (state: ${state:-unknown})" >&2
  tail -n 20 "$work"/slurm-*.out "$work"/brink-merge-*.out 2>/dev/null >&2 || true
  exit 1
fi
BRINK_RESULTS="$work/whole" "$BRINK" sweep exp.toml --quiet
sums() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["files"], sort_keys=True))' "$1"; }
if [ "$(sums "$work/sharded/$hash/manifest.json")" != "$(sums "$work/whole/$hash/manifest.json")" ]; then
  echo "slurm ci: sharded and unsharded results differ" >&2
  diff <(sums "$work/sharded/$hash/manifest.json" | tr ',' '\n') <(sums "$work/whole/$hash/manifest.json" | tr ',' '\n') >&2 || true
  exit 1
fi
echo "slurm ci: 8 shards through Slurm merged to the unsharded bytes of $hash"
