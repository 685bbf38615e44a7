#!/usr/bin/env bash
# Paired CPU-time comparison of two dedup builds on a shared machine: A and B run at the same time,
# each on one thread, so that both see the same contention; N rounds; prints each round's CPU ms
# (perf stat -e task-clock) and the ratio of the means B / A.
#
#   bash scripts/bench-paired.sh OLD/dedup NEW/dedup 4 bench-work/c1GB/folder/txt
#   bash scripts/bench-paired.sh "NEW/dedup --no-templates" NEW/dedup 8 bench-work/c100/folder
set -euo pipefail
if (($# < 4)); then
  echo "usage: $0 A B ROUNDS DEDUP-ARGS..." >&2
  exit 2
fi
a=$1 b=$2 rounds=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < rounds; ++i)); do
  # shellcheck disable=SC2086  # A and B may carry options
  perf stat -x, -e task-clock -o "$tmp/a" $a -j1 -q --format jsonl -o /dev/null "$@" >/dev/null 2>&1 &
  # shellcheck disable=SC2086
  perf stat -x, -e task-clock -o "$tmp/b" $b -j1 -q --format jsonl -o /dev/null "$@" >/dev/null 2>&1
  wait
  echo "$(grep task-clock "$tmp/a" | cut -d, -f1) $(grep task-clock "$tmp/b" | cut -d, -f1)"
done | awk '{ print; a += $1; b += $2 } END { printf "mean CPU ms A %.0f B %.0f, B / A %.3f\n", a / NR, b / NR, b / a }'
