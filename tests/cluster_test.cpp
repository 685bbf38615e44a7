#include "neardup/cluster.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>

#include "match/cluster_assembly.hpp"
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

namespace {

using neardup::linkage_mode;
using neardup::member_relation;

/// assemble_clusters with every unmeasured pair scored by `truth` (a < b), and those scores marked
/// as estimates.
std::vector<neardup::cluster> assemble(
    std::size_t documents, std::vector<scored_pair> const& verified,
    std::vector<scored_pair> const& templated, linkage_mode mode,
    std::map<std::pair<std::uint32_t, std::uint32_t>, double> const& truth) {
  return neardup::detail::assemble_clusters(
      documents, verified, templated, mode,
      [&](neardup::detail::pair_span pairs) {
        std::vector<double> out;
        for (auto const& p : pairs) out.push_back(truth.at(p));
        return out;
      },
      true);
}

}  // namespace

TEST_CASE(
    "single linkage joins a chain and says which member linked each, star keeps only the "
    "representative's pairs",
    "[cluster]") {
  // 0–1 and 1–2 verified at 0.6; 0 and 2 are at 0.39, below the threshold.
  std::vector<scored_pair> const verified = {{0, 1, 0.6}, {1, 2, 0.6}};
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> const truth = {{{0, 2}, 0.39}};
  auto const single = assemble(3, verified, {}, linkage_mode::single, truth);
  REQUIRE(single.size() == 1);
  auto const& m = single[0].members;
  REQUIRE(m.size() == 3);
  CHECK(m[0].linked_to == 0);
  CHECK(m[1].linked_to == 0);
  CHECK(m[1].link_similarity == 0.6);
  CHECK(m[2].linked_to == 1);
  CHECK(m[2].link_similarity == 0.6);
  CHECK_FALSE(m[2].link_estimated);
  CHECK(m[2].similarity == 0.39);  // to the first member, scored apart
  CHECK(m[2].estimated);
  auto const star = assemble(3, verified, {}, linkage_mode::star, truth);
  REQUIRE(star.size() == 1);
  REQUIRE(star[0].members.size() == 2);
  CHECK(star[0].members[1].doc == 1);
  CHECK(star[0].members[1].similarity == 0.6);
}

TEST_CASE("star linkage: the earliest unplaced document takes its unplaced neighbours",
          "[cluster]") {
  std::vector<scored_pair> const verified = {
      {0, 1, 0.7}, {0, 2, 0.8}, {1, 2, 0.9}, {2, 3, 0.9}, {3, 4, 0.6}};
  auto const star = assemble(5, verified, {}, linkage_mode::star, {});
  REQUIRE(star.size() == 2);
  CHECK(star[0].members == std::vector<neardup::cluster_member>{{0, 1.0, false, 0, 1.0, false},
                                                                {1, 0.7, false, 0, 0.7, false},
                                                                {2, 0.8, false, 0, 0.8, false}});
  REQUIRE(star[1].members.size() == 2);  // 3 is the earliest left; 2 is taken
  CHECK(star[1].members[0].doc == 3);
  CHECK(star[1].members[1].doc == 4);
  CHECK(star[1].members[1].linked_to == 3);
}

TEST_CASE("single linkage takes near-duplicate pairs before templated ones, then the most similar",
          "[cluster]") {
  // 2 is a duplicate of 1 (0.9), itself a duplicate of 0; its templated pair with 0 does not make
  // it a template. 3 is only templated with 0, and 4 a duplicate of 3: both are templates.
  std::vector<scored_pair> const verified = {{0, 1, 0.6}, {0, 4, 0.1}, {1, 2, 0.9}, {3, 4, 0.8}};
  std::vector<scored_pair> const templated = {{0, 2, 0.8}, {0, 3, 0.7}};
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> const truth = {
      {{0, 2}, 0.45}, {{0, 3}, 0.35}, {{0, 4}, 0.3}};
  for (int round = 0; round < 2; ++round) {
    // The verified pairs must be sorted; an edge at 0.1 to 4 (below any threshold, so never
    // verified in practice) would still be a near-duplicate pair and link 4 directly.
    std::vector<scored_pair> v = verified;
    if (round == 1) v.erase(v.begin() + 1);
    auto const c = assemble(5, v, templated, linkage_mode::single, truth);
    REQUIRE(c.size() == 1);
    auto const& m = c[0].members;
    REQUIRE(m.size() == 5);
    CHECK(m[1].relation == member_relation::duplicate);
    CHECK(m[2].relation == member_relation::duplicate);
    CHECK(m[2].linked_to == 1);
    CHECK(m[2].similarity == 0.45);
    CHECK(m[3].relation == (round == 0 ? member_relation::duplicate : member_relation::templated));
    CHECK(m[3].linked_to == (round == 0 ? 4u : 0u));
    CHECK(m[4].relation == (round == 0 ? member_relation::duplicate : member_relation::templated));
    CHECK(m[4].linked_to == (round == 0 ? 0u : 3u));
    if (round == 1) {
      CHECK(m[3].link_similarity ==
            0.35);  // a templated link's similarity is scored: 5-gram Jaccard
      CHECK(m[3].link_estimated);
    }
  }
  auto const star = assemble(5, verified, templated, linkage_mode::star, truth);
  REQUIRE(star.size() == 1);
  REQUIRE(star[0].members.size() == 5);
  CHECK(star[0].members[2].relation == member_relation::templated);  // 2's pair with 0 is templated
  CHECK(star[0].members[2].linked_to == 0);
  CHECK(star[0].members[3].relation == member_relation::templated);
  CHECK(star[0].members[4].relation == member_relation::duplicate);
}

TEST_CASE("linkage names", "[cluster]") {
  CHECK(neardup::linkage_name(linkage_mode::star) == "star");
  CHECK(neardup::linkage_from_name("single") == linkage_mode::single);
  CHECK_THROWS_AS(neardup::linkage_from_name("complete"), neardup::error);
  CHECK(neardup::member_relation_name(member_relation::templated) == "template");
}
