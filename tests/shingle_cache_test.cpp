// The verification cache of shingle sets, the bounded Jaccard over 32-bit hashes, and the
// clusters of hybrid verification against exact on essays assembled from a pool of paragraphs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/hash_mix.hpp"
#include "match/shingle_cache.hpp"
#include "match/verify_policy.hpp"
#include "text/normalize_block.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/shingle.hpp"
#include "neardup/signature.hpp"
#include "cluster_members.hpp"
#include "random_text.hpp"

namespace {

std::vector<std::uint32_t> random_set(std::mt19937& rng, std::size_t n, std::uint32_t range) {
  std::set<std::uint32_t> s;
  while (s.size() < n) s.insert(static_cast<std::uint32_t>(rng() % range));
  return {s.begin(), s.end()};
}

std::vector<std::uint64_t> widened(std::vector<std::uint32_t> const& s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("set_cache stays within its budget and drops the least recently used first", "[verify]") {
  using cache_t = neardup::detail::shingle_cache;
  std::size_t const budget = 10 * cache_t::cost(100);
  cache_t cache(budget);
  std::mt19937 rng(3);
  for (std::uint32_t doc = 0; doc < 500; ++doc) {
    cache.insert(doc, std::vector<std::uint32_t>(rng() % 300));
    REQUIRE(cache.bytes() <= budget);
    REQUIRE(cache.peak_bytes() <= budget);
    if (doc % 3 == 0) (void)cache.find(doc / 2);  // touched: kept over older ones
  }
  // Ten sets of 100: the eleventh drops the oldest, unless it was used since.
  cache_t lru(budget);
  for (std::uint32_t doc = 0; doc < 10; ++doc) lru.insert(doc, std::vector<std::uint32_t>(100, doc));
  CHECK(lru.size() == 10);
  REQUIRE(lru.find(0) != nullptr);  // now the most recently used
  lru.insert(10, std::vector<std::uint32_t>(100, 10));
  CHECK(lru.find(1) == nullptr);
  CHECK(lru.find(0) != nullptr);
  CHECK((*lru.find(10))[0] == 10);
  CHECK(lru.bytes() <= budget);
  // A set larger than the whole budget is not kept, and drops nothing.
  lru.insert(11, std::vector<std::uint32_t>(2000));
  CHECK(lru.find(11) == nullptr);
  CHECK(lru.size() == 10);
  // Replacing a set counts the new size only.
  lru.insert(10, std::vector<std::uint32_t>(1));
  CHECK(lru.bytes() == 9 * cache_t::cost(100) + cache_t::cost(1));
}

TEST_CASE("compact_shingle_set keeps the order of the top 32 bits, without repeats", "[verify]") {
  std::vector<std::uint64_t> const wide = {0x0000000100000005ull, 0x0000000100000009ull,
                                           0x0000000200000000ull, 0xFFFFFFFF00000000ull};
  std::vector<std::uint32_t> out = {42};
  neardup::detail::compact_shingle_set(wide, out);
  CHECK(out == std::vector<std::uint32_t>{1, 2, 0xFFFFFFFFu});
}

TEST_CASE("intersection and bounded Jaccard equal exact_jaccard on random sets", "[verify]") {
  // With the AVX2 blocks (where the CPU has them) and with the merge alone.
  auto const initial = neardup::detail::allowed_block_target();
  bool const blocks = GENERATE(true, false);
  neardup::detail::set_normalize_blocks(blocks);
  INFO("SIMD blocks " << (blocks ? "allowed" : "off"));
  std::mt19937 rng(17);
  for (int round = 0; round < 2000; ++round) {
    std::uint32_t const range = 50 + static_cast<std::uint32_t>(rng() % 5000);
    auto const a = random_set(rng, rng() % std::min<std::uint32_t>(range, 600), range);
    auto const b = random_set(rng, rng() % std::min<std::uint32_t>(range, 600), range);
    double const exact = neardup::exact_jaccard(widened(a), widened(b));
    std::vector<std::uint32_t> common;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
    REQUIRE(neardup::detail::intersection_size(a, b) == common.size());
    REQUIRE(neardup::detail::bounded_jaccard(a, b, 0.0) == exact);
    for (double const t : {0.05, 0.3, 0.5, 0.9, 1.0}) {
      double const bounded = neardup::detail::bounded_jaccard(a, b, t);
      INFO("sizes " << a.size() << ", " << b.size() << ", exact " << exact << ", threshold " << t);
      if (exact >= t) {
        REQUIRE(bounded == exact);
      } else {
        REQUIRE(bounded < t);
        REQUIRE(bounded >= exact);  // an upper bound
      }
    }
  }
  if (initial == neardup::detail::block_target::avx2) {
    neardup::detail::set_block_target(initial);
  } else {
    neardup::detail::set_normalize_blocks(initial != neardup::detail::block_target::scalar);
  }
}

TEST_CASE("shared_needed is the fewest shared values that reach the threshold", "[verify]") {
  using neardup::detail::jaccard_from_counts;
  for (std::size_t na = 0; na < 40; ++na)
    for (std::size_t nb = 0; nb < 40; ++nb)
      for (double const t : {0.1, 1.0 / 3.0, 0.5, 0.7, 1.0}) {
        std::size_t brute = std::min(na, nb) + 1;
        for (std::size_t c = 0; c <= std::min(na, nb); ++c)
          if (jaccard_from_counts(na, nb, c) >= t) {
            brute = c;
            break;
          }
        REQUIRE(neardup::detail::shared_needed(na, nb, t) == brute);
      }
}

TEST_CASE("shared_share with a floor equals shared_share wherever it reaches the floor", "[verify]") {
  std::mt19937 rng(5);
  for (int round = 0; round < 3000; ++round) {
    // Sentences from a small range so that pairs share some; lines (top bit) hold up to 8 each.
    auto make = [&] {
      std::set<std::uint64_t> s;
      std::size_t const n = rng() % 40;
      while (s.size() < n) s.insert(rng() % 60 + 1);
      std::size_t const lines = rng() % 6;
      for (std::size_t l = 0; l < lines; ++l)
        s.insert((1ull << 63) | (static_cast<std::uint64_t>(rng() % 20) << 8) | (rng() % 8 + 1));
      return std::vector<std::uint64_t>(s.begin(), s.end());
    };
    auto const a = make(), b = make();
    double const full = neardup::detail::shared_share(a, b);
    for (double const floor : {0.2, 0.45, 0.8}) {
      double const fast = neardup::detail::shared_share(a, b, floor);
      if (full >= floor) {
        REQUIRE(fast == full);
      } else {
        REQUIRE(fast < floor);
      }
    }
  }
}

TEST_CASE("sentence filters bound what two sentence sets share, and never set aside a template",
          "[verify]") {
  std::mt19937_64 rng(11);
  std::size_t set_aside = 0, reached = 0, truncated = 0;
  for (int round = 0; round < 4000; ++round) {
    // Sentences from a small pool, so that pairs share many; in half the rounds, hashes that fall
    // on a few filter bits (bits 32..41), so that the bits cannot tell sentences apart.
    bool const crowded = round % 2 == 1;
    std::size_t const pool = 20 + rng() % 60;
    auto make = [&] {
      std::set<std::uint64_t> s;
      std::size_t const n = rng() % (pool / 2 + 10);
      while (s.size() < std::min(n, pool)) {
        std::uint64_t const v = rng() % pool + 1;
        s.insert(crowded
                     ? (v << 42) | ((v % 24) << 32) | v
                     : neardup::detail::mix64(v + 1000 * static_cast<std::uint64_t>(pool)) >> 1);
      }
      std::size_t const lines = rng() % 22;  // sometimes more than the filter keeps
      for (std::size_t l = 0; l < lines; ++l)
        s.insert((1ull << 63) | ((rng() % 24) << 8) | (rng() % 8 + 1));
      return std::vector<std::uint64_t>(s.begin(), s.end());
    };
    auto const a = make(), b = make();
    auto const fa = neardup::make_sentence_filter(a), fb = neardup::make_sentence_filter(b);
    std::size_t shared = 0, in_lines = 0;
    for (std::uint64_t const e : a)
      if (std::binary_search(b.begin(), b.end(), e)) {
        if (neardup::sentence_entry_is_line(e))
          in_lines += e & 0xFF;
        else
          ++shared;
      }
    INFO("round " << round);
    REQUIRE(neardup::shared_sentences_bound(fa, fb) >= shared);
    REQUIRE(neardup::shared_sentences_bound(fa, fb) <= std::min(fa.sentences, fb.sentences));
    std::size_t const lower = neardup::sentences_in_shared_lines(fa, fb);
    REQUIRE(lower <= in_lines);
    if (fa.line_count < neardup::sentence_filter::max_lines &&
        fb.line_count < neardup::sentence_filter::max_lines) {
      REQUIRE(lower == in_lines);
    } else {
      ++truncated;
    }
    for (double const share : {0.2, 0.45, 0.8}) {
      bool const may = neardup::detail::sentences_may_reach(fa, fb, share);
      if (neardup::detail::shared_share(a, b) >= share) {
        REQUIRE(may);
        ++reached;
      }
      set_aside += may ? 0 : 1;
    }
  }
  // Both sides were exercised: pairs set aside, templates kept, filters that dropped lines.
  CHECK(set_aside > 1000);
  CHECK(reached > 100);
  CHECK(truncated > 100);
  // An unknown filter (a document added without one) never sets a pair aside.
  CHECK(neardup::detail::sentences_may_reach(neardup::sentence_filter{},
                                             neardup::make_sentence_filter({}), 0.45));
}

TEST_CASE("essays from a pool of paragraphs: hybrid gives exact's clusters, any cache budget and thread count",
          "[verify][deduplicator]") {
  // Topics of 14 paragraphs, essays of 4..8 of them: many pairs near the threshold.
  std::mt19937 rng(23);
  std::vector<std::string> texts;
  for (int topic = 0; topic < 4; ++topic) {
    std::vector<std::string> pool;
    for (int p = 0; p < 14; ++p) pool.push_back(test_files::random_body(rng, 2));
    for (int e = 0; e < 40; ++e) {
      std::vector<std::size_t> picks(pool.size());
      for (std::size_t i = 0; i < picks.size(); ++i) picks[i] = i;
      std::shuffle(picks.begin(), picks.end(), rng);
      picks.resize(4 + rng() % 5);
      std::string text;
      for (std::size_t const i : picks) text += pool[i] + "\n";
      texts.push_back(text);
    }
  }
  auto run = [&](neardup::verify_mode mode, std::size_t cache_bytes, unsigned threads) {
    neardup::dedup_options o;
    o.verify = mode;
    o.verify_cache_bytes = cache_bytes;
    o.threads = threads;
    neardup::deduplicator dedup(o);
    for (std::size_t i = 0; i < texts.size(); ++i) dedup.add(std::to_string(i), texts[i]);
    return dedup.run();
  };
  auto const members = neardup_test::members_with_relation;
  auto const exact = run(neardup::verify_mode::exact, std::size_t{256} << 20, 1);
  REQUIRE(exact.stats.exact_pairs > 0);
  std::size_t texts_read = 0;
  for (std::size_t const cache : {std::size_t{0}, std::size_t{64} << 10, std::size_t{256} << 20})
    for (unsigned const threads : {1u, 2u}) {
      INFO("cache " << cache << ", threads " << threads);
      auto const hybrid = run(neardup::verify_mode::hybrid, cache, threads);
      CHECK(members(hybrid) == members(exact));
      CHECK(hybrid.stats.verify_cache_peak_bytes <= cache);
      if (cache == 0) texts_read = hybrid.stats.texts_read_back;
      if (cache == (std::size_t{256} << 20)) {
        CHECK(hybrid.stats.texts_read_back < texts_read);  // kept sets are not read again
        CHECK(hybrid.stats.texts_read_back <= 2 * texts.size());  // shingles and sentences once
      }
      CHECK(members(run(neardup::verify_mode::exact, cache, threads)) == members(exact));
    }
}
