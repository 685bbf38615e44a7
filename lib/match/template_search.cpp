#include "match/template_search.hpp"

#include <algorithm>

#include "common/parallel.hpp"
#include "match/verify_policy.hpp"
#include "neardup/error.hpp"
#include "neardup/minhash.hpp"

namespace neardup::detail {

bool may_be_templated(std::uint32_t short_below, std::uint32_t length_a, std::uint32_t length_b,
                      std::span<const std::uint16_t> sketch_a,
                      std::span<const std::uint16_t> sketch_b, double min_similarity) noexcept {
  if (short_below > 0 && std::min(length_a, length_b) < short_below) return false;
  return sketch_a.empty() || estimate_jaccard_truncated(sketch_a, sketch_b) >= min_similarity;
}

template_candidates search_templates(
    band_table& bands, std::size_t max_bucket, unsigned threads,
    band_table::pair_filter const& goes_on,
    std::function<bool(std::uint32_t, std::uint32_t)> const& settled) {
  threads = resolve_threads(threads);
  template_candidates found;
  found.pairs = bands.candidate_pairs(max_bucket, &found.stats, threads, goes_on);
  found.settled.assign(found.pairs.size(), 0);
  parallel_for(found.pairs.size(), threads, 1 << 14,
               [&](std::size_t begin, std::size_t end, unsigned) {
                 for (std::size_t i = begin; i < end; ++i)
                   found.settled[i] = settled(found.pairs[i].first, found.pairs[i].second) ? 1 : 0;
               });
  return found;
}

template_candidates search_templates(template_search_request&& request, unsigned threads) {
  auto const& r = request;
  std::size_t const docs = r.filters.size();
  if (r.sketch_k != 0 && r.sketches.size() != docs * r.sketch_k)
    throw error(errc::parse_error, "a template search's sketches do not match its documents");
  if (r.short_below != 0 && r.lengths.size() != docs)
    throw error(errc::parse_error, "a template search's lengths do not match its documents");
  if (r.band_columns.empty()) throw error(errc::parse_error, "a template search has no bands");
  for (auto const& c : r.band_columns)
    if (c.size() != r.band_docs.size())
      throw error(errc::parse_error, "a template search's band keys do not match its documents");
  for (std::uint32_t const d : r.band_docs)
    if (d >= docs)
      throw error(errc::parse_error, "a template search names a document it was not given");
  band_table bands(std::move(request.band_docs), std::move(request.band_columns));
  auto const sketch = [&r](std::uint32_t doc) {
    if (r.sketch_k == 0) return std::span<const std::uint16_t>();
    return std::span<const std::uint16_t>(r.sketches.data() + std::size_t{doc} * r.sketch_k,
                                          r.sketch_k);
  };
  return search_templates(
      bands, r.max_bucket, threads,
      [&](std::uint32_t a, std::uint32_t b) {
        return may_be_templated(r.short_below, r.short_below ? r.lengths[a] : 0,
                                r.short_below ? r.lengths[b] : 0, sketch(a), sketch(b),
                                r.min_similarity);
      },
      [&](std::uint32_t a, std::uint32_t b) {
        return !sentences_may_reach(r.filters[a], r.filters[b], r.share);
      });
}

}  // namespace neardup::detail
