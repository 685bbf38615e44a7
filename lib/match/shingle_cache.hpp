// detail: what exact verification keeps between pairs — shingle sets as sorted 32-bit hashes in a
// cache with a byte budget, and the Jaccard of two such sets that stops once the threshold is out
// of reach.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <list>
#include <span>
#include <unordered_map>
#include <vector>

namespace neardup::detail {

/// A shingle set for verification: the top 32 bits of each sorted 64-bit shingle hash, sorted and
/// unique. Taking the top bits keeps the order, so no second sort is needed; two distinct
/// shingles of a pair collide with a chance of about |A|·|B| / 2^32 (2e-4 for two 1,000-shingle
/// essays), which moves their Jaccard by one shingle in |A ∪ B|.
void compact_shingle_set(std::span<const std::uint64_t> sorted, std::vector<std::uint32_t>& out);

/// Keeps the sets (sorted values of type T) of recently used documents within `budget_bytes` (set
/// sizes at sizeof(T) a value plus entry_overhead each), dropping the least recently used first.
/// Not thread-safe: one thread looks up and inserts, others only read the sets found between
/// those calls. Which sets it keeps depends only on the order of calls.
template <class T>
class set_cache {
 public:
  static constexpr std::size_t entry_overhead = 96;  // map nodes and the vector itself, roughly

  explicit set_cache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  /// The set of `doc`, marked as just used, or null when it is not kept. The pointer stays valid
  /// until the next insert().
  [[nodiscard]] std::vector<T> const* find(std::uint32_t doc) {
    auto const it = sets_.find(doc);
    if (it == sets_.end()) return nullptr;
    by_use_.splice(by_use_.end(), by_use_, it->second.used);  // now the most recently used
    return &it->second.set;
  }
  /// Keeps `set` for `doc` (replacing what it had), dropping the least recently used sets until
  /// the budget holds; a set larger than the whole budget is not kept.
  void insert(std::uint32_t doc, std::vector<T>&& set) {
    if (auto const it = sets_.find(doc); it != sets_.end()) erase(it);
    std::size_t const need = cost(set.size());
    if (need > budget_) return;
    while (bytes_ + need > budget_) erase(sets_.find(by_use_.front()));
    set.shrink_to_fit();  // the budget counts values held, so hold no more than those
    entry& e = sets_[doc];
    e.set = std::move(set);
    e.used = by_use_.insert(by_use_.end(), doc);
    bytes_ += need;
    peak_ = std::max(peak_, bytes_);
  }

  [[nodiscard]] static std::size_t cost(std::size_t values) noexcept {
    return values * sizeof(T) + entry_overhead;
  }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t budget() const noexcept { return budget_; }
  [[nodiscard]] std::size_t size() const noexcept { return sets_.size(); }
  [[nodiscard]] std::size_t peak_bytes() const noexcept { return peak_; }

 private:
  struct entry {
    std::vector<T> set;
    std::list<std::uint32_t>::iterator used;  // its place in by_use_
  };
  void erase(typename std::unordered_map<std::uint32_t, entry>::iterator it) {
    bytes_ -= cost(it->second.set.size());
    by_use_.erase(it->second.used);
    sets_.erase(it);
  }

  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::size_t peak_ = 0;
  std::unordered_map<std::uint32_t, entry> sets_;
  std::list<std::uint32_t> by_use_;  // documents, least recently used first
};

/// Shingle sets of exact verification (compact_shingle_set).
using shingle_cache = set_cache<std::uint32_t>;
/// Sentence sets of templated pairs (document_signer::sentence_set).
using sentence_cache = set_cache<std::uint64_t>;

/// The fewest shared hashes with which sets of sizes na and nb reach Jaccard `threshold`, as
/// jaccard_from_counts computes it (na + nb + 1 when no count does).
[[nodiscard]] std::size_t shared_needed(std::size_t na, std::size_t nb, double threshold) noexcept;

/// |A ∩ B| / |A ∪ B| from the sizes and the shared count (0 when both are empty), the formula of
/// neardup::exact_jaccard.
[[nodiscard]] inline double jaccard_from_counts(std::size_t na, std::size_t nb,
                                                std::size_t shared) noexcept {
  if (na == 0 && nb == 0) return 0.0;
  return static_cast<double>(shared) / static_cast<double>(na + nb - shared);
}

/// Exact Jaccard of two sorted, unique sets when it is at least `reject_below`; otherwise some value
/// below reject_below (an upper bound of the Jaccard), found without finishing the intersection:
/// the size bound min/max, then a running count that can no longer reach shared_needed().
/// reject_below <= 0 always gives the exact value.
[[nodiscard]] double bounded_jaccard(std::span<const std::uint32_t> a,
                                     std::span<const std::uint32_t> b,
                                     double reject_below) noexcept;

/// |A ∩ B| of two sorted, unique sets (branch-free merge).
[[nodiscard]] std::size_t intersection_size(std::span<const std::uint32_t> a,
                                            std::span<const std::uint32_t> b) noexcept;

}  // namespace neardup::detail
