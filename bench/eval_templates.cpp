// neardup_eval_templates — pair precision, recall and F1 per kind on corpora of templated families
// among same-topic distractors and quoting essays (generate_template_corpus), run through
// neardup::deduplicator at the given settings (the defaults unless told), over several seeds; then
// the worst case over the seeds.
//
//   neardup_eval_templates --seeds 1,2,3 --size 10MB
//
// Kinds with planted pairs: template (members of one family) and duplicate (a near-duplicate
// group). For a kind, recall is its found pairs over its planted pairs, and precision its found
// pairs over the clustered pairs that involve one of its essays. Hard negatives (distractors: the
// same title and stock phrases; quoting essays: one or two paragraphs of another) count when they
// end up in any cluster.
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
#include "neardup/shingle.hpp"

#ifndef NEARDUP_ESSAYS_DIR
#define NEARDUP_ESSAYS_DIR "examples/data/essays"
#endif

namespace {

constexpr char const* pair_kinds[] = {"template", "duplicate"};
constexpr char const* negative_kinds[] = {"distractor", "quoting"};

struct kind_score : neardup::bench::pair_score {
  std::uint64_t relation_right = 0,
                relation_seen = 0;  // members of this kind's groups, of which said template
};

struct seed_result {
  std::uint64_t seed = 0;
  std::size_t essays = 0;
  double mb = 0;
  kind_score kinds[std::size(pair_kinds)];
  std::size_t negatives[std::size(negative_kinds)] = {}, clustered[std::size(negative_kinds)] = {};
  std::uint64_t all_predicted = 0, all_correct = 0, all_planted = 0;
  // Pairs with a member laid out as a web page: planted, of them found; clustered but not planted.
  std::uint64_t page_planted = 0, page_found = 0, page_wrong = 0;
  double seconds = 0;
};

template <class T>
T quantile(std::vector<T> v, double q) {
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

int kind_index(std::string const& kind) {
  for (std::size_t k = 0; k < std::size(pair_kinds); ++k)
    if (kind == pair_kinds[k]) return static_cast<int>(k);
  return -1;
}

/// Exact 5-gram Jaccard of each kind's planted pairs (at most `cap` per kind): how hard the corpus
/// is.
void print_profile(std::vector<neardup::bench::generated_essay> const& essays, unsigned threads) {
  neardup::document_signer const signer;
  std::vector<std::vector<std::uint64_t>> sets(essays.size()), sentences(essays.size());
  std::vector<neardup::signer_scratch> scratch(threads);
  neardup::detail::parallel_for(essays.size(), threads, 16,
                                [&](std::size_t b, std::size_t e, unsigned w) {
                                  for (std::size_t i = b; i < e; ++i) {
                                    signer.shingle_set(essays[i].text, sets[i], scratch[w]);
                                    signer.sentence_set(essays[i].text, sentences[i], scratch[w]);
                                  }
                                });
  // The share of sentences in common, of the larger set (what templated pairs are judged by).
  auto share = [&](std::size_t a, std::size_t b) {
    std::vector<std::uint64_t> common;
    std::set_intersection(sentences[a].begin(), sentences[a].end(), sentences[b].begin(),
                          sentences[b].end(), std::back_inserter(common));
    return static_cast<double>(common.size()) /
           static_cast<double>(std::max(sentences[a].size(), sentences[b].size()));
  };
  std::map<std::string, std::vector<double>> shares;
  std::map<std::string, std::vector<std::size_t>> groups, by_title;
  for (std::size_t i = 0; i < essays.size(); ++i) {
    if (!essays[i].group.empty()) groups[essays[i].group].push_back(i);
    by_title[essays[i].text.substr(0, essays[i].text.find('\n'))].push_back(i);
  }
  std::map<std::string, std::vector<double>> j;
  for (auto const& [g, members] : groups)
    for (std::size_t a = 0; a < members.size(); ++a)
      for (std::size_t b = a + 1; b < members.size(); ++b) {
        j[essays[members[a]].kind].push_back(
            neardup::exact_jaccard(sets[members[a]], sets[members[b]]));
        shares[essays[members[a]].kind].push_back(share(members[a], members[b]));
      }
  // A distractor against the template members under its title: its most similar one.
  for (std::size_t i = 0; i < essays.size(); ++i) {
    if (essays[i].kind != "distractor") continue;
    double best = 0, best_share = 0;
    for (std::size_t o : by_title[essays[i].text.substr(0, essays[i].text.find('\n'))])
      if (essays[o].kind == "template") {
        best = std::max(best, neardup::exact_jaccard(sets[i], sets[o]));
        best_share = std::max(best_share, share(i, o));
      }
    j["distractor (to its family)"].push_back(best);
    shares["distractor (to its family)"].push_back(best_share);
  }
  // A quoting essay against every other essay (at most 300 quoting essays, evenly spaced).
  std::vector<std::size_t> quoting;
  for (std::size_t i = 0; i < essays.size(); ++i)
    if (essays[i].kind == "quoting") quoting.push_back(i);
  std::vector<double> quoting_j(std::min<std::size_t>(quoting.size(), 300)),
      quoting_share(quoting_j.size());
  neardup::detail::parallel_for(
      quoting_j.size(), threads, 1, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t q = b; q < e; ++q) {
          std::size_t const i = quoting[q * quoting.size() / quoting_j.size()];
          for (std::size_t o = 0; o < essays.size(); ++o)
            if (o != i) {
              quoting_j[q] = std::max(quoting_j[q], neardup::exact_jaccard(sets[i], sets[o]));
              quoting_share[q] = std::max(quoting_share[q], share(i, o));
            }
        }
      });
  j["quoting (to any)"] = quoting_j;
  shares["quoting (to any)"] = quoting_share;
  std::printf("  exact 5-gram Jaccard (min / 10%% / median / 90%% / max):");
  for (auto const& [kind, v] : j)
    std::printf("  %s %.2f/%.2f/%.2f/%.2f/%.2f", kind.c_str(), quantile(v, 0.0), quantile(v, 0.1),
                quantile(v, 0.5), quantile(v, 0.9), quantile(v, 1.0));
  std::printf(
      "\n  share of sentences in common, of the larger set (min / 10%% / median / 90%% / max):");
  for (auto const& [kind, v] : shares)
    std::printf("  %s %.2f/%.2f/%.2f/%.2f/%.2f", kind.c_str(), quantile(v, 0.0), quantile(v, 0.1),
                quantile(v, 0.5), quantile(v, 0.9), quantile(v, 1.0));
  std::printf("\n");
}

