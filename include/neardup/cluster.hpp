// cluster — verified pairs in, groups of near-duplicate documents out (union-find).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
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

/// How a member came into its cluster.
enum class member_relation : std::uint8_t {
  duplicate,  ///< the representative itself, or joined to it through near-duplicate pairs only
  /// joined through a templated pair somewhere on its path: it shares half or more of its
  /// sentences with another member, blanks filled differently (dedup_options::templates)
  templated,
};

/// "duplicate" or "template": the names the reports write.
[[nodiscard]] std::string_view member_relation_name(member_relation relation) noexcept;

/// How clusters are formed from the verified pairs (dedup_options::linkage).
enum class linkage_mode : std::uint8_t {
  /// Connected components: a document joins when any member verified with it, so members can be
  /// below the threshold to the representative (a chain a–b–c with a, c at 0.39 at threshold 0.5).
  single,
  /// Every member is verified at the threshold (or as templated) with the representative: the
  /// earliest document not yet placed takes every not yet placed document it was verified with,
  /// in document order. A document can so stay out although it was verified with a member.
  star,
};

/// "single" or "star".
[[nodiscard]] std::string_view linkage_name(linkage_mode mode) noexcept;
/// The linkage of a linkage_name(); throws neardup::error(errc::invalid_argument) for any other.
[[nodiscard]] linkage_mode linkage_from_name(std::string_view name);

/// One document of a cluster: its similarity to the cluster's representative, and the verified
/// pair that brought it in (single linkage forms a spanning tree of the cluster's verified pairs:
/// near-duplicate pairs before templated ones, the most similar first; with star linkage every
/// member is linked to the representative).
struct cluster_member {
  std::uint32_t doc = 0;
  double similarity = 1.0;  ///< to members[0]; 1.0 for the representative itself
  bool estimated = false;   ///< similarity is the MinHash estimate (verify_mode::estimate or hybrid)
  std::uint32_t linked_to =
      0;  ///< the member (document) it was verified with; itself for the representative
  double link_similarity =
      1.0;  ///< the Jaccard similarity of that pair (1.0 for the representative)
  bool link_estimated = false;  ///< link_similarity is the MinHash estimate
  member_relation relation = member_relation::duplicate;

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
