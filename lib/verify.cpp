#include "neardup/verify.hpp"

#include "parallel.hpp"

namespace neardup {

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

}  // namespace neardup
