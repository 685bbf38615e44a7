// lsh — signatures in, candidate pairs out: banding into b bands of r rows, so that two documents
// of similarity s share at least one band with probability 1 - (1 - s^r)^b.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

namespace neardup {

struct lsh_params {
  unsigned bands = 0;  ///< b
  unsigned rows = 0;   ///< r; b * r <= num_perm
};

/// The (b, r) with b * r <= num_perm that minimises
/// fp_weight * ∫_0^t P(s) ds + fn_weight * ∫_t^1 (1 - P(s)) ds, P(s) = 1 - (1 - s^r)^b: the method of
/// datasketch's _optimal_param. Throws neardup::error(invalid_argument) for a threshold outside
/// (0, 1), num_perm == 0, or negative weights.
///
///   auto p = neardup::optimal_lsh_params(0.5, 128);
[[nodiscard]] lsh_params optimal_lsh_params(double threshold, unsigned num_perm,
                                            double false_positive_weight = 0.5,
                                            double false_negative_weight = 0.5);

/// 1 - (1 - s^r)^b: the probability that two documents of similarity s become candidates.
[[nodiscard]] double candidate_probability(double similarity, lsh_params params) noexcept;

/// One 64-bit key per band: XXH3 of the band's rows (their 32-bit values as they lie in memory),
/// seeded with the band's index. `signature` must have at least bands × rows values and `out`
/// exactly bands slots; other sizes are neardup::error(errc::invalid_argument).
void band_keys(std::span<const std::uint32_t> signature, lsh_params params, std::span<std::uint64_t> out);

/// One document's key in one band: the unit of the streaming candidate stage.
struct band_entry {
  std::uint64_t key;
  std::uint32_t band;
  std::uint32_t doc;
};

struct candidate_stats {
  std::size_t entries = 0;         ///< band entries read
  std::size_t buckets = 0;         ///< distinct (band, key)
  std::size_t largest_bucket = 0;
  std::size_t capped_buckets = 0;  ///< buckets larger than max_bucket
  std::size_t pairs = 0;           ///< distinct candidate pairs
  std::size_t kept = 0;            ///< of those, returned (a band_table's filter can drop some)
};

/// Sorts `entries` and returns the distinct candidate pairs (a < b), sorted. A bucket larger than
/// max_bucket is capped so the work stays near-linear when a template makes thousands of documents
/// alike: each member is paired only with the next max_bucket - 1 members of the bucket in document
/// order (a sliding window, which still connects the whole bucket). Deterministic.
[[nodiscard]] std::vector<std::pair<std::uint32_t, std::uint32_t>> candidate_pairs(
    std::vector<band_entry>& entries, std::size_t max_bucket = 256, candidate_stats* stats = nullptr);

/// The band keys of many documents: one column per band holding each document's key's upper 32
/// bits (4 bytes a band), and the documents in the order added (4 bytes each). Two documents whose
/// keys differ only in the lower 32 bits meet in a bucket by accident (about n²/2^33 pairs per band
/// for n documents); verification rejects them. Kept apart, the documents are not stored once per
/// band (at 30 bands, 124 bytes a document instead of 240). candidate_pairs() sorts each column by
/// key on several threads, one band per task (only the entries whose key may be met again: two
/// bitmaps of ~8 bits an entry rule the others out), into 4 to 8 bytes an entry while it runs, then
/// walks each document's buckets for the documents after it.
///
///   neardup::band_table table(params.bands);
///   table.add(doc, keys);                       // keys from band_keys(), in any document order
///   auto pairs = table.candidate_pairs(256, &stats, 0);
class band_table {
 public:
  /// Throws neardup::error(invalid_argument) when bands is 0.
  explicit band_table(unsigned bands);

  /// Adds one document's keys (keys.size() == bands).
  void add(std::uint32_t doc, std::span<const std::uint64_t> keys);
  /// Decides, as pairs are found, which are returned: called on every thread at once.
  using pair_filter = std::function<bool(std::uint32_t a, std::uint32_t b)>;

  /// The distinct candidate pairs (a < b), sorted, capped as the free candidate_pairs() does, and
  /// of them only those `keep` accepts when it is given (millions of pairs are then never held).
  /// More documents may be added after. The result does not depend on `threads` (0 = all).
  [[nodiscard]] std::vector<std::pair<std::uint32_t, std::uint32_t>> candidate_pairs(
      std::size_t max_bucket = 256, candidate_stats* stats = nullptr, unsigned threads = 0,
      pair_filter const& keep = {});

