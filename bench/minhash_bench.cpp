// MinHash signing over shingle counts, both schemes, checked before timing.
#include <benchmark/benchmark.h>

#include <neardup/minhash.hpp>

#include <algorithm>
#include <random>
#include <vector>

namespace {

std::vector<std::uint64_t> random_shingles(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> s(n);
  for (auto& x : s) x = rng();
  return s;
}

void BM_MinHash(benchmark::State& state, neardup::minhash_scheme scheme, unsigned k) {
  auto const n = static_cast<std::size_t>(state.range(0));
  neardup::minhasher const mh({k, scheme, 1});
  auto const shingles = random_shingles(n, 42);
  // Check: a shuffled copy signs the same; half-overlapping sets estimate about 1/3.
  auto shuffled = shingles;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(1));
  auto half = random_shingles(n / 2, 7);
  half.insert(half.end(), shingles.begin(), shingles.begin() + static_cast<std::ptrdiff_t>(n / 2));
  double const j = neardup::estimate_jaccard(mh.sign(shingles), mh.sign(half));  // true J = 1/3
  if (mh.sign(shuffled) != mh.sign(shingles) || (n >= 1024 && std::abs(j - 1.0 / 3) > 0.2)) {
    state.SkipWithError("MinHash signatures are wrong");
    return;
  }
  std::vector<std::uint32_t> sig(k);
  for (auto _ : state) {
    mh.sign(shingles, sig);
    benchmark::DoNotOptimize(sig.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * sizeof(std::uint64_t)));
}

}  // namespace

BENCHMARK_CAPTURE(BM_MinHash, OnePermutation_k128, neardup::minhash_scheme::one_permutation, 128u)
    ->RangeMultiplier(4)->Range(64, 65536);
BENCHMARK_CAPTURE(BM_MinHash, OnePermutation_k256, neardup::minhash_scheme::one_permutation, 256u)
    ->Arg(4096);
BENCHMARK_CAPTURE(BM_MinHash, Classic_k128, neardup::minhash_scheme::classic, 128u)
    ->RangeMultiplier(4)->Range(64, 16384);
