// deduplicator — the one-call API: add documents, get clusters of near-duplicates.
//
//   neardup::dedup_options options;          // threshold 0.5, 5-grams, k = 128, hybrid verification
//   neardup::deduplicator dedup(options);
//   dedup.add("a", "疫情防控要坚持全国一盘棋……");
//   dedup.add("b", "疫情防控要堅持全國一盤棋……");
//   neardup::dedup_result result = dedup.run();
//   for (auto const& c : result.clusters)
//     for (auto const& m : c.members) std::cout << dedup.id(m.doc) << ' ' << m.similarity << '\n';
//
// Internally it is the pipeline's stages in a row: signature (per document, in parallel) → LSH
// band keys → candidate pairs → verify → cluster. Each stage is a public header of its own, for
// callers that need to run them apart (across machines, against a stored index).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/cluster.hpp"
#include "neardup/lsh.hpp"
#include "neardup/signature.hpp"
#include "neardup/verify.hpp"

namespace neardup {

namespace detail {
struct set_makers;
struct template_searchers;
struct template_candidates;
struct template_search_request;
}  // namespace detail

/// Options of a deduplication run. Defaults were chosen by measurement (docs/accuracy.md).
struct dedup_options {
  double threshold = 0.5;                 ///< Jaccard similarity at which two documents are near-duplicates
  signature_options signature;            ///< normalization, shingles, MinHash
  std::optional<lsh_params> lsh;          ///< bands × rows; unset: chosen by optimal_lsh_params
  /// Weight of false negatives against false positives when (b, r) is chosen: 0.8 finds more pairs
  /// near the threshold for a few more candidates (docs/accuracy.md: recall 0.983 → 0.992).
  double lsh_false_negative_weight = 0.8;
  /// hybrid gives the clusters of exact at a fraction of its cost (docs/accuracy.md); exact also
  /// measures every reported similarity exactly.
  verify_mode verify = verify_mode::hybrid;
  double verify_sigmas = 4.0;             ///< hybrid: the estimate decides beyond this many standard errors
  /// How clusters form from verified pairs. single (default): connected components, so a member
  /// may be below the threshold to the representative when a chain of verified pairs joins it
  /// (each member says which member linked it: cluster_member::linked_to, link_similarity).
  /// star: every member is verified with the representative itself.
  linkage_mode linkage = linkage_mode::single;
  /// Templated essays: pairs below the threshold that share at least template_share of the
  /// sentences of each (of the longer one: |A ∩ B| / max(|A|, |B|), and at least 3 sentences) join
  /// clusters as templates (cluster_member::relation). Candidates come from a second, sentence
  /// sketch per document (signature.sentences) and its own LSH bands; the sentence sets are then
  /// measured exactly from the texts. Same-topic essays sharing stock sentences, and an essay
  /// quoting a paragraph or two of another, share far less (docs/accuracy.md).
  bool templates = true;
  double template_share = 0.45;
  /// Templates: with hybrid or estimate verification, a sentence candidate whose 5-gram estimate is
  /// below this is not measured (its texts are not read back): sharing half of each essay's
  /// sentences gives far more (template pairs measure 0.19 and up, docs/accuracy.md).
  double template_min_similarity = 0.1;
  /// Bands × rows of the sentence sketch; unset: num_perm / 2 bands of 2 rows (a pair at sentence
  /// Jaccard 1/3, what sharing half of each essay's sentences gives at least, is a candidate with
  /// probability 0.98 at 64 values).
  std::optional<lsh_params> sentence_lsh;
  /// Short texts (signature.short_text): a pair whose shorter text has fewer than
  /// short_text.below_chars normalized code points is a near-duplicate when the exact Jaccard of
  /// their short_text.ngram-grams reaches the threshold (the 5-gram path leaves such pairs alone).
  /// Texts short enough to be in such a pair, under (below_chars − ngram) / threshold + ngram code
  /// points, get the short-text sketch and its own LSH bands; longer texts pay nothing. Bands ×
  /// rows of that sketch; unset: the most rows per band with which a pair at the threshold is a
  /// candidate with probability 0.98 (at 0.5 and 96 values: 32 × 3, 0.986). Its candidates are
  /// measured exactly, which is cheap for texts this short.
  std::optional<lsh_params> short_lsh;
  unsigned threads = 0;                   ///< 0 = every hardware thread; results never depend on it
  std::size_t max_bucket = 256;           ///< LSH bucket size past which pairs are capped (see lsh.hpp)
  std::size_t batch_documents = 4096;     ///< documents signed together (memory bound of add())
  std::size_t verify_batch_documents = 2048;  ///< documents measured together by exact verification
  /// Exact verification keeps the shingle sets it made (sorted 32-bit hashes, ~4 bytes a character
  /// of text) within this many bytes, least recently used dropped first, so that a document in many
  /// pairs is read back and shingled once: 256 MiB holds the sets of ~60,000 essays of 1,500
  /// characters. Smaller budgets read texts back again; results never change.
  std::size_t verify_cache_bytes = std::size_t{256} << 20;
};

/// Counts and timings of a run.
struct dedup_stats {
  std::size_t documents = 0;
  std::size_t empty_documents = 0;     ///< nothing left after normalization: never clustered
  std::size_t bytes = 0;               ///< UTF-8 bytes of all documents
  std::size_t invalid_bytes = 0;       ///< ill-formed UTF-8 bytes replaced during normalization
  std::size_t shingles = 0;
  candidate_stats candidates;          ///< LSH buckets, capped buckets, candidate pairs
  std::size_t verified_pairs = 0;      ///< candidate pairs found at or above the threshold
  candidate_stats sentence_candidates;  ///< templates: the sentence sketch's LSH candidates
  std::size_t sentence_pairs_measured =
      0;                            ///< templates: candidates whose sentence sets were compared
  /// templates: candidates set aside because their sentence filters bound the sentences they share
  /// below template_share of the larger's (or below 3), their texts not read back
  std::size_t sentence_pairs_bounded = 0;
  std::size_t templated_pairs = 0;  ///< templates: pairs found templated (and not near-duplicates)
  std::size_t short_documents = 0;  ///< short texts: documents given the short-text sketch
  candidate_stats short_candidates;      ///< short texts: the short-text sketch's LSH candidates
  std::size_t short_pairs_measured = 0;  ///< short texts: candidates measured over short n-grams
  std::size_t short_pairs = 0;           ///< short texts: of those, at or above the threshold
  std::size_t accepted_by_estimate = 0;  ///< hybrid: pairs the estimate put clearly above the threshold
  std::size_t rejected_by_estimate = 0;  ///< hybrid: pairs the estimate put clearly below it
  std::size_t already_joined = 0;      ///< hybrid: uncertain pairs not measured, their documents already joined
  std::size_t exact_pairs = 0;         ///< pairs measured by exact Jaccard (texts read back)
  std::size_t texts_read_back = 0;     ///< shingle sets made for exact Jaccard (a text may be read twice)
  std::size_t verify_cache_peak_bytes = 0;  ///< the most the shingle-set cache held (verify_cache_bytes)
  std::size_t clusters = 0;
  std::size_t duplicates = 0;          ///< documents in a cluster that are not its representative
  lsh_params lsh;
  double seconds_sign = 0;             ///< normalize + shingle + minhash
  double seconds_candidates = 0;
  double seconds_verify = 0;           ///< including reading back and re-shingling texts
  double seconds_cluster = 0;
};

/// The clusters (size >= 2, ordered by their first document) and the run's statistics.
struct dedup_result {
  std::vector<cluster> clusters;
  dedup_stats stats;
};

/// Finds near-duplicate documents. Not thread-safe itself (one caller adds), but it uses
/// options.threads internally.
class deduplicator {
 public:
  /// Throws neardup::error(errc::invalid_argument) when an option is out of range.
  explicit deduplicator(dedup_options const& options = {});

