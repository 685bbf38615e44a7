#include "neardup/minhash.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "error_code.hpp"
#include "neardup/error.hpp"
#include "text/normalize_block.hpp"

namespace {

// Two sets of 64-bit "shingles" with |A ∩ B| = common and |A \ B| = |B \ A| = only: Jaccard
// common / (common + 2 only).
std::pair<std::vector<std::uint64_t>, std::vector<std::uint64_t>> set_pair(std::mt19937_64& rng, std::size_t common,
                                                                           std::size_t only) {
  std::vector<std::uint64_t> a, b;
  for (std::size_t i = 0; i < common; ++i) {
    auto const x = rng();
    a.push_back(x);
    b.push_back(x);
  }
  for (std::size_t i = 0; i < only; ++i) a.push_back(rng());
  for (std::size_t i = 0; i < only; ++i) b.push_back(rng());
  return {a, b};
}

struct moments {
  double mean = 0;
  double variance = 0;
};

// Mean and variance of the estimate over `trials` independent set pairs of Jaccard j (the hash
// functions fixed, the sets random: the randomness the theory speaks of).
moments estimate_moments(neardup::minhasher const& mh, double j, std::size_t size, int trials, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  // common + 2 only = size, common / size = j
  auto const common = static_cast<std::size_t>(std::lround(j * static_cast<double>(size)));
  std::size_t const only = (size - common) / 2;
  double const actual = static_cast<double>(common) / static_cast<double>(common + 2 * only);
  std::vector<double> estimates;
  for (int t = 0; t < trials; ++t) {
    auto [a, b] = set_pair(rng, common, only);
    estimates.push_back(neardup::estimate_jaccard(mh.sign(a), mh.sign(b)) - actual + j);
  }
  moments m;
  for (double e : estimates) m.mean += e;
  m.mean /= trials;
  for (double e : estimates) m.variance += (e - m.mean) * (e - m.mean);
  m.variance /= trials - 1;
  return m;
}

}  // namespace

TEST_CASE("minhash estimates are unbiased with variance near J(1-J)/k", "[minhash]") {
  for (auto scheme : {neardup::minhash_scheme::classic, neardup::minhash_scheme::one_permutation}) {
    neardup::minhash_options o;
    o.scheme = scheme;
    o.num_perm = 128;
    neardup::minhasher const mh(o);
    int const trials = 300;
    for (double j : {0.1, 0.3, 0.5, 0.7, 0.9}) {
      INFO("scheme " << (scheme == neardup::minhash_scheme::classic ? "classic" : "oph") << ", J = " << j);
      // Sets of 1000 shingles: every one of the 128 bins gets about 8, no densification needed.
      auto const m = estimate_moments(mh, j, 1000, trials, 7 + static_cast<std::uint64_t>(j * 100));
      double const theory = j * (1 - j) / 128;
      // Unbiased: the mean within 4 standard errors of J.
      CHECK(std::abs(m.mean - j) < 4 * std::sqrt(theory / trials));
      // Variance: the sample variance of 300 draws is within ±25% of the truth with
      // overwhelming probability (its relative standard error is sqrt(2/299) ≈ 8%). One-permutation
      // hashing samples without replacement, so its variance is at most the classic one.
      CHECK(m.variance < 1.25 * theory);
      if (scheme == neardup::minhash_scheme::classic) CHECK(m.variance > 0.75 * theory);
    }
  }
}

TEST_CASE("one-permutation hashing stays unbiased on small sets that need densification", "[minhash]") {
  neardup::minhasher const mh;  // k = 128, one-permutation
  for (double j : {0.2, 0.5, 0.8}) {
    INFO("J = " << j);
    // 60 shingles in 128 bins: more than half the bins empty, filled by densification.
    auto const m = estimate_moments(mh, j, 60, 400, 99);
    double const theory = j * (1 - j) / 128;
    CHECK(std::abs(m.mean - j) < 4 * std::sqrt(m.variance / 400));
    // Densification makes estimates correlated: variance above J(1-J)/k, but bounded (the
    // analysis of Shrivastava 2017 bounds it well below J(1-J)/(number of shingles)).
    CHECK(m.variance < j * (1 - j) / 60 * 1.25);
    CHECK(m.variance > 0.75 * theory);
  }
}

TEST_CASE("signatures do not depend on order or duplicates of shingles", "[minhash]") {
  for (auto scheme : {neardup::minhash_scheme::classic, neardup::minhash_scheme::one_permutation}) {
    neardup::minhasher const mh({64, scheme, 5});
    std::mt19937_64 rng(3);
    std::vector<std::uint64_t> s(500);
    for (auto& x : s) x = rng();
    auto const sig = mh.sign(s);
    auto shuffled = s;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    shuffled.insert(shuffled.end(), s.begin(), s.begin() + 100);
    CHECK(mh.sign(shuffled) == sig);
    CHECK(sig.size() == 64);
    for (auto v : sig) CHECK(v != neardup::empty_slot);
    // Another seed, other hash functions.
    CHECK(neardup::minhasher({64, scheme, 6}).sign(s) != sig);
  }
}

