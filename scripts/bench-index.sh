#!/usr/bin/env bash
# The persistent index's figures (docs/index.md, docs/benchmarks.md): generates a corpus (seed 7,
# JSON Lines) and a batch of about 1,000 new essays (seed 8, text files: their ids are their paths,
# none stored), builds an index of the corpus in one run, then checks the batch against it
# (--no-add: the query) and adds it, and the same batch against an empty index, to show that the
# cost and memory of a batch do not grow with the index. Prints wall time, peak memory, rates and
# bytes on disk per essay.
#
#   bash scripts/bench-index.sh bench-work 1GB
#
# Needs a Release build in build/ (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release) with the
# benchmarks (neardup_gen_corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:?usage: $0 WORK_FOLDER [SIZE]}
size=${2:-1GB}
gen=build/bench/neardup_gen_corpus
dedup=build/examples/dedup/dedup
mkdir -p "$work"
corpus="$work/c$size"
[[ -f $corpus/jsonl/corpus.jsonl ]] || "$gen" --seed 7 --size "$size" --out "$corpus" --format jsonl >/dev/null
batch="$work/new1000"
[[ -d $batch/folder ]] || "$gen" --seed 8 --size 5200KB --out "$batch" --format folder >/dev/null
new_essays=$("$dedup" -q "$batch/folder/txt" | awk '/essays:/ {print $2}')

# Runs dedup under /usr/bin/time; prints seconds, peak resident memory (with the index's pages
# mapped: clean page cache, given back under pressure), the peak of anonymous memory (sampled from
# /proc every 20 ms) and the index line of its summary.
timed() {
  local log pid anon=0 a
  log=$(mktemp)
  /usr/bin/time -f "TIME %e %M" "$dedup" -q "$@" >/dev/null 2>"$log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for child in $(pgrep -P "$pid"); do
      a=$(awk '/^RssAnon/ {print $2}' "/proc/$child/status" 2>/dev/null || true)
      [[ -n $a && $a -gt $anon ]] && anon=$a
    done
    sleep 0.02
  done
  wait "$pid" || true
  awk -v anon="$anon" '/^TIME/ {printf "%s s, %s MB peak resident, %d MB peak anonymous", $2, int($3 / 1024), anon / 1024}
       /^index / {line = $0} END {print "; " line}' "$log"
  rm -f "$log"
}

index="$work/idx$size"
rm -rf "$index" "$work/idx-empty"
echo "== build: the whole corpus in one run ($size, JSON Lines)"
timed --jsonl --max-file-bytes 1000000000000 --index "$index" "$corpus/jsonl/corpus.jsonl"
stored=$(build/examples/dedup/dedup -q --index "$index" --no-add "$batch/folder/txt" 2>&1 >/dev/null |
  awk '/^index / {print $3}')
du -b "$index/data.mdb" | awk -v n="$stored" '{printf "data.mdb: %.1f MB, %.0f bytes per essay (%d essays)\n", $1 / 1e6, $1 / n, n}'
echo "== query: $new_essays new essays, --no-add (three runs)"
for _ in 1 2 3; do timed --index "$index" --no-add "$batch/folder/txt"; done
echo "== add: the same essays, stored in one transaction"
timed --index "$index" "$batch/folder/txt"
echo "== the same batch against an empty index: add"
timed --index "$work/idx-empty" "$batch/folder/txt"
echo "== plain dedup of the batch (no index)"
/usr/bin/time -f "%e s, %M KB peak" "$dedup" -q "$batch/folder/txt" 2>&1 >/dev/null | tail -1
