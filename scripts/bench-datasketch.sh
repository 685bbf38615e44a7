#!/usr/bin/env bash
# The "datasketch side by side" figures of docs/benchmarks.md: generates the 100 MB JSON Lines
# corpora (seed 7; the normal one in WORK/c100 and the paragraph-pool one in WORK/pool100) if they
# are missing, then runs bench/datasketch_side_by_side.py on the first MB of each: datasketch
# (MinHash + MinHashLSH, pure Python, from the peer folder) against dedup -j1, alternating, with
# per-kind recall of the planted pairs from truth.tsv.
#
#   bash scripts/bench-datasketch.sh [WORK_FOLDER [MB [PEER_FOLDER]]]
#   bash scripts/bench-datasketch.sh bench-work 10 ../shared/peers/datasketch   # the defaults
#
# Needs a Release build in build/ (BUILD=... to use another): the dedup and neardup_gen_corpus
# targets; and a Python 3 with NumPy and SciPy (bash scripts/install-deps.sh --bench installs
# Debian's). PYTHON=... picks the interpreter; by default the first python3 on PATH that imports
# both (another Python ahead of Debian's on PATH may lack them).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench-work}
mb=${2:-10}
peer=${3:-../shared/peers/datasketch}
bin=${BUILD:-build}
for program in "$bin/bench/neardup_gen_corpus" "$bin/examples/dedup/dedup"; do
  [[ -x $program ]] || { echo "$0: $program is missing: build $bin first" >&2; exit 2; }
done
python=${PYTHON:-}
if [[ -z $python ]]; then
  while read -r candidate; do
    if "$candidate" -c 'import numpy, scipy' 2>/dev/null; then python=$candidate; break; fi
  done < <(type -ap python3)
  [[ -n $python ]] || { echo "$0: no python3 with NumPy and SciPy: bash scripts/install-deps.sh --bench" >&2; exit 2; }
fi
mkdir -p "$work"
for kind in c pool; do
  corpus=$work/${kind}100
  flags=()
  [[ $kind == pool ]] && flags=(--paragraph-pool)
  if [[ ! -f $corpus/jsonl/corpus.jsonl ]]; then
    "$bin/bench/neardup_gen_corpus" --seed 7 --size 100MB --out "$corpus" --format jsonl "${flags[@]}" >/dev/null
  fi
  echo "## $corpus/jsonl/corpus.jsonl, first $mb MB"
  "$python" bench/datasketch_side_by_side.py "$corpus/jsonl/corpus.jsonl" --mb "$mb" --peer "$peer" \
    --dedup "$bin/examples/dedup/dedup" --truth "$corpus/jsonl/truth.tsv"
  echo
done
