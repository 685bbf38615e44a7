// cluster — verified pairs in, groups of near-duplicate documents out (union-find).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "neardup/verify.hpp"

namespace neardup {

/// Disjoint sets over document indices [0, n). The root of a set is always its smallest index, so
/// the result never depends on the order in which pairs were united.
class union_find {
 public:
  explicit union_find(std::size_t n);
  /// The smallest index of x's set.
  [[nodiscard]] std::uint32_t find(std::uint32_t x) noexcept;
  /// Joins the sets of a and b; false when they were already one.
  bool unite(std::uint32_t a, std::uint32_t b) noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return parent_.size(); }

 private:
  std::vector<std::uint32_t> parent_;  // invariant: parent_[x] <= x
};

/// One document of a cluster and its similarity to the cluster's representative.
struct cluster_member {
  std::uint32_t doc = 0;
  double similarity = 1.0;  ///< to members[0]; 1.0 for the representative itself
  bool estimated = false;   ///< similarity is the MinHash estimate (verify_mode::estimate or hybrid)

  friend bool operator==(cluster_member const&, cluster_member const&) = default;
};

/// Near-duplicate documents. members[0] is the representative (the earliest document); the rest
/// follow in document order.
struct cluster {
  std::vector<cluster_member> members;

  friend bool operator==(cluster const&, cluster const&) = default;
};

/// The connected components of size >= 2 of the graph whose edges are `pairs`: each sorted by
/// document, the components sorted by their first document. Deterministic for any order of `pairs`.
///
///   auto groups = neardup::connected_groups(5, pairs);   // e.g. {{0, 3}, {1, 2, 4}}
[[nodiscard]] std::vector<std::vector<std::uint32_t>> connected_groups(
    std::size_t num_docs, std::span<const scored_pair> pairs);

}  // namespace neardup
