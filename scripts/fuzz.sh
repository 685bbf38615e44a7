#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time (default 20 s) on a copy
# of its committed seed corpus. Fails when a target finds a crash or a broken property.
#   bash scripts/fuzz.sh [seconds-per-target]   (as many targets at once as there are cores)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
bash scripts/install-deps.sh >/dev/null
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DNEARDUP_BUILD_FUZZERS=ON -DNEARDUP_BUILD_TESTS=OFF -DNEARDUP_BUILD_BENCHMARKS=OFF \
  -DNEARDUP_BUILD_EXAMPLES=OFF -DNEARDUP_INSTALL=OFF -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One target per core at a time; each reports (in target order) once all have run.
cores=$(nproc 2>/dev/null || echo 2)
targets=(fuzz_normalize fuzz_decode fuzz_split fuzz_jsonl fuzz_passages fuzz_index)
run_target() {
  local target=$1
  mkdir -p "$work/$target"
  cp fuzz/corpus/$target/* "$work/$target/"
  if build/fuzz/fuzz/$target "$work/$target" -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$work/$target-" -print_final_stats=1 \
        2>"$work/$target.log"; then
    echo ok >"$work/$target.status"
  else
    echo failed >"$work/$target.status"
  fi
}
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= cores)); do wait -n || true; done
  run_target "$target" &
done
wait
status=0
for target in "${targets[@]}"; do
  echo "== $target: ${seconds} s"
  if [[ $(cat "$work/$target.status" 2>/dev/null) != ok ]]; then
    echo "$target FAILED:"; tail -40 "$work/$target.log"
    mkdir -p fuzz/findings && cp "$work/$target-"* fuzz/findings/ 2>/dev/null || true
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$target.log" | tr '\n' ' '; echo
  fi
done
exit $status
