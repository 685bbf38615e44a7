// neardup_eval_accuracy — pairwise precision, recall and F1 of the library on a generated corpus,
// overall and per variant kind, over a grid of settings; then the best settings by F1 and the
// figures of the current defaults (run through neardup::deduplicator itself).
//
//   neardup_gen_corpus --seed 7 --size 10MB --out bench-work/c10
//   neardup_eval_accuracy bench-work/c10/folder            # or bench-work/c10/jsonl
//
// The grid runs the library's stages directly so that work shared by settings is done once:
// shingle sets per n, signatures per (n, k, scheme), then per threshold the LSH parameters
// (optimal_lsh_params, as the deduplicator chooses them), candidate pairs, exact verification and
// clustering. A pair of essays counts as found when both are in one cluster; precision is over all
// pairs of essays that share a cluster.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "corpus_gen.hpp"
#include "neardup/cluster.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/load.hpp"
#include "neardup/lsh.hpp"
#include "neardup/minhash.hpp"
#include "neardup/shingle.hpp"
#include "neardup/signature.hpp"
#include "neardup/verify.hpp"
#include "common/parallel.hpp"

namespace {

namespace fs = std::filesystem;
using neardup::bench::accuracy;
using neardup::bench::variant_kinds;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

struct corpus {
  std::vector<std::string> texts;
  std::vector<std::string> keys;
  neardup::bench::doc_labels labels;
  std::size_t bytes = 0;
  bool jsonl = false;
};

// `file` relative to `dir`, whether the walk kept the path as given or made it canonical.
std::string relative_to(fs::path const& file, fs::path const& dir) {
  fs::path rel = file.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") {
    std::error_code ec;
    rel = fs::weakly_canonical(file, ec).lexically_relative(fs::weakly_canonical(dir, ec));
  }
  return rel.generic_string();
}

corpus load_corpus(std::string const& dir, std::string const& truth_path) {
  corpus c;
  fs::path const root(dir);
  c.jsonl = fs::exists(root / "corpus.jsonl");
  std::vector<std::string> const paths{c.jsonl ? (root / "corpus.jsonl").string() : (root / "txt").string()};
  neardup::load_options options;
  options.jsonl = c.jsonl;
  auto const summary = neardup::load_essays(paths, options, [&](neardup::essay_info&& e, std::string_view text) {
    c.keys.push_back(c.jsonl ? e.id : neardup::bench::folder_truth_key(relative_to(e.file, root), e.index));
    c.texts.emplace_back(text);
    c.bytes += text.size();
  });
  if (!summary.skipped.empty() || !summary.problems.empty())
    std::printf("load: %zu paths skipped, %zu problems (first: %s)\n", summary.skipped.size(), summary.problems.size(),
                summary.problems.empty() ? summary.skipped.front().path.c_str() : summary.problems.front().message.c_str());
  auto const truth = neardup::bench::read_truth(truth_path);
  c.labels = neardup::bench::label_documents(truth, c.keys);
  return c;
}

struct setting {
  double threshold = 0.5;
  unsigned n = 5;
  unsigned k = 128;
  neardup::minhash_scheme scheme = neardup::minhash_scheme::one_permutation;
  double fn_weight = neardup::dedup_options{}.lsh_false_negative_weight;  ///< given to optimal_lsh_params
};

char const* scheme_name(neardup::minhash_scheme s) {
  return s == neardup::minhash_scheme::classic ? "classic" : "oph";
}

struct outcome {
  setting s;
  neardup::lsh_params lsh;
  std::size_t candidates = 0;
  std::size_t capped_buckets = 0;
  accuracy acc;
  double seconds = 0;  // candidates + verify + cluster (signing is shared and timed apart)
  std::vector<std::vector<std::uint32_t>> clusters;
};

void print_header() {
  std::printf("| scheme | k | n | threshold | b×r | candidates | precision | recall | F1 |");
  for (auto kind : variant_kinds) std::printf(" %.*s |", static_cast<int>(kind.size()), kind.data());
  std::printf(" hard neg. clustered | related clustered |\n|---|---|---|---|---|---|---|---|---|");
  for (std::size_t i = 0; i < std::size(variant_kinds); ++i) std::printf("---|");
  std::printf("---|---|\n");
}

