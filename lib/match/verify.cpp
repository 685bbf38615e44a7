#include "neardup/verify.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/parallel.hpp"
#include "neardup/error.hpp"
#include "neardup/shingle.hpp"

namespace neardup {

std::string_view verify_mode_name(verify_mode mode) noexcept {
  switch (mode) {
    case verify_mode::exact:
      return "exact";
    case verify_mode::estimate:
      return "estimate";
    case verify_mode::hybrid:
      break;
  }
  return "hybrid";
}

verify_mode verify_mode_from_name(std::string_view name) {
  for (verify_mode const mode : {verify_mode::exact, verify_mode::estimate, verify_mode::hybrid})
    if (name == verify_mode_name(mode)) return mode;
  throw error(errc::invalid_argument, "unknown verification mode \"" + std::string(name) +
                                          "\" (exact, estimate or hybrid)");
}

double estimate_margin(double threshold, unsigned num_perm, bool one_permutation, double sigmas) noexcept {
  if (num_perm == 0) return 1.0;
  double const variance = threshold * (1.0 - threshold) / num_perm * (one_permutation ? 1.25 : 1.0);
  return sigmas * std::sqrt(variance);
}

std::vector<scored_pair> verify_pairs(
    std::span<const std::pair<std::uint32_t, std::uint32_t>> candidates,
    std::function<double(std::uint32_t, std::uint32_t)> const& similarity, double threshold,
    unsigned threads) {
  // Score into a slot per candidate, then compact: the order never depends on scheduling.
  std::vector<double> scores(candidates.size());
  detail::parallel_for(candidates.size(), detail::resolve_threads(threads), 256,
                       [&](std::size_t begin, std::size_t end, unsigned) {
                         for (std::size_t i = begin; i < end; ++i)
                           scores[i] = similarity(candidates[i].first, candidates[i].second);
                       });
  std::vector<scored_pair> kept;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (scores[i] >= threshold) kept.push_back({candidates[i].first, candidates[i].second, scores[i]});
  }
  return kept;
}

std::vector<double> exact_scores(
    std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
    std::function<void(std::uint32_t, std::vector<std::uint64_t>&, unsigned)> const& shingle_set,
    std::size_t max_docs, unsigned threads, exact_schedule const* schedule) {
  threads = detail::resolve_threads(threads);
  max_docs = std::max<std::size_t>(max_docs, 2);
  std::size_t const chunk_pairs =
      std::max<std::size_t>(1, std::min(max_docs / 2, schedule ? schedule->chunk_pairs : max_docs / 2));
  std::vector<double> scores(pairs.size(), -1.0);
  // Pairs sorted by first document never ask again for a document below the current first one.
  bool const by_first = std::is_sorted(pairs.begin(), pairs.end(),
                                       [](auto const& x, auto const& y) { return x.first < y.first; });
  std::vector<std::size_t> chunk;                 // indices of the pairs measured in this chunk
  std::vector<std::uint32_t> docs;                // distinct documents of the current chunk, sorted
  std::vector<std::vector<std::uint64_t>> sets;  // their shingle sets
  std::vector<std::uint32_t> held_docs;           // the previous chunk's, kept for reuse
  std::vector<std::vector<std::uint64_t>> held_sets;
  std::vector<std::size_t> missing;
  std::size_t begin = 0;
  while (begin < pairs.size()) {
    // At most max_docs / 2 pairs, so at most max_docs distinct documents (fewer when pairs share
    // documents, as the pairs of one cluster do: they come sorted by first document).
    docs.clear();
    chunk.clear();
    std::size_t end = begin;
    for (; end < pairs.size() && chunk.size() < chunk_pairs; ++end) {
      if (schedule && schedule->needed && !schedule->needed(end)) continue;
      chunk.push_back(end);
      docs.push_back(pairs[end].first);
      docs.push_back(pairs[end].second);
    }
    if (chunk.empty()) break;  // the rest is not needed
    std::sort(docs.begin(), docs.end());
    docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
    // Sets the previous chunk already made are moved over (pairs sorted by first document meet the
    // same near neighbours again); only the others are shingled.
    sets.assign(docs.size(), {});
    missing.clear();
    for (std::size_t i = 0; i < docs.size(); ++i) {
      auto const it = std::lower_bound(held_docs.begin(), held_docs.end(), docs[i]);
      if (it != held_docs.end() && *it == docs[i]) {
        sets[i] = std::move(held_sets[static_cast<std::size_t>(it - held_docs.begin())]);
      } else {
        missing.push_back(i);
      }
    }
    // Small blocks: documents cost tens of microseconds each, and a chunk holds a few hundred.
    detail::parallel_for(missing.size(), threads, 8, [&](std::size_t b, std::size_t e, unsigned w) {
      for (std::size_t m = b; m < e; ++m) shingle_set(docs[missing[m]], sets[missing[m]], w);
    });
    auto set_of = [&](std::uint32_t doc) -> std::vector<std::uint64_t> const& {
      return sets[static_cast<std::size_t>(std::lower_bound(docs.begin(), docs.end(), doc) - docs.begin())];
    };
    detail::parallel_for(chunk.size(), threads, 64, [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t c = b; c < e; ++c)
        scores[chunk[c]] = exact_jaccard(set_of(pairs[chunk[c]].first), set_of(pairs[chunk[c]].second));
    });
    if (schedule && schedule->scored)
      for (std::size_t const i : chunk) schedule->scored(i, scores[i]);
    // Keep for later chunks what may still be needed: pairs come sorted by first document, so a
    // document below the last first document is never asked for again. Also keep what the
    // previous chunks held and this one did not use, within a budget of held shingles (about
    // max_docs essays' worth), dropping the furthest documents first.
    std::uint32_t const front = by_first ? pairs[chunk.back()].first : 0;
    std::vector<std::uint32_t> keep_docs;
    std::vector<std::vector<std::uint64_t>> keep_sets;
    std::size_t h = 0, c = 0;
    while (h < held_docs.size() || c < docs.size()) {
      bool const take_held = c == docs.size() || (h < held_docs.size() && held_docs[h] < docs[c]);
      std::uint32_t const doc = take_held ? held_docs[h] : docs[c];
      auto& set = take_held ? held_sets[h++] : sets[c++];
      if (doc < front || (take_held && set.empty())) continue;  // behind us, or moved out above
      keep_docs.push_back(doc);
      keep_sets.push_back(std::move(set));
    }
    std::size_t const budget = max_docs * 2048;  // shingle hashes: ~16 KiB an essay-sized set
    std::size_t held = 0;
    std::size_t kept = 0;
    for (; kept < keep_docs.size(); ++kept) {
      held += keep_sets[kept].size();
      if (held > budget) break;
    }
    keep_docs.resize(kept);
    keep_sets.resize(kept);
    held_docs.swap(keep_docs);
    held_sets.swap(keep_sets);
    begin = end;
  }
  return scores;
}

}  // namespace neardup
