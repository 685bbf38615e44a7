#include "neardup/lsh.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "neardup/error.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {
namespace {

// Composite Simpson's rule: P(s) is a smooth polynomial, 256 intervals are far below the
// precision the choice of (b, r) needs.
template <class F>
double integrate(F const& f, double lo, double hi) {
  constexpr int intervals = 256;
  double const h = (hi - lo) / intervals;
  double sum = f(lo) + f(hi);
  for (int i = 1; i < intervals; ++i) sum += f(lo + i * h) * (i % 2 == 1 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

}  // namespace

double candidate_probability(double similarity, lsh_params params) noexcept {
  return 1.0 - std::pow(1.0 - std::pow(similarity, params.rows), params.bands);
}

lsh_params optimal_lsh_params(double threshold, unsigned num_perm, double false_positive_weight,
                              double false_negative_weight) {
  if (!(threshold > 0.0 && threshold < 1.0))
    throw error(errc::invalid_argument, "LSH threshold must be in (0, 1), got " + std::to_string(threshold));
  if (num_perm == 0) throw error(errc::invalid_argument, "num_perm must be positive");
  if (!(false_positive_weight >= 0.0 && false_negative_weight >= 0.0) ||
      false_positive_weight + false_negative_weight <= 0.0)
    throw error(errc::invalid_argument, "LSH weights must be non-negative and not both zero");
  lsh_params best{1, 1};
  double best_error = INFINITY;
  for (unsigned b = 1; b <= num_perm; ++b) {
    for (unsigned r = 1; r <= num_perm / b; ++r) {
      lsh_params const p{b, r};
      double const fp = integrate([&](double s) { return candidate_probability(s, p); }, 0.0, threshold);
      double const fn = integrate([&](double s) { return 1.0 - candidate_probability(s, p); }, threshold, 1.0);
      double const e = false_positive_weight * fp + false_negative_weight * fn;
      if (e < best_error) {
        best_error = e;
        best = p;
      }
    }
  }
  return best;
}

void band_keys(std::span<const std::uint32_t> signature, lsh_params params, std::span<std::uint64_t> out) {
  for (unsigned b = 0; b < params.bands; ++b)
    out[b] = XXH3_64bits_withSeed(signature.data() + std::size_t{b} * params.rows,
                                  std::size_t{params.rows} * sizeof(std::uint32_t), b);
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> candidate_pairs(std::vector<band_entry>& entries,
                                                                     std::size_t max_bucket,
                                                                     candidate_stats* stats) {
  max_bucket = std::max<std::size_t>(max_bucket, 2);
  std::sort(entries.begin(), entries.end(), [](band_entry const& x, band_entry const& y) {
    return std::tie(x.band, x.key, x.doc) < std::tie(y.band, y.key, y.doc);
  });
  candidate_stats s;
  s.entries = entries.size();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i + 1;
    while (j < entries.size() && entries[j].band == entries[i].band && entries[j].key == entries[i].key) ++j;
    std::size_t const size = j - i;
    ++s.buckets;
    s.largest_bucket = std::max(s.largest_bucket, size);
    if (size > max_bucket) ++s.capped_buckets;
    for (std::size_t x = i; x < j; ++x)
      for (std::size_t y = x + 1; y < j && y - x < max_bucket; ++y)
        if (entries[x].doc != entries[y].doc) pairs.emplace_back(entries[x].doc, entries[y].doc);
    i = j;
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  s.pairs = pairs.size();
  if (stats) *stats = s;
  return pairs;
}

lsh_index::lsh_index(lsh_params params) : params_(params) {
  if (params.bands == 0 || params.rows == 0)
    throw error(errc::invalid_argument, "LSH bands and rows must be positive");
  buckets_.resize(params.bands);
}

void lsh_index::insert(std::uint32_t doc, std::span<const std::uint32_t> signature) {
  if (signature.size() < std::size_t{params_.bands} * params_.rows)
    throw error(errc::invalid_argument, "signature shorter than bands × rows");
  std::vector<std::uint64_t> keys(params_.bands);
  band_keys(signature, params_, keys);
  for (std::uint32_t b = 0; b < params_.bands; ++b) buckets_[b][keys[b]].push_back(doc);
  ++documents_;
}

std::vector<std::uint32_t> lsh_index::query(std::span<const std::uint32_t> signature) const {
  if (signature.size() < std::size_t{params_.bands} * params_.rows)
    throw error(errc::invalid_argument, "signature shorter than bands × rows");
  std::vector<std::uint64_t> keys(params_.bands);
  band_keys(signature, params_, keys);
  std::vector<std::uint32_t> docs;
  for (std::uint32_t b = 0; b < params_.bands; ++b) {
    if (auto it = buckets_[b].find(keys[b]); it != buckets_[b].end())
      docs.insert(docs.end(), it->second.begin(), it->second.end());
  }
  std::sort(docs.begin(), docs.end());
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  return docs;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> lsh_index::candidate_pairs(std::size_t max_bucket,
                                                                               candidate_stats* stats) const {
  std::vector<band_entry> entries;
  entries.reserve(documents_ * params_.bands);
  for (std::uint32_t b = 0; b < params_.bands; ++b)
    for (auto const& [key, docs] : buckets_[b])
      for (std::uint32_t doc : docs) entries.push_back({key, b, doc});
  return neardup::candidate_pairs(entries, max_bucket, stats);
}

}  // namespace neardup
