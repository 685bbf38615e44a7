// detail: verified pairs to the deduplicator's clusters, each member with its similarity to the
// cluster's representative.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "match/verify_policy.hpp"
#include "neardup/cluster.hpp"
#include "neardup/verify.hpp"

namespace neardup::detail {

/// The clusters of the verified pairs, ordered by their first document, formed as `mode` says
/// (neardup::linkage). `verified` holds the near-duplicate pairs and `templated` the templated
/// ones (similarity: the share of sentences in common, which only orders them), both sorted by
/// (a, b) and disjoint. A member's similarity to the representative (members[0]) and to the member
/// that linked it are the verified pair's when there is one; the others (templated pairs, members
/// not verified with the representative) are scored by `score`, called once with all those pairs
/// in cluster order, and marked `estimated`. Single linkage links members by a spanning tree grown
/// from the representative, taking near-duplicate pairs before templated ones and then the most
/// similar pair first (ties by document): a member is a duplicate when its path to the
/// representative has near-duplicate pairs only. Deterministic for any thread count.
[[nodiscard]] std::vector<cluster> assemble_clusters(std::size_t documents,
                                                     std::span<const scored_pair> verified,
                                                     std::span<const scored_pair> templated,
                                                     linkage_mode mode, pair_scorer const& score,
                                                     bool estimated);

}  // namespace neardup::detail
