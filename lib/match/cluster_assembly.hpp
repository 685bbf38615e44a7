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

/// The clusters of connected_groups(documents, verified), ordered by their first document. A
/// member's similarity to the representative (members[0]) is the verified pair's when the two were
/// one (`verified` sorted by (a, b)); the other members' are scored by `score`, called once with
/// all those (representative, member) pairs in cluster order, and marked `estimated`.
[[nodiscard]] std::vector<cluster> assemble_clusters(std::size_t documents,
                                                     std::span<const scored_pair> verified,
                                                     pair_scorer const& score, bool estimated);

}  // namespace neardup::detail
