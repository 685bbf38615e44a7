#include "neardup/verify.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <set>

#include "error_code.hpp"
#include "match/verify_policy.hpp"
#include "neardup/error.hpp"

TEST_CASE("verify_pairs keeps pairs at or above the threshold, in input order", "[verify]") {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> candidates;
  for (std::uint32_t a = 0; a < 40; ++a)
    for (std::uint32_t b = a + 1; b < 40; ++b) candidates.emplace_back(a, b);
  // A similarity that is a known function of the pair.
  auto sim = [](std::uint32_t a, std::uint32_t b) { return 1.0 / (1.0 + std::abs(double(a) - double(b))); };
  for (unsigned threads : {1u, 2u, 7u}) {
    auto kept = neardup::verify_pairs(candidates, sim, 0.25, threads);
    // |a-b| <= 3 gives similarity >= 0.25: 39 + 38 + 37 pairs.
    REQUIRE(kept.size() == 39 + 38 + 37);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      CHECK(kept[i].similarity >= 0.25);
      CHECK(kept[i].similarity == sim(kept[i].a, kept[i].b));
      if (i > 0) CHECK(std::pair(kept[i - 1].a, kept[i - 1].b) < std::pair(kept[i].a, kept[i].b));
    }
  }
}

TEST_CASE("verify_pairs passes on the similarity function's exception", "[verify]") {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> candidates(1000, {0, 1});
  auto failing = [](std::uint32_t, std::uint32_t) -> double { throw std::runtime_error("boom"); };
  CHECK_THROWS_AS(neardup::verify_pairs(candidates, failing, 0.5, 2), std::runtime_error);
}

TEST_CASE("verify mode names round-trip, an unknown name is invalid_argument", "[verify]") {
  using neardup::verify_mode;
  for (auto const mode : {verify_mode::exact, verify_mode::estimate, verify_mode::hybrid})
    CHECK(neardup::verify_mode_from_name(neardup::verify_mode_name(mode)) == mode);
  // The names the programs take.
  CHECK(neardup::verify_mode_from_name("exact") == verify_mode::exact);
  CHECK(neardup::verify_mode_from_name("estimate") == verify_mode::estimate);
  CHECK(neardup::verify_mode_from_name("hybrid") == verify_mode::hybrid);
  for (std::string_view const bad : {"Exact", "estimated", "", "hybrid "})
    CHECK_THROWS_MATCHES(neardup::verify_mode_from_name(bad), neardup::error,
                         has_code(neardup::errc::invalid_argument));
}

namespace {

// Document d's shingle set: the multiples of (d % 5 + 1) below 40 + d, shifted by d / 5, so that
// documents overlap by various amounts; document 13 is empty.
std::vector<std::uint64_t> test_set(std::uint32_t d) {
  std::vector<std::uint64_t> out;
  if (d == 13) return out;
  for (std::uint64_t x = d / 5; x < 40 + d; x += d % 5 + 1)
    out.push_back(x * 0x9e3779b97f4a7c15ull);
  std::sort(out.begin(), out.end());
  return out;
}

// Exact Jaccard through std::set, independent of exact_jaccard's merge.
double brute_force_jaccard(std::uint32_t a, std::uint32_t b) {
  auto const x = test_set(a), y = test_set(b);
  std::set<std::uint64_t> both(x.begin(), x.end());
  both.insert(y.begin(), y.end());
  if (both.empty()) return 0.0;
  std::size_t const common = x.size() + y.size() - both.size();
  return static_cast<double>(common) / static_cast<double>(both.size());
}

// Every pair of 30 documents, some twice, some backwards, shuffled.
std::vector<std::pair<std::uint32_t, std::uint32_t>> shuffled_pairs() {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t a = 0; a < 30; ++a)
    for (std::uint32_t b = a + 1; b < 30; ++b) {
      pairs.emplace_back(a, b);
      if ((a + b) % 7 == 0) pairs.emplace_back(b, a);
      if ((a * b) % 11 == 0) pairs.emplace_back(a, b);
    }
  std::shuffle(pairs.begin(), pairs.end(), std::mt19937(5));
  return pairs;
}

}  // namespace

