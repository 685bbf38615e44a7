// passages — which parts of an essay were copied from which other essay, with the byte spans in
// both.
//
// Whole-essay similarity (the deduplicator) asks "are these the same essay?"; a short essay that
// copies a paragraph of a long one shares a few percent of its shingles and is never a candidate
// there. This stage asks "which passages are shared?":
//
// 1. Fingerprints: the normalized text (normalize(): script, width, case, punctuation, white space,
//    pinyin annotations and web artifacts folded or dropped) is cut into k-grams of code points
//    (`gram`), each hashed; winnowing (Schleimer, Wilkerson and Aiken, 2003) keeps the smallest
//    hash of every `window` consecutive k-grams. Guarantee: two texts that share a run of at least
//    window + gram - 1 normalized code points share at least one fingerprint inside it (the run
//    holds a whole window, whose smallest hash both texts select); a run shorter than `gram`
//    shares none.
// 2. Candidates: an inverted index from fingerprint to essays. A fingerprint in more than
//    `max_postings` essays is a stock phrase (a slogan, a set formula), not copying: it is dropped
//    from the index and from the alignment, and counted (passage_stats::stock_fingerprints). Pairs
//    sharing at least `min_shared` fingerprints are aligned.
// 3. Alignment: matching fingerprints are chained along their diagonal (position in a minus
//    position in b) while the next match is at most `max_gap` code points on and the diagonal moves
//    by at most `max_shift` (a changed, added or dropped character or word inside a passage), then
//    extended character by character to where the texts differ. A passage is kept when it is long
//    enough: `min_chars` normalized characters for Han text, `min_words` words for
//    space-separated text (a Chinese character carries about what an English word does).
//    Its spans are mapped back to bytes of the texts as given through
//    normalizer::normalize_with_offsets.
//
//   auto pair = neardup::passages(essay_a, essay_b);   // the two texts' shared passages
//   for (auto const& p : pair.passages)
//     std::cout << essay_a.substr(p.a_start, p.a_end - p.a_start) << '\n';
//
//   neardup::passage_finder finder;                     // a corpus: add texts, then run
//   for (auto const& t : texts) finder.add(t);
//   for (auto const& pr : finder.run().pairs) ...       // pairs (a < b) sharing a passage
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/normalize.hpp"

namespace neardup {

/// How passages are found. The defaults were chosen on neardup_eval_passages (docs/accuracy.md).
struct passage_options {
  unsigned gram = 6;           ///< code points per k-gram (>= 2)
  unsigned window = 11;        ///< k-grams per winnowing window (>= 1): guarantee window + gram - 1
  std::size_t min_chars = 30;  ///< shortest passage of Han text, in normalized characters
  std::size_t min_words = 10;  ///< shortest passage of space-separated text, in words
  std::size_t max_postings = 50;  ///< a fingerprint in more essays than this is stock (>= 2)
  unsigned min_shared = 3;  ///< fingerprints a candidate pair shares before it is aligned (>= 1)
  unsigned max_gap = 48;    ///< code points between matches chained into one passage
  unsigned max_shift = 8;   ///< how far the diagonal may move between chained matches
  unsigned threads = 0;     ///< passage_finder::run: 0 = all cores; results do not change
  normalize_options normalize;  ///< drop_punctuation and drop_whitespace must stay on

  /// The shortest shared run every pair of texts is sure to share a fingerprint in.
  [[nodiscard]] std::size_t guarantee() const noexcept { return window + gram - 1; }
};

/// One copied passage: byte spans [start, end) of the two texts as given (UTF-8), the 1-based line
/// each starts on within its text, and the normalized characters that match.
struct passage {
  std::size_t a_start = 0, a_end = 0;
  std::size_t b_start = 0, b_end = 0;
  std::size_t a_line = 1, b_line = 1;
  std::size_t chars = 0;

