#!/usr/bin/env bash
# Submit a brink sweep to Slurm: a job array of K shards, and one merge job that runs once
# every shard has ended, however it ended.
#
#   scripts/slurm/submit.sh CONFIG K [SHARD OPTIONS...] [-- MERGE OPTIONS...]
#
# sbatch options before `--` go to the array (each shard gets them: --time, --mem,
# --cpus-per-task, --partition, --account...); options after `--` go to the merge job alone.
# Give options every job needs (--partition, --account) on both sides. A shard of N runs on C
# cores needs about N x 50 us / C of wall time and 100 MB of memory whatever its size; the merge
# about 5 s and 80 MB per million runs (measured, docs/PERFORMANCE.md): e.g. for the default
# experiment cut in 8 shards of 12,000 runs, `--time=00:05:00 --mem=512M` for the shards, and
# `--time=00:10:00 --mem=1G` for the merge leaves ample room.
#
# The merge job depends on the array with afterany: it starts when every shard has ended, and
# if one failed `brink merge` fails at once, naming the missing parts and the shards to
# resubmit, instead of pending for ever. Running the same command again submits only the shards
# still missing (a sweep resumes from the parts on disk) and no second merge job: a merge job of
# this result still in the queue is pointed at the new array. While shards of the result are
# still queued or running, it refuses to submit more of them.
#
# Prints "array ID merge ID hash HASH" (or "merge ID hash HASH" when every shard is on disk).
# BRINK may point at the brink binary (default: brink on PATH); BRINK_RESULTS at the results
# folder, which must be on a file system every node sees.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: submit.sh CONFIG K [shard sbatch options] [-- merge sbatch options]"
config=${1:?$usage}
k=${2:?$usage}
shift 2
shard_opts=()
merge_opts=()
side=shard
for a in "$@"; do
  if [ "$side" = shard ] && [ "$a" = "--" ]; then side=merge; continue; fi
  if [ "$side" = shard ]; then shard_opts+=("$a"); else merge_opts+=("$a"); fi
done
brink=${BRINK:-brink}
hash=$("$brink" validate "$config" | sed -n 's/.*hash \([0-9a-f]\{16\}\);.*/\1/p')
[ -n "$hash" ] || { echo "submit.sh: cannot read the hash of $config" >&2; exit 2; }
me=$(id -un)
queued() { squeue -h -u "$me" --name="$1" -o '%i %T' 2>/dev/null | awk '{print $1}' | sed 's/_.*//' | sort -u; }
shards_queued=$(queued "brink-shard-$hash")
if [ -n "$shards_queued" ]; then
  echo "submit.sh: shards of $hash are still queued or running (job $(echo $shards_queued | tr ' ' ',')); wait for them, or scancel them first" >&2
  exit 1
fi
merge_queued=$(queued "brink-merge-$hash" | head -1)
missing=$("$brink" sweep "$config" --missing --shards "$k" | paste -sd, -)
# The merge job gets the config and K too, to name the shards to resubmit if some failed.
merge_args=("$here/merge.sbatch" "$hash" "$config" "$k")
if [ -z "$missing" ]; then
  if [ -n "$merge_queued" ]; then
    echo "every shard of $hash is on disk and merge job $merge_queued is queued" >&2
    echo "merge $merge_queued hash $hash"
    exit 0
  fi
  echo "every shard of $hash is on disk; submitting the merge only" >&2
  merge=$(sbatch --parsable --job-name="brink-merge-$hash" ${merge_opts[@]+"${merge_opts[@]}"} "${merge_args[@]}")
  echo "merge $merge hash $hash"
  exit 0
fi
array=$(sbatch --parsable --job-name="brink-shard-$hash" --array="$missing" ${shard_opts[@]+"${shard_opts[@]}"} \
  "$here/sweep-array.sbatch" "$config" "$k")
if [ -n "$merge_queued" ]; then
  # One merge job per result: the one in the queue waits for the new array instead.
  scontrol update JobId="$merge_queued" Dependency="afterany:$array"
  merge=$merge_queued
else
  merge=$(sbatch --parsable --job-name="brink-merge-$hash" --dependency="afterany:$array" \
    ${merge_opts[@]+"${merge_opts[@]}"} "${merge_args[@]}")
fi
echo "array $array merge $merge hash $hash"