  /// Adds a document and returns its index (0, 1, 2, ... in order of addition). The text is signed in
  /// batches; it is kept (for exact verification and text()) unless a text source is set.
  std::uint32_t add(std::string_view id, std::string_view text);

  /// Adds a document signed elsewhere (by signer(), or a document_signer with the same signature
  /// options, on another thread or machine). `signature` must have num_perm values; `empty` marks a
  /// document with no text after normalization. Exact and hybrid verification read the texts of
  /// such documents from the text source: without one set, this throws
  /// neardup::error(invalid_argument) unless options().verify is verify_mode::estimate.
  std::uint32_t add_signature(std::string_view id, std::span<const std::uint32_t> signature, bool empty);

  /// The same with its band keys already computed (band_keys(signature, lsh(), keys)): a caller that
  /// adds from one thread can compute them on all. Throws neardup::error(invalid_argument) when the
  /// sizes do not match.
  std::uint32_t add_signature(std::string_view id, std::span<const std::uint32_t> signature,
                              std::span<const std::uint64_t> keys, bool empty);

  /// The same for a text the caller signed itself: `info` is what signer().sign() returned (empty
  /// when info.shingles == 0) and `bytes` the text's UTF-8 size, so that the statistics count the
  /// document's bytes, shingles and ill-formed bytes as add() counts them.
  std::uint32_t add_signature(std::string_view id, std::span<const std::uint32_t> signature,
                              std::span<const std::uint64_t> keys, signature_info const& info,
                              std::size_t bytes);

