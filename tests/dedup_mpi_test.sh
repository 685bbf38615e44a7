#!/usr/bin/env bash
# dedup-mpi against dedup, byte for byte, on 1 to 4 ranks (oversubscribed on a small machine):
# folders and JSON Lines, with files and lines that are skipped or refused, in text, JSON Lines and
# CSV; then the failures: a rank that dies ends the job with a non-zero status and no report.
#
#   bash tests/dedup_mpi_test.sh DEDUP DEDUP_MPI MPIEXEC ESSAYS_DIR [GEN_CORPUS]
#
# What OpenMPI needs to run reliably in a container, as root, on a fresh machine: running as root
# allowed; no ssh agent (one node: ranks are started locally); shared memory and self transports
# only (no network interfaces probed); no single-copy mechanism (CMA's process_vm_readv is refused
# without ptrace rights in containers, and vader would print a warning); idle ranks yield.
set -euo pipefail
dedup=$1
dedup_mpi=$2
mpiexec=$3
essays=$4
gen=${5:-}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_rmaps_base_oversubscribe=1
# The point-to-point layer the btl list is for (ob1): else every rank's MPI_Init first probes UCX,
# 0.2 s each on a machine without a fabric.
export OMPI_MCA_pml=ob1
# OpenMPI's own allocations are not this program's leaks (an ASan build runs this too).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
mpi() {  # mpi N ARGS...: dedup-mpi on N ranks
  local n=$1
  shift
  timeout 300 "$mpiexec" --oversubscribe -np "$n" "$dedup_mpi" "$@"
}
# The summary and text report without the lines that carry timings.
untimed() { grep -vE '^  (bytes|time): ' "$1" || true; }

# The inputs: the bundled essays with a binary, an empty and a missing file beside them; a small
# generated corpus (folder and JSON Lines) when the generator is built; a JSON Lines file with bad
# lines and duplicate ids, in many chunks.
mkdir -p "$work/folder"
cp -r "$essays" "$work/folder/essays"
printf 'binary\0\1\2\0' >"$work/folder/binary.txt"
: >"$work/folder/empty.txt"
ln -s "$work/nowhere.txt" "$work/folder/dangling.txt"
inputs=("folder:$work/folder")
if [[ -n $gen && -x $gen ]]; then
  "$gen" --seed 7 --size 3MB --out "$work/gen" --format both >/dev/null
  inputs+=("folder:$work/gen/folder/txt" "jsonl:$(find "$work/gen/jsonl" -name '*.jsonl' | head -1)")
  # Essays assembled from a shared pool of paragraphs: candidates enough (~4 per essay) that rank 1
  # searches the templates' candidates while rank 0 verifies.
  "$gen" --seed 7 --size 3MB --out "$work/pool" --paragraph-pool --format folder >/dev/null
  inputs+=("pool:$work/pool/folder/txt")