  friend bool operator==(passage const&, passage const&) = default;
};

/// The passages two essays share, in order of a_start, and how much of each they cover (the share
/// of its normalized characters inside a passage, 0..1).
struct passage_pair {
  std::uint32_t a = 0, b = 0;  ///< document numbers (a < b); 0 and 1 from passages()
  double containment_a = 0, containment_b = 0;
  std::vector<passage> passages;
};

/// What passage_finder::run saw.
struct passage_stats {
  std::size_t documents = 0;
  std::size_t fingerprints = 0;        ///< kept by winnowing, over all documents
  std::size_t stock_fingerprints = 0;  ///< distinct fingerprints dropped as stock
  std::size_t stock_postings = 0;      ///< their (fingerprint, essay) entries
  std::size_t candidate_pairs = 0;     ///< pairs sharing at least min_shared fingerprints
  std::size_t pairs = 0;               ///< of them, sharing a passage
  std::size_t unreadable = 0;          ///< documents whose text the source could not give back
};

struct passage_result {
  std::vector<passage_pair> pairs;  ///< by (a, b)
  passage_stats stats;
};

/// Throws error(errc::invalid_argument) for options outside their ranges.
void validate(passage_options const& options);

/// `options` with a run's normalization (`run`: the signature's), punctuation and white space
/// dropped whatever `run` says, as passages need: the one place a report or pipeline takes them.
[[nodiscard]] inline passage_options with_run_normalization(passage_options options,
                                                            normalize_options const& run) {
  options.normalize = run;
  options.normalize.drop_punctuation = true;
  options.normalize.drop_whitespace = true;
  return options;
}

/// The passages `a` and `b` share (at least the minimum length), with their spans; no stock
/// filter (that needs a corpus). Throws error(invalid_argument) for bad options or a text of 4 GiB.
[[nodiscard]] passage_pair passages(std::string_view a, std::string_view b,
                                    passage_options const& options = {});

/// Passages of a corpus. add() texts (or their fingerprints, computed on any thread with
/// fingerprint()) in order, then run(). Keeps 4 bytes per fingerprint (about an eighth of the
/// normalized characters at the defaults) and 8 per document; texts are kept only without a text
/// source. Not thread-safe while adding; run() uses options.threads.
class passage_finder {
 public:
  /// Throws error(invalid_argument) for bad options, error(icu_error) as normalizer does.
  explicit passage_finder(passage_options const& options = {});
  ~passage_finder();
  passage_finder(passage_finder&&) noexcept;
  passage_finder& operator=(passage_finder&&) noexcept;

  /// Where run() reads the texts of the pairs it aligns: then add() keeps none. Set before the
  /// first document; safe to call from several threads. A source that throws neardup::error for a
  /// document leaves it out (passage_stats::unreadable).
  void set_text_source(std::function<std::string(std::uint32_t)> source);

  /// The winnowed fingerprints of `text` (their 32-bit hashes, duplicates removed, sorted): what
  /// add_fingerprints takes. `const`, so it may run on many threads at once.
  void fingerprint(std::string_view text, std::vector<std::uint32_t>& out) const;
  /// The same for a text already normalized with options().normalize — what a document_signer
  /// with the same normalize_options leaves in its scratch's `text` after sign() — so that a
  /// caller that signs and fingerprints each essay normalizes it once.
  void fingerprint_normalized(std::u32string_view normalized,
                              std::vector<std::uint32_t>& out) const;

  /// Room for `documents` and `fingerprints` in all: the table of fingerprints then never grows by
  /// copying (which would hold it twice). Untouched room costs address space, not memory.
  void reserve(std::size_t documents, std::size_t fingerprints);

  /// Adds a document; returns its number (0, 1, ...).
  std::uint32_t add(std::string_view text);
  /// Adds a document by fingerprint() of its text (needs a text source).
  std::uint32_t add_fingerprints(std::span<const std::uint32_t> fingerprints);

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] passage_options const& options() const noexcept;

  /// Candidate pairs from the index, aligned (on options.threads threads); the same whatever the
  /// thread count.
  ///
  /// `alike`, when given, has a group number per document (or no_group): documents known to share
  /// most of their text, such as the members of a near-duplicate cluster. The pairs of a group of
  /// at most options().max_postings documents are then counted by intersecting their fingerprint
  /// lists rather than through the index, where each of the hundreds of fingerprints they share
  /// would be counted apart. The result is the same with it or without it. Throws
  /// error(invalid_argument) when it is neither empty nor size() long.
  [[nodiscard]] passage_result run(std::span<const std::uint32_t> alike = {}) const;
  static constexpr std::uint32_t no_group = UINT32_MAX;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace neardup
