#include "neardup/lsh.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <iterator>
#include <random>
#include <set>

#include "error_code.hpp"
#include "neardup/error.hpp"
#include "neardup/minhash.hpp"
#include "neardup/shingle.hpp"

namespace {

// Brute-force search of the same objective with a different integrator (midpoint rule): an
// independent check of optimal_lsh_params.
neardup::lsh_params brute_force(double t, unsigned k) {
  auto err = [&](neardup::lsh_params p) {
    int const n = 4000;
    double fp = 0, fn = 0;
    for (int i = 0; i < n; ++i) {
      double const s1 = t * (i + 0.5) / n;
      double const s2 = t + (1 - t) * (i + 0.5) / n;
      fp += neardup::candidate_probability(s1, p) * t / n;
      fn += (1 - neardup::candidate_probability(s2, p)) * (1 - t) / n;
    }
    return 0.5 * fp + 0.5 * fn;
  };
  neardup::lsh_params best{1, 1};
  for (unsigned b = 1; b <= k; ++b)
    for (unsigned r = 1; b * r <= k; ++r)
      if (err({b, r}) < err(best)) best = {b, r};
  return best;
}

}  // namespace

TEST_CASE("optimal_lsh_params: within the budget, S-curve centred near the threshold", "[lsh]") {
  for (double t : {0.3, 0.5, 0.7, 0.9}) {
    auto const p = neardup::optimal_lsh_params(t, 128);
    INFO("t = " << t << ": b = " << p.bands << ", r = " << p.rows);
    CHECK(p.bands * p.rows <= 128);
    auto const ref = brute_force(t, 128);
    CHECK(p.bands == ref.bands);
    CHECK(p.rows == ref.rows);
    // The curve's steepest point (1/b)^(1/r) lies near the threshold.
    CHECK(std::abs(std::pow(1.0 / p.bands, 1.0 / p.rows) - t) < 0.15);
    CHECK(neardup::candidate_probability(t + 0.2 > 1 ? 1 : t + 0.2, p) > 0.9);
  }
  CHECK_THROWS_AS(neardup::optimal_lsh_params(0.0, 128), neardup::error);
  CHECK_THROWS_AS(neardup::optimal_lsh_params(1.0, 128), neardup::error);
  CHECK_THROWS_AS(neardup::optimal_lsh_params(0.5, 0), neardup::error);
}

TEST_CASE("the measured candidate rate follows the S-curve 1-(1-s^r)^b", "[lsh]") {
  neardup::lsh_params const p{16, 4};
  std::mt19937_64 rng(5);
  int const trials = 2000;
  for (double s : {0.3, 0.5, 0.7}) {
    // Signature pairs in which each slot agrees with probability s, independently: the model
    // under which the S-curve is exact.
    int hits = 0;
    std::bernoulli_distribution agree(s);
    for (int t = 0; t < trials; ++t) {
      std::vector<std::uint32_t> a(64), b(64);
      for (int i = 0; i < 64; ++i) {
        a[i] = static_cast<std::uint32_t>(rng());
        b[i] = agree(rng) ? a[i] : static_cast<std::uint32_t>(rng());
      }
      std::vector<std::uint64_t> ka(p.bands), kb(p.bands);
      neardup::band_keys(a, p, ka);
      neardup::band_keys(b, p, kb);
      for (unsigned band = 0; band < p.bands; ++band)
        if (ka[band] == kb[band]) {
          ++hits;
          break;
        }
    }
    double const expected = neardup::candidate_probability(s, p);
    double const sigma = std::sqrt(expected * (1 - expected) / trials);
    INFO("s = " << s << ": expected " << expected << ", measured " << double(hits) / trials);
    CHECK(std::abs(double(hits) / trials - expected) < 4 * sigma + 1e-9);
  }
}

