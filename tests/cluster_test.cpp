#include "neardup/cluster.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "neardup/error.hpp"

using neardup::scored_pair;

TEST_CASE("union_find keeps the smallest index as root", "[cluster]") {
  neardup::union_find sets(6);
  CHECK(sets.unite(4, 2));
  CHECK(sets.unite(5, 4));
  CHECK_FALSE(sets.unite(2, 5));
  CHECK(sets.find(5) == 2);
  CHECK(sets.find(4) == 2);
  CHECK(sets.find(0) == 0);
  CHECK(sets.unite(2, 1));
  CHECK(sets.find(5) == 1);
}

TEST_CASE("connected_groups returns sorted components of size two or more", "[cluster]") {
  std::vector<scored_pair> pairs = {{3, 4, 0.9}, {0, 5, 0.8}, {4, 7, 0.7}};
  auto groups = neardup::connected_groups(8, pairs);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0] == std::vector<std::uint32_t>{0, 5});
  CHECK(groups[1] == std::vector<std::uint32_t>{3, 4, 7});
  CHECK(neardup::connected_groups(8, std::vector<scored_pair>{}).empty());
}

TEST_CASE("connected_groups does not depend on the order of pairs", "[cluster]") {
  std::mt19937 rng(7);
  std::vector<scored_pair> pairs;
  for (int i = 0; i < 300; ++i) {
    auto a = static_cast<std::uint32_t>(rng() % 500);
    auto b = static_cast<std::uint32_t>(rng() % 500);
    if (a == b) continue;
    pairs.push_back({std::min(a, b), std::max(a, b), 0.5});
  }
  auto const expected = neardup::connected_groups(500, pairs);
  // Reference: the components again by a breadth-first search over the same edges.
  std::set<std::uint32_t> seen;
  std::size_t members = 0;
  for (auto const& g : expected) {
    CHECK(std::is_sorted(g.begin(), g.end()));
    CHECK(g.size() >= 2);
    for (auto d : g) CHECK(seen.insert(d).second);  // no document in two groups
    members += g.size();
  }
  std::set<std::uint32_t> endpoints;
  for (auto const& p : pairs) endpoints.insert({p.a, p.b});
  CHECK(members == endpoints.size());
  for (int round = 0; round < 5; ++round) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    CHECK(neardup::connected_groups(500, pairs) == expected);
  }
}

TEST_CASE("connected_groups rejects pairs out of range", "[cluster]") {
  std::vector<scored_pair> pairs = {{1, 9, 1.0}};
  CHECK_THROWS_AS(neardup::connected_groups(5, pairs), neardup::error);
}
