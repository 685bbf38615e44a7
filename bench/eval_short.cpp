// neardup_eval_short — pair precision, recall and F1 per kind on generated short texts (poems,
// titles, one-sentence answers of 20–100 characters) with planted variants and same-topic hard
// negatives, optionally among long essays (generate_short_texts), run through neardup::deduplicator
// at the given settings (the defaults unless told), over several seeds; then the worst case.
//
//   neardup_eval_short --seeds 1,2,3,4,5 --essays 500
//
// For a kind, recall is its found pairs over its planted pairs, and precision its found pairs over
// the clustered pairs that involve one of its texts. Hard negatives (stock: another text sharing a
// stock phrase or opening with a base) count when they end up in any cluster.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "common/parallel.hpp"
#include "corpus_gen.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/normalize.hpp"
#include "neardup/shingle.hpp"
#include "short_gen.hpp"

#ifndef NEARDUP_ESSAYS_DIR
#define NEARDUP_ESSAYS_DIR "examples/data/essays"
#endif

namespace {

constexpr char const* pair_kinds[] = {"script", "punctuation", "edit", "essay_copy"};

using kind_score = neardup::bench::pair_score;

struct seed_result {
  std::uint64_t seed = 0;
  std::size_t texts = 0;
  kind_score kinds[std::size(pair_kinds)];
  std::size_t negatives = 0, clustered = 0;
  std::uint64_t all_predicted = 0, all_correct = 0, all_planted = 0;
  std::size_t short_documents = 0, short_candidates = 0;
  double seconds = 0;
};

int kind_index(std::string const& kind) {
  for (std::size_t k = 0; k < std::size(pair_kinds); ++k)
    if (kind == pair_kinds[k]) return static_cast<int>(k);
  return -1;
}

template <class T>
T quantile(std::vector<T> v, double q) {
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

/// Exact Jaccard over character n-grams (n = 2, 3, 5) of each kind's planted pairs, and of each
/// hard negative to its most similar other short text, by the shorter text's normalized length.
void print_profile(std::vector<neardup::bench::short_text> const& texts, unsigned threads) {
  neardup::normalizer const norm;
  std::vector<std::u32string> normalized(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) normalized[i] = norm.normalize(texts[i].text);
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < texts.size(); ++i)
    if (!texts[i].group.empty()) groups[texts[i].group].push_back(i);
  std::vector<std::size_t> shorts, stock;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].form != "essay") shorts.push_back(i);
    if (texts[i].kind == "stock") stock.push_back(i);
  }
  for (unsigned n : {2u, 3u, 5u}) {
    std::vector<std::vector<std::uint64_t>> sets(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      sets[i] = neardup::char_shingles(normalized[i], {.n = n});
      neardup::make_shingle_set(sets[i]);
    }
    // By kind and by the shorter text's length: under 40, 40–69, 70 and more.
    std::map<std::string, std::vector<double>> j;
    auto band = [&](std::size_t a, std::size_t b) {
      std::size_t const len = std::min(normalized[a].size(), normalized[b].size());
      return len < 40 ? " <40" : len < 70 ? " 40-69" : " 70+";
    };
    for (auto const& [g, members] : groups) {
      std::size_t const a = members[0], b = members[1];
      std::string const kind = texts[a].kind == "original" ? texts[b].kind : texts[a].kind;
      j[kind + band(a, b)].push_back(neardup::exact_jaccard(sets[a], sets[b]));
    }
    std::vector<double> best(stock.size());
    std::vector<std::string> best_band(stock.size());
    neardup::detail::parallel_for(
        stock.size(), threads, 8, [&](std::size_t b, std::size_t e, unsigned) {
          for (std::size_t s = b; s < e; ++s)
            for (std::size_t o : shorts)
              if (o != stock[s]) {
                double const x = neardup::exact_jaccard(sets[stock[s]], sets[o]);
                if (x > best[s]) {
                  best[s] = x;
                  best_band[s] = band(stock[s], o);
                }
              }
        });
    for (std::size_t s = 0; s < stock.size(); ++s)
      j["stock (to closest)" + best_band[s]].push_back(best[s]);
    std::printf(
        "  n = %u, exact Jaccard (pairs: min / 1%% / 10%% / median / max; negatives: "
        "min / median / 90%% / 99%% / max):\n",
        n);
    for (auto const& [kind, v] : j) {
      bool const neg = kind.starts_with("stock");
      std::printf("    %-28s %5zu pairs  %.2f / %.2f / %.2f / %.2f / %.2f\n", kind.c_str(),
                  v.size(), quantile(v, 0.0), quantile(v, neg ? 0.5 : 0.01),
                  quantile(v, neg ? 0.9 : 0.1), quantile(v, neg ? 0.99 : 0.5), quantile(v, 1.0));
    }
  }
}

