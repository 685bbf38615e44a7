// LSH: band keys, streaming candidate generation with planted groups and with one huge
// (template) bucket, and the incremental index — checked before timing.
#include <benchmark/benchmark.h>

#include <neardup/lsh.hpp>

#include <random>
#include <vector>

namespace {

constexpr neardup::lsh_params params{30, 4};

// n signatures in groups of 4 identical ones: each group's 6 pairs must be candidates.
std::vector<neardup::band_entry> planted_entries(std::size_t n) {
  std::mt19937_64 rng(9);
  std::vector<neardup::band_entry> entries;
  std::vector<std::uint32_t> sig(120);
  std::vector<std::uint64_t> keys(params.bands);
  for (std::uint32_t d = 0; d < n; ++d) {
    if (d % 4 == 0)
      for (auto& v : sig) v = static_cast<std::uint32_t>(rng());
    neardup::band_keys(sig, params, keys);
    for (std::uint32_t b = 0; b < params.bands; ++b) entries.push_back({keys[b], b, d});
  }
  return entries;
}

void BM_CandidatePairs_Planted(benchmark::State& state) {
  auto const n = static_cast<std::size_t>(state.range(0));
  auto const entries = planted_entries(n);
  auto check = entries;
  if (neardup::candidate_pairs(check).size() != n / 4 * 6) {
    state.SkipWithError("planted pairs not found exactly");
    return;
  }
  for (auto _ : state) {
    auto copy = entries;
    benchmark::DoNotOptimize(neardup::candidate_pairs(copy).size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * entries.size() * sizeof(neardup::band_entry)));
}

// The same planted groups through band_table, the columns the deduplicator keeps (8 bytes an entry,
// sorted per band on `threads` threads).
void BM_BandTable_Planted(benchmark::State& state) {
  auto const n = static_cast<std::size_t>(state.range(0));
  auto const threads = static_cast<unsigned>(state.range(1));
  auto const entries = planted_entries(n);
  std::vector<std::vector<std::uint64_t>> keys(n, std::vector<std::uint64_t>(params.bands));
  for (auto const& e : entries) keys[e.doc][e.band] = e.key;
  auto fill = [&] {
    neardup::band_table table(params.bands);
    table.reserve(n);
    for (std::uint32_t d = 0; d < n; ++d) table.add(d, keys[d]);
    return table;
  };
  // Every planted pair, and few others: keys that agree in their high 32 bits by chance (about
  // (n/4)^2 / 2^33 a band) pair documents of different groups.
  auto check = fill();
  auto const pairs = check.candidate_pairs(256, nullptr, threads);
  std::size_t planted = 0;
  for (auto const& [a, b] : pairs) planted += a / 4 == b / 4 ? 1 : 0;
  if (planted != n / 4 * 6 || pairs.size() > planted + n / 100) {
    state.SkipWithError("planted pairs not found exactly");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto table = fill();
    state.ResumeTiming();
    benchmark::DoNotOptimize(table.candidate_pairs(256, nullptr, threads).size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * params.bands * sizeof(std::uint64_t)));
}

// One bucket holding every document (a template copied n times): the cap keeps the pairs linear.
void BM_CandidatePairs_Template(benchmark::State& state) {
  auto const n = static_cast<std::uint32_t>(state.range(0));
  std::vector<neardup::band_entry> entries;
  for (std::uint32_t d = 0; d < n; ++d) entries.push_back({42, 0, d});
  neardup::candidate_stats stats;
  auto copy = entries;
  auto const pairs = neardup::candidate_pairs(copy, 256, &stats);
  if (stats.capped_buckets != 1 || pairs.size() > std::size_t{n} * 255) {
    state.SkipWithError("the bucket was not capped");
    return;
  }
  for (auto _ : state) {
    copy = entries;
    benchmark::DoNotOptimize(neardup::candidate_pairs(copy, 256).size());
  }
  state.counters["pairs"] = static_cast<double>(pairs.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * sizeof(neardup::band_entry)));
}

void BM_LshIndex_InsertQuery(benchmark::State& state) {
  auto const n = static_cast<std::uint32_t>(state.range(0));
  std::mt19937_64 rng(3);
  std::vector<std::vector<std::uint32_t>> sigs(n, std::vector<std::uint32_t>(120));
  for (auto& s : sigs)
    for (auto& v : s) v = static_cast<std::uint32_t>(rng());
  for (auto _ : state) {
    neardup::lsh_index index(params);
    for (std::uint32_t d = 0; d < n; ++d) index.insert(d, sigs[d]);
    std::size_t found = 0;
    for (std::uint32_t d = 0; d < n; ++d) found += index.query(sigs[d]).size();
    if (found != n) state.SkipWithError("a document did not find itself alone");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  // Bytes: the signatures inserted and queried.
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n * 120 * sizeof(std::uint32_t)));
}

void BM_OptimalLshParams(benchmark::State& state) {
  auto const k = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(neardup::optimal_lsh_params(0.5, k, 0.2, 0.8));
}

}  // namespace

BENCHMARK(BM_CandidatePairs_Planted)->RangeMultiplier(8)->Range(1024, 262144);
BENCHMARK(BM_BandTable_Planted)->ArgsProduct({{4096, 32768, 262144}, {1, 2}})->UseRealTime();
BENCHMARK(BM_CandidatePairs_Template)->Arg(10000)->Arg(100000);
BENCHMARK(BM_LshIndex_InsertQuery)->Arg(1000)->Arg(100000);
BENCHMARK(BM_OptimalLshParams)->Arg(64)->Arg(128)->Arg(256);
