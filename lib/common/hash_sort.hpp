// detail::sort_hashes — sorts 64-bit values whose high bits are uniformly spread (hash values, band
// keys): a counting pass on the top bits into one or two buckets per value, then one insertion pass.
// Expected linear time; when a bucket is crowded (equal or crafted prefixes) the buckets are sorted
// by std::sort instead, so the worst case stays O(n log n). The result is what std::sort gives.
//
// Written by hand: the packaged sorts (std::sort; Boost's spreadsort hands arrays under a few
// thousand values to std::sort) do not use the one thing known here, that the values are hashes.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neardup::detail {

inline void sort_hashes(std::vector<std::uint64_t>& values, std::vector<std::uint64_t>& scratch) {
  std::size_t const n = values.size();
  if (n < 256) {
    std::sort(values.begin(), values.end());
    return;
  }
  // Between one and two buckets per value, at most 2^16 (their counters stay in L1 and L2).
  unsigned const bits = std::min(16u, static_cast<unsigned>(std::bit_width(n)));
  std::size_t const buckets = std::size_t{1} << bits;
  unsigned const shift = 64 - bits;
  thread_local std::vector<std::uint32_t> ends;
  ends.assign(buckets, 0);
  std::uint32_t* const end_of = ends.data();
  for (std::uint64_t const v : values) ++end_of[v >> shift];
  std::uint32_t sum = 0;
  std::uint32_t largest = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    largest = std::max(largest, end_of[b]);
    sum += end_of[b];
    end_of[b] = sum;  // one past the bucket; the scatter below walks it back to the bucket's start
  }
  scratch.resize(n);
  std::uint64_t* const out = scratch.data();
  for (std::size_t i = n; i-- > 0;) {
    std::uint64_t const v = values[i];
    out[--end_of[v >> shift]] = v;
  }
  if (largest <= 32) {
    // Every value is at most 31 places from where it belongs: one insertion pass over the whole
    // array, whose "already in place" test is the predictable common case (a pass per bucket would
    // branch on each bucket's size, a coin flip at one value per bucket).
    for (std::size_t i = 1; i < n; ++i) {
      std::uint64_t const v = out[i];
      std::size_t j = i;
      for (; j > 0 && out[j - 1] > v; --j) out[j] = out[j - 1];
      out[j] = v;
    }
  } else {
    // Crowded buckets (equal or crafted prefixes): each bucket sorted on its own, by std::sort.
    for (std::size_t b = 0; b < buckets; ++b) {
      std::uint64_t* const first = out + end_of[b];
      std::uint64_t* const last = out + (b + 1 < buckets ? end_of[b + 1] : n);
      if (last - first > 1) std::sort(first, last);
    }
  }
  values.swap(scratch);
}

/// Least significant digit first, 16 bits at a time from bit `from` up, skipping the digits all
/// values share: stable in the bits below `from`.
inline void radix_passes(std::vector<std::uint64_t>& values, std::vector<std::uint64_t>& scratch,
                         unsigned from) {
  std::size_t const n = values.size();
  scratch.resize(n);
  std::vector<std::uint32_t> count(std::size_t{1} << 16);
  for (unsigned shift = from; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (std::uint64_t const v : values) ++count[(v >> shift) & 0xFFFF];
    if (count[(values[0] >> shift) & 0xFFFF] == n) continue;  // every value has this digit
    std::uint32_t sum = 0;
    for (auto& c : count) {
      std::uint32_t const k = c;
      c = sum;
      sum += k;
    }
    for (std::uint64_t const v : values) scratch[count[(v >> shift) & 0xFFFF]++] = v;
    values.swap(scratch);
  }
}

/// Sorts any 64-bit values: least significant digit first, 16 bits at a time, skipping the digits
/// all values share (the high bits of small numbers). For packed pairs of document numbers, which
/// sort_hashes() cannot spread. Stable, linear; short inputs go to std::sort.
inline void radix_sort(std::vector<std::uint64_t>& values, std::vector<std::uint64_t>& scratch) {
  if (values.size() < 4096) {
    std::sort(values.begin(), values.end());
    return;
  }
  radix_passes(values, scratch, 0);
}

/// Sorts by the high 32 bits alone, stably: two passes where radix_sort() takes four. Values whose
/// low halves already come in increasing order among equal high halves (a hash, then document
/// numbers appended in order) so come out fully sorted. Millions of values with many equal high
/// halves (fingerprints several essays share) crowd sort_hashes()' buckets past its insertion pass.
inline void radix_sort_high_half(std::vector<std::uint64_t>& values,
                                 std::vector<std::uint64_t>& scratch) {
  if (values.size() < 4096) {
    std::stable_sort(values.begin(), values.end(),
                     [](std::uint64_t x, std::uint64_t y) { return x >> 32 < y >> 32; });
    return;
  }
  radix_passes(values, scratch, 32);
}

}  // namespace neardup::detail
