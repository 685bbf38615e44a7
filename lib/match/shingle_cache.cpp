#include "match/shingle_cache.hpp"

#include <algorithm>
#include <cmath>

namespace neardup::detail {

void compact_shingle_set(std::span<const std::uint64_t> sorted, std::vector<std::uint32_t>& out) {
  out.clear();
  out.reserve(sorted.size());
  for (std::uint64_t const h : sorted) {
    auto const top = static_cast<std::uint32_t>(h >> 32);
    if (out.empty() || out.back() != top) out.push_back(top);
  }
}

std::size_t shared_needed(std::size_t na, std::size_t nb, double threshold) noexcept {
  std::size_t const most = std::min(na, nb);
  if (threshold <= 0.0) return 0;
  if (na == 0 && nb == 0) return 1;  // the Jaccard of two empty sets is 0
  // The closed form, then corrected by the formula itself so that rounding never disagrees.
  double const guess = std::ceil(threshold * static_cast<double>(na + nb) / (1.0 + threshold));
  std::size_t c = static_cast<std::size_t>(std::min(guess, static_cast<double>(most + 1)));
  while (c > 0 && jaccard_from_counts(na, nb, c - 1) >= threshold) --c;
  while (c <= most && jaccard_from_counts(na, nb, c) < threshold) ++c;
  return c;
}

namespace {

// `steps` merge steps without a branch on the data; the caller makes sure both sides have at least
// `steps` values left (each step moves each side by at most one).
inline void merge_steps(std::uint32_t const* a, std::size_t& i, std::uint32_t const* b,
                        std::size_t& j, std::size_t& shared, std::size_t steps) noexcept {
  for (std::size_t s = 0; s < steps; ++s) {
    std::uint32_t const x = a[i], y = b[j];
    shared += x == y;
    i += x <= y;
    j += y <= x;
  }
}

}  // namespace

std::size_t intersection_size(std::span<const std::uint32_t> a,
                              std::span<const std::uint32_t> b) noexcept {
  std::size_t i = 0, j = 0, shared = 0;
  while (i < a.size() && j < b.size()) {
    std::size_t const steps = std::min(a.size() - i, b.size() - j);
    merge_steps(a.data(), i, b.data(), j, shared, steps);
  }
  return shared;
}

double bounded_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b,
                       double reject_below) noexcept {
  std::size_t const na = a.size(), nb = b.size();
  if (reject_below <= 0.0) return jaccard_from_counts(na, nb, intersection_size(a, b));
  std::size_t const need = shared_needed(na, nb, reject_below);
  std::size_t const most = std::min(na, nb);
  if (need > most) return jaccard_from_counts(na, nb, most);  // the size bound: below already
  // Checked every block of steps: the shared count plus what the shorter rest could still add.
  constexpr std::size_t block = 64;
  std::size_t i = 0, j = 0, shared = 0;
  while (i < na && j < nb) {
    std::size_t const left = std::min(na - i, nb - j);
    if (shared + left < need) return jaccard_from_counts(na, nb, shared + left);
    merge_steps(a.data(), i, b.data(), j, shared, std::min(left, block));
  }
  return jaccard_from_counts(na, nb, shared);
}

}  // namespace neardup::detail
