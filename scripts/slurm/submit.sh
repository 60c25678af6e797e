#!/usr/bin/env bash
# Submit a brink sweep to Slurm as K shards plus a merge job that waits for all of them.
#
#   scripts/slurm/submit.sh CONFIG K [extra sbatch options...]
#
# Resubmitting the same command later runs only the shards that are still missing (a sweep
# resumes from the parts on disk). Prints the array and merge job IDs and the result hash.
# BRINK may point at the brink binary (default: brink on PATH); BRINK_RESULTS at the results
# folder, which must be on a filesystem every node sees.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
config=${1:?usage: submit.sh CONFIG K [sbatch options]}
k=${2:?usage: submit.sh CONFIG K [sbatch options]}
shift 2
brink=${BRINK:-brink}
hash=$("$brink" validate "$config" | sed -n 's/.*hash \([0-9a-f]\{16\}\);.*/\1/p')
[ -n "$hash" ] || { echo "submit.sh: cannot read the hash of $config" >&2; exit 2; }
missing=$("$brink" sweep "$config" --missing --shards "$k" | paste -sd, -)
if [ -z "$missing" ]; then
  echo "every shard of $hash is on disk; submitting the merge only" >&2
  merge=$(sbatch --parsable "$@" "$here/merge.sbatch" "$hash")
  echo "merge $merge hash $hash"
  exit 0
fi
array=$(sbatch --parsable --array="$missing" "$@" "$here/sweep-array.sbatch" "$config" "$k")
merge=$(sbatch --parsable --dependency=afterok:"$array" "$@" "$here/merge.sbatch" "$hash")
echo "array $array merge $merge hash $hash"