TEST_CASE("the empty set's signature is all empty slots, one shingle fills every slot", "[minhash]") {
  for (auto scheme : {neardup::minhash_scheme::classic, neardup::minhash_scheme::one_permutation}) {
    neardup::minhasher const mh({32, scheme, 1});
    for (auto v : mh.sign(std::vector<std::uint64_t>{})) CHECK(v == neardup::empty_slot);
    auto const one = mh.sign(std::vector<std::uint64_t>{42});
    for (auto v : one) CHECK(v != neardup::empty_slot);
    if (scheme == neardup::minhash_scheme::one_permutation) {
      // Every bin borrowed the one value.
      for (auto v : one) CHECK(v == one[0]);
    }
  }
  CHECK(neardup::estimate_jaccard(std::vector<std::uint32_t>{}, std::vector<std::uint32_t>{}) == 0.0);
}

TEST_CASE("golden signatures: a change to them must be deliberate", "[minhash]") {
  // Pinned from the implementation: if these change, every stored signature changes meaning.
  std::vector<std::uint64_t> const shingles = {1, 2, 3, 0xdeadbeef, 0x0123456789abcdefull};
  auto const oph = neardup::minhasher({8, neardup::minhash_scheme::one_permutation, 1}).sign(shingles);
  auto const classic = neardup::minhasher({8, neardup::minhash_scheme::classic, 1}).sign(shingles);
  CHECK(oph == std::vector<std::uint32_t>{1241933433, 3016312507, 4286659015, 3016312507, 3016312507, 2977602302,
                                          3856503527, 3856503527});
  CHECK(classic == std::vector<std::uint32_t>{584313034, 54382991, 380522061, 804014560, 27030852, 2421889842,
                                              1026038787, 594984601});
}

TEST_CASE("truncated (16-bit) signatures estimate as the full ones do, unbiased", "[minhash]") {
  neardup::minhasher const mh;
  std::mt19937_64 rng(99);
  for (double j : {0.0, 0.2, 0.5, 0.8}) {
    INFO("J = " << j);
    auto const common = static_cast<std::size_t>(std::lround(j * 1000));
    std::size_t const only = (1000 - common) / 2;
    double const actual = static_cast<double>(common) / static_cast<double>(common + 2 * only);
    double sum = 0;
    int differ = 0;
    int const trials = 300;
    for (int t = 0; t < trials; ++t) {
      auto [a, b] = set_pair(rng, common, only);
      auto const sa = mh.sign(a), sb = mh.sign(b);
      std::vector<std::uint16_t> ta(sa.size()), tb(sb.size());
      neardup::truncate_signature(sa, ta);
      neardup::truncate_signature(sb, tb);
      double const truncated = neardup::estimate_jaccard_truncated(ta, tb);
      sum += truncated;
      // Only a chance 16-bit collision (2^-16 a slot) makes the two differ by more than the correction.
      if (std::abs(truncated - neardup::estimate_jaccard(sa, sb)) > 1e-4) ++differ;
    }
    CHECK(differ <= 3);
    double const se = std::sqrt(std::max(actual * (1 - actual), 1e-3) / 128 / trials) * 1.2;
    CHECK(std::abs(sum / trials - actual) < 4 * se);
  }
  CHECK(neardup::estimate_jaccard_truncated({}, {}) == 0.0);
  std::vector<std::uint16_t> const same(128, 7);
  CHECK(neardup::estimate_jaccard_truncated(same, same) == 1.0);
}

TEST_CASE("estimate_jaccard_truncated counts equal slots exactly, at any length", "[minhash]") {
  // The vector paths take 32 (AVX-512) or 16 (AVX2) slots at a time: lengths around multiples of
  // 16, slots equal at random places (a few values, so that many are). Every target this CPU runs.
  using neardup::detail::block_target;
  block_target const initial = neardup::detail::allowed_block_target();
  std::mt19937 rng(3);
  for (auto const target : {block_target::scalar, block_target::avx2, block_target::avx512}) {
    if (!neardup::detail::set_block_target(target)) continue;
    for (std::size_t n : {1u, 15u, 16u, 17u, 31u, 32u, 33u, 64u, 100u, 128u, 129u, 256u}) {
      for (int round = 0; round < 50; ++round) {
        std::vector<std::uint16_t> a(n), b(n);
        std::size_t equal = 0;
        for (std::size_t i = 0; i < n; ++i) {
          a[i] = static_cast<std::uint16_t>(rng() % 3);
          b[i] = static_cast<std::uint16_t>(rng() % 3);
          equal += a[i] == b[i] ? 1 : 0;
        }
        double const fraction = static_cast<double>(equal) / static_cast<double>(n);
        constexpr double chance = 1.0 / 65536.0;
        double const expected = std::clamp((fraction - chance) / (1.0 - chance), 0.0, 1.0);
        INFO("target " << neardup::detail::block_target_name(target) << ", n " << n << ", equal "
                       << equal);
        REQUIRE(neardup::estimate_jaccard_truncated(a, b) == expected);
      }
    }
  }
  (void)neardup::detail::set_block_target(initial);
}