seed_result evaluate(std::vector<neardup::bench::short_text> const& texts,
                     neardup::dedup_options const& options) {
  seed_result r;
  r.texts = texts.size();
  neardup::deduplicator dedup(options);
  for (auto const& t : texts) dedup.add(t.id, t.text);
  auto const result = dedup.run();
  r.seconds = result.stats.seconds_sign + result.stats.seconds_candidates +
              result.stats.seconds_verify + result.stats.seconds_cluster;
  r.short_documents = result.stats.short_documents;
  r.short_candidates = result.stats.short_candidates.pairs;
  // A group is its original and one variant: its pairs count under the variant's kind.
  std::map<std::string, int> group_kind;
  std::map<std::string, std::uint64_t> group_size;
  for (auto const& t : texts)
    if (!t.group.empty()) {
      ++group_size[t.group];
      if (t.kind != "original") group_kind[t.group] = kind_index(t.kind);
    }
  for (auto const& [g, n] : group_size) {
    r.kinds[group_kind[g]].planted += n * (n - 1) / 2;
    r.all_planted += n * (n - 1) / 2;
  }
  for (auto const& t : texts) r.negatives += t.kind == "stock";
  for (auto const& c : result.clusters) {
    auto const& m = c.members;
    for (std::size_t x = 0; x < m.size(); ++x) {
      auto const& ex = texts[m[x].doc];
      r.clustered += ex.kind == "stock";
      int const kx = ex.group.empty() ? -1 : group_kind[ex.group];
      for (std::size_t y = x + 1; y < m.size(); ++y) {
        auto const& ey = texts[m[y].doc];
        int const ky = ey.group.empty() ? -1 : group_kind[ey.group];
        bool const correct = !ex.group.empty() && ex.group == ey.group;
        ++r.all_predicted;
        r.all_correct += correct;
        neardup::bench::count_clustered_pair(r.kinds, correct, kx, ky);
      }
    }
  }
  return r;
}

void print_header() {
  std::printf("| seed | texts |");
  for (auto k : pair_kinds) std::printf(" %s P / R / F1 |", k);
  std::printf(
      " stock clustered | all P / R / F1 | short sketched / candidates | seconds |\n|---|---|");
  for (std::size_t i = 0; i < std::size(pair_kinds); ++i) std::printf("---|");
  std::printf("---|---|---|---|\n");
}

