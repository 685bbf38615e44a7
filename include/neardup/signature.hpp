// signature — one document's text in, its MinHash signature out: normalize → shingle → minhash.
//
// Computed independently per document, so it runs in parallel, on another machine, or ahead of time
// for a persistent index; nothing here depends on other documents.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/minhash.hpp"
#include "neardup/normalize.hpp"
#include "neardup/shingle.hpp"

namespace neardup {

/// The version of the signature format: what a stored signature (in an index, sent between MPI
/// ranks, handed to Python) means. A signature is num_perm 32-bit values, a function of the text,
/// the signature_options and nothing else; this number changes whenever the same text and options
/// give different values, so that a reader can refuse signatures of another version instead of
/// comparing them silently. Version 2 (version 1 kept the contents of <script> and <style>
/// elements, which normalization now drops with their tags):
///   - the normalized text is shingled by XXH3_64bits_withSeed over its UTF-32 code units as
///     they lie in memory (char_shingles), or over the UTF-16 code units of each word and then the
///     words' 64-bit hashes (word_shingler), with shingle_options::seed;
///   - one-permutation signatures (the default) take those hashes as they are, with the shingle
///     seed replaced by mix64(shingle.seed ^ mix64(minhash.seed ^ 0x5be0cd19137e2179)), and bin
///     them as minhasher::sign_uniform does; classic signatures mix each shingle hash and apply
///     num_perm multiply-shift functions whose parameters come from splitmix64(minhash.seed);
///   - both derive their MinHash seed as mix64(minhash.seed ^ 0x6a09e667f3bcc909) (mix64 is
///     splitmix64's output function; the two salts are SHA-512's initial values H0, its low bit
///     set, and H7); an empty document's slots are all empty_slot, and no other slot is;
///   - LSH band keys are XXH3_64bits_withSeed of a band's rows (its 32-bit values as they lie
///     in memory), seeded with the band's index (band_keys).
/// Byte order: values are hashed as they lie in memory, so the format is that of little-endian
/// machines (every platform neardup is built and tested on). tests/signature_test.cpp pins the
/// values for fixed texts; a change there must come with a new version.
inline constexpr unsigned signature_format_version = 2;

/// What a shingle is made of.
enum class shingle_unit {
  character,  ///< character n-grams of the normalized text (Chinese, Japanese, any script)
  /// word n-grams through ICU's word breaks (space-separated languages). Needs the white space
  /// kept (normalize_options::drop_whitespace = false): without it a text is one word.
  word,
};

/// The sentence sketch: a second, small signature per document over the set of its sentences,
/// with which templated essays (the same sentences, blanks filled differently) are found. A
/// sentence is the normalized text of a stretch of the input ending at 。！？；!?; or a line end
/// (outside URLs, which normalization takes out; the normalizer leaves these ends in its output as
/// marks, normalizer::normalize_marking_sentences), hashed whole: from the signing shingles
/// (with character shingles: the sum of every n-th shingle inside the sentence and its last, which
/// hold every code point, mixed with its length), else XXH3 of its code points.
/// Not part of signature_format_version: the character signature is the same with or without it.
struct sentence_options {
  unsigned num_perm = 64;  ///< MinHash values over the sentence hashes (one-permutation)
  unsigned min_chars = 4;  ///< sentences of fewer normalized code points are left out
};

/// Short texts (poems, titles, short answers): a pair whose shorter text has fewer than
/// `below_chars` normalized code points is measured by exact Jaccard over character `ngram`-grams
/// instead of shingle_options::n (one or two changed characters take too many 5-grams of a
/// 30-character text). Candidates for such pairs come from a second, small sketch over those
/// n-grams (sign_short), made for texts short enough to be in such a pair at the threshold
/// (deduplicator). Character shingles only. Not part of signature_format_version: the character
/// signature is the same with or without it.
struct short_text_options {
  unsigned below_chars = 100;  ///< L: the shorter text's normalized length below which; 0 disables
  unsigned ngram = 2;          ///< code points per n-gram of short pairs; >= 1
  unsigned num_perm = 96;      ///< one-permutation MinHash values of the short-text sketch
};

/// Everything that decides a document's signature.
struct signature_options {
  normalize_options normalize;
  shingle_options shingle;
  shingle_unit unit = shingle_unit::character;
  minhash_options minhash;
  sentence_options sentences;  ///< used by the signing calls that take a sentence sketch
  short_text_options short_text;  ///< used by sign_short and short_shingle_set
};

/// What signing one document saw.
struct signature_info {
  std::size_t normalized_chars = 0;  ///< code points after normalization
  std::size_t shingles = 0;          ///< shingles hashed (0: the document is empty after normalization)
  std::size_t sentences =
      0;  ///< distinct sentences in the sentence sketch (when one was asked for)
  normalize_stats normalize;
};

/// A summary of a document's sentences small enough to keep for every document (264 bytes), from
/// which an upper bound of the sentences two documents share (shared_sentences_bound) and a lower
/// bound of how many of them lie in lines both have whole (sentences_in_shared_lines) follow
/// without their texts: each distinct sentence sets one of 1,024 bits (bits 32..41 of its hash),
/// the number of distinct sentences is kept beside them, and the first max_lines line entries of
/// document_signer::sentence_set() in its order. Made by the signing call that takes one, or from a
/// sentence_set() (make_sentence_filter).
struct sentence_filter {
  static constexpr std::size_t bits = 1024;
  static constexpr std::size_t max_lines = 16;
  static constexpr std::uint32_t unknown = UINT32_MAX;  ///< `sentences` of a filter never made
  std::array<std::uint64_t, bits / 64> words{};
  std::array<std::uint64_t, max_lines> lines{};  ///< line entries (sorted), line_count of them
  std::uint32_t sentences = unknown;  ///< distinct sentences; unknown: no bound can be drawn
  std::uint16_t set_bits = 0;         ///< bits set in `words`
  std::uint16_t line_count = 0;       ///< entries in `lines`
};

/// The filter of a document_signer::sentence_set() (its line entries left out).
[[nodiscard]] sentence_filter make_sentence_filter(
    std::span<const std::uint64_t> sentence_set) noexcept;

/// An upper bound of |A ∩ B| over the distinct sentences of two documents, from their filters: a
/// shared sentence sets the same bit in both, and each side has at most |A| − popcount(A) sentences
/// beyond the first at any of its bits, so |A ∩ B| <= popcount(A & B) + |A| − popcount(A) (and the
/// same with B), never above min(|A|, |B|). SIZE_MAX when either filter is unknown.
[[nodiscard]] std::size_t shared_sentences_bound(sentence_filter const& a,
                                                 sentence_filter const& b) noexcept;

/// A lower bound of the sentences that lie in lines both documents have whole, as
/// the templates' verification counts them (the sentence counts of the line entries both have),
/// from the line entries the filters keep: exact when neither has more than max_lines lines.
[[nodiscard]] std::size_t sentences_in_shared_lines(sentence_filter const& a,
                                                    sentence_filter const& b) noexcept;

/// Whether an entry of document_signer::sentence_set() stands for a whole line.
[[nodiscard]] constexpr bool sentence_entry_is_line(std::uint64_t entry) noexcept {
  return (entry >> 63) != 0;
}

/// Reusable per-thread buffers for document_signer; keep one per thread to avoid allocations.
struct signer_scratch {
  signer_scratch();
  ~signer_scratch();
  signer_scratch(signer_scratch&&) noexcept;
  signer_scratch& operator=(signer_scratch&&) noexcept;

