#include "neardup/cluster.hpp"

#include <algorithm>
#include <numeric>

#include "match/cluster_assembly.hpp"
#include "neardup/error.hpp"

namespace neardup {

union_find::union_find(std::size_t n) : parent_(n) {
  std::iota(parent_.begin(), parent_.end(), std::uint32_t{0});
}

std::uint32_t union_find::find(std::uint32_t x) noexcept {
  std::uint32_t root = x;
  while (parent_[root] != root) root = parent_[root];
  while (parent_[x] != root) {  // path compression keeps later finds near O(1)
    std::uint32_t const next = parent_[x];
    parent_[x] = root;
    x = next;
  }
  return root;
}

bool union_find::unite(std::uint32_t a, std::uint32_t b) noexcept {
  std::uint32_t ra = find(a);
  std::uint32_t rb = find(b);
  if (ra == rb) return false;
  if (rb < ra) std::swap(ra, rb);
  parent_[rb] = ra;  // the smaller index stays root: the representative is the earliest document
  return true;
}

std::vector<std::vector<std::uint32_t>> connected_groups(std::size_t num_docs,
                                                         std::span<const scored_pair> pairs) {
  union_find sets(num_docs);
  std::vector<std::uint32_t> touched;
  for (auto const& p : pairs) {
    if (p.a >= num_docs || p.b >= num_docs)
      throw error(errc::invalid_argument, "connected_groups: pair names a document out of range");
    sets.unite(p.a, p.b);
    touched.push_back(p.a);
    touched.push_back(p.b);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());

  // Documents are visited in order, so each group is sorted and groups come out by first document.
  std::vector<std::vector<std::uint32_t>> groups;
  std::vector<std::uint32_t> group_of_root(num_docs, UINT32_MAX);
  for (std::uint32_t doc : touched) {
    std::uint32_t const root = sets.find(doc);
    if (group_of_root[root] == UINT32_MAX) {
      group_of_root[root] = static_cast<std::uint32_t>(groups.size());
      groups.emplace_back();
    }
    groups[group_of_root[root]].push_back(doc);
  }
  return groups;
}

namespace detail {

std::vector<cluster> assemble_clusters(std::size_t documents, std::span<const scored_pair> verified,
                                       pair_scorer const& score, bool estimated) {
  auto const groups = connected_groups(documents, verified);
  auto measured = [&](std::uint32_t a, std::uint32_t b) -> scored_pair const* {
    auto const it = std::lower_bound(verified.begin(), verified.end(), std::pair{a, b},
                                     [](scored_pair const& p, auto const& key) {
                                       return std::pair{p.a, p.b} < key;
                                     });
    return it != verified.end() && it->a == a && it->b == b ? &*it : nullptr;
  };
  // The members not verified with their representative, scored all in one batch.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> to_first;
  for (auto const& group : groups)
    for (std::size_t m = 1; m < group.size(); ++m)
      if (!measured(group.front(), group[m])) to_first.emplace_back(group.front(), group[m]);
  std::vector<double> const first_scores = score(to_first);
  std::size_t next = 0;
  std::vector<cluster> clusters;
  clusters.reserve(groups.size());
  for (auto const& group : groups) {
    cluster c;
    c.members.reserve(group.size());
    c.members.push_back({group.front(), 1.0, false});
    for (std::size_t m = 1; m < group.size(); ++m) {
      scored_pair const* known = measured(group.front(), group[m]);
      if (known) {
        c.members.push_back({group[m], known->similarity, known->estimated});
      } else {
        c.members.push_back({group[m], first_scores[next++], estimated});
      }
    }
    clusters.push_back(std::move(c));
  }
  return clusters;
}

}  // namespace detail

}  // namespace neardup
