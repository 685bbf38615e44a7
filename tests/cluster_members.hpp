// The clusters of a run as plain data, for tests that compare two runs' clusters.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "neardup/deduplicator.hpp"

namespace neardup_test {

/// Each cluster's members, in order, with how each joined (duplicate or template).
inline std::vector<std::vector<std::pair<std::uint32_t, neardup::member_relation>>>
members_with_relation(neardup::dedup_result const& r) {
  std::vector<std::vector<std::pair<std::uint32_t, neardup::member_relation>>> out;
  for (auto const& c : r.clusters) {
    out.emplace_back();
    for (auto const& m : c.members) out.back().emplace_back(m.doc, m.relation);
  }
  return out;
}

}  // namespace neardup_test
