// Benchmarks of the passages stage on the bundled essays: fingerprints of one essay at a time (what
// every essay of a corpus costs), the two-text alignment (what a candidate pair costs), the
// offset-keeping normalization it needs, and a whole corpus through passage_finder. Each checks
// its result before timing (the bundled essays' known copy is found) and skips with an error when
// it is wrong.
#include <benchmark/benchmark.h>

#include <neardup/normalize.hpp>
#include <neardup/passages.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// The bundled essay files, each a text, in file order.
std::vector<std::string> const& essay_files() {
  static std::vector<std::string> const texts = [] {
    std::vector<std::filesystem::path> files;
    for (auto const& e : std::filesystem::directory_iterator(NEARDUP_ESSAYS_DIR))
      if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (auto const& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }();
  return texts;
}

std::size_t total_bytes(std::vector<std::string> const& texts) {
  std::size_t n = 0;
  for (auto const& t : texts) n += t.size();
  return n;
}

void BM_Passages_Fingerprint_Essays(benchmark::State& state) {
  auto const& texts = essay_files();
  neardup::passage_finder const finder;
  std::vector<std::uint32_t> fps;
  finder.fingerprint(texts[0], fps);
  if (fps.size() < texts[0].size() / 3 / 20) {
    state.SkipWithError("too few fingerprints");
    return;
  }
  for (auto _ : state) {
    for (auto const& t : texts) {
      finder.fingerprint(t, fps);
      benchmark::DoNotOptimize(fps.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes(texts)));
}
BENCHMARK(BM_Passages_Fingerprint_Essays);

void BM_NormalizeWithOffsets_Essays(benchmark::State& state) {
  auto const& texts = essay_files();
  neardup::normalizer const norm;
  std::u32string out;
  std::vector<neardup::source_span> spans;
  norm.normalize_with_offsets(texts[0], out, spans);
  if (out != norm.normalize(texts[0])) {
    state.SkipWithError("not normalize()'s output");
    return;
  }
  for (auto _ : state) {
    for (auto const& t : texts) {
      norm.normalize_with_offsets(t, out, spans);
      benchmark::DoNotOptimize(spans.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes(texts)));
}
BENCHMARK(BM_NormalizeWithOffsets_Essays);

/// Two texts of about `bytes` each sharing a copied run: the first file's essays against each
/// other.
void BM_Passages_Pair(benchmark::State& state) {
  std::string const& file = essay_files()[0];
  auto const bytes = static_cast<std::size_t>(state.range(0));
  std::string a = file.substr(0, std::min(bytes, file.size() / 2));
  std::string b = file.substr(file.size() / 2, std::min(bytes, file.size() / 2));
  std::string const copied = file.substr(file.size() / 4, 300);
  a += copied;
  b.insert(0, copied);
  auto const check = neardup::passages(a, b);
  if (check.passages.empty()) {
    state.SkipWithError("the copied run was not found");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(neardup::passages(a, b));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (a.size() + b.size())));
}
BENCHMARK(BM_Passages_Pair)->Arg(1 << 10)->Arg(4 << 10)->Arg(16 << 10);

/// The bundled essays, each file `copies` times with a character changed per copy, through the
/// corpus finder on one thread: index, candidates and alignment.
void BM_Passages_Finder_Essays(benchmark::State& state) {
  auto const& files = essay_files();
  std::vector<std::string> texts;
  for (int c = 0; c < state.range(0); ++c)
    for (auto const& f : files) {
      std::string t = f;
      t.insert(t.size() / 2, "变" + std::to_string(c));
      texts.push_back(std::move(t));
    }
  neardup::passage_options o;
  o.threads = 1;
  auto run = [&] {
    neardup::passage_finder finder(o);
    for (auto const& t : texts) finder.add(t);
    return finder.run();
  };
  auto const check = run();
  // Every file's copies pair up (and pairs among files sharing passages come on top).
  std::size_t const copies = static_cast<std::size_t>(state.range(0));
  if (check.pairs.size() < files.size() * copies * (copies - 1) / 2) {
    state.SkipWithError("copies not paired");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(run());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes(texts)));
}
BENCHMARK(BM_Passages_Finder_Essays)->Arg(2)->Arg(4)->Unit(benchmark::kMillisecond);

}  // namespace