  std::u32string text;
  std::u32string sentence;              // one sentence's normalized text
  std::vector<std::uint32_t> cuts;  // where the sentences meet in the normalized text (top bit: a line's end)
  std::vector<std::uint64_t> sentence_shingles;  // one sentence's shingles
  std::vector<std::uint64_t> shingles;
  std::vector<std::uint64_t> sentences;
  std::vector<std::uint64_t> lines;
  std::vector<std::uint64_t> seen;  // the sentence filter's table of distinct sentences
  std::unique_ptr<word_shingler> words;  // created on first use in word mode
};

/// Signs documents. Immutable after construction: one signer serves all threads, each with its own
/// signer_scratch.
///
///   neardup::document_signer signer;                     // k = 128, one-permutation hashing
///   auto a = signer.sign("疫情防控要坚持全国一盘棋");
///   auto b = signer.sign("疫情防控要堅持全國一盤棋。");
///   double j = neardup::estimate_jaccard(a, b);            // 1.0: same text after normalization
class document_signer {
 public:
  /// Throws neardup::error(errc::invalid_argument) for bad shingle or minhash options, and for word
  /// shingles with normalize.drop_whitespace set (the default, which suits characters only).
  explicit document_signer(signature_options const& options = {});

  /// Writes the signature of `text` into `out`, which must have num_perm() slots (else
  /// neardup::error(errc::invalid_argument)). An empty document (nothing left after normalization)
  /// gets the all-empty_slot signature and info.shingles == 0.
  signature_info sign(std::string_view text, std::span<std::uint32_t> out, signer_scratch& scratch) const;
  [[nodiscard]] std::vector<std::uint32_t> sign(std::string_view text) const;