fi
{
  n=0
  for f in "$essays"/*.txt; do
    python3 - "$f" "$n" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
n = int(sys.argv[2])
for i, part in enumerate(text.split("\n\n")):
    if part.strip():
        print(json.dumps({"id": "e%d" % ((n * 100 + i) % 150), "text": part}, ensure_ascii=False))
    if i % 7 == 3:
        print("{not json")
EOF
    n=$((n + 1))
  done
} >"$work/bad.jsonl"
inputs+=("jsonl:$work/bad.jsonl")

for entry in "${inputs[@]}"; do
  kind=${entry%%:*}
  path=${entry#*:}
  flags=(-q)
  [[ $kind == jsonl ]] && flags+=(--jsonl)
  for format in jsonl csv text; do
    "$dedup" "${flags[@]}" --format "$format" "$path" >"$work/want.$format" 2>"$work/want.err" ||
      fail "dedup on $path"
    # Every rank count for one format; the other formats are the same reports written otherwise.
    ranks=(3)
    [[ $format == jsonl ]] && ranks=(1 2 3 4)
    for n in "${ranks[@]}"; do
      mpi "$n" "${flags[@]}" --format "$format" "$path" >"$work/got.$format" 2>"$work/got.err" ||
        fail "dedup-mpi -np $n on $path (--format $format): $(cat "$work/got.err")"
      if [[ $format == text ]]; then
        cmp -s <(untimed "$work/want.text") <(untimed "$work/got.text") ||
          fail "-np $n, $path: the text report differs from dedup's"
      else
        cmp -s "$work/want.$format" "$work/got.$format" ||
          fail "-np $n, $path: the $format report differs from dedup's"
        cmp -s <(untimed "$work/want.err") <(untimed "$work/got.err") ||
          fail "-np $n, $path: the summary differs from dedup's"
      fi
    done
  done
  echo "ok: $kind $path: 1-4 ranks give dedup's reports (JSON Lines; CSV and text on 3)"
done
# Copied passages: each rank fingerprints its own essays and ships the fingerprints to rank 0.
for entry in "${inputs[@]}"; do
  kind=${entry%%:*}
  path=${entry#*:}
  flags=(-q --passages --format jsonl)
  [[ $kind == jsonl ]] && flags+=(--jsonl)
  "$dedup" "${flags[@]}" "$path" >"$work/want.passages" 2>/dev/null || fail "dedup --passages on $path"
  # (The pool's paragraphs are each in many essays: stock, not copying.)
  grep -q '"pair"' "$work/want.passages" || [[ $kind != folder ]] || fail "no passage pair in $path"
  for n in 3; do
    mpi "$n" "${flags[@]}" "$path" >"$work/got.passages" 2>"$work/got.err" ||
      fail "dedup-mpi -np $n --passages on $path: $(cat "$work/got.err")"
    cmp -s "$work/want.passages" "$work/got.passages" ||
      fail "-np $n, $path: the passages differ from dedup's"
  done
done
echo "ok: --passages on 3 ranks gives dedup's pairs"
# Skipped files are reported as dedup reports them (compared above); check that they were there.
"$dedup" -q --format jsonl "$work/folder" 2>"$work/skips.err" >/dev/null
grep -q 'skipped' "$work/skips.err" || fail "the test folder's bad files were not reported"
mpi 3 -q --format jsonl "$work/folder" 2>"$work/skips3.err" >/dev/null
cmp -s <(untimed "$work/skips.err") <(untimed "$work/skips3.err") ||
  fail "3 ranks report the skipped files otherwise than dedup"

# --keep-one and -o: the same files.
"$dedup" -q --keep-one "$work/kept.want" -o "$work/report.want" --format csv "$work/folder" 2>/dev/null
mpi 2 -q --keep-one "$work/kept.got" -o "$work/report.got" --format csv "$work/folder" 2>/dev/null
cmp -s "$work/kept.want" "$work/kept.got" || fail "--keep-one differs"
cmp -s "$work/report.want" "$work/report.got" || fail "-o differs"
echo "ok: skipped files, --keep-one and -o as dedup"

# Usage errors: dedup's message and status, said once.
set +e
mpi 2 --threshold 7 "$work/folder" >/dev/null 2>"$work/usage.err"
status=$?
set -e
((status == 2)) || fail "a bad option: status $status, not 2"
(($(grep -c 'threshold' "$work/usage.err") == 1)) || fail "a bad option is not reported once: $(cat "$work/usage.err")"
set +e
mpi 2 - </dev/null >/dev/null 2>"$work/stdin.err"
status=$?
set -e
((status != 0)) || fail "standard input shared among ranks was not refused"
grep -q 'cannot be shared' "$work/stdin.err" || fail "no reason given for refusing standard input"
echo "ok: usage errors"

# A rank that dies: the job ends non-zero, nothing on standard output, no report file.
for n in 2 4; do
  set +e
  DEDUP_MPI_TEST_DIE=1 mpi "$n" -q --format jsonl "$work/folder" >"$work/died.out" 2>"$work/died.err"
  status=$?
  DEDUP_MPI_TEST_DIE=1 mpi "$n" -q --format jsonl -o "$work/died.jsonl" "$work/folder" \
    >/dev/null 2>>"$work/died.err"
  status_o=$?
  set -e
  ((status != 0 && status_o != 0)) || fail "-np $n: a rank died but the job exited $status/$status_o"
  [[ ! -s $work/died.out ]] || fail "-np $n: a rank died but a report was written"
  [[ ! -e $work/died.jsonl ]] || fail "-np $n: a rank died but the report file was made"
done
echo "ok: a rank that dies ends the job with a non-zero status and no report"
