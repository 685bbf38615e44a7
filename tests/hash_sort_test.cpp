// The hand-written sorts behind shingle sets and candidate pairs give exactly what std::sort gives,
// on hash-like input and on input made to defeat them.
#include "common/hash_sort.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

namespace {

std::vector<std::uint64_t> sorted_copy(std::vector<std::uint64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("sort_hashes and radix_sort agree with std::sort", "[hash_sort]") {
  std::mt19937_64 rng(2024);
  std::vector<std::vector<std::uint64_t>> inputs;
  for (std::size_t n : {0u, 1u, 255u, 256u, 257u, 1700u, 4095u, 4096u, 70000u}) {
    std::vector<std::uint64_t> random(n);
    for (auto& x : random) x = rng();
    inputs.push_back(random);
    // Many duplicates (a text repeating one phrase).
    std::vector<std::uint64_t> repeats(n);
    for (auto& x : repeats) x = rng() % 7 == 0 ? rng() : 0x9E3779B97F4A7C15ull;
    inputs.push_back(repeats);
    // Small numbers (packed pairs of document numbers): every high bit zero.
    std::vector<std::uint64_t> pairs(n);
    for (auto& x : pairs) x = (rng() % 5000) << 32 | rng() % 5000;
    inputs.push_back(pairs);
    // One shared prefix: every value in sort_hashes' first bucket.
    std::vector<std::uint64_t> prefix(n);
    for (auto& x : prefix) x = (rng() >> 20) | 0x0123400000000000ull;
    inputs.push_back(prefix);
    // Already sorted, and reversed.
    inputs.push_back(sorted_copy(random));
    inputs.push_back(std::vector<std::uint64_t>(inputs.back().rbegin(), inputs.back().rend()));
  }
  std::vector<std::uint64_t> scratch;
  for (auto const& input : inputs) {
    INFO("size " << input.size());
    auto const expected = sorted_copy(input);
    auto a = input;
    neardup::detail::sort_hashes(a, scratch);
    CHECK(a == expected);
    auto b = input;
    neardup::detail::radix_sort(b, scratch);
    CHECK(b == expected);
  }
}

TEST_CASE("radix_sort_high_half sorts stably by the high half", "[hash_sort]") {
  std::mt19937_64 rng(2025);
  std::vector<std::uint64_t> scratch;
  for (std::size_t n : {0u, 1u, 4095u, 4096u, 100000u}) {
    INFO("size " << n);
    // (hash, document) entries as the passages index makes them: documents in order, hashes with
    // many repeats (shared fingerprints), some sharing their low 16 bits or all but the top ones.
    std::vector<std::uint64_t> entries(n);
    std::vector<std::uint32_t> pool(64);
    for (auto& p : pool) p = static_cast<std::uint32_t>(rng());
    for (std::size_t i = 0; i < n; ++i) {
      auto h = static_cast<std::uint32_t>(rng());
      if (rng() % 3 == 0) h = pool[rng() % pool.size()];
      if (rng() % 5 == 0) h = (h & 0xFFFF0000u) | 0x1234u;
      entries[i] = std::uint64_t{h} << 32 | (i / 7);
    }
    auto a = entries;
    neardup::detail::radix_sort_high_half(a, scratch);
    CHECK(a == sorted_copy(entries));
    // Low halves out of order: equal high halves keep their order (stable), unlike a full sort.
    auto shuffled = entries;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto expected = shuffled;
    std::stable_sort(expected.begin(), expected.end(),
                     [](std::uint64_t x, std::uint64_t y) { return x >> 32 < y >> 32; });
    auto b = shuffled;
    neardup::detail::radix_sort_high_half(b, scratch);
    CHECK(b == expected);
  }
}