  /// The same with the sentence sketch's band keys (band_keys(sentence signature, sentence_lsh(),
  /// keys), the sentence signature from signer().sign() with a sentence buffer), so that the
  /// document takes part in finding templated essays (options().templates). Throws
  /// neardup::error(invalid_argument) when the sizes do not match.
  std::uint32_t add_signature(std::string_view id, std::span<const std::uint32_t> signature,
                              std::span<const std::uint64_t> keys,
                              std::span<const std::uint64_t> sentence_keys,
                              signature_info const& info, std::size_t bytes);

  /// The same with the sentence filter (signer().sign() with a sentence buffer and a filter), with
  /// which pairs that cannot share template_share of their sentences are set aside without reading
  /// their texts back. A document added without one is always measured.
  std::uint32_t add_signature(std::string_view id, std::span<const std::uint32_t> signature,
                              std::span<const std::uint64_t> keys,
                              std::span<const std::uint64_t> sentence_keys,
                              sentence_filter const& filter, signature_info const& info,
                              std::size_t bytes);

  /// The signer add() uses, made from options().signature: sign with it (on any thread, each with
  /// its own signer_scratch) what add_signature() will add.
  [[nodiscard]] document_signer const& signer() const noexcept { return signer_; }

  /// The LSH bands and rows in use (from the options, or chosen from the threshold).
  [[nodiscard]] lsh_params lsh() const noexcept { return lsh_; }
  /// The bands and rows of the sentence sketch (options().templates).
  [[nodiscard]] lsh_params sentence_lsh() const noexcept { return sentence_lsh_; }
  /// The bands and rows of the short-text sketch (options().short_lsh).
  [[nodiscard]] lsh_params short_lsh() const noexcept { return short_lsh_; }

  /// Where exact verification gets texts back when the deduplicator should not keep them (large
  /// corpora, or documents added by signature): called with a document index, possibly from several
  /// threads at once. Set it before the first add() or add_signature(): later, it throws
  /// neardup::error(invalid_argument).
  void set_text_source(std::function<std::string(std::uint32_t)> source);

  /// Other processes that make part of the shingle and sentence sets run()'s exact measurements
  /// need (the pipeline's shares, see pipeline_share::post): null, or kept by the caller for as
  /// long as run() runs. What run() finds and counts does not change (dedup_stats::texts_read_back
  /// counts the texts they read).
  void share_set_making(detail::set_makers const* makers) noexcept { makers_ = makers; }
  /// Another process that searches the templates' candidates while run() verifies (the
  /// pipeline's share 1), when the main candidates are many (two or more per document, as where
  /// essays share paragraphs): null, or kept by the caller for as long as run() runs. What run()
  /// finds and counts does not change.
  void share_template_search(detail::template_searchers const* searchers) noexcept {
    searchers_ = searchers;
  }

  /// Marks a document whose text can no longer be read back (an indexed essay whose file changed):
  /// its candidate pairs are decided by the signature estimate alone, and its text is read for
  /// nothing else that needs it exactly (templates, short texts: it takes no part). Throws
  /// neardup::error(invalid_argument) in exact mode (no estimates are kept) or for an unknown doc.
  void estimate_only(std::uint32_t doc);

  /// Makes room for `documents` in all, so that a large run does not copy its tables as they grow
  /// (capacity only: memory not yet written costs nothing).
  void reserve(std::size_t documents);

  /// Runs candidate generation, verification and clustering over all documents added so far.
  [[nodiscard]] dedup_result run();

  [[nodiscard]] std::size_t size() const noexcept { return id_ends_.size(); }
  /// The id given to add(); throws neardup::error(invalid_argument) for an unknown document.
  [[nodiscard]] std::string_view id(std::uint32_t doc) const;
  /// The text of a document: kept, or from the text source.
  [[nodiscard]] std::string text(std::uint32_t doc) const;
  [[nodiscard]] dedup_options const& options() const noexcept { return options_; }