  /// A table of `docs` (in the order added) and one column per band of their keys' upper 32 bits,
  /// as documents() and column() give them (a table received from another process). Throws
  /// neardup::error(invalid_argument) when there is no column or a column's size is not docs'.
  band_table(std::vector<std::uint32_t> docs, std::vector<std::vector<std::uint32_t>> columns);
  [[nodiscard]] std::span<const std::uint32_t> documents() const noexcept { return docs_; }
  /// Band b's keys (upper 32 bits), as documents(); b < bands().
  [[nodiscard]] std::span<const std::uint32_t> column(unsigned b) const { return columns_.at(b); }

  [[nodiscard]] unsigned bands() const noexcept { return static_cast<unsigned>(columns_.size()); }
  [[nodiscard]] std::size_t entries() const noexcept;
  /// Reserves room for `documents` in every column (avoids the copies of growth when known).
  void reserve(std::size_t documents);

 private:
  std::vector<std::uint32_t> docs_;                  // the documents, in the order added
  std::vector<std::vector<std::uint32_t>> columns_;  // per band: key's upper 32 bits, as docs_
};

/// An incremental index of signatures by band key: insert documents one at a time and query with
/// a signature for the documents that share a band with it (checking new essays against a corpus).
/// Not thread-safe for inserts and removals; queries are const.
///
///   neardup::lsh_index index(neardup::optimal_lsh_params(0.5, 128));
///   index.insert(0, sig_a);
///   auto maybe_similar = index.query(sig_b);   // {0} when b shares a band with a
///   index.remove(0, sig_a);                    // true: 0 is gone from every band
class lsh_index {
 public:
  /// Throws neardup::error(invalid_argument) when bands or rows is 0.
  explicit lsh_index(lsh_params params);

  /// Adds a document; its signature must have at least bands × rows values.
  void insert(std::uint32_t doc, std::span<const std::uint32_t> signature);
  /// The documents sharing at least one band with `signature`, sorted and unique.
  [[nodiscard]] std::vector<std::uint32_t> query(std::span<const std::uint32_t> signature) const;
  /// Takes out one insert(doc, signature) (the same signature: it names the buckets). False, and
  /// nothing changes, when `doc` is not in every band's bucket of `signature`. A signature shorter
  /// than bands × rows is neardup::error(invalid_argument), as for insert().
  bool remove(std::uint32_t doc, std::span<const std::uint32_t> signature);
  /// All candidate pairs among the inserted documents (see the free candidate_pairs()).
  [[nodiscard]] std::vector<std::pair<std::uint32_t, std::uint32_t>> candidate_pairs(
      std::size_t max_bucket = 256, candidate_stats* stats = nullptr) const;

  [[nodiscard]] lsh_params params() const noexcept { return params_; }
  [[nodiscard]] std::size_t size() const noexcept { return documents_; }

 private:
  /// One band's buckets: an open-addressing table from band key to the newest entry of its bucket,
  /// and the entries (document, older entry) of all buckets in one array. No allocation per bucket.
  /// A removed entry is unlinked from its bucket (its place in the arrays stays unused); a bucket
  /// left with no entry keeps its slot, marked `emptied`, so that probing still passes it.
  struct band_buckets {
    static constexpr std::uint32_t emptied = UINT32_MAX;  // newest: every entry removed
    std::vector<std::uint64_t> keys;     // by slot
    std::vector<std::uint32_t> newest;   // by slot: entry index + 1; 0 = empty slot; or emptied
    std::vector<std::uint32_t> docs;     // by entry
    std::vector<std::uint32_t> older;    // by entry: the bucket's previous entry + 1; 0 = none
    std::size_t used = 0;                // occupied slots (emptied ones too)
    [[nodiscard]] std::size_t find(std::uint64_t key) const noexcept;  // its slot, or an empty one
    /// The newest entry + 1 of the bucket in `slot`; 0 when it has none.
    [[nodiscard]] std::uint32_t head(std::size_t slot) const noexcept {
      return newest[slot] == emptied ? 0 : newest[slot];
    }
    void insert(std::uint64_t key, std::uint32_t doc);
    /// The entry + 1 of `doc` in the bucket of `key`, and the entry + 1 newer than it (0: none).
    [[nodiscard]] std::pair<std::uint32_t, std::uint32_t> locate(std::uint64_t key,
                                                                 std::uint32_t doc) const noexcept;
  };

  lsh_params params_;
  std::size_t documents_ = 0;
  std::vector<band_buckets> bands_;
  std::vector<std::uint64_t> key_scratch_;  // insert()'s band keys
};

}  // namespace neardup
