#include "match/shingle_cache.hpp"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "text/normalize_block.hpp"

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

#if defined(__x86_64__)
/// Blocks of 8 values of each side at a time (Lemire, Boytsov and Kurz 2016, "shuffling"): each
/// value of a's block against every value of b's by 8 rotations, then the block whose last value
/// is smaller moves on (both when equal). A value is counted once: when both its blocks are the
/// current ones. Stops with fewer than 8 values left on a side, or, with `need`, once `shared` plus
/// what the shorter rest could still add falls below it (then `rejected`). The merge goes on from
/// (i, j) exactly: a value there was not counted yet. About four times the branch-free merge's
/// speed, whose every step waits for the load the step before chose.
__attribute__((target("avx2,popcnt"))) void intersect_blocks_avx2(
    std::uint32_t const* a, std::size_t& i, std::size_t na, std::uint32_t const* b, std::size_t& j,
    std::size_t nb, std::size_t& shared, std::size_t need, bool& rejected) noexcept {
  __m256i const rotate = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0);
  while (i + 8 <= na && j + 8 <= nb) {
    if (shared + std::min(na - i, nb - j) < need) {
      rejected = true;
      return;
    }
    __m256i const x = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(a + i));
    __m256i y = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(b + j));
    __m256i equal = _mm256_cmpeq_epi32(x, y);
    for (int r = 1; r < 8; ++r) {
      y = _mm256_permutevar8x32_epi32(y, rotate);
      equal = _mm256_or_si256(equal, _mm256_cmpeq_epi32(x, y));
    }
    shared += static_cast<std::size_t>(
        _mm_popcnt_u32(static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(equal)))));
    std::uint32_t const last_a = a[i + 7], last_b = b[j + 7];
    i += last_a <= last_b ? 8 : 0;
    j += last_b <= last_a ? 8 : 0;
  }
}

bool blocks_run() noexcept {
  static bool const avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  return avx2 && allowed_block_target() != block_target::scalar;
}
#endif

/// The blocks where the CPU has them (NEARDUP_SIMD=scalar keeps them off); false when they
/// rejected the pair.
bool intersect_blocks(std::uint32_t const* a, std::size_t& i, std::size_t na,
                      std::uint32_t const* b, std::size_t& j, std::size_t nb, std::size_t& shared,
                      std::size_t need) noexcept {
  bool rejected = false;
#if defined(__x86_64__)
  if (blocks_run()) intersect_blocks_avx2(a, i, na, b, j, nb, shared, need, rejected);
#else
  (void)a, (void)i, (void)na, (void)b, (void)j, (void)nb, (void)shared, (void)need;
#endif
  return !rejected;
}

}  // namespace

std::size_t intersection_size(std::span<const std::uint32_t> a,
                              std::span<const std::uint32_t> b) noexcept {
  std::size_t i = 0, j = 0, shared = 0;
  (void)intersect_blocks(a.data(), i, a.size(), b.data(), j, b.size(), shared, 0);
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
  std::size_t i = 0, j = 0, shared = 0;
  if (!intersect_blocks(a.data(), i, na, b.data(), j, nb, shared, need))
    return jaccard_from_counts(na, nb, shared + std::min(na - i, nb - j));
  // Checked every block of steps: the shared count plus what the shorter rest could still add.
  constexpr std::size_t block = 64;
  while (i < na && j < nb) {
    std::size_t const left = std::min(na - i, nb - j);
    if (shared + left < need) return jaccard_from_counts(na, nb, shared + left);
    merge_steps(a.data(), i, b.data(), j, shared, std::min(left, block));
  }
  return jaccard_from_counts(na, nb, shared);
}

}  // namespace neardup::detail
