#include "neardup/cluster.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "common/enum_names.hpp"
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

std::string_view member_relation_name(member_relation relation) noexcept {
  return relation == member_relation::templated ? "template" : "duplicate";
}

std::string_view linkage_name(linkage_mode mode) noexcept {
  return mode == linkage_mode::star ? "star" : "single";
}

linkage_mode linkage_from_name(std::string_view name) {
  return detail::enum_from_name(name, {linkage_mode::single, linkage_mode::star}, linkage_name,
                                "linkage");
}

namespace detail {
namespace {

/// One verified pair seen from one of its documents.
struct link {
  std::uint32_t other;
  std::uint32_t pair;  // index into the merged pair list
};

/// The verified pairs of every document, both ways, in (document, pair order).
struct adjacency {
  std::vector<std::uint32_t> begin;  // by document, size documents + 1
  std::vector<link> links;

  adjacency(std::size_t documents, std::span<const scored_pair> pairs) : begin(documents + 1, 0) {
    for (auto const& p : pairs) {
      if (p.a >= documents || p.b >= documents)
        throw error(errc::invalid_argument,
                    "assemble_clusters: pair names a document out of range");
      ++begin[p.a + 1];
      ++begin[p.b + 1];
    }
    for (std::size_t d = 0; d < documents; ++d) begin[d + 1] += begin[d];
    links.resize(begin[documents]);
    std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
    for (std::uint32_t i = 0; i < pairs.size(); ++i) {
      links[next[pairs[i].a]++] = {pairs[i].b, i};
      links[next[pairs[i].b]++] = {pairs[i].a, i};
    }
  }
  [[nodiscard]] std::span<const link> of(std::uint32_t doc) const {
    return {links.data() + begin[doc], links.data() + begin[doc + 1]};
  }
};

/// A member before its similarities are filled in: the pair that linked it.
struct placed_member {
  std::uint32_t doc;
  std::uint32_t linked_to;
  std::uint32_t pair;  // UINT32_MAX for the representative
  member_relation relation;
};

/// The members after the representative in document order.
void sort_after_first(std::vector<placed_member>& group) {
  std::sort(group.begin() + 1, group.end(),
            [](placed_member const& x, placed_member const& y) { return x.doc < y.doc; });
}

/// Single linkage: each component's spanning tree grown from its smallest document (Prim), taking
/// near-duplicate pairs before templated ones, then the highest similarity, then the smallest
/// documents. `templated_from` is the first templated pair's index in `pairs`.
std::vector<std::vector<placed_member>> spanning_trees(std::size_t documents,
                                                       std::span<const scored_pair> pairs,
                                                       std::size_t templated_from) {
  adjacency const adj(documents, pairs);
  std::vector<std::uint8_t> placed(documents, 0);
  struct candidate {
    bool templated;
    double similarity;
    std::uint32_t doc, from, pair;
  };
  // std::priority_queue keeps the greatest on top: "greater" here is "to be taken later".
  auto later = [](candidate const& x, candidate const& y) {
    if (x.templated != y.templated) return x.templated;
    if (x.similarity != y.similarity) return x.similarity < y.similarity;
    if (x.doc != y.doc) return x.doc > y.doc;
    return x.from > y.from;
  };
  std::vector<candidate> heap;
  std::vector<std::vector<placed_member>> trees;
  std::vector<member_relation> relation_of(documents, member_relation::duplicate);
  for (std::uint32_t root = 0; root < documents; ++root) {
    if (placed[root] || adj.of(root).empty()) continue;
    std::vector<placed_member> tree{{root, root, UINT32_MAX, member_relation::duplicate}};
    placed[root] = 1;
    auto push_links = [&](std::uint32_t from) {
      for (auto const& l : adj.of(from)) {
        if (placed[l.other]) continue;
        heap.push_back({l.pair >= templated_from, pairs[l.pair].similarity, l.other, from, l.pair});
        std::push_heap(heap.begin(), heap.end(), later);
      }
    };
    push_links(root);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      candidate const c = heap.back();
      heap.pop_back();
      if (placed[c.doc]) continue;
      placed[c.doc] = 1;
      member_relation const r = c.templated || relation_of[c.from] == member_relation::templated
                                    ? member_relation::templated
                                    : member_relation::duplicate;
      relation_of[c.doc] = r;
      tree.push_back({c.doc, c.from, c.pair, r});
      push_links(c.doc);
    }
    sort_after_first(tree);
    trees.push_back(std::move(tree));
  }
  return trees;
}

/// Star linkage: the earliest document not yet placed takes every document not yet placed that it
/// was verified with.
std::vector<std::vector<placed_member>> stars(std::size_t documents,
                                              std::span<const scored_pair> pairs,
                                              std::size_t templated_from) {
  adjacency const adj(documents, pairs);
  std::vector<std::uint8_t> placed(documents, 0);
  std::vector<std::vector<placed_member>> out;
  for (std::uint32_t rep = 0; rep < documents; ++rep) {
    if (placed[rep]) continue;
    std::vector<placed_member> star{{rep, rep, UINT32_MAX, member_relation::duplicate}};
    for (auto const& l : adj.of(rep)) {
      if (placed[l.other] || l.other < rep) continue;
      star.push_back(
          {l.other, rep, l.pair,
           l.pair >= templated_from ? member_relation::templated : member_relation::duplicate});
    }
    if (star.size() < 2) continue;
    sort_after_first(star);
    for (auto const& m : star) placed[m.doc] = 1;
    out.push_back(std::move(star));
  }
  return out;
}

}  // namespace