seed_result evaluate(std::vector<neardup::bench::generated_essay> const& essays,
                     neardup::dedup_options const& options) {
  seed_result r;
  r.essays = essays.size();
  neardup::deduplicator dedup(options);
  for (auto const& e : essays) {
    dedup.add(e.id, e.text);
    r.mb += static_cast<double>(e.text.size()) / 1e6;
  }
  auto const result = dedup.run();
  r.seconds = result.stats.seconds_sign + result.stats.seconds_candidates +
              result.stats.seconds_verify + result.stats.seconds_cluster;
  std::map<std::string, std::uint64_t> group_size;
  for (auto const& e : essays)
    if (!e.group.empty()) ++group_size[e.group];
  // Planted pairs per kind.
  std::map<std::string, int> group_kind;
  for (auto const& e : essays)
    if (!e.group.empty()) group_kind[e.group] = kind_index(e.kind);
  for (auto const& [g, n] : group_size) {
    r.kinds[group_kind[g]].planted += n * (n - 1) / 2;
    r.all_planted += n * (n - 1) / 2;
  }
  std::map<std::string, std::uint64_t> group_pages;
  for (auto const& e : essays)
    if (!e.group.empty() && e.page) ++group_pages[e.group];
  for (auto const& [g, pages] : group_pages) {
    std::uint64_t const plain = group_size[g] - pages;
    r.page_planted += pages * (pages - 1) / 2 + pages * plain;
  }
  for (std::size_t k = 0; k < std::size(negative_kinds); ++k)
    for (auto const& e : essays) r.negatives[k] += e.kind == negative_kinds[k];
  for (auto const& c : result.clusters) {
    auto const& m = c.members;
    for (std::size_t x = 0; x < m.size(); ++x) {
      auto const& ex = essays[m[x].doc];
      for (std::size_t k = 0; k < std::size(negative_kinds); ++k)
        r.clustered[k] += ex.kind == negative_kinds[k];
      int const kx = ex.group.empty() ? -1 : group_kind[ex.group];
      if (x > 0 && kx >= 0) {
        // How members of each kind's groups say they joined, when their cluster's first member is
        // of their own group: the share that says template (a family member at the threshold to the
        // first is a duplicate, rightly).
        auto const& first = essays[m[0].doc];
        if (first.group == ex.group) {
          ++r.kinds[kx].relation_seen;
          bool const says_template = m[x].relation == neardup::member_relation::templated;
          r.kinds[kx].relation_right += says_template;
        }
      }
      for (std::size_t y = x + 1; y < m.size(); ++y) {
        auto const& ey = essays[m[y].doc];
        int const ky = ey.group.empty() ? -1 : group_kind[ey.group];
        bool const correct = !ex.group.empty() && ex.group == ey.group;
        ++r.all_predicted;
        r.all_correct += correct;
        if (ex.page || ey.page) (correct ? r.page_found : r.page_wrong) += 1;
        neardup::bench::count_clustered_pair(r.kinds, correct, kx, ky);
      }
    }
  }
  return r;
}

void print_header() {
  std::printf("| seed | essays | MB |");
  for (auto k : pair_kinds) std::printf(" %s P / R / F1 | %s said template |", k, k);
  for (auto k : negative_kinds) std::printf(" %s clustered |", k);
  std::printf(" web pages: pairs found, pairs wrongly clustered | all P / R / F1 | seconds |\n|---|---|---|");
  for (std::size_t i = 0; i < std::size(pair_kinds); ++i) std::printf("---|---|");
  for (std::size_t i = 0; i < std::size(negative_kinds); ++i) std::printf("---|");
  std::printf("---|---|---|\n");
}

