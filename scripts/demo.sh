#!/usr/bin/env bash
# README command 1: install what is missing, build, and run dedup on the bundled essays.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target dedup
build/release/examples/dedup/dedup "$@" examples/data/essays
