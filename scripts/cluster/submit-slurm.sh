#!/usr/bin/env bash
# Submits a sharded AutoGenDA run to Slurm: a job array of N shards (slurm-array.sbatch, one GPU each)
# and the final run (slurm-final.sbatch), which starts only when every shard succeeded
# (--dependency=afterok:<array job id>) and is cancelled if one failed (--kill-on-invalid-dep=yes).
#
#   scripts/cluster/submit-slurm.sh N [autogenda run arguments...]
#   scripts/cluster/submit-slurm.sh 8 --data /shared/ds --out /shared/run --models /shared/models
#
# Extra sbatch options (they override the scripts' #SBATCH lines): AUTOGENDA_SBATCH_ARRAY for the array
# tasks (e.g. "--partition=gpu --mem=40G"), AUTOGENDA_SBATCH_FINAL for the final job;
# AUTOGENDA_ARRAY_THROTTLE=M runs at most M shards at once (--array=0-(N-1)%M).
# Prints the two job ids as `array=ID final=ID` on stdout.
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

array=$(sbatch --parsable --array="$range" "${array_opts[@]}" "$here/slurm-array.sbatch" "$@")
array=${array%%;*} # --parsable prints "id;cluster" on a multi-cluster set-up
final=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "${final_opts[@]}" \
  "$here/slurm-final.sbatch" "$@")
final=${final%%;*}
echo "submitted: array job $array ($n shards, --array=$range), final job $final (after every shard succeeded)" >&2
echo "array=$array final=$final"
