// neardup_eval_passages — copied passages found by neardup::passage_finder on generated essays with
// planted passages (generate_passage_corpus), per kind: pair precision, recall and F1 (a pair is
// found when the finder reports it; a reported pair with nothing planted counts against the kinds
// of both its essays), and PAN's byte precision, recall, granularity and plagdet over the planted
// passages; over several seeds, then the worst case.
//
//   neardup_eval_passages --seeds 1,2,3
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "corpus_gen.hpp"
#include "neardup/passages.hpp"
#include "passage_gen.hpp"

#ifndef NEARDUP_ESSAYS_DIR
#define NEARDUP_ESSAYS_DIR "examples/data/essays"
#endif

namespace {

using neardup::bench::passage_kinds;
constexpr std::size_t kinds = std::size(passage_kinds);

struct kind_result {
  neardup::bench::pair_score pairs;
  neardup::bench::pan_score bytes;
};

struct worst {
  double pair_f1 = 1, byte_f1 = 1, granularity = 1, plagdet = 1;
  std::string pair_f1_at, byte_f1_at, granularity_at, plagdet_at;
  std::uint64_t false_pairs = 0;  // reported pairs of the negative kinds' essays, all seeds
  void note(kind_result const& r, std::string const& where, bool copies) {
    if (!copies) {
      false_pairs += r.pairs.predicted;
      return;
    }
    if (r.pairs.f1() < pair_f1) pair_f1 = r.pairs.f1(), pair_f1_at = where;
    if (r.bytes.f1() < byte_f1) byte_f1 = r.bytes.f1(), byte_f1_at = where;
    if (r.bytes.granularity > granularity)
      granularity = r.bytes.granularity, granularity_at = where;
    if (r.bytes.plagdet() < plagdet) plagdet = r.bytes.plagdet(), plagdet_at = where;
  }
};

void print_row(char const* label, kind_result const& r, bool copies) {
  std::printf("  %-12s %7llu %7llu %7llu", label, static_cast<unsigned long long>(r.pairs.planted),
              static_cast<unsigned long long>(r.pairs.found),
              static_cast<unsigned long long>(r.pairs.predicted));
  // A negative kind plants no pair: what it reports is all false, so it has a count, not a score.
  if (copies)
    std::printf("  %6.4f %6.4f %6.4f", r.pairs.precision(), r.pairs.recall(), r.pairs.f1());
  else
    std::printf("       -      -      -");
  if (copies)
    std::printf("  %6.4f %6.4f %6.4f %6.4f %7.4f\n", r.bytes.precision, r.bytes.recall,
                r.bytes.f1(), r.bytes.granularity, r.bytes.plagdet());
  else
    std::printf("       -      -      -      -       -\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Copied passages found on generated essays with planted passages, per kind"};
  std::string seeds = "1,2,3";
  neardup::bench::passage_gen_options gen;
  gen.essays_dir = NEARDUP_ESSAYS_DIR;
  neardup::passage_options options;
  app.add_option("--seeds", seeds, "Comma-separated seeds")->capture_default_str();
  app.add_option("--cases", gen.cases_per_kind, "Source-copy pairs per copying kind")
      ->capture_default_str();
  app.add_option("--negatives", gen.negatives, "Essays per negative kind")->capture_default_str();
  app.add_option("--essays", gen.essays_dir, "The bundled essays (the text model)")
      ->capture_default_str();
  app.add_option("--min-chars", options.min_chars, "Shortest Han passage")->capture_default_str();
  app.add_option("--min-words", options.min_words, "Shortest passage of space-separated text")
      ->capture_default_str();
  app.add_option("--gram", options.gram, "Code points per k-gram")->capture_default_str();
  app.add_option("--window", options.window, "Winnowing window")->capture_default_str();
  app.add_option("--max-postings", options.max_postings, "Stock bound")->capture_default_str();
  app.add_option("--max-gap", options.max_gap, "Gap between chained matches")
      ->capture_default_str();
  app.add_option("--min-shared", options.min_shared, "Fingerprints a candidate pair shares")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "Threads (0 = all)")->capture_default_str();
  bool show_false = false;
  app.add_flag("--show-false", show_false, "Print the passages of pairs with nothing planted");
  CLI11_PARSE(app, argc, argv);

