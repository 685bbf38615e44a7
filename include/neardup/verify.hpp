// verify — candidate pairs in, the pairs that really are similar out.
//
// LSH only says two documents *may* be similar; verification measures them, with the exact Jaccard
// of their shingle sets (default) or the cheaper MinHash estimate.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace neardup {

/// A measured pair of documents (a < b) and their similarity in [0, 1].
struct scored_pair {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  double similarity = 0.0;
  bool estimated = false;  ///< similarity is the MinHash estimate, not the exact Jaccard

  friend bool operator==(scored_pair const&, scored_pair const&) = default;
};

/// How candidate pairs are verified.
enum class verify_mode {
  exact,     ///< Jaccard of the exact shingle sets for every candidate (needs the texts again)
  estimate,  ///< MinHash estimate from the signatures (no texts needed; ±sqrt(J(1-J)/k))
  /// The estimate decides where it is sure, more than a margin (4 standard errors at the threshold)
  /// above or below the threshold; the exact Jaccard decides the pairs in between, unless earlier
  /// decisions already joined the two documents. The clusters of exact (unless an estimate strays
  /// beyond its margin: about 3 in 100,000 pairs at the threshold), with far fewer texts read back.
  hybrid,
};

/// "exact", "estimate" or "hybrid": the names the command-line programs take.
[[nodiscard]] std::string_view verify_mode_name(verify_mode mode) noexcept;
/// The mode of a verify_mode_name(); throws neardup::error(errc::invalid_argument) for any other
/// name.
[[nodiscard]] verify_mode verify_mode_from_name(std::string_view name);

/// The estimate's margin of certainty for verify_mode::hybrid: `sigmas` standard errors of a
/// k-value MinHash estimate at `threshold`, sqrt(t(1-t)/k), widened by sqrt(1.25) for one-permutation
/// hashing (whose variance the tests bound by 1.25 × that of classic MinHash).
[[nodiscard]] double estimate_margin(double threshold, unsigned num_perm, bool one_permutation,
                                     double sigmas = 4.0) noexcept;

/// Whether verify_mode::hybrid lets the estimate accept a pair at `threshold`: not when the
/// threshold lies so near 1 that a pair just below it matches in all k slots with a chance the
/// normal margin does not bound. A pair at Jaccard J agrees in each slot with probability J, so
/// all k slots agree with probability about J^k ≈ exp(-k(1 - J)); the estimate may accept only
/// when k(1 - threshold) >= sigmas², which keeps that chance below exp(-sigmas²) (1e-7 at 4
/// sigmas). At threshold 1 (or 0.99 with k = 128) every pair the estimate does not reject is
/// measured exactly, so a one-character edit is never reported as 1.0. Rejection by estimate stays:
/// a pair whose estimate falls below threshold - margin differs in many slots.
[[nodiscard]] bool estimate_may_accept(double threshold, unsigned num_perm,
                                       double sigmas = 4.0) noexcept;

/// Scores `candidates` with `similarity(a, b)` on `threads` threads (0 = all) and returns those at or
/// above `threshold`, in the order of `candidates` — the same whatever the thread count.
/// `similarity` must be safe to call concurrently.
///
///   auto kept = neardup::verify_pairs(pairs, [&](auto a, auto b) { return sim(a, b); }, 0.5, 0);
[[nodiscard]] std::vector<scored_pair> verify_pairs(
    std::span<const std::pair<std::uint32_t, std::uint32_t>> candidates,
    std::function<double(std::uint32_t, std::uint32_t)> const& similarity, double threshold,
    unsigned threads = 0);

/// Exact Jaccard similarity of each pair, with the shingle sets made on demand by
/// `shingle_set(doc, out, worker)` for at most `max_docs` documents at a time: memory stays bounded
/// by max_docs sets whatever the number of pairs (a document in pairs far apart is shingled again).
/// `worker` is in [0, threads) and indexes per-thread scratch. `pairs` may come in any order
/// (sorted by first document, they reuse the most sets). The same result for any thread count.
[[nodiscard]] std::vector<double> exact_scores(
    std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
    std::function<void(std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned worker)> const&
        shingle_set,
    std::size_t max_docs = 1024, unsigned threads = 0);

}  // namespace neardup
