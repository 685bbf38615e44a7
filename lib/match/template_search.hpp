// detail: the templates' candidate search — the sentence sketch's LSH pairs that may be templated
// (kept by filters of each document's own data: the short-text rule, the 16-bit sketches'
// estimate) and, for each, whether its sentence filters settle it below the template share. What
// it needs of each document travels (a search_request), so that another process (dedup-mpi's
// rank 1) can search while this one verifies: the same pairs, flags and counts either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "neardup/lsh.hpp"
#include "neardup/signature.hpp"

namespace neardup::detail {

/// What the search needs, of every document (indexed by document number). Plain values, so that
/// it travels as it is.
struct template_search_request {
  /// The sentence sketch's band table, as band_table::documents() and column() give it.
  std::vector<std::uint32_t> band_docs;
  std::vector<std::vector<std::uint32_t>> band_columns;
  std::size_t max_bucket = 256;
  std::size_t sketch_k = 0;              ///< values per sketch; 0: no estimate filter
  std::vector<std::uint16_t> sketches;   ///< sketch_k per document, document after document
  std::vector<sentence_filter> filters;  ///< one per document
  std::uint32_t short_below = 0;         ///< the short-text rule's length; 0: no rule
  std::vector<std::uint32_t> lengths;    ///< normalized code points per document (short rule)
  double min_similarity = 0.1;           ///< dedup_options::template_min_similarity
  double share = 0.45;                   ///< dedup_options::template_share
};

/// The candidates found: pairs (a < b) sorted, `settled[i]` when pair i's sentence filters rule
/// it out (detail::sentences_may_reach), and the sentence sketch's counts.
struct template_candidates {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<std::uint8_t> settled;
  candidate_stats stats;
};

/// Whether a sentence pair may be templated by what each document's own data says: not when the
/// short-text rule judges it (the shorter under `short_below` code points; 0: no rule), nor when
/// the kept 16-bit sketches (empty: none kept) estimate its similarity below `min_similarity`.
[[nodiscard]] bool may_be_templated(std::uint32_t short_below, std::uint32_t length_a,
                                    std::uint32_t length_b, std::span<const std::uint16_t> sketch_a,
                                    std::span<const std::uint16_t> sketch_b,
                                    double min_similarity) noexcept;

/// The pairs of `bands` that `goes_on` keeps (decided as the bands find them, on every thread:
/// millions where essays share paragraphs, never all held), and which of them `settled` rules out.
[[nodiscard]] template_candidates search_templates(
    band_table& bands, std::size_t max_bucket, unsigned threads,
    band_table::pair_filter const& goes_on,
    std::function<bool(std::uint32_t a, std::uint32_t b)> const& settled);

/// search_templates() over a request's data, as another process runs it (its band keys are
/// moved into the table walked). Throws neardup::error(parse_error) for a request whose parts do
/// not match.
[[nodiscard]] template_candidates search_templates(template_search_request&& request,
                                                   unsigned threads);

/// Processes that search for this one (dedup-mpi's rank 1): `send` hands one the request (it
/// searches while this one verifies), `receive` waits for what it found; `ready` says, without
/// waiting, whether it has (and until then it makes no sets). Null ready: never ready early.
struct template_searchers {
  std::function<void(template_search_request const&)> send;
  std::function<template_candidates()> receive;
  std::function<bool()> ready;
  /// Which helper (of set_makers) searches: it makes no sets until its search is taken.
  unsigned helper = 0;
  /// Searched elsewhere only when the main candidates are at least this many per document (as
  /// where essays share paragraphs); with fewer the search is short, and shipping what it needs
  /// (~660 bytes a document) would cost this process about as much as searching. 0: always.
  double min_pairs_per_document = 2.0;
};

}  // namespace neardup::detail
