#include "neardup/verify.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "error_code.hpp"
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

TEST_CASE("verify mode names round-trip; an unknown name is invalid_argument", "[verify]") {
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