 private:
  void flush();  // signs the pending batch
  void index(std::uint32_t doc, std::span<const std::uint64_t> keys, bool empty);
  void count(signature_info const& info, std::size_t bytes) noexcept;  // into the statistics
  // What another process needs to search the templates' candidates (searchers_).
  [[nodiscard]] detail::template_search_request template_request() const;
  // Templates: the sentence candidates that share template_share of their sentences, sorted;
  // `searched`: the candidates another process found (searchers_), or null to search here.
  std::vector<scored_pair> templated_pairs(std::span<const scored_pair> verified,
                                           std::vector<signer_scratch>& scratch,
                                           std::atomic<std::size_t>& texts_read, dedup_stats& stats,
                                           detail::template_candidates* searched);

  dedup_options options_;
  lsh_params lsh_;
  document_signer signer_;
  // Per document, kept compact for corpora of millions: ids back to back, and for estimates (not
  // needed by exact verification) the low 16 bits of each signature value, in blocks so that growth
  // never copies them.
  std::string id_chars_;
  std::vector<std::uint64_t> id_ends_;
  std::vector<std::string> texts_;          // by document, unless a text source is set
  static constexpr std::size_t sketch_block_docs = 8192;
  std::vector<std::unique_ptr<std::uint16_t[]>> sketch_blocks_;
  [[nodiscard]] bool keeps_sketches() const noexcept { return options_.verify != verify_mode::exact; }
  void store_sketch(std::uint32_t doc, std::span<const std::uint32_t> signature);
  [[nodiscard]] std::span<const std::uint16_t> sketch(std::uint32_t doc) const;
  std::uint32_t new_document(std::string_view id);
  band_table bands_;                        // LSH band keys of the non-empty documents
  lsh_params sentence_lsh_;
  band_table sentence_bands_;  // templates: sentence band keys of documents with 3+ sentences
  void index_sentences(std::uint32_t doc, std::span<const std::uint64_t> keys,
                       std::size_t sentences);
  // Templates: each document's sentence filter (unknown when added without one).
  std::vector<sentence_filter> sentence_filters_;
  std::vector<std::uint8_t> empty_;         // 1 when the document normalized to nothing
  std::vector<std::uint8_t> estimate_only_;  // by document, once estimate_only() was called
  // Short texts: each document's normalized length (unknown_length when added by signature
  // without its signature_info or without a text source: the 5-gram rule's), the short-text
  // sketch's bands, and the documents sketched so far.
  static constexpr std::uint32_t unknown_length = UINT32_MAX;
  std::vector<std::uint32_t> lengths_;
  lsh_params short_lsh_;
  band_table short_bands_;
  std::size_t short_sketched_ = 0;
  [[nodiscard]] bool short_rule() const noexcept;
  [[nodiscard]] bool short_pair(std::uint32_t a, std::uint32_t b) const noexcept;
  // The short rule's length for the templates' search (search_templates); 0 without the rule.
  [[nodiscard]] std::uint32_t template_short_below() const noexcept;
  void note_length(std::uint32_t doc, std::size_t normalized_chars) noexcept;
  void sketch_short_texts(dedup_stats& stats);
  // The 5-gram candidates without the short pairs, which go to `short_ones`.
  [[nodiscard]] std::vector<std::pair<std::uint32_t, std::uint32_t>> without_short_pairs(
      std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs,
      std::vector<std::pair<std::uint32_t, std::uint32_t>>& short_ones) const;
  // `verified` with the short pairs at the threshold: the short-text sketch's candidates and
  // `from_main`, measured over short n-grams.
  [[nodiscard]] std::vector<scored_pair> with_short_pairs(
      std::vector<scored_pair> verified,
      std::vector<std::pair<std::uint32_t, std::uint32_t>> from_main,
      std::vector<signer_scratch>& scratch, std::atomic<std::size_t>& texts_read,
      dedup_stats& stats);
  std::vector<std::string> pending_;        // texts added but not yet signed
  std::vector<std::uint64_t> key_scratch_;  // band keys of the signature being added
  std::function<std::string(std::uint32_t)> text_source_;
  detail::set_makers const* makers_ = nullptr;
  detail::template_searchers const* searchers_ = nullptr;
  dedup_stats stats_;
};

}  // namespace neardup
