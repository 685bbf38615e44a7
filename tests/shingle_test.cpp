#include "neardup/shingle.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "neardup/error.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

TEST_CASE("char_shingles: one hash per window, equal windows hash equal", "[shingle]") {
  neardup::shingle_options const o{3, 0};
  auto const h = neardup::char_shingles(U"abcabcd", o);
  REQUIRE(h.size() == 5);  // abc bca cab abc bcd
  CHECK(h[0] == h[3]);
  CHECK(h[0] != h[1]);
  CHECK(std::set<std::uint64_t>(h.begin(), h.end()).size() == 4);
}

TEST_CASE("char_shingles: each shingle is XXH3 of its code points, at every n", "[shingle]") {
  // The shingle loop writes XXH3 out for some n: it must give the library's values, whatever the
  // code points (up to the marks beyond Unicode) and the seed.
  std::mt19937_64 rng(20261203);
  std::uniform_int_distribution<std::uint32_t> cp(0, 0x110001);
  for (unsigned n = 1; n <= 10; ++n) {
    for (std::uint64_t const seed : {std::uint64_t{0}, rng(), rng()}) {
      std::u32string text(64, U'\0');
      for (char32_t& c : text) c = static_cast<char32_t>(cp(rng));
      auto const h = neardup::char_shingles(text, neardup::shingle_options{n, seed});
      REQUIRE(h.size() == text.size() - n + 1);
      for (std::size_t i = 0; i < h.size(); ++i)
        REQUIRE(h[i] == XXH3_64bits_withSeed(text.data() + i, n * sizeof(char32_t), seed));
    }
  }
}

TEST_CASE("char_shingles: short texts give one shingle, empty texts none", "[shingle]") {
  neardup::shingle_options const o{5, 0};
  CHECK(neardup::char_shingles(U"", o).empty());
  auto const one = neardup::char_shingles(U"疫情", o);
  REQUIRE(one.size() == 1);
  CHECK(one != neardup::char_shingles(U"防控", o));   // short texts do not all collapse
  CHECK(neardup::char_shingles(U"疫情防控工", o).size() == 1);
  CHECK(neardup::char_shingles(U"疫情防控工作", o).size() == 2);
}

TEST_CASE("char_shingles: the seed changes every hash, n = 0 is rejected", "[shingle]") {
  auto const a = neardup::char_shingles(U"疫情防控工作", {3, 1});
  auto const b = neardup::char_shingles(U"疫情防控工作", {3, 2});
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] != b[i]);
  CHECK_THROWS_AS(neardup::char_shingles(U"x", {0, 0}), neardup::error);
}

TEST_CASE("word_shingler: word n-grams, spaces and punctuation skipped", "[shingle]") {
  neardup::word_shingler words;
  std::vector<std::uint64_t> a, b, c;
  words.shingles(U"the quick brown fox", {2, 0}, a);
  CHECK(a.size() == 3);
  words.shingles(U"the  quick, brown... fox!", {2, 0}, b);
  CHECK(a == b);
  words.shingles(U"the quick", {3, 0}, c);
  CHECK(c.size() == 1);  // fewer words than n: one shingle of all of them
  words.shingles(U" ,. ", {2, 0}, c);
  CHECK(c.empty());
  words.shingles(U"quick the brown fox", {2, 0}, c);
  CHECK(c != a);
}

TEST_CASE("exact_jaccard agrees with a std::set computation", "[shingle]") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::uint64_t> a, b;
    for (int i = 0; i < 200; ++i) {
      auto const x = rng() % 300;  // small range: many duplicates and a real overlap
      (rng() % 2 ? a : b).push_back(x);
      if (rng() % 3 == 0) a.push_back(x), b.push_back(x);
    }
    std::set<std::uint64_t> const sa(a.begin(), a.end()), sb(b.begin(), b.end());
    std::size_t common = 0;
    for (auto x : sa) common += sb.count(x);
    double const expected = static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
    neardup::make_shingle_set(a);
    neardup::make_shingle_set(b);
    CHECK(a.size() == sa.size());
    CHECK(neardup::exact_jaccard(a, b) == Approx(expected));
  }
  CHECK(neardup::exact_jaccard({}, {}) == 0.0);
}