void print_row(outcome const& o) {
  char lsh[48];
  if (o.s.fn_weight == neardup::dedup_options{}.lsh_false_negative_weight)
    std::snprintf(lsh, sizeof lsh, "%u×%u", o.lsh.bands, o.lsh.rows);
  else std::snprintf(lsh, sizeof lsh, "%u×%u (FN weight %.2f)", o.lsh.bands, o.lsh.rows, o.s.fn_weight);
  std::printf("| %s | %u | %u | %.2f | %s | %zu | %.4f | %.4f | %.4f |", scheme_name(o.s.scheme), o.s.k, o.s.n,
              o.s.threshold, lsh, o.candidates, o.acc.precision, o.acc.recall, o.acc.f1);
  for (std::size_t i = 0; i < std::size(variant_kinds); ++i) std::printf(" %.3f |", o.acc.kind_recall(i));
  std::printf(" %zu/%zu | %zu/%zu |\n", o.acc.hard_negatives_clustered, o.acc.hard_negatives, o.acc.related_clustered,
              o.acc.related);
}

std::vector<double> parse_doubles(std::string const& list) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t const comma = std::min(list.find(',', pos), list.size());
    if (comma > pos) out.push_back(std::stod(list.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return out;
}

template <class T>
T quantile(std::vector<T> v, double q) {
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

// Exact Jaccard of planted (original, variant) pairs per kind and of random background pairs at
// this n: how hard the corpus is, independent of LSH.
void print_similarity_profile(corpus const& c, std::vector<std::vector<std::uint64_t>> const& sets, unsigned n,
                              unsigned threads) {
  auto const& labels = c.labels;
  std::map<std::int32_t, std::uint32_t> original;
  for (std::uint32_t d = 0; d < labels.group.size(); ++d)
    if (labels.group[d] >= 0 && labels.kind[d] == -1) original[labels.group[d]] = d;
  std::vector<std::vector<double>> per_kind(std::size(variant_kinds));
  for (std::uint32_t d = 0; d < labels.group.size(); ++d) {
    if (labels.group[d] < 0 || labels.kind[d] < 0) continue;
    auto it = original.find(labels.group[d]);
    if (it == original.end()) continue;
    per_kind[static_cast<std::size_t>(labels.kind[d])].push_back(neardup::exact_jaccard(sets[d], sets[it->second]));
  }
  std::vector<double> background;
  neardup::bench::det_rng rng(12345);
  std::size_t const docs = sets.size();
  for (int i = 0; i < 20000 && docs > 1; ++i) {
    auto const a = static_cast<std::uint32_t>(rng.below(docs));
    auto const b = static_cast<std::uint32_t>(rng.below(docs));
    if (a == b || (labels.group[a] >= 0 && labels.group[a] == labels.group[b])) continue;
    background.push_back(neardup::exact_jaccard(sets[a], sets[b]));
  }
  std::printf("n=%u exact Jaccard of planted pairs (min / 10%% / median):", n);
  for (std::size_t k = 0; k < per_kind.size(); ++k)
    std::printf(" %.*s %.2f/%.2f/%.2f", static_cast<int>(variant_kinds[k].size()), variant_kinds[k].data(),
                quantile(per_kind[k], 0.0), quantile(per_kind[k], 0.1), quantile(per_kind[k], 0.5));
  double mean = 0;
  for (double j : background) mean += j;
  mean /= static_cast<double>(std::max<std::size_t>(1, background.size()));
  std::printf("\n      background pairs (%zu random): mean %.4f, 99.9%% %.4f, max %.4f\n", background.size(), mean,
              quantile(background, 0.999), quantile(background, 1.0));
  // A related essay quotes part of one other essay: its highest Jaccard to any essay is that pair's.
  // A scan against every essay, so at most 200 related essays (evenly spaced) are measured.
  std::vector<std::uint32_t> quoting;
  for (std::uint32_t d = 0; d < docs; ++d)
    if (labels.kind[d] == -5) quoting.push_back(d);
  std::size_t const all_related = quoting.size();
  if (quoting.size() > 200) {
    std::vector<std::uint32_t> sample;
    for (std::size_t i = 0; i < 200; ++i) sample.push_back(quoting[i * quoting.size() / 200]);
    quoting.swap(sample);
  }
  std::vector<double> related(quoting.size());
  neardup::detail::parallel_for(quoting.size(), threads, 1, [&](std::size_t b, std::size_t e, unsigned) {
    for (std::size_t i = b; i < e; ++i) {
      double best = 0;
      for (std::uint32_t o = 0; o < docs; ++o)
        if (o != quoting[i]) best = std::max(best, neardup::exact_jaccard(sets[quoting[i]], sets[o]));
      related[i] = best;
    }
  });
  if (!related.empty())
    std::printf("      related essays (%zu of %zu), Jaccard to the essay they quote: min %.3f, median %.3f, 90%% %.3f, "
                "max %.3f\n",
                related.size(), all_related, quantile(related, 0.0), quantile(related, 0.5), quantile(related, 0.9),
                quantile(related, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Precision / recall / F1 of neardup on a corpus from neardup_gen_corpus, over a grid of settings"};
  std::string dir, truth_path;
  std::string thresholds = "0.3,0.4,0.5,0.6,0.7,0.8", ns = "3,4,5,6,7", ks = "64,128,256", schemes = "oph,classic";
  std::string fn_weights = std::to_string(neardup::dedup_options{}.lsh_false_negative_weight).substr(0, 3);
  unsigned threads = 0;
  std::size_t top = 5;
  bool estimate = false;
  app.add_option("corpus", dir, "a generated corpus: OUT/folder or OUT/jsonl")->required();
  app.add_option("--truth", truth_path, "truth file (default: CORPUS/truth.tsv)");
  app.add_option("--thresholds", thresholds, "comma-separated thresholds")->capture_default_str();
  app.add_option("--fn-weights", fn_weights,
                 "comma-separated false-negative weights for optimal_lsh_params (false positives get 1 - w)")
      ->capture_default_str();
  app.add_option("--n", ns, "comma-separated shingle sizes")->capture_default_str();
  app.add_option("--k", ks, "comma-separated signature sizes")->capture_default_str();
  app.add_option("--schemes", schemes, "oph, classic or both (comma-separated)")->capture_default_str();
  app.add_option("--threads", threads, "threads (0 = all)")->capture_default_str();
  app.add_option("--top", top, "how many best settings to list")->capture_default_str();
  app.add_flag("--estimate", estimate, "verify with the MinHash estimate instead of exact Jaccard");
  CLI11_PARSE(app, argc, argv);

  try {
    if (truth_path.empty()) truth_path = (fs::path(dir) / "truth.tsv").string();
    auto t0 = clock_type::now();
    corpus const c = load_corpus(dir, truth_path);
    std::size_t const docs = c.texts.size();
    std::size_t planted = 0;
    for (auto g : c.labels.group) planted += g >= 0;
    std::printf("corpus %s: %zu essays, %.1f MB, %zu in planted groups; loaded in %.2f s\n", dir.c_str(), docs,
                static_cast<double>(c.bytes) / 1e6, planted, seconds_since(t0));
    if (c.labels.unmatched_docs || c.labels.missing_rows)
      std::printf("WARNING: %zu loaded essays have no truth row and %zu truth rows no essay (splitting differs)\n",
                  c.labels.unmatched_docs, c.labels.missing_rows);
    unsigned const workers = neardup::detail::resolve_threads(threads);

    std::vector<neardup::minhash_scheme> scheme_list;
    if (schemes.find("oph") != std::string::npos) scheme_list.push_back(neardup::minhash_scheme::one_permutation);
    if (schemes.find("classic") != std::string::npos) scheme_list.push_back(neardup::minhash_scheme::classic);
    std::vector<outcome> results;
    neardup::dedup_options const defaults;

    for (double nd : parse_doubles(ns)) {
      auto const n = static_cast<unsigned>(nd);
      neardup::signature_options sopts = defaults.signature;
      sopts.shingle.n = n;
      // Exact shingle sets at this n, computed once for every k, scheme and threshold.
      neardup::document_signer const set_signer(sopts);
      std::vector<std::vector<std::uint64_t>> sets(docs);
      {
        std::vector<neardup::signer_scratch> scratch(workers);
        neardup::detail::parallel_for(docs, workers, 16, [&](std::size_t b, std::size_t e, unsigned w) {
          for (std::size_t i = b; i < e; ++i) set_signer.shingle_set(c.texts[i], sets[i], scratch[w]);
        });
      }
      print_similarity_profile(c, sets, n, workers);

      for (double kd : parse_doubles(ks)) {
        auto const k = static_cast<unsigned>(kd);
        for (auto scheme : scheme_list) {
          sopts.minhash.num_perm = k;
          sopts.minhash.scheme = scheme;
          neardup::document_signer const signer(sopts);
          auto const ts = clock_type::now();
          std::vector<std::uint32_t> sigs(docs * k);
          std::vector<std::uint8_t> empty(docs);
          std::vector<neardup::signer_scratch> scratch(workers);
          neardup::detail::parallel_for(docs, workers, 16, [&](std::size_t b, std::size_t e, unsigned w) {
            for (std::size_t i = b; i < e; ++i) {
              auto const info = signer.sign(c.texts[i], std::span<std::uint32_t>(sigs.data() + i * k, k), scratch[w]);
              empty[i] = info.shingles == 0;
            }
          });
          double const sign_seconds = seconds_since(ts);
          auto sig = [&](std::uint32_t d) { return std::span<const std::uint32_t>(sigs.data() + std::size_t{d} * k, k); };

          for (double fw : parse_doubles(fn_weights))
          for (double t : parse_doubles(thresholds)) {
            auto const start = clock_type::now();
            outcome o;
            o.s = {t, n, k, scheme, fw};
            // As the deduplicator chooses them (it uses the weights 0.5 / 0.5).
            o.lsh = neardup::optimal_lsh_params(std::min(t, 0.999), k, 1.0 - fw, fw);
            std::vector<neardup::band_entry> entries;
            entries.reserve(docs * o.lsh.bands);
            std::vector<std::uint64_t> keys(o.lsh.bands);
            for (std::uint32_t d = 0; d < docs; ++d) {
              if (empty[d]) continue;
              neardup::band_keys(sig(d), o.lsh, keys);
              for (std::uint32_t b = 0; b < o.lsh.bands; ++b) entries.push_back({keys[b], b, d});
            }
            neardup::candidate_stats cstats;
            auto const pairs = neardup::candidate_pairs(entries, defaults.max_bucket, &cstats);
            o.candidates = pairs.size();
            o.capped_buckets = cstats.capped_buckets;
            auto const verified = neardup::verify_pairs(
                pairs,
                [&](std::uint32_t a, std::uint32_t b) {
                  return estimate ? neardup::estimate_jaccard(sig(a), sig(b)) : neardup::exact_jaccard(sets[a], sets[b]);
                },
                t, workers);
            o.clusters = neardup::connected_groups(docs, verified);
            o.acc = neardup::bench::score_clusters(c.labels, o.clusters);
            o.seconds = seconds_since(start);
            results.push_back(std::move(o));
          }
          std::fprintf(stderr, "  n=%u k=%u %s: signed in %.2f s\n", n, k, scheme_name(scheme), sign_seconds);
        }
      }
    }

    std::printf("\n## Grid (%s verification)\n\n", estimate ? "estimated" : "exact");
    print_header();
    for (auto const& o : results) print_row(o);

    std::vector<outcome const*> best;
    for (auto const& o : results) best.push_back(&o);
    std::stable_sort(best.begin(), best.end(), [](auto a, auto b) { return a->acc.f1 > b->acc.f1; });
    std::printf("\n## Best %zu settings by F1\n\n", std::min(top, best.size()));
    print_header();
    for (std::size_t i = 0; i < std::min(top, best.size()); ++i) print_row(*best[i]);

    // The current defaults, through the one-call API, and whether the grid (character shingles
    // only) agrees with it when templated essays are not looked for.
    auto const run_defaults = [&](bool templates, outcome& row,
                                  std::vector<std::vector<std::uint32_t>>& clusters) {
      auto const start = clock_type::now();
      neardup::dedup_options options;
      options.threads = threads;
      options.templates = templates;
      if (estimate) options.verify = neardup::verify_mode::estimate;
      neardup::deduplicator dedup(options);
      for (std::size_t d = 0; d < docs; ++d) dedup.add(c.keys[d], c.texts[d]);
      auto const result = dedup.run();
      clusters.clear();
      for (auto const& cl : result.clusters) {
        clusters.emplace_back();
        for (auto const& m : cl.members) clusters.back().push_back(m.doc);
      }
      row.s = {options.threshold, options.signature.shingle.n, options.signature.minhash.num_perm,
               options.signature.minhash.scheme};
      row.lsh = result.stats.lsh;
      row.candidates = result.stats.candidates.pairs;
      row.acc = neardup::bench::score_clusters(c.labels, clusters);
      row.seconds = seconds_since(start);
      std::printf("\n## Current defaults (neardup::deduplicator, templates %s, %.2f s)\n\n",
                  templates ? "on" : "off", row.seconds);
      print_header();
      print_row(row);
      std::printf("templated pairs %zu (of %zu sentence candidates, %zu measured)\n",
                  result.stats.templated_pairs, result.stats.sentence_candidates.pairs,
                  result.stats.sentence_pairs_measured);
    };
    outcome d;
    std::vector<std::vector<std::uint32_t>> clusters;
    run_defaults(true, d, clusters);
    run_defaults(false, d, clusters);
    std::printf("\ntrue pairs %llu, predicted pairs %llu, correct pairs %llu\n",
                static_cast<unsigned long long>(d.acc.true_pairs), static_cast<unsigned long long>(d.acc.predicted_pairs),
                static_cast<unsigned long long>(d.acc.correct_pairs));
    for (auto const& o : results) {
      if (o.s.threshold == d.s.threshold && o.s.n == d.s.n && o.s.k == d.s.k && o.s.scheme == d.s.scheme &&
          o.s.fn_weight == d.s.fn_weight) {
        bool const same = o.clusters == clusters;
        std::printf("grid row for the same setting: %s\n", same ? "identical clusters" : "DIFFERENT clusters");
        if (!same) return 2;
      }
    }
  } catch (std::exception const& e) {
    std::fprintf(stderr, "neardup_eval_accuracy: %s\n", e.what());
    return 1;
  }
  return 0;
}
