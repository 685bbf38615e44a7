// Benchmarks of the normalize stage on the bundled Chinese essays, repeated to the wanted size:
// the table path (default options, the scalar loop alone, and everything off as the decode-only
// floor) against the ICU-only path it replaces.
#include <benchmark/benchmark.h>

#include <neardup/normalize.hpp>

#include "normalize_presets.hpp"
#include "text/fold_table.hpp"
#include "text/normalize_block.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// All bundled essays, concatenated in file order.
std::string const& essays() {
  static std::string const text = [] {
    std::vector<std::filesystem::path> files;
    for (auto const& e : std::filesystem::directory_iterator(NEARDUP_ESSAYS_DIR)) {
      if (e.path().extension() == ".txt") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::string all;
    for (auto const& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      all += ss.str();
      all += '\n';
    }
    return all;
  }();
  return text;
}

/// `bytes` of essay text (repeated as needed), cut back to a code point boundary.
std::string essays_of_size(std::size_t bytes) {
  std::string const& unit = essays();
  std::string text;
  text.reserve(bytes + unit.size());
  while (text.size() < bytes) text += unit;
  text.resize(bytes);
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
  return text;
}

/// Sanity checks on a normalization of essay text; empty when fine.
std::string check_output(std::string const& input, std::u32string const& out) {
  // Chinese takes 3 bytes a character, and dropping punctuation removes about a tenth of them.
  if (out.size() < input.size() / 5 || out.size() > input.size() / 2) return "implausible output length";
  if (std::any_of(out.begin(), out.end(), [](char32_t c) { return c == U'，' || c == U'。' || c == U' '; })) {
    return "punctuation or spaces left";
  }
  return {};
}

void run_normalize(benchmark::State& state, neardup::normalize_options const& options, bool check) {
  std::string const input = essays_of_size(static_cast<std::size_t>(state.range(0)));
  neardup::normalizer const norm(options);
  std::u32string out;
  norm.normalize(input, out);
  if (check) {
    if (auto const why = check_output(input, out); !why.empty()) {
      state.SkipWithError(why.c_str());
      return;
    }
    if (norm.normalize(norm.normalize_to_utf8(input)) != out) {
      state.SkipWithError("not idempotent");
      return;
    }
  } else if (norm.normalize_to_utf8(input) != input) {
    state.SkipWithError("with every option off the text must come back unchanged");
    return;
  }
  for (auto _ : state) {
    norm.normalize(input, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}

void BM_Normalize_Essays(benchmark::State& state) { run_normalize(state, {}, true); }
BENCHMARK(BM_Normalize_Essays)->RangeMultiplier(4)->Range(4 << 10, 4 << 20);

// normalize() with the sentence ends left in as marks (what signing with the template search's
// sentence sketch normalizes with), against BM_Normalize_Essays: the same table lookups and one
// kept code point more per sentence.
void BM_NormalizeMarkingSentences_Essays(benchmark::State& state) {
  std::string const input = essays_of_size(static_cast<std::size_t>(state.range(0)));
  neardup::normalizer const norm;
  std::u32string out;
  neardup::normalize_stats stats;
  if (!norm.normalize_marking_sentences(input, out, stats)) {
    state.SkipWithError("the essays were not marked");
    return;
  }
  for (auto _ : state) {
    (void)norm.normalize_marking_sentences(input, out, stats);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}
BENCHMARK(BM_NormalizeMarkingSentences_Essays)->Arg(64 << 10)->Arg(4 << 20);

// The same on one forced target (scalar: the block path switched off, what CPUs without AVX2 run;
// avx2: what CPUs without AVX-512 VBMI2 run). Checked first against the scalar loop's output.
void run_target(benchmark::State& state, neardup::detail::block_target target) {
  using neardup::detail::block_target;
  block_target const initial = neardup::detail::active_block_target();
  if (!neardup::detail::set_block_target(target)) {
    state.SkipWithError("this CPU cannot run the target");
    return;
  }
  std::string const input = essays_of_size(static_cast<std::size_t>(state.range(0)));
  std::u32string const on_target = neardup::normalizer().normalize(input);
  neardup::detail::set_block_target(block_target::scalar);
  bool const same = neardup::normalizer().normalize(input) == on_target;
  neardup::detail::set_block_target(target);
  if (!same) {
    state.SkipWithError("the scalar loop and the block path disagree");
  } else {
    run_normalize(state, {}, true);
  }
  neardup::detail::set_block_target(initial);
}

void BM_NormalizeScalar_Essays(benchmark::State& state) {
  run_target(state, neardup::detail::block_target::scalar);
}
BENCHMARK(BM_NormalizeScalar_Essays)->Arg(64 << 10)->Arg(4 << 20);

void BM_NormalizeAvx2_Essays(benchmark::State& state) {
  run_target(state, neardup::detail::block_target::avx2);
}
BENCHMARK(BM_NormalizeAvx2_Essays)->Arg(64 << 10)->Arg(4 << 20);

void BM_NormalizeAvx512_Essays(benchmark::State& state) {
  run_target(state, neardup::detail::block_target::avx512);
}
BENCHMARK(BM_NormalizeAvx512_Essays)->Arg(64 << 10)->Arg(4 << 20);

// Every option off: decoding and appending only, the floor under the table path.
void BM_NormalizeIdentity_Essays(benchmark::State& state) {
  run_normalize(state, neardup_test::all_off(), false);
}
BENCHMARK(BM_NormalizeIdentity_Essays)->Arg(64 << 10)->Arg(4 << 20);

// The ICU-only path: NFKC_Casefold, the Traditional-Simplified transliterator, category filter.
void BM_NormalizeIcu_Essays(benchmark::State& state) {
  std::string const input = essays_of_size(static_cast<std::size_t>(state.range(0)));
  std::u32string out = neardup::detail::icu_fold_reference(input, true, true, true, true);
  // Without pinyin stripping the table path must give the same code points.
  neardup::normalize_options o;
  o.strip_pinyin_annotations = false;
  o.strip_web_artifacts = false;
  if (out != neardup::normalizer(o).normalize(input)) {
    state.SkipWithError("ICU path and table path disagree");
    return;
  }
  for (auto _ : state) {
    out = neardup::detail::icu_fold_reference(input, true, true, true, true);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}
BENCHMARK(BM_NormalizeIcu_Essays)->Arg(4 << 10)->Arg(64 << 10);

}  // namespace