TEST_CASE("LSH candidates against brute-force Jaccard on generated texts", "[lsh]") {
  // 300 texts: 100 random base texts and 200 edited copies of them (a share of characters changed).
  std::mt19937_64 rng(17);
  std::vector<std::u32string> texts;
  for (int i = 0; i < 100; ++i) {
    std::u32string t;
    for (int c = 0; c < 400; ++c) t += static_cast<char32_t>(0x4E00 + rng() % 800);
    texts.push_back(t);
  }
  for (int i = 0; i < 200; ++i) {
    std::u32string t = texts[rng() % 100];
    int const edits = static_cast<int>(rng() % 25);
    for (int e = 0; e < edits; ++e) t[rng() % t.size()] = static_cast<char32_t>(0x4E00 + rng() % 800);
    texts.push_back(t);
  }
  neardup::minhasher const mh;
  auto const params = neardup::optimal_lsh_params(0.5, mh.num_perm());
  std::vector<std::vector<std::uint64_t>> sets;
  std::vector<neardup::band_entry> entries;
  for (std::uint32_t d = 0; d < texts.size(); ++d) {
    auto shingles = neardup::char_shingles(texts[d], {5, 0});
    auto const sig = mh.sign(shingles);
    std::vector<std::uint64_t> keys(params.bands);
    neardup::band_keys(sig, params, keys);
    for (std::uint32_t b = 0; b < params.bands; ++b) entries.push_back({keys[b], b, d});
    neardup::make_shingle_set(shingles);
    sets.push_back(std::move(shingles));
  }
  neardup::candidate_stats stats;
  auto const pairs = neardup::candidate_pairs(entries, 1000, &stats);
  std::set<std::pair<std::uint32_t, std::uint32_t>> const candidates(pairs.begin(), pairs.end());
  CHECK(std::is_sorted(pairs.begin(), pairs.end()));
  CHECK(candidates.size() == pairs.size());
  std::size_t similar = 0, all = 0;
  for (std::uint32_t a = 0; a < texts.size(); ++a)
    for (std::uint32_t b = a + 1; b < texts.size(); ++b) {
      ++all;
      double const j = neardup::exact_jaccard(sets[a], sets[b]);
      // At J >= 0.8 the S-curve of (25 bands, 5 rows) misses a pair with probability < 1e-4.
      if (j >= 0.8) {
        ++similar;
        INFO("pair " << a << "," << b << " with Jaccard " << j);
        CHECK(candidates.count({a, b}) == 1);
      }
    }
  CHECK(similar > 50);  // the check above had pairs to check
  CHECK(pairs.size() < all / 20);  // a small fraction of all pairs
  CHECK(stats.pairs == pairs.size());
  CHECK(stats.entries == texts.size() * params.bands);
}

