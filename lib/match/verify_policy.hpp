// detail: how the deduplicator verifies its candidates — exact Jaccard steered pair by pair, and
// the policy of each verify_mode (which pairs the estimate decides, which are measured exactly).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "match/shingle_cache.hpp"
#include "neardup/signature.hpp"
#include "neardup/verify.hpp"

namespace neardup::detail {

using pair_span = std::span<const std::pair<std::uint32_t, std::uint32_t>>;
/// Scores some pairs, in their order.
using pair_scorer = std::function<std::vector<double>(pair_span)>;

/// Sets other processes (dedup-mpi's other ranks) make for this one's exact measurements: of which
/// kind, of which documents.
enum class set_kind : std::uint8_t { shingles, sentences };
struct set_request {
  set_kind kind = set_kind::shingles;
  std::vector<std::uint32_t> docs;
};
/// The sets of a request's documents, in its order: shingle sets (compact_shingle_set) for
/// set_kind::shingles, document_signer::sentence_set()s for set_kind::sentences.
struct set_reply {
  std::vector<std::vector<std::uint32_t>> shingle_sets;
  std::vector<std::vector<std::uint64_t>> sentence_sets;
};

/// Processes that make part of the sets each chunk of pairs lacks: the chunk's missing documents
/// are cut into count + 1 runs in order; `send` hands run h + 1 to helper h, the first is made
/// here meanwhile, and `receive` then waits for helper h's sets. Each set is made once, by one of
/// them, and measured here, so what is kept, measured and found (and how many texts are read) is
/// what making them all here gives.
struct set_makers {
  unsigned count = 0;
  std::function<void(unsigned helper, set_request const& request)> send;
  std::function<set_reply(unsigned helper)> receive;
  /// Whether helper h takes a run now (asked before each chunk); null: every helper always does.
  /// A helper busy elsewhere (searching templates) is left out, its run made by the others.
  std::function<bool(unsigned helper)> available;
};

/// A helper's side of set_makers: the sets of `request`'s documents, `text(i)` reading
/// request.docs[i]'s text.
[[nodiscard]] set_reply make_requested_sets(document_signer const& signer,
                                            set_request const& request,
                                            std::function<std::string(std::size_t)> const& text);

/// Steering of exact_scores(): pairs are measured a chunk at a time, in order; before each chunk
/// `needed` is asked about each of its pairs (a pair not needed is not measured and scores -1), and
/// after it `scored` is told each measured pair's score, in order. A caller can so skip pairs that
/// earlier results made pointless (two documents already joined). Deterministic: chunks are cut by
/// pair count, never by timing.
struct exact_schedule {
  std::function<bool(std::size_t pair)> needed;
  std::function<void(std::size_t pair, double score)> scored;
  /// Needed pairs known to score below what the caller looks for without measuring them: each
  /// still takes its place in a chunk, so that chunks (and so what `needed` says of later pairs)
  /// are cut as if it had been measured, but it is not measured, scores -1 and `scored` is not
  /// told. Null: none.
  std::function<bool(std::size_t pair)> settled;
  std::size_t chunk_pairs =
      256;  ///< measured pairs per chunk (smaller: more skipping, less batching)
  /// Null, or processes that make part of each chunk's missing sets, of `kind` (the sets the
  /// caller's own set maker makes); `read_remotely` hears how many texts they read.
  set_makers const* makers = nullptr;
  set_kind kind = set_kind::shingles;
  std::function<void(std::size_t texts)> read_remotely;
};

/// neardup::exact_scores() steered by `schedule`.
[[nodiscard]] std::vector<double> exact_scores(
    pair_span pairs,
    std::function<void(std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned worker)> const&
        shingle_set,
    std::size_t max_docs, unsigned threads, exact_schedule const& schedule);

/// A similarity of two sorted sets.
using set_measure = double (*)(std::span<const std::uint64_t>, std::span<const std::uint64_t>);

/// exact_scores() with `measure` in place of exact Jaccard (the sentence sets of templated essays).
[[nodiscard]] std::vector<double> exact_scores(
    pair_span pairs,
    std::function<void(std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned worker)> const&
        set_of,
    std::size_t max_docs, unsigned threads, exact_schedule const& schedule, set_measure measure);

/// A similarity of two sorted sets that may stop early (it knows its threshold).
using set_scorer =
    std::function<double(std::span<const std::uint64_t>, std::span<const std::uint64_t>)>;

/// exact_scores() with `measure` over the sets of `cache` (made by `set_of` for the documents it
/// lacks, and kept there for later pairs): a document in many pairs is made once while the budget
/// holds it. Pairs are measured verifier::max_docs / 2 at a time at most, as schedule.chunk_pairs
/// says.
[[nodiscard]] std::vector<double> exact_scores(
    pair_span pairs,
    std::function<void(std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned worker)> const&
        set_of,
    sentence_cache& cache, unsigned threads, exact_schedule const& schedule,
    set_scorer const& measure);

/// Templated pairs share at least this many sentences, whatever their lengths.
inline constexpr std::size_t min_shared_sentences = 3;

/// The share of sentences two document_signer::sentence_set()s have in common, of the larger:
/// |A ∩ B| / max(|A|, |B|) over sentences, or 0 when they share fewer than min_shared_sentences or
/// when three quarters of the shared sentences lie in lines both have whole (copied paragraphs,
/// not a template's sentences between filled blanks). Symmetric: an essay that quotes one
/// paragraph of a long one shares a small share of the longer.
[[nodiscard]] double shared_share(std::span<const std::uint64_t> a,
                                  std::span<const std::uint64_t> b) noexcept;
/// shared_share(a, b) when it is at least `at_least`; otherwise a value below at_least, found
/// without comparing the sentences when the shorter set is too short to share that much.
[[nodiscard]] double shared_share(std::span<const std::uint64_t> a,
                                  std::span<const std::uint64_t> b, double at_least) noexcept;

/// Whether two documents whose sentence filters these are may be templated at `share`
/// (shared_share(a, b) >= share for their sentence sets): false only when the filters prove that
/// they share fewer than min_shared_sentences, or less than `share` of the larger's sentences, or
/// that three quarters or more of what they share lies in lines both have whole. Always true when
/// either filter is unknown.
[[nodiscard]] bool sentences_may_reach(sentence_filter const& a, sentence_filter const& b,
                                       double share) noexcept;

/// What verification decides with and what it may use.
struct verifier {
  verify_mode mode = verify_mode::hybrid;
  double threshold = 0.5;
  double margin = 0.0;          ///< hybrid: the estimate decides beyond threshold ± margin
  bool estimate_accepts = true;  ///< hybrid: the estimate may accept (estimate_may_accept)
  /// hybrid: an uncertain pair whose documents earlier decisions joined is not measured (single
  /// linkage needs no more pairs within a component; star linkage does)
  bool skip_joined = true;
  std::size_t documents = 0;    ///< hybrid: candidates name documents in [0, documents)
  std::size_t max_docs = 2048;  ///< exact Jaccard: documents in one batch (twice the pairs)
  /// Exact Jaccard: the shingle sets (sorted 32-bit hashes, detail::shingle_cache) kept between
  /// pairs, so that a document in many pairs is read back once. Null: a cache of cache_bytes for
  /// each call.
  shingle_cache* cache = nullptr;
  std::size_t cache_bytes = std::size_t{256} << 20;
  unsigned threads = 1;
  /// The estimates of some pairs, in their order (not called in exact mode).
  pair_scorer estimates;
  /// A document's shingle set, for exact Jaccard (not called in estimate mode); `worker` is in
  /// [0, threads).
  std::function<void(std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned worker)>
      shingle_set;
  /// Hybrid: null, or processes that make part of the uncertain pairs' shingle sets
  /// (exact_schedule::makers); `read_remotely` hears how many texts they read.
  set_makers const* makers = nullptr;
  std::function<void(std::size_t texts)> read_remotely;
};

/// What verification did, for dedup_stats.
struct verify_counts {
  std::size_t accepted_by_estimate = 0;  ///< hybrid: clearly above the threshold
  std::size_t rejected_by_estimate = 0;  ///< hybrid: clearly below it
  std::size_t already_joined = 0;        ///< hybrid: uncertain, not measured, already joined
  std::size_t exact_pairs = 0;           ///< measured by exact Jaccard
};

/// The candidates (sorted, a < b) found at or above the threshold, sorted by (a, b), as `v.mode`
/// decides: exact measures every pair; estimate takes every estimate; hybrid lets the estimate
/// decide beyond the margin and measures the rest exactly, most similar first, skipping a pair
/// whose documents the pairs decided before it already joined. Adds to `counts`.
[[nodiscard]] std::vector<scored_pair> verify_candidates(pair_span candidates, verifier const& v,
                                                         verify_counts& counts);

/// The similarities of `pairs` as `v.mode` reports them (reports_estimates): estimates, or in exact
/// mode exact Jaccard (added to counts.exact_pairs).
[[nodiscard]] std::vector<double> reported_scores(pair_span pairs, verifier const& v,
                                                  verify_counts& counts);

/// Whether `mode` reports estimated similarities where it has not measured a pair exactly.
[[nodiscard]] inline bool reports_estimates(verify_mode mode) noexcept {
  return mode != verify_mode::exact;
}

}  // namespace neardup::detail
