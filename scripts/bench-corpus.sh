#!/usr/bin/env bash
# The end-to-end figures of docs/benchmarks.md: generates corpora of the given sizes (seed 7) under
# a work folder, runs dedup on each with 1 and 2 threads (the median of 3 runs each, alternating,
# after a warm-up read so that the page cache holds the files), checks that both thread counts give
# byte-identical output, and prints one table row per run. With --jsonl, the corpora are single
# JSON Lines files and dedup reads them with --jsonl. With --paragraph-pool, the corpora are essays
# assembled from shared pools of paragraphs (neardup_gen_corpus --paragraph-pool: many candidate
# pairs near the threshold, verification's hard case), in WORK/poolSIZE.
#
#   bash scripts/bench-corpus.sh bench-work 10MB 100MB 1GB 4GB
#   bash scripts/bench-corpus.sh --jsonl bench-work 100MB 1GB
#   bash scripts/bench-corpus.sh --paragraph-pool bench-work 200MB
#
# Needs a Release build in build/release (cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
cd "$(dirname "$0")/.."
format=folder
input=txt
pattern="*.txt"
jsonl_flag=()
gen_flags=()
kind=c
if [[ ${1:-} == --paragraph-pool ]]; then
  gen_flags=(--paragraph-pool)
  kind=pool
  shift
fi
if [[ ${1:-} == --jsonl ]]; then
  format=jsonl
  input=
  pattern="*.jsonl"
  jsonl_flag=(--jsonl)
  shift
fi
if (($# < 2)); then
  echo "usage: $0 [--paragraph-pool] [--jsonl] WORK_FOLDER SIZE..." >&2
  exit 2
fi
work=$1
shift
bin=build/release
for program in "$bin/bench/neardup_gen_corpus" "$bin/examples/dedup/dedup"; do
  [[ -x $program ]] || { echo "$0: $program is missing: build build/release first" >&2; exit 2; }
done
mkdir -p "$work"

echo "| corpus | essays | threads | wall (median) | MB/s | read…sign | candidates | verify | cluster | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for size in "$@"; do
  corpus=$work/$kind$size
  if [[ ! -f $corpus/$format/truth.tsv ]]; then
    "$bin/bench/neardup_gen_corpus" --seed 7 --size "$size" --out "$corpus" --format "$format" \
      "${gen_flags[@]}" >/dev/null
  fi
  data=$corpus/$format${input:+/$input}
  find "$data" -type f -exec cat {} + >/dev/null  # warm the page cache: measure the program, not the disk
  bytes=$(find "$data" -type f -name "$pattern" -printf '%s\n' | awk '{s += $1} END {print s}')
  runs=3
  # 1 and 2 threads alternate, so that a drift of the machine's speed reaches both alike.
  rows1=()
  rows2=()
  for ((r = 0; r < runs; r++)); do
    for threads in 1 2; do
      err=$(mktemp)
      /usr/bin/time -f "TIME %e %M" "$bin/examples/dedup/dedup" -q -j "$threads" "${jsonl_flag[@]}" \
        --format jsonl "$data" >"$work/out_${kind}_${format}_${size}_j$threads.jsonl" 2>"$err"
      wall=$(awk '/^TIME/ {print $2}' "$err")
      rss=$(awk '/^TIME/ {print $3}' "$err")
      essays=$(awk '/^  essays:/ {print $2}' "$err")
      stages=$(sed -n 's/^  time: *\([0-9.]*\) s read and sign, \([0-9.]*\) s candidates.*, \([0-9.]*\) s verify.*, \([0-9.]*\) s cluster/\1 \2 \3 \4/p' "$err")
      if ((threads == 1)); then rows1+=("$wall $rss $essays $stages"); else rows2+=("$wall $rss $essays $stages"); fi
      rm -f "$err"
    done
  done
  for threads in 1 2; do
    if ((threads == 1)); then rows=("${rows1[@]}"); else rows=("${rows2[@]}"); fi
    # The run with the median wall time.
    row=$(printf '%s\n' "${rows[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
    read -r wall rss essays sign candidates verify cluster <<<"$row"
    mbps=$(awk -v b="$bytes" -v w="$wall" 'BEGIN {printf "%.0f", b / 1e6 / w}')
    printf '| %s %s (%.1f MB) | %s | %s | %s s | %s | %s s | %s s | %s s | %s s | %.0f MB |\n' \
      "$size" "$format${gen_flags:+ (paragraph pool)}" "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" "$essays" "$threads" "$wall" "$mbps" \
      "$sign" "$candidates" "$verify" "$cluster" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
  done
  if ! cmp -s "$work/out_${kind}_${format}_${size}_j1.jsonl" "$work/out_${kind}_${format}_${size}_j2.jsonl"; then
    echo "$0: $size: 1 and 2 threads gave different output" >&2
    exit 1
  fi
done
echo
echo "1 and 2 threads gave byte-identical output on every corpus."