std::vector<cluster> assemble_clusters(std::size_t documents, std::span<const scored_pair> verified,
                                       std::span<const scored_pair> templated, linkage_mode mode,
                                       pair_scorer const& score, bool estimated) {
  std::vector<scored_pair> pairs(verified.begin(), verified.end());
  pairs.insert(pairs.end(), templated.begin(), templated.end());
  auto const groups = mode == linkage_mode::star
                          ? stars(documents, pairs, verified.size())
                          : spanning_trees(documents, pairs, verified.size());
  auto measured = [&](std::uint32_t a, std::uint32_t b) -> scored_pair const* {
    if (b < a) std::swap(a, b);
    auto const it = std::lower_bound(verified.begin(), verified.end(), std::pair{a, b},
                                     [](scored_pair const& p, auto const& key) {
                                       return std::pair{p.a, p.b} < key;
                                     });
    return it != verified.end() && it->a == a && it->b == b ? &*it : nullptr;
  };
  // The pairs with no measured similarity, scored all in one batch: each member's pair with the
  // representative, then its link when that is another member or a templated pair.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> to_score;
  auto need = [&](std::uint32_t a, std::uint32_t b) {
    if (!measured(a, b)) to_score.emplace_back(std::min(a, b), std::max(a, b));
  };
  for (auto const& group : groups)
    for (std::size_t m = 1; m < group.size(); ++m) {
      need(group.front().doc, group[m].doc);
      if (group[m].linked_to != group.front().doc) need(group[m].linked_to, group[m].doc);
    }
  std::vector<double> const scores = score(to_score);
  std::size_t next = 0;
  auto similarity = [&](std::uint32_t a, std::uint32_t b, double& value, bool& is_estimate) {
    if (scored_pair const* known = measured(a, b)) {
      value = known->similarity;
      is_estimate = known->estimated;
    } else {
      value = scores[next++];
      is_estimate = estimated;
    }
  };
  std::vector<cluster> clusters;
  clusters.reserve(groups.size());
  for (auto const& group : groups) {
    cluster c;
    c.members.reserve(group.size());
    std::uint32_t const rep = group.front().doc;
    c.members.push_back({rep, 1.0, false, rep, 1.0, false, member_relation::duplicate});
    for (std::size_t m = 1; m < group.size(); ++m) {
      cluster_member member;
      member.doc = group[m].doc;
      member.linked_to = group[m].linked_to;
      member.relation = group[m].relation;
      similarity(rep, member.doc, member.similarity, member.estimated);
      if (member.linked_to == rep) {
        member.link_similarity = member.similarity;
        member.link_estimated = member.estimated;
      } else {
        similarity(member.linked_to, member.doc, member.link_similarity, member.link_estimated);
      }
      c.members.push_back(member);
    }
    clusters.push_back(std::move(c));
  }
  return clusters;
}

}  // namespace detail

}  // namespace neardup
