// Clustering verified pairs with union-find, checked against a planted structure before timing.
#include <benchmark/benchmark.h>

#include <neardup/cluster.hpp>

#include <random>
#include <vector>

namespace {

// Documents in chains of 5 (a chain is one group), shuffled pair order.
std::vector<neardup::scored_pair> planted_pairs(std::size_t pairs) {
  std::vector<neardup::scored_pair> out;
  for (std::uint32_t g = 0; out.size() < pairs; ++g)
    for (std::uint32_t i = 0; i < 4 && out.size() < pairs; ++i) out.push_back({g * 5 + i, g * 5 + i + 1, 0.9});
  std::shuffle(out.begin(), out.end(), std::mt19937_64(5));
  return out;
}

void BM_ConnectedGroups(benchmark::State& state) {
  auto const n = static_cast<std::size_t>(state.range(0));
  auto const pairs = planted_pairs(n);
  std::size_t const docs = n / 4 * 5 * 10;  // ten times as many documents as in groups
  if (neardup::connected_groups(docs, pairs).size() != n / 4) {
    state.SkipWithError("wrong number of groups");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(neardup::connected_groups(docs, pairs).size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pairs.size() * sizeof(neardup::scored_pair)));
}

}  // namespace

BENCHMARK(BM_ConnectedGroups)->RangeMultiplier(10)->Range(1000, 1000000);