void print_row(seed_result const& r, char const* label) {
  std::printf("| %s | %zu |", label, r.texts);
  for (auto const& k : r.kinds)
    std::printf(" %.4f / %.4f / %.4f |", k.precision(), k.recall(), k.f1());
  std::printf(" %zu / %zu (%.2f%%) |", r.clustered, r.negatives,
              r.negatives
                  ? 100.0 * static_cast<double>(r.clustered) / static_cast<double>(r.negatives)
                  : 0.0);
  neardup::bench::pair_score const all{r.all_planted, r.all_correct, r.all_predicted};
  double const p = all.precision(), rc = all.recall();
  std::printf(" %.4f / %.4f / %.4f | %zu / %zu | %.2f |\n", p, rc,
              all.f1(), r.short_documents, r.short_candidates,
              r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Precision / recall / F1 per kind of neardup on generated short texts"};
  std::string seeds = "1,2,3,4,5", verify = "hybrid";
  neardup::dedup_options options;
  neardup::bench::short_gen_options g;
  unsigned threads = 0;
  bool profile = false, no_short = false;
  app.add_option("--seeds", seeds, "comma-separated seeds")->capture_default_str();
  app.add_option("--bases", g.bases, "short base texts per seed")->capture_default_str();
  app.add_option("--essays", g.essays, "long essays mixed in per seed")->capture_default_str();
  app.add_option("--max-changes", g.max_changes, "characters a script or edit variant changes")
      ->capture_default_str();
  app.add_option("--stock-percent", g.stock_percent, "most of its base a hard negative shares (%)")
      ->capture_default_str();
  app.add_option("--threshold", options.threshold, "Jaccard threshold")->capture_default_str();
  app.add_option("--ngram", options.signature.shingle.n, "shingle size")->capture_default_str();
  app.add_option("--short-text-chars", options.signature.short_text.below_chars,
                 "short_text.below_chars (0: off)")
      ->capture_default_str();
  app.add_option("--short-ngram", options.signature.short_text.ngram, "short_text.ngram")
      ->capture_default_str();
  app.add_option("--short-perm", options.signature.short_text.num_perm, "short_text.num_perm")
      ->capture_default_str();
  unsigned short_rows = 0;
  app.add_option(
      "--short-rows", short_rows,
      "rows per band of the short-text sketch (0: the default; bands = num_perm / rows)");
  app.add_option("--verify", verify, "hybrid, exact or estimate")->capture_default_str();
  app.add_option("--threads", threads, "threads (0 = all)")->capture_default_str();
  app.add_flag("--profile", profile, "also print the exact Jaccard of planted pairs and negatives");
  app.add_flag("--no-short", no_short, "short_text.below_chars = 0");
  bool no_templates = false;
  app.add_flag("--no-templates", no_templates, "dedup_options::templates = false");
  CLI11_PARSE(app, argc, argv);
  try {
    options.threads = threads;
    options.verify = neardup::verify_mode_from_name(verify);
    if (no_short) options.signature.short_text.below_chars = 0;
    options.templates = !no_templates;
    if (short_rows > 0)
      options.short_lsh =
          neardup::lsh_params{options.signature.short_text.num_perm / short_rows, short_rows};
    g.essays_dir = NEARDUP_ESSAYS_DIR;
    std::vector<seed_result> results;
    for (std::uint64_t const seed : neardup::bench::parse_seeds(seeds)) {
      g.seed = seed;
      auto const texts = neardup::bench::generate_short_texts(g);
      if (profile) {
        std::printf("seed %llu:\n", static_cast<unsigned long long>(g.seed));
        print_profile(texts, neardup::detail::resolve_threads(threads));
      }
      results.push_back(evaluate(texts, options));
      results.back().seed = g.seed;
    }
    std::printf(
        "\nthreshold %.2f, n %u, short texts below %u chars by %u-grams, %s verification\n\n",
        options.threshold, options.signature.shingle.n, options.signature.short_text.below_chars,
        options.signature.short_text.ngram, verify.c_str());
    print_header();
    for (auto const& r : results) print_row(r, std::to_string(r.seed).c_str());
    seed_result worst = results.front();
    for (auto const& r : results) {
      for (std::size_t k = 0; k < std::size(pair_kinds); ++k)
        if (r.kinds[k].f1() < worst.kinds[k].f1()) worst.kinds[k] = r.kinds[k];
      if (r.clustered * worst.negatives > worst.clustered * r.negatives) {
        worst.clustered = r.clustered;
        worst.negatives = r.negatives;
      }
      double const wp = worst.all_predicted ? static_cast<double>(worst.all_correct) /
                                                  static_cast<double>(worst.all_predicted)
                                            : 1.0;
      double const rp = r.all_predicted ? static_cast<double>(r.all_correct) /
                                              static_cast<double>(r.all_predicted)
                                        : 1.0;
      if (rp < wp) {
        worst.all_predicted = r.all_predicted;
        worst.all_correct = r.all_correct;
        worst.all_planted = r.all_planted;
      }
    }
    print_row(worst, "worst");
  } catch (std::exception const& e) {
    std::fprintf(stderr, "neardup_eval_short: %s\n", e.what());
    return 1;
  }
  return 0;
}