void print_row(seed_result const& r, char const* label) {
  std::printf("| %s | %zu | %.1f |", label, r.essays, r.mb);
  for (auto const& k : r.kinds)
    std::printf(" %.4f / %.4f / %.4f | %llu / %llu |", k.precision(), k.recall(), k.f1(),
                static_cast<unsigned long long>(k.relation_right),
                static_cast<unsigned long long>(k.relation_seen));
  for (std::size_t k = 0; k < std::size(negative_kinds); ++k)
    std::printf(" %zu / %zu (%.2f%%) |", r.clustered[k], r.negatives[k],
                r.negatives[k] ? 100.0 * static_cast<double>(r.clustered[k]) /
                                     static_cast<double>(r.negatives[k])
                               : 0.0);
  std::printf(" %llu / %llu, %llu |", static_cast<unsigned long long>(r.page_found),
              static_cast<unsigned long long>(r.page_planted),
              static_cast<unsigned long long>(r.page_wrong));
  neardup::bench::pair_score const all{r.all_planted, r.all_correct, r.all_predicted};
  double const p = all.precision(), rc = all.recall();
  std::printf(" %.4f / %.4f / %.4f | %.2f |\n", p, rc, all.f1(),
              r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Precision / recall / F1 per kind of neardup on generated template families and their hard "
      "negatives"};
  std::string seeds = "1,2,3", size = "10MB", verify = "hybrid", linkage = "single";
  neardup::dedup_options options;
  unsigned threads = 0;
  bool profile = false, no_templates = false;
  app.add_option("--seeds", seeds, "comma-separated seeds")->capture_default_str();
  app.add_option("--size", size, "essay text per seed")->capture_default_str();
  app.add_option("--threshold", options.threshold, "Jaccard threshold")->capture_default_str();
  app.add_option("--verify", verify, "hybrid, exact or estimate")->capture_default_str();
  app.add_option("--linkage", linkage, "single or star")->capture_default_str();
  app.add_option("--threads", threads, "threads (0 = all)")->capture_default_str();
  app.add_option("--template-share", options.template_share, "dedup_options::template_share")
      ->capture_default_str();
  app.add_option("--sentence-perm", options.signature.sentences.num_perm,
                 "values in the sentence sketch (its LSH: half as many bands of 2 rows)")
      ->capture_default_str();
  double web_page_share = 0.25;
  app.add_option("--web-pages", web_page_share,
                 "share of essays laid out as one of three sites' web pages (head, scripts, styles)")
      ->capture_default_str();
  app.add_flag("--profile", profile, "also print the exact Jaccard of the planted pairs per kind");
  app.add_flag("--no-templates", no_templates,
               "without the templated-essay path (dedup_options::templates)");
  CLI11_PARSE(app, argc, argv);
  try {
    options.threads = threads;
    options.verify = neardup::verify_mode_from_name(verify);
    options.linkage = neardup::linkage_from_name(linkage);
    options.templates = !no_templates;
    std::vector<seed_result> results;
    for (std::uint64_t const seed : neardup::bench::parse_seeds(seeds)) {
      neardup::bench::template_gen_options g;
      g.seed = seed;
      g.target_bytes = neardup::bench::parse_size(size);
      g.essays_dir = NEARDUP_ESSAYS_DIR;
      g.web_page_share = web_page_share;
      auto const essays = neardup::bench::generate_template_corpus(g);
      if (profile) {
        std::printf("seed %llu:\n", static_cast<unsigned long long>(g.seed));
        print_profile(essays, neardup::detail::resolve_threads(threads));
      }
      results.push_back(evaluate(essays, options));
      results.back().seed = g.seed;
    }
    std::printf("\nthreshold %.2f, %s verification, %s linkage, templates %s\n\n",
                options.threshold, verify.c_str(), linkage.c_str(),
                options.templates ? "on" : "off");
    print_header();
    for (auto const& r : results) print_row(r, std::to_string(r.seed).c_str());
    // The worst case: each figure's worst over the seeds.
    seed_result worst = results.front();
    for (auto const& r : results) {
      for (std::size_t k = 0; k < std::size(pair_kinds); ++k)
        if (r.kinds[k].f1() < worst.kinds[k].f1()) worst.kinds[k] = r.kinds[k];
      if (r.page_wrong > worst.page_wrong) worst.page_wrong = r.page_wrong;
      if (r.page_found * worst.page_planted < worst.page_found * r.page_planted) {
        worst.page_found = r.page_found;
        worst.page_planted = r.page_planted;
      }
      for (std::size_t k = 0; k < std::size(negative_kinds); ++k)
        if (r.clustered[k] * worst.negatives[k] > worst.clustered[k] * r.negatives[k]) {
          worst.clustered[k] = r.clustered[k];
          worst.negatives[k] = r.negatives[k];
        }
    }
    print_row(worst, "worst");
  } catch (std::exception const& e) {
    std::fprintf(stderr, "neardup_eval_templates: %s\n", e.what());
    return 1;
  }
  return 0;
}
