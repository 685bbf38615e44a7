// detail::sort_hashes — sorts 64-bit values whose high bits are uniformly spread (hash values, band
// keys): a counting pass on the top bits into about one bucket per value, then each small bucket
// sorted in place. Expected linear time; a bucket that is not small (equal or crafted prefixes)
// falls back to std::sort, so the worst case stays O(n log n). The result is what std::sort gives.
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
  // About one value per bucket, at most 2^16 buckets (their counters stay in L2).
  unsigned const bits = std::min(16u, static_cast<unsigned>(std::bit_width(n)) - 1);
  std::size_t const buckets = std::size_t{1} << bits;
  unsigned const shift = 64 - bits;
  thread_local std::vector<std::uint32_t> ends;
  ends.assign(buckets, 0);
  std::uint32_t* const end_of = ends.data();
  for (std::uint64_t const v : values) ++end_of[v >> shift];
  std::uint32_t sum = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    sum += end_of[b];
    end_of[b] = sum;  // one past the bucket; the scatter below walks it back to the bucket's start
  }
  scratch.resize(n);
  std::uint64_t* const out = scratch.data();
  for (std::size_t i = n; i-- > 0;) {
    std::uint64_t const v = values[i];
    out[--end_of[v >> shift]] = v;
  }
  // end_of[b] is now the start of bucket b; sort each bucket in place.
  for (std::size_t b = 0; b < buckets; ++b) {
    std::uint64_t* const first = out + end_of[b];
    std::uint64_t* const last = out + (b + 1 < buckets ? end_of[b + 1] : n);
    if (last - first < 2) continue;
    if (last - first > 16) {
      std::sort(first, last);
      continue;
    }
    for (std::uint64_t* i = first + 1; i < last; ++i) {  // insertion sort
      std::uint64_t const v = *i;
      std::uint64_t* j = i;
      for (; j > first && *(j - 1) > v; --j) *j = *(j - 1);
      *j = v;
    }
  }
  values.swap(scratch);
}

/// Sorts any 64-bit values: least significant digit first, 16 bits at a time, skipping the digits
/// all values share (the high bits of small numbers). For packed pairs of document numbers, which
/// sort_hashes() cannot spread. Stable, linear; short inputs go to std::sort.
inline void radix_sort(std::vector<std::uint64_t>& values, std::vector<std::uint64_t>& scratch) {
  std::size_t const n = values.size();
  if (n < 4096) {
    std::sort(values.begin(), values.end());
    return;
  }
  scratch.resize(n);
  std::vector<std::uint32_t> count(std::size_t{1} << 16);
  for (unsigned shift = 0; shift < 64; shift += 16) {
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

}  // namespace neardup::detail