TEST_CASE("exact_scores: any pair order, any budget, any thread count, equals brute-force Jaccard",
          "[verify]") {
  auto const pairs = shuffled_pairs();
  REQUIRE_FALSE(std::is_sorted(pairs.begin(), pairs.end()));
  for (unsigned const threads : {1u, 3u}) {
    for (std::size_t const max_docs :
         {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{1024}}) {
      INFO("threads " << threads << ", max_docs " << max_docs);
      std::atomic<std::size_t> made{0};
      std::atomic<bool> worker_in_range{true};
      auto const scores = neardup::exact_scores(
          pairs,
          [&](std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned worker) {
            made.fetch_add(1);
            if (worker >= threads) worker_in_range = false;
            out = test_set(doc);
          },
          max_docs, threads);
      REQUIRE(scores.size() == pairs.size());
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < pairs.size(); ++i)
        if (scores[i] != brute_force_jaccard(pairs[i].first, pairs[i].second)) ++wrong;
      CHECK(wrong == 0);
      CHECK(worker_in_range);
      CHECK(made.load() >= 30);  // every document at least once
    }
  }
  // Sets larger than the budget of held shingles (about 2048 an essay): with max_docs 1 or 2 a
  // chunk is one pair and nothing is held for the next, so each pair makes both its sets.
  auto big_set = [](std::uint32_t d, std::vector<std::uint64_t>& out, unsigned) {
    out.clear();
    for (std::uint64_t x = d * 1000ull; x < d * 1000ull + 5000; ++x) out.push_back(x);
  };
  std::vector<std::pair<std::uint32_t, std::uint32_t>> big_pairs;
  for (std::uint32_t a = 0; a < 8; ++a)
    for (std::uint32_t b = a + 1; b < 8; ++b)
      big_pairs.emplace_back(b % 2 == 0 ? b : a, b % 2 == 0 ? a : b);
  std::shuffle(big_pairs.begin(), big_pairs.end(), std::mt19937(9));
  for (std::size_t const max_docs : {std::size_t{1}, std::size_t{2}}) {
    std::size_t made = 0;
    auto const scores = neardup::exact_scores(
        big_pairs,
        [&](std::uint32_t d, std::vector<std::uint64_t>& out, unsigned w) {
          ++made;
          big_set(d, out, w);
        },
        max_docs, 1);
    CHECK(made == 2 * big_pairs.size());
    for (std::size_t i = 0; i < big_pairs.size(); ++i) {
      auto const [a, b] = big_pairs[i];
      std::uint32_t const gap = a > b ? a - b : b - a;
      double const expected = gap >= 5 ? 0.0 : (5000.0 - 1000.0 * gap) / (5000.0 + 1000.0 * gap);
      CHECK(scores[i] == expected);
    }
  }
  // A pair with itself and the empty document.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> const odd = {{4, 4}, {13, 13}, {13, 2}};
  auto const scores = neardup::exact_scores(
      odd,
      [](std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned) { out = test_set(doc); }, 1,
      1);
  CHECK(scores == std::vector<double>{1.0, 0.0, 0.0});
}

TEST_CASE(
    "exact_scores steered by a schedule: unneeded pairs score -1, the rest are reported in order",
    "[verify]") {
  auto const pairs = shuffled_pairs();
  for (std::size_t const chunk : {std::size_t{1}, std::size_t{4}, std::size_t{256}}) {
    INFO("chunk of " << chunk);
    neardup::detail::exact_schedule schedule;
    schedule.chunk_pairs = chunk;
    schedule.needed = [](std::size_t i) { return i % 3 != 0; };
    std::vector<std::pair<std::size_t, double>> reported;
    schedule.scored = [&](std::size_t i, double score) { reported.emplace_back(i, score); };
    auto const scores = neardup::detail::exact_scores(
        pairs,
        [](std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned) { out = test_set(doc); },
        16, 2, schedule);
    std::vector<std::pair<std::size_t, double>> expected;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (i % 3 == 0) {
        CHECK(scores[i] == -1.0);
      } else {
        CHECK(scores[i] == brute_force_jaccard(pairs[i].first, pairs[i].second));
        expected.emplace_back(i, scores[i]);
      }
    }
    CHECK(reported == expected);
  }
}