TEST_CASE("sign_uniform: one-permutation hashing of ready-made hashes is unbiased too", "[minhash]") {
  // The values are what XXH3 gives shingles: uniform. (mt19937_64 output stands in for them.)
  neardup::minhasher const mh;
  for (double j : {0.2, 0.5, 0.8}) {
    INFO("J = " << j);
    std::mt19937_64 rng(31 + static_cast<std::uint64_t>(j * 10));
    int const trials = 300;
    double sum = 0, sum_sq = 0;
    for (int t = 0; t < trials; ++t) {
      auto [a, b] = set_pair(rng, static_cast<std::size_t>(std::lround(j * 1000)),
                             (1000 - static_cast<std::size_t>(std::lround(j * 1000))) / 2);
      std::vector<std::uint32_t> sa(128), sb(128);
      mh.sign_uniform(a, sa);
      mh.sign_uniform(b, sb);
      double const e = neardup::estimate_jaccard(sa, sb);
      sum += e;
      sum_sq += e * e;
    }
    double const mean = sum / trials;
    double const variance = (sum_sq - trials * mean * mean) / (trials - 1);
    double const theory = j * (1 - j) / 128;
    CHECK(std::abs(mean - j) < 4 * std::sqrt(theory / trials) + 0.002);  // J rounded to 1/1000 sets
    CHECK(variance < 1.25 * theory);
  }
  // Classic MinHash mixes whatever it gets: sign_uniform is sign.
  neardup::minhasher const classic({64, neardup::minhash_scheme::classic, 1});
  std::vector<std::uint64_t> const values = {1, 2, 3, 42};
  std::vector<std::uint32_t> u(64);
  classic.sign_uniform(values, u);
  CHECK(u == classic.sign(values));
}

TEST_CASE("bad minhash options are rejected", "[minhash]") {
  CHECK_THROWS_AS(neardup::minhasher({0, neardup::minhash_scheme::classic, 1}), neardup::error);
  CHECK_THROWS_AS(neardup::minhasher({9000, neardup::minhash_scheme::one_permutation, 1}), neardup::error);
}

TEST_CASE("minhasher::sign and sign_uniform refuse a buffer that is not num_perm values",
          "[minhash]") {
  std::vector<std::uint64_t> const shingles = {1, 2, 3, 0xdeadbeef};
  for (auto const scheme :
       {neardup::minhash_scheme::classic, neardup::minhash_scheme::one_permutation}) {
    INFO(neardup::minhash_scheme_name(scheme));
    neardup::minhasher const mh({16, scheme, 1});
    for (std::size_t const size : {0u, 8u, 15u, 17u, 32u}) {
      INFO("buffer of " << size);
      std::vector<std::uint32_t> buffer(size + 8,
                                        7u);  // 8 values past the span watch for an overrun
      std::span<std::uint32_t> const out(buffer.data(), size);
      CHECK_THROWS_MATCHES(mh.sign(shingles, out), neardup::error,
                           has_code(neardup::errc::invalid_argument));
      CHECK_THROWS_MATCHES(mh.sign_uniform(shingles, out), neardup::error,
                           has_code(neardup::errc::invalid_argument));
      CHECK(std::all_of(buffer.begin(), buffer.end(), [](std::uint32_t v) { return v == 7u; }));
    }
    std::vector<std::uint32_t> right(16);
    mh.sign(shingles, right);
    CHECK(right == mh.sign(shingles));
  }
}

TEST_CASE("MinHash scheme names round-trip, an unknown name is invalid_argument", "[minhash]") {
  for (auto const scheme :
       {neardup::minhash_scheme::classic, neardup::minhash_scheme::one_permutation})
    CHECK(neardup::minhash_scheme_from_name(neardup::minhash_scheme_name(scheme)) == scheme);
  CHECK(neardup::minhash_scheme_name(neardup::minhash_scheme::classic) == "classic");
  CHECK(neardup::minhash_scheme_name(neardup::minhash_scheme::one_permutation) == "oph");
  for (std::string_view const bad : {"", "OPH", "one-permutation", "classic "})
    CHECK_THROWS_MATCHES(neardup::minhash_scheme_from_name(bad), neardup::error,
                         has_code(neardup::errc::invalid_argument));
}
