#!/usr/bin/env bash
# Installs neardup into a temporary prefix (static, then shared) and builds and runs a consumer
# outside the tree twice: with find_package(neardup) and with pkg-config; then once more with
# add_subdirectory of the source tree.
#   bash scripts/package-test.sh [RELEASE_BUILD_DIR]
# With a static Release build folder already built (scripts/test.sh passes build/release), the static
# package is installed from it instead of being built again. The shared library and the
# add_subdirectory consumer are built without optimization: what they test is the packaging.
set -euo pipefail
cd "$(dirname "$0")/.."
release_build=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)

for kind in static shared; do
  shared=OFF; [[ $kind == shared ]] && shared=ON
  prefix="$work/$kind/prefix"
  echo "== package test ($kind): install into a temporary prefix"
  if [[ $kind == static && -n $release_build ]]; then
    grep -q '^BUILD_SHARED_LIBS:BOOL=ON' "$release_build/CMakeCache.txt" &&
      { echo "package test: $release_build is not a static build" >&2; exit 1; }
    cmake --install "$release_build" --prefix "$prefix" >/dev/null
  else
    build_type=Debug; [[ $kind == static ]] && build_type=Release
    cmake -S . -B "$work/$kind/build" -G Ninja -DCMAKE_BUILD_TYPE=$build_type -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
      -DBUILD_SHARED_LIBS=$shared -DNEARDUP_BUILD_TESTS=OFF -DNEARDUP_BUILD_BENCHMARKS=OFF \
      -DNEARDUP_BUILD_EXAMPLES=OFF -DCMAKE_UNITY_BUILD=ON -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
    cmake --build "$work/$kind/build" -j "$jobs" >/dev/null
    cmake --install "$work/$kind/build" >/dev/null
  fi
  # Relocatable: move the installed tree and use it from its new place.
  mv "$prefix" "$work/$kind/moved"
  prefix="$work/$kind/moved"

  echo "== package test ($kind): consumer with find_package"
  cmake -S tests/package -B "$work/$kind/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/$kind/consumer" >/dev/null
  LD_LIBRARY_PATH="$prefix/lib:${LD_LIBRARY_PATH:-}" "$work/$kind/consumer/consumer"

  echo "== package test ($kind): consumer with pkg-config"
  pcdir=$(dirname "$(find "$prefix" -name neardup.pc | head -n 1)")
  pkgflags=--libs; [[ $kind == static ]] && pkgflags="--libs --static"
  # shellcheck disable=SC2046,SC2086
  g++ -std=c++20 -o "$work/$kind/consumer-pc" tests/package/main.cpp \
    $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags $pkgflags neardup)
  LD_LIBRARY_PATH="$prefix/lib:${LD_LIBRARY_PATH:-}" "$work/$kind/consumer-pc"
done
echo "== package test: consumer with add_subdirectory"
cmake -S tests/package/subdirectory -B "$work/subdirectory" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_UNITY_BUILD=ON \
  -DNEARDUP_SOURCE_DIR="$PWD" >/dev/null
cmake --build "$work/subdirectory" -j "$jobs" >/dev/null
"$work/subdirectory/consumer"
echo "== package tests passed"
