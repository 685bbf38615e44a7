#!/usr/bin/env bash
# Installs, from Debian's packages, whatever neardup needs that this machine lacks.
# Idempotent: installs nothing (and does not touch the network) when all is present.
#
#   bash scripts/install-deps.sh           what the build and the tests need
#   bash scripts/install-deps.sh --bench   also the optional benchmark group: SciPy, which the datasketch
#                                          peer needs (bench/*_side_by_side.py; the tests skip without it)
#   bash scripts/install-deps.sh --html    also Chromium, in which the HTML report's browser test
#                                          (tests/html_cli_test.cpp, [browser]) loads the page
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkgconf
  libicu-dev libxxhash-dev xxhash
  catch2 libbenchmark-dev libcli11-dev libsimdjson-dev
  clang libclang-rt-14-dev
  # The Python module (python/) and its tests: Debian's Python, pybind11, NumPy, pytest, and what
  # pip install --no-build-isolation ./python builds with.
  python3-dev pybind11-dev python3-pybind11 python3-numpy python3-pytest
  python3-pip python3-setuptools python3-wheel
  # The persistent index (lib/index, dedup --index): LMDB, and its mdb_stat/mdb_dump for inspection.
  liblmdb-dev lmdb-utils
  # dedup-mpi (examples/dedup-mpi) and its tests under mpirun: OpenMPI.
  libopenmpi-dev openmpi-bin
)

# Optional, for benchmarks only (scripts/bench-datasketch.sh, bench/python_side_by_side.py): Debian's
# SciPy, which the datasketch peer in ../shared/peers needs beside NumPy (in the list above).
bench_packages=(python3-scipy)
# Optional, for the HTML report's browser test only: Debian's Chromium (about 80 MB), run headless.
html_packages=(chromium)
if [[ ${1:-} == --bench ]]; then
  packages+=("${bench_packages[@]}")
elif [[ ${1:-} == --html ]]; then
  packages+=("${html_packages[@]}")
elif (($# > 0)); then
  echo "usage: $0 [--bench | --html]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
