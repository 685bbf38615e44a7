#!/usr/bin/env bash
# README command 2 (and what .ci/run calls): install what is missing, build with warnings as
# errors, run the whole test suite; then again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
build() {  # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DNEARDUP_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

echo "== release build and tests"
build build/release -DCMAKE_BUILD_TYPE=Release
# The HTML report's browser test ([html][browser]) loads the page in headless Chromium (about 80 MB,
# installed once); where it cannot be installed the test says so and is skipped.
bash scripts/install-deps.sh --html || echo "test: Chromium could not be installed: the browser test is skipped"
ctest --test-dir build/release --output-on-failure -j "$jobs"
# Which normalization targets this CPU ran: the default one, and each compared with the scalar loop.
build/release/examples/dedup/dedup --version | grep normalization
build/release/tests/neardup_tests "every block target this CPU runs gives what the scalar loop gives" 2>&1 |
  grep -oE "block target [a-z0-9]+ (compared|not run)" || true

# The release ctest ran python/tests (pytest) on the module it built; Debian's Python, not
# another python3 that PATH may find first.
echo "== Python module: pip install --no-build-isolation ./python into a throwaway folder, imported there"
python_target=$(mktemp -d)
NEARDUP_BUILD_DIR=build/release /usr/bin/python3 -m pip install -q --no-build-isolation --no-deps \
  --root-user-action=ignore --target "$python_target" ./python
(cd "$python_target" && /usr/bin/python3 -c 'import neardup
assert neardup.__file__.startswith("'"$python_target"'"), neardup.__file__
print("neardup", neardup.__version__, "from", neardup.__file__, "->", neardup.deduplicate(["疫情防控", "疫情防控！"]))')
rm -rf "$python_target"

# The builds after the release build are unity builds (CMAKE_UNITY_BUILD: a few sources compiled as
# one, their headers parsed once): the same code in less compile time. The release build compiles
# each source alone, so an include that a source forgot still fails there.
echo "== ASan+UBSan build and tests"
# Line tables only (-g1): the sanitizers' reports name file and line, and the build is faster.
build build/asan -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" -DNEARDUP_SANITIZE=ON \
  -DNEARDUP_BUILD_BENCHMARKS=OFF -DCMAKE_UNITY_BUILD=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== ThreadSanitizer build: the threaded stages"
# With NEARDUP_SANITIZE_THREAD the test program holds only the threaded stages' tests
# (tests/CMakeLists.txt lists them); all of them run.
build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DNEARDUP_SANITIZE_THREAD=ON -DNEARDUP_BUILD_BENCHMARKS=OFF -DNEARDUP_BUILD_EXAMPLES=OFF \
  -DCMAKE_UNITY_BUILD=ON
TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/neardup_tests

echo "== fuzz targets (libFuzzer, clang), 12 s each on copies of their seed corpora"
bash scripts/fuzz.sh 12

echo "== installed package: consumers with find_package and pkg-config"
bash scripts/package-test.sh build/release

echo "== all test suites passed"