  try {
    worst w;
    std::printf("gram %u, window %u (guarantee %zu), min %zu chars / %zu words, max postings %zu\n",
                options.gram, options.window, options.guarantee(), options.min_chars,
                options.min_words, options.max_postings);
    for (std::uint64_t const seed : neardup::bench::parse_seeds(seeds)) {
      gen.seed = seed;
      auto const corpus = neardup::bench::generate_passage_corpus(gen);
      auto const start = std::chrono::steady_clock::now();
      neardup::passage_finder finder(options);
      std::size_t bytes = 0;
      for (auto const& t : corpus.texts) {
        finder.add(t);
        bytes += t.size();
      }
      auto const result = finder.run();
      double const seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

      std::map<std::pair<std::uint32_t, std::uint32_t>, int> truth_pairs;  // pair -> kind
      for (auto const& c : corpus.truth)
        truth_pairs[{std::min(c.copy, c.source), std::max(c.copy, c.source)}] = c.kind;
      std::vector<kind_result> per(kinds);
      std::vector<neardup::bench::pair_score> pair_scores(kinds);
      kind_result all;
      std::vector<std::vector<neardup::bench::detected_passage>> detected(kinds);
      std::vector<neardup::bench::detected_passage> every;
      for (auto const& [pair, kind] : truth_pairs) {
        ++pair_scores[static_cast<std::size_t>(kind)].planted;
        ++all.pairs.planted;
      }
      for (auto const& p : result.pairs) {
        auto const it = truth_pairs.find({p.a, p.b});
        bool const correct = it != truth_pairs.end();
        int const kx = correct ? it->second : corpus.kind[p.a];
        int const ky = correct ? it->second : corpus.kind[p.b];
        neardup::bench::count_clustered_pair(pair_scores.data(), correct, kx, ky);
        ++all.pairs.predicted;
        all.pairs.found += correct ? 1 : 0;
        if (!correct && show_false)
          for (auto const& q : p.passages)
            std::printf("false %u %u kinds %d %d: %zu chars: %s | %s\n", p.a, p.b, kx, ky, q.chars,
                        corpus.texts[p.a].substr(q.a_start, q.a_end - q.a_start).c_str(),
                        corpus.texts[p.b].substr(q.b_start, q.b_end - q.b_start).c_str());
        for (auto const& q : p.passages) {
          neardup::bench::detected_passage const d{p.a,     p.b,       q.a_start,
                                                   q.a_end, q.b_start, q.b_end};
          detected[static_cast<std::size_t>(kx)].push_back(d);
          if (ky != kx) detected[static_cast<std::size_t>(ky)].push_back(d);
          every.push_back(d);
        }
      }
      std::vector<std::vector<neardup::bench::planted_passage>> cases(kinds);
      for (auto const& c : corpus.truth) cases[static_cast<std::size_t>(c.kind)].push_back(c);
      for (std::size_t k = 0; k < kinds; ++k) {
        per[k].pairs = pair_scores[k];
        per[k].bytes = neardup::bench::score_pan(cases[k], detected[k]);
      }
      all.bytes = neardup::bench::score_pan(corpus.truth, every);

      std::printf(
          "\nseed %llu: %zu essays, %.1f MB, %zu planted passages in %zu pairs; %zu candidate "
          "pairs, "
          "%zu stock fingerprints (%zu postings) of %zu; %.2f s (%.1f MB/s)\n",
          static_cast<unsigned long long>(seed), corpus.texts.size(),
          static_cast<double>(bytes) / 1e6, corpus.truth.size(), truth_pairs.size(),
          result.stats.candidate_pairs, result.stats.stock_fingerprints,
          result.stats.stock_postings, result.stats.fingerprints, seconds,
          static_cast<double>(bytes) / 1e6 / seconds);
      std::printf("  %-12s %7s %7s %7s  %6s %6s %6s  %6s %6s %6s %6s %7s\n", "kind", "planted",
                  "found", "reported", "P", "R", "F1", "byteP", "byteR", "byteF1", "gran",
                  "plagdet");
      for (std::size_t k = 0; k < kinds; ++k) {
        bool const copies = !cases[k].empty();
        print_row(std::string(passage_kinds[k]).c_str(), per[k], copies);
        w.note(per[k], "seed " + std::to_string(seed) + " " + std::string(passage_kinds[k]),
               copies);
      }
      print_row("all", all, true);
    }
    std::printf(
        "\nworst: pair F1 %.4f (%s), byte F1 %.4f (%s), granularity %.4f (%s), plagdet %.4f (%s); "
        "%llu pairs reported among the negative kinds' essays\n",
        w.pair_f1, w.pair_f1_at.c_str(), w.byte_f1, w.byte_f1_at.c_str(), w.granularity,
        w.granularity_at.c_str(), w.plagdet, w.plagdet_at.c_str(),
        static_cast<unsigned long long>(w.false_pairs));
  } catch (std::exception const& e) {
    std::fprintf(stderr, "neardup_eval_passages: %s\n", e.what());
    return 1;
  }
  return 0;
}
