// Benchmarks of the signature stage (normalize → shingle → minhash) on the bundled essays, one
// essay at a time as the pipeline signs them, for both MinHash schemes and several k.
#include <benchmark/benchmark.h>

#include <neardup/load.hpp>
#include <neardup/signature.hpp>

#include <string>
#include <vector>

namespace {

std::vector<std::string> const& bundled_essays() {
  static std::vector<std::string> const texts = [] {
    std::vector<std::string> out;
    std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
    (void)neardup::load_essays(paths, {}, [&](neardup::essay_info&&, std::string_view t) { out.emplace_back(t); });
    return out;
  }();
  return texts;
}

/// Runs `work` on every text once per iteration and counts their bytes and the texts.
template <class Work>
void for_each_text(benchmark::State& state, std::vector<std::string> const& texts, Work const& work) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (auto const& t : texts) {
      work(t);
      bytes += t.size();
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
}

void BM_Sign_Essays(benchmark::State& state, neardup::minhash_scheme scheme) {
  auto const& texts = bundled_essays();
  neardup::signature_options options;
  options.minhash.scheme = scheme;
  options.minhash.num_perm = static_cast<unsigned>(state.range(0));
  neardup::document_signer const signer(options);
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm());
  // Check before timing: essays 1 and 7 of the first file are the same text.
  if (texts.size() != 37 || signer.sign(texts[0]) != signer.sign(texts[6]) ||
      neardup::estimate_jaccard(signer.sign(texts[0]), signer.sign(texts[7])) > 0.3) {
    state.SkipWithError("signatures of the bundled essays are wrong");
    return;
  }
  for_each_text(state, texts, [&](std::string const& t) {
    signer.sign(t, sig, scratch);
    benchmark::DoNotOptimize(sig.data());
  });
}

/// The default signature with the sentence sketch of templated essays (what the pipeline signs
/// with dedup_options::templates), against BM_Sign_Essays/OnePermutation/128 without it.
void BM_Sign_Essays_Sentences(benchmark::State& state) {
  auto const& texts = bundled_essays();
  neardup::document_signer const signer;
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm()), sentences(signer.options().sentences.num_perm);
  for_each_text(state, texts, [&](std::string const& t) {
    signer.sign(t, sig, sentences, scratch);
    benchmark::DoNotOptimize(sig.data());
    benchmark::DoNotOptimize(sentences.data());
  });
}

/// BM_Sign_Essays_Sentences with the sentence filter too: what the pipeline signs at the defaults.
void BM_Sign_Essays_Sentences_Filter(benchmark::State& state) {
  auto const& texts = bundled_essays();
  neardup::document_signer const signer;
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm()), sentences(signer.options().sentences.num_perm);
  neardup::sentence_filter filter;
  for_each_text(state, texts, [&](std::string const& t) {
    signer.sign(t, sig, sentences, filter, scratch);
    benchmark::DoNotOptimize(sig.data());
    benchmark::DoNotOptimize(&filter);
  });
}

void BM_ShingleSet_Essays(benchmark::State& state) {
  auto const& texts = bundled_essays();
  neardup::document_signer const signer;
  neardup::signer_scratch scratch;
  std::vector<std::uint64_t> set;
  for_each_text(state, texts, [&](std::string const& t) {
    signer.shingle_set(t, set, scratch);
    benchmark::DoNotOptimize(set.data());
  });
}

}  // namespace

BENCHMARK_CAPTURE(BM_Sign_Essays, OnePermutation, neardup::minhash_scheme::one_permutation)
    ->Arg(64)->Arg(128)->Arg(256);
BENCHMARK_CAPTURE(BM_Sign_Essays, Classic, neardup::minhash_scheme::classic)->Arg(64)->Arg(128);
BENCHMARK(BM_Sign_Essays_Sentences);
BENCHMARK(BM_Sign_Essays_Sentences_Filter);
BENCHMARK(BM_ShingleSet_Essays);