TEST_CASE("candidate_pairs caps large buckets but still connects them", "[lsh]") {
  std::vector<neardup::band_entry> entries;
  for (std::uint32_t d = 0; d < 1000; ++d) entries.push_back({42, 0, d});  // one bucket of 1000
  entries.push_back({7, 1, 3});
  entries.push_back({7, 1, 999});
  neardup::candidate_stats stats;
  auto const pairs = neardup::candidate_pairs(entries, 10, &stats);
  CHECK(stats.capped_buckets == 1);
  CHECK(stats.largest_bucket == 1000);
  CHECK(stats.buckets == 2);
  CHECK(pairs.size() < 10 * 1000);  // not the 499,500 pairs of the whole bucket
  // Union-find over the pairs: one component holds every document.
  std::vector<std::uint32_t> parent(1000);
  for (std::uint32_t i = 0; i < 1000; ++i) parent[i] = i;
  auto find = [&](std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (auto [a, b] : pairs) parent[find(a)] = find(b);
  std::set<std::uint32_t> roots;
  for (std::uint32_t i = 0; i < 1000; ++i) roots.insert(find(i));
  CHECK(roots.size() == 1);
  CHECK(std::find(pairs.begin(), pairs.end(), std::pair<std::uint32_t, std::uint32_t>{3, 999}) != pairs.end());
}

TEST_CASE("lsh_index: query finds what shares a band, its pairs agree with candidate_pairs", "[lsh]") {
  neardup::minhasher const mh;
  auto const params = neardup::optimal_lsh_params(0.5, mh.num_perm());
  std::mt19937_64 rng(23);
  std::vector<std::vector<std::uint32_t>> sigs;
  for (int d = 0; d < 60; ++d) {
    std::vector<std::uint64_t> set(300);
    for (auto& x : set) x = rng();
    sigs.push_back(mh.sign(set));
  }
  // Planted: document 2k+1 is document 2k with 5% of its slots changed.
  for (std::size_t d = 1; d < sigs.size(); d += 2) {
    sigs[d] = sigs[d - 1];
    for (std::size_t i = 0; i < sigs[d].size(); i += 20) sigs[d][i] ^= 1u;
  }
  neardup::lsh_index index(params);
  std::vector<neardup::band_entry> entries;
  for (std::uint32_t d = 0; d < sigs.size(); ++d) {
    index.insert(d, sigs[d]);
    std::vector<std::uint64_t> keys(params.bands);
    neardup::band_keys(sigs[d], params, keys);
    for (std::uint32_t b = 0; b < params.bands; ++b) entries.push_back({keys[b], b, d});
  }
  CHECK(index.size() == sigs.size());
  auto const expected = neardup::candidate_pairs(entries);
  CHECK(index.candidate_pairs() == expected);
  for (std::uint32_t d = 0; d + 1 < sigs.size(); d += 2) {
    auto const found = index.query(sigs[d]);
    CHECK(std::find(found.begin(), found.end(), d) != found.end());
    CHECK(std::find(found.begin(), found.end(), d + 1) != found.end());
    // Every document the query returns forms a candidate pair with d (or is d).
    for (auto other : found)
      if (other != d)
        CHECK(std::binary_search(expected.begin(), expected.end(), std::pair{std::min(d, other), std::max(d, other)}));
  }
  CHECK_THROWS_AS(neardup::lsh_index(neardup::lsh_params{0, 4}), neardup::error);
}

TEST_CASE("band_table gives the pairs of candidate_pairs on any thread count, and caps alike", "[lsh]") {
  // 2,000 documents in 20 bands; planted groups share keys in some bands, the rest are random.
  constexpr unsigned bands = 20;
  std::mt19937_64 rng(5);
  std::vector<neardup::band_entry> entries;
  std::vector<std::vector<std::uint64_t>> keys(2000, std::vector<std::uint64_t>(bands));
  for (std::uint32_t d = 0; d < keys.size(); ++d)
    for (unsigned b = 0; b < bands; ++b) {
      keys[d][b] = (d % 7 == 0 && b % 3 == 0) ? (std::uint64_t{b} << 56 | std::uint64_t{d / 70} << 32) : rng();
      entries.push_back({keys[d][b] & 0xFFFFFFFF00000000ULL, b, d});
    }
  // One bucket far over the cap: band 1 of every tenth document.
  for (std::uint32_t d = 0; d < keys.size(); d += 10) {
    keys[d][1] = 0xABCDEF0000000000ULL;
    entries[std::size_t{d} * bands + 1].key = 0xABCDEF0000000000ULL;
  }
  neardup::candidate_stats expected_stats;
  auto const expected = neardup::candidate_pairs(entries, 50, &expected_stats);
  REQUIRE(expected_stats.capped_buckets == 1);
  REQUIRE(expected.size() > 1000);
  for (unsigned threads : {1u, 2u, 5u}) {
    neardup::band_table table(bands);
    for (std::uint32_t d = 0; d < keys.size(); ++d) table.add(d, keys[d]);
    CHECK(table.entries() == keys.size() * bands);
    neardup::candidate_stats stats;
    auto const pairs = table.candidate_pairs(50, &stats, threads);
    CHECK(pairs == expected);
    CHECK(stats.pairs == expected_stats.pairs);
    CHECK(stats.buckets == expected_stats.buckets);
    CHECK(stats.capped_buckets == 1);
    CHECK(stats.largest_bucket == expected_stats.largest_bucket);
    // A filter drops exactly the pairs it turns down, in order; the pairs found are still counted.
    auto const odd_sum = [](std::uint32_t a, std::uint32_t b) { return (a + b) % 2 == 1; };
    neardup::candidate_stats filtered_stats;
    auto const filtered = table.candidate_pairs(50, &filtered_stats, threads, odd_sum);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> wanted;
    std::copy_if(expected.begin(), expected.end(), std::back_inserter(wanted),
                 [&](auto const& p) { return odd_sum(p.first, p.second); });
    REQUIRE(!wanted.empty());
    CHECK(filtered == wanted);
    CHECK(filtered_stats.pairs == expected.size());
    CHECK(filtered_stats.kept == wanted.size());
  }
  // Documents added out of order, one of them twice: the same pairs, each once.
  {
    neardup::band_table shuffled(bands);
    std::vector<std::uint32_t> docs(keys.size());
    for (std::uint32_t d = 0; d < docs.size(); ++d) docs[d] = d;
    std::shuffle(docs.begin(), docs.end(), rng);
    for (std::uint32_t const d : docs) shuffled.add(d, keys[d]);
    std::uint32_t const twice =
        docs.front() % 10 == 0 ? docs.front() + 1 : docs.front();  // not in the capped bucket
    shuffled.add(twice, keys[twice]);
    CHECK(shuffled.candidate_pairs(50, nullptr, 2) == expected);
    // Rebuilt from its documents and columns (as another process receives it): the same pairs.
    std::vector<std::vector<std::uint32_t>> columns;
    for (unsigned b = 0; b < bands; ++b)
      columns.emplace_back(shuffled.column(b).begin(), shuffled.column(b).end());
    std::vector<std::uint32_t> const order(shuffled.documents().begin(),
                                           shuffled.documents().end());
    CHECK(order.size() == docs.size() + 1);
    neardup::band_table rebuilt(order, columns);
    CHECK(rebuilt.bands() == bands);
    CHECK(rebuilt.candidate_pairs(50, nullptr, 1) == expected);
    columns[3].pop_back();
    CHECK_THROWS_AS(neardup::band_table(order, columns), neardup::error);
    CHECK_THROWS_AS(neardup::band_table(order, {}), neardup::error);
  }
  neardup::band_table table(bands);
  CHECK_THROWS_AS(table.add(0, std::vector<std::uint64_t>(bands - 1)), neardup::error);
  CHECK_THROWS_AS(neardup::band_table(0), neardup::error);
}

TEST_CASE("band_table: keys that meet in the bitmaps but differ are not paired, counted alike",
          "[lsh]") {
  // The table keeps a key's upper 32 bits and rules lone entries out by the low bits of those: here
  // every key has the same low 20 bits (all meet in the bitmaps), a few agree in all 32, and a band
  // of keys that are all distinct and one of keys that are all alone in their bits are mixed in.
  constexpr unsigned bands = 3;
  std::mt19937_64 rng(17);
  std::vector<neardup::band_entry> entries;
  std::vector<std::vector<std::uint64_t>> keys(3000, std::vector<std::uint64_t>(bands));
  for (std::uint32_t d = 0; d < keys.size(); ++d) {
    std::uint64_t const high = d % 50 == 0 ? 7 : rng() % 4096;  // many distinct, some shared
    keys[d][0] = (high << 20 | 0xABCDE) << 32;                   // crowded low bits
    keys[d][1] = std::uint64_t{d} << 32 | rng() % 1000;          // all distinct
    keys[d][2] = (std::uint64_t{d / 3} * 2654435761u % (1u << 31)) << 32;  // triples
    for (unsigned b = 0; b < bands; ++b) entries.push_back({keys[d][b], b, d});
  }
  neardup::candidate_stats expected_stats;
  auto const expected = neardup::candidate_pairs(entries, 64, &expected_stats);
  REQUIRE(expected.size() > 3000);
  for (unsigned threads : {1u, 3u}) {
    neardup::band_table table(bands);
    for (std::uint32_t d = 0; d < keys.size(); ++d) table.add(d, keys[d]);
    neardup::candidate_stats stats;
    CHECK(table.candidate_pairs(64, &stats, threads) == expected);
    CHECK(stats.buckets == expected_stats.buckets);
    CHECK(stats.largest_bucket == expected_stats.largest_bucket);
    CHECK(stats.capped_buckets == expected_stats.capped_buckets);
    CHECK(stats.entries == expected_stats.entries);
  }
}

TEST_CASE("lsh_index: thousands of documents, tables grown many times, agree with the band entries", "[lsh]") {
  neardup::lsh_params const params{20, 3};
  neardup::lsh_index index(params);
  std::mt19937_64 rng(41);
  std::vector<neardup::band_entry> entries;
  std::vector<std::vector<std::uint32_t>> sigs;
  for (std::uint32_t d = 0; d < 3000; ++d) {
    std::vector<std::uint32_t> sig(60);
    if (d % 3 == 0 || sigs.empty()) {
      for (auto& v : sig) v = static_cast<std::uint32_t>(rng());
    } else {
      sig = sigs.back();                                    // a near copy of the previous document
      for (std::size_t i = 0; i < sig.size(); i += 7) sig[i] = static_cast<std::uint32_t>(rng());
    }
    sigs.push_back(sig);
    index.insert(d, sig);
    std::vector<std::uint64_t> keys(params.bands);
    neardup::band_keys(sig, params, keys);
    for (std::uint32_t b = 0; b < params.bands; ++b) entries.push_back({keys[b], b, d});
  }
  CHECK(index.size() == 3000);
  auto copy = entries;
  auto const expected = neardup::candidate_pairs(copy);
  REQUIRE(expected.size() > 1000);
  CHECK(index.candidate_pairs() == expected);
  // query(d) is d itself and exactly its partners in the expected pairs.
  for (std::uint32_t d = 0; d < 3000; d += 37) {
    std::vector<std::uint32_t> partners{d};
    for (auto const& [a, b] : expected) {
      if (a == d) partners.push_back(b);
      if (b == d) partners.push_back(a);
    }
    std::sort(partners.begin(), partners.end());
    CHECK(index.query(sigs[d]) == partners);
  }
}

TEST_CASE(
    "lsh_index: remove takes a document out of every band, the index then answers as one "
    "built without it",
    "[lsh]") {
  neardup::lsh_params const params{20, 3};
  std::mt19937_64 rng(43);
  std::vector<std::vector<std::uint32_t>> sigs;
  for (std::uint32_t d = 0; d < 600; ++d) {
    std::vector<std::uint32_t> sig(60);
    if (d % 4 == 0 || sigs.empty()) {
      for (auto& v : sig) v = static_cast<std::uint32_t>(rng() % 8);  // few values: big buckets
    } else {
      sig = sigs.back();
      for (std::size_t i = 0; i < sig.size(); i += 5) sig[i] = static_cast<std::uint32_t>(rng());
    }
    sigs.push_back(sig);
  }
  neardup::lsh_index index(params);
  for (std::uint32_t d = 0; d < 400; ++d) index.insert(d, sigs[d]);
  // Out: every third document (the newest, oldest and middle entries of buckets alike).
  for (std::uint32_t d = 0; d < 400; d += 3) CHECK(index.remove(d, sigs[d]));
  CHECK_FALSE(index.remove(0, sigs[0]));  // already out
  CHECK_FALSE(index.remove(1, sigs[2]));  // not its signature: nothing changes
  CHECK_FALSE(index.remove(999, sigs[1]));
  // In again after removal, and more inserted so that the tables grow past emptied buckets.
  for (std::uint32_t d = 0; d < 400; d += 6) index.insert(d, sigs[d]);
  for (std::uint32_t d = 400; d < 600; ++d) index.insert(d, sigs[d]);
  neardup::lsh_index fresh(params);
  for (std::uint32_t d = 0; d < 600; ++d)
    if (d >= 400 || d % 3 != 0 || d % 6 == 0) fresh.insert(d, sigs[d]);
  CHECK(index.size() == fresh.size());
  auto const expected = fresh.candidate_pairs();
  REQUIRE(expected.size() > 100);
  CHECK(index.candidate_pairs() == expected);
  for (std::uint32_t d = 0; d < 600; ++d) CHECK(index.query(sigs[d]) == fresh.query(sigs[d]));
  // Everything out: every query is empty.
  for (std::uint32_t d = 0; d < 600; ++d)
    if (d >= 400 || d % 3 != 0 || d % 6 == 0) CHECK(index.remove(d, sigs[d]));
  CHECK(index.size() == 0);
  CHECK(index.candidate_pairs().empty());
  CHECK(index.query(sigs[5]).empty());
  std::span<const std::uint32_t> const whole(sigs[0]);
  CHECK_THROWS_MATCHES(index.remove(0, whole.first(59)), neardup::error,
                       has_code(neardup::errc::invalid_argument));
}

TEST_CASE("band_keys refuses a signature shorter than bands × rows and a key buffer not of bands",
          "[lsh]") {
  neardup::lsh_params const params{4, 8};  // 32 rows of a 40-value signature
  std::vector<std::uint32_t> const signature(40, 3u);
  std::vector<std::uint64_t> keys(params.bands);
  neardup::band_keys(signature, params,
                     keys);   // a longer signature is fine: its tail is not banded
  CHECK(keys[0] != keys[1]);  // seeded by band
  auto const invalid = has_code(neardup::errc::invalid_argument);
  std::span<const std::uint32_t> const whole(signature);
  CHECK_THROWS_MATCHES(neardup::band_keys(whole.first(31), params, keys), neardup::error, invalid);
  CHECK_THROWS_MATCHES(neardup::band_keys({}, params, keys), neardup::error, invalid);
  std::vector<std::uint64_t> room(params.bands + 1, 0);
  std::span<std::uint64_t> const out(room);
  CHECK_THROWS_MATCHES(neardup::band_keys(signature, params, out.first(3)), neardup::error,
                       invalid);
  CHECK_THROWS_MATCHES(neardup::band_keys(signature, params, out), neardup::error, invalid);
  CHECK(std::all_of(room.begin(), room.end(), [](std::uint64_t k) { return k == 0; }));
  // lsh_index refuses a short signature before adding anything.
  neardup::lsh_index index(params);
  CHECK_THROWS_MATCHES(index.insert(0, whole.first(31)), neardup::error, invalid);
  CHECK(index.size() == 0);
  CHECK_THROWS_MATCHES((void)index.query(whole.first(31)), neardup::error, invalid);
}
