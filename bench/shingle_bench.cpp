// Benchmarks of the shingle stage alone: character n-grams of normalized text hashed with XXH3, over
// a range of text sizes and n, and word n-grams through ICU's word breaks. Input is the bundled
// essays after normalization (what the stage really sees), repeated to the wanted size.
#include <benchmark/benchmark.h>

#include <neardup/normalize.hpp>
#include <neardup/shingle.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// The bundled essays, normalized with the default options, in file order.
std::u32string const& normalized_essays() {
  static std::u32string const text = [] {
    std::vector<std::filesystem::path> files;
    for (auto const& e : std::filesystem::directory_iterator(NEARDUP_ESSAYS_DIR))
      if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    neardup::normalizer const norm;
    std::u32string all, part;
    for (auto const& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      (void)norm.normalize(ss.str(), part);
      all += part;
    }
    return all;
  }();
  return text;
}

std::u32string text_of_size(std::size_t chars) {
  std::u32string const& all = normalized_essays();
  std::u32string out;
  while (out.size() < chars) out.append(all, 0, std::min(all.size(), chars - out.size()));
  return out;
}

void BM_CharShingles(benchmark::State& state) {
  auto const chars = static_cast<std::size_t>(state.range(0));
  auto const n = static_cast<unsigned>(state.range(1));
  std::u32string const text = text_of_size(chars);
  neardup::shingle_options const options{n, 0};
  std::vector<std::uint64_t> out;
  // Check before timing: one hash per position, each equal to the hash of the same n code points
  // found elsewhere (the text repeats), and different n give different hashes.
  neardup::char_shingles(text, options, out);
  std::vector<std::uint64_t> other;
  neardup::char_shingles(text.substr(1, n), options, other);
  if (out.size() != text.size() - n + 1 || other.size() != 1 || other[0] != out[1] ||
      neardup::char_shingles(text.substr(0, n + 1), {n + 1, 0}).front() == out[0]) {
    state.SkipWithError("character shingles are wrong");
    return;
  }
  for (auto _ : state) {
    neardup::char_shingles(text, options, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size() * sizeof(char32_t)));
}

void BM_ShingleSetOf(benchmark::State& state) {
  // Sixteen different inputs in turn (seeds 0..15): sorting one input over and over would let the
  // branch predictor learn it, which flatters the sort severalfold.
  std::u32string const text = text_of_size(static_cast<std::size_t>(state.range(0)));
  std::vector<std::vector<std::uint64_t>> inputs(16);
  for (std::uint64_t seed = 0; seed < inputs.size(); ++seed) neardup::char_shingles(text, {5, seed}, inputs[seed]);
  std::vector<std::uint64_t> set = inputs[0];
  neardup::make_shingle_set(set);
  if (!std::is_sorted(set.begin(), set.end()) || std::adjacent_find(set.begin(), set.end()) != set.end() ||
      set.empty() || set.size() > inputs[0].size()) {
    state.SkipWithError("make_shingle_set is wrong");
    return;
  }
  std::size_t next = 0;
  for (auto _ : state) {
    set = inputs[next++ % inputs.size()];
    neardup::make_shingle_set(set);
    benchmark::DoNotOptimize(set.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * inputs[0].size()));
}

void BM_WordShingles(benchmark::State& state) {
  // English-like text: word breaks matter for space-separated languages only.
  std::u32string sentence = U"the quick brown fox jumps over the lazy dog while seven wizards quietly judge boxes ";
  std::u32string text;
  while (text.size() < static_cast<std::size_t>(state.range(0))) text += sentence;
  neardup::word_shingler shingler;
  std::vector<std::uint64_t> out;
  shingler.shingles(text, {3, 0}, out);
  std::size_t const words = static_cast<std::size_t>(std::count(text.begin(), text.end(), U' '));
  if (out.size() + 2 != words) {
    state.SkipWithError("word shingles are wrong");
    return;
  }
  for (auto _ : state) {
    shingler.shingles(text, {3, 0}, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size() * sizeof(char32_t)));
}

}  // namespace

BENCHMARK(BM_CharShingles)->ArgsProduct({{256, 4096, 65536, 1 << 20}, {5}})->ArgsProduct({{65536}, {3, 8}});
BENCHMARK(BM_ShingleSetOf)->Arg(1024)->Arg(16384)->Arg(262144);
BENCHMARK(BM_WordShingles)->Arg(4096)->Arg(65536);

namespace {

// Exact Jaccard of two essay-sized sets sharing half their shingles (J = 1/3): what verification
// computes per candidate pair near the threshold, where equal and unequal hashes alternate at random.
void BM_ExactJaccard(benchmark::State& state) {
  auto const n = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(17);
  std::vector<std::uint64_t> a(n), b;
  for (auto& x : a) x = rng();
  for (std::size_t i = 0; i < n; ++i) b.push_back(i % 2 == 0 ? a[i] : rng());
  neardup::make_shingle_set(a);
  neardup::make_shingle_set(b);
  double const j = neardup::exact_jaccard(a, b);
  if (std::abs(j - 1.0 / 3) > 0.01 || neardup::exact_jaccard(a, a) != 1.0) {
    state.SkipWithError("exact_jaccard is wrong");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(neardup::exact_jaccard(a, b));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * (a.size() + b.size())));
}

}  // namespace

BENCHMARK(BM_ExactJaccard)->Arg(2048)->Arg(16384);
