#!/usr/bin/env bash
# Submits a sharded AutoGenDA run to Slurm in three jobs, each starting only when the one before succeeded
# (--dependency=afterok:<id>) and cancelled if it failed (--kill-on-invalid-dep=yes):
#   1. a job array of N shards with --until caption: each captions its share of the images;
#   2. a job array of N shards: each makes its share of the candidates, views and features (their prompts
#      draw on every shard's captions, hence the first array);
#   3. the final run (slurm-final.sbatch): training, evaluation and the exports.
#
#   scripts/cluster/submit-slurm.sh N [autogenda run arguments...]
#   scripts/cluster/submit-slurm.sh 8 --data /shared/ds --out /shared/run --models /shared/models
#
# Extra sbatch options (they override the scripts' #SBATCH lines): AUTOGENDA_SBATCH_ARRAY for the array
# tasks (e.g. "--partition=gpu --mem=40G"), AUTOGENDA_SBATCH_FINAL for the final job;
# AUTOGENDA_ARRAY_THROTTLE=M runs at most M shards at once (--array=0-(N-1)%M).
# Prints the job ids as `captions=ID array=ID final=ID` on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
n=${1:-}
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 N [autogenda run arguments...]   (N = number of shards, one array task each)" >&2
  exit 64
fi
shift
command -v sbatch >/dev/null || { echo "$0: sbatch not found: run this on a Slurm login node" >&2; exit 1; }

range="0-$((n - 1))${AUTOGENDA_ARRAY_THROTTLE:+%$AUTOGENDA_ARRAY_THROTTLE}"
read -r -a array_opts <<<"${AUTOGENDA_SBATCH_ARRAY:-}"
read -r -a final_opts <<<"${AUTOGENDA_SBATCH_FINAL:-}"

captions=$(sbatch --parsable --array="$range" --job-name=autogenda-captions "${array_opts[@]}" \
  "$here/slurm-array.sbatch" "$@" --until caption)
captions=${captions%%;*} # --parsable prints "id;cluster" on a multi-cluster set-up
array=$(sbatch --parsable --array="$range" --dependency="afterok:$captions" --kill-on-invalid-dep=yes \
  "${array_opts[@]}" "$here/slurm-array.sbatch" "$@")
array=${array%%;*}
final=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "${final_opts[@]}" \
  "$here/slurm-final.sbatch" "$@")
final=${final%%;*}
echo "submitted: captions array $captions and array job $array ($n shards each, --array=$range), final job $final (each after the one before succeeded)" >&2
echo "captions=$captions array=$array final=$final"