  /// The same, and the sentence sketch of `text` into `sentence_out` (options().sentences.num_perm
  /// slots, all empty_slot when the text has no sentence): one normalization serves both. `out` is
  /// what sign() without it writes. Sizes other than these are neardup::error(invalid_argument).
  signature_info sign(std::string_view text, std::span<std::uint32_t> out,
                      std::span<std::uint32_t> sentence_out, signer_scratch& scratch) const;
  /// The same, and the sentence filter of the sentences the sketch was made of into `filter`
  /// (equal to make_sentence_filter(sentence_set(text))).
  signature_info sign(std::string_view text, std::span<std::uint32_t> out,
                      std::span<std::uint32_t> sentence_out, sentence_filter& filter,
                      signer_scratch& scratch) const;

  /// The sentence hashes of `text` for verifying templated pairs exactly, sorted and unique: each
  /// sentence's hash with the top bit clear, then (top bit set) one entry per line, the hash of
  /// its sentences in order in bits 8..62 and their number (at most 255) in bits 0..7, so that a
  /// verifier can tell sentences shared within whole shared lines (a quoted paragraph) from the
  /// others (sentence_entry_is_line).
  void sentence_set(std::string_view text, std::vector<std::uint64_t>& out,
                    signer_scratch& scratch) const;
  [[nodiscard]] std::vector<std::uint64_t> sentence_set(std::string_view text) const;

  /// The short-text sketch of `text` into `out` (options().short_text.num_perm slots):
  /// one-permutation MinHash over its character short_text.ngram-grams, seeded apart from the
  /// signature. Normalizes the text again: callers make it only for short texts. Another size of
  /// `out` is neardup::error(invalid_argument).
  void sign_short(std::string_view text, std::span<std::uint32_t> out,
                  signer_scratch& scratch) const;
  /// The exact set (sorted, unique) of the character short_text.ngram-grams of `text`, for
  /// verifying pairs of short texts.
  void short_shingle_set(std::string_view text, std::vector<std::uint64_t>& out,
                         signer_scratch& scratch) const;
  [[nodiscard]] std::vector<std::uint64_t> short_shingle_set(std::string_view text) const;

  /// The exact shingle set of `text` (sorted, unique), for verifying candidate pairs.
  void shingle_set(std::string_view text, std::vector<std::uint64_t>& out, signer_scratch& scratch) const;
  [[nodiscard]] std::vector<std::uint64_t> shingle_set(std::string_view text) const;

  [[nodiscard]] unsigned num_perm() const noexcept { return minhasher_.num_perm(); }
  [[nodiscard]] signature_options const& options() const noexcept { return options_; }

 private:
  void shingle(std::string_view text, shingle_options const& shingling, signer_scratch& scratch,
               signature_info& info) const;
  void init_short_text();  // short_shingle_, validated
  void shingle_normalized(shingle_options const& shingling, signer_scratch& scratch,
                          signature_info& info) const;
  // Normalizes `text` into scratch.text and its sentence hashes into scratch.sentences (sorted,
  // unique). With `lines`, the entries of whole lines follow (see sentence_set). Returns true when
  // the sentences are still to be hashed: where they meet is in scratch.cuts, and
  // collect_sentences() hashes them once scratch.shingles holds the text's signing shingles.
  // `sorted`: as sentence_set() has them (else as they come, the lines apart in scratch.lines).
  bool normalize_with_sentences(std::string_view text, signer_scratch& scratch,
                                signature_info& info, bool lines, bool sorted) const;
  void collect_sentences(signer_scratch& scratch, signature_info& info, bool lines,
                         bool sorted) const;
  // sign() with a sentence sketch; with `lines`, the lines' entries are collected too.
  signature_info sign_sentences(std::string_view text, std::span<std::uint32_t> out,
                                std::span<std::uint32_t> sentence_out, signer_scratch& scratch,
                                bool lines) const;
  // A sentence's hash: from its signing shingles when given (the n - w + 1 of its w-grams), else
  // from its code points.
  [[nodiscard]] std::uint64_t sentence_hash(char32_t const* p, std::size_t n,
                                            std::uint64_t const* shingles) const noexcept;

  signature_options options_;
  shingle_options signing_shingle_;  // the shingle hashes that signatures are made of
  normalizer normalizer_;
  minhasher minhasher_;
  minhasher sentence_minhasher_;
  std::uint64_t sentence_seed_ = 0;
  minhasher short_minhasher_;
  shingle_options short_shingle_;  // the short-text n-grams, seeded apart from the signature's
};

}  // namespace neardup
