#!/usr/bin/env bash
# dedup-mpi against dedup on generated corpora (seed 7, as scripts/bench-corpus.sh makes them):
# dedup with 2 threads and 1 thread, dedup-mpi on 1, 2 and 4 ranks (4 oversubscribed on a
# 2-core machine) with 1 thread each, and 2 ranks of 2 threads (not bound to cores); wall time, the CPU time of all
# processes (perf stat -e task-clock) and rank 0's stages from the summary. Every run's JSON Lines
# report must be byte-identical to dedup's.
#
#   bash scripts/bench-mpi.sh bench-work 1GB
#   bash scripts/bench-mpi.sh --paragraph-pool bench-work 150MB
#
# Needs a Release build in $BUILD (default build) with the benchmarks and dedup-mpi.
set -euo pipefail
cd "$(dirname "$0")/.."
gen_flags=()
kind=c
if [[ ${1:-} == --paragraph-pool ]]; then
  gen_flags=(--paragraph-pool)
  kind=pool
  shift
fi
if (($# < 2)); then
  echo "usage: $0 [--paragraph-pool] WORK_FOLDER SIZE..." >&2
  exit 2
fi
work=$1
shift
bin=${BUILD:-build}
dedup=$bin/examples/dedup/dedup
dedup_mpi=$bin/examples/dedup-mpi/dedup-mpi
for program in "$bin/bench/neardup_gen_corpus" "$dedup" "$dedup_mpi"; do
  [[ -x $program ]] || { echo "$0: $program is missing: build $bin first" >&2; exit 2; }
done
# What OpenMPI needs here (tests/dedup_mpi_test.sh says why), except that the shared-memory
# transport keeps its single-copy mechanism (CMA) where the machine allows it: without it a message
# larger than the eager limit moves a fragment at a time, only while both ranks call MPI, and two
# ranks were no faster than one (docs/scaling.md). SINGLE_COPY=none measures that case.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader
[[ -n ${SINGLE_COPY:-} ]] && export OMPI_MCA_btl_vader_single_copy_mechanism=$SINGLE_COPY
export OMPI_MCA_mpi_yield_when_idle=1
# ob1, the point-to-point layer of the btl list: without it MPI_Init probes UCX first, 0.25 s
# against 0.05 s a rank here (a fixed cost that weighs on one rank and two alike).
export OMPI_MCA_pml=ob1
mkdir -p "$work"

echo "| corpus | program | wall | CPU (all processes) | read…sign | candidates | verify | cluster | identical |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in "$@"; do
  corpus=$work/$kind$size
  if [[ ! -f $corpus/folder/truth.tsv ]]; then
    "$bin/bench/neardup_gen_corpus" --seed 7 --size "$size" --out "$corpus" --format folder \
      "${gen_flags[@]}" >/dev/null
  fi
  data=$corpus/folder/txt
  find "$data" -type f -exec cat {} + >/dev/null  # warm the page cache
  run() {  # run LABEL COMMAND...
    local label=$1
    shift
    local err out
    err=$(mktemp)
    out=$work/out_${kind}${size}_${label// /_}.jsonl
    local start end
    start=$(date +%s.%N)
    perf stat -x, -e task-clock -o "$err.perf" "$@" -q --format jsonl "$data" >"$out" 2>"$err"
    end=$(date +%s.%N)
    local wall cpu stages same
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
    cpu=$(awk -F, '/task-clock/ {printf "%.1f", $1 / 1000}' "$err.perf")
    stages=$(sed -n 's/^  time: *\([0-9.]*\) s read and sign, \([0-9.]*\) s candidates.*, \([0-9.]*\) s verify.*, \([0-9.]*\) s cluster/\1 s | \2 s | \3 s | \4 s/p' "$err")
    same=yes
    [[ -f $work/out_${kind}${size}_dedup_-j2.jsonl ]] && ! cmp -s "$out" "$work/out_${kind}${size}_dedup_-j2.jsonl" && same=NO
    printf '| %s %s | %s | %s s | %s s | %s | %s |\n' "$kind" "$size" "$label" "$wall" "$cpu" "$stages" "$same"
    rm -f "$err" "$err.perf"
  }
  run "dedup -j2" "$dedup" -j 2
  run "dedup -j1" "$dedup" -j 1
  # --bind-to none: mpirun binds each rank to one core when there are at most two ranks, which
  # keeps a rank's threads (rank 0's receiver, -j2) on that core.
  for n in 1 2 4; do
    run "dedup-mpi -np $n -j1" mpirun --bind-to none --oversubscribe -np "$n" "$dedup_mpi" -j 1
  done
  run "dedup-mpi -np 2 -j2" mpirun --bind-to none --oversubscribe -np 2 "$dedup_mpi" -j 2
done
