// normalize — UTF-8 text in, folded code points out.
//
// Near-duplicates differ in script (Traditional vs Simplified), width (ＡＢＣ vs ABC), case,
// punctuation, whitespace, converter debris (pinyin annotations such as 復(fù)雜) and web boilerplate
// (tags, entities, URLs). Normalization removes all of that so later stages compare only the words.
//
// Speed: every code point's final folded form is computed once per process into a lookup table
// (ICU's NFKC_Casefold, then Traditional->Simplified, iterated to a fixed point), so the per-character
// work is a UTF-8 decode, a table lookup and an append. ICU is called at run time only for the rare
// characters that normalize together with their neighbours (combining marks, Hangul jamo).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

namespace detail {
struct fold_table;
}  // namespace detail

/// Which foldings `normalizer` applies. All on by default.
struct normalize_options {
  /// Unicode NFKC plus case folding (ICU's nfkc_cf): ＡＢＣ１ -> abc1, Straße -> strasse, e+◌́ -> é.
  bool nfkc_casefold = true;
  /// Traditional Chinese to Simplified, character by character: 嚴峻復雜 -> 严峻复杂.
  bool traditional_to_simplified = true;
  /// Removes a converter's pinyin annotation after a Han character: 復(fù)雜 -> 復雜, 擔（dān） -> 擔.
  /// The annotation is `(` or `（`, 1 to 7 pinyin letters (a-z, ü and the tone-marked vowels
  /// āáǎà ēéěè īíǐì ōóǒò ūúǔù ǖǘǚǜ, any case), then `)` or `）`, right after a Han character.
  bool strip_pinyin_annotations = true;
  /// Removes HTML tags (`<br>`, `</div>`), comments (`<!-- -->`, up to 4 KiB), `<script>` and
  /// `<style>` elements with their contents (closed within 256 KiB; else the opening tag alone) and
  /// URLs (`http://`, `https://`, `www.`), and decodes HTML entities (`&amp;`, `&#12354;`,
  /// `&#x4E00;`) to their character.
  bool strip_web_artifacts = true;
  /// Drops Unicode punctuation and symbols (general categories P* and S*), judged after folding.
  bool drop_punctuation = true;
  /// Drops separators (Z*: spaces, line and paragraph separators) and control characters (Cc).
  bool drop_whitespace = true;

  friend bool operator==(normalize_options const&, normalize_options const&) = default;
};

/// What one call of `normalizer::normalize` found in its input.
struct normalize_stats {
  /// Bytes of ill-formed UTF-8. Each maximal ill-formed subsequence (as ICU and the WHATWG
  /// decoder define it: e.g. a truncated 3-byte sequence) becomes one U+FFFD, which is then folded
  /// like any character (dropped as a symbol when drop_punctuation is on). Bytes inside a removed
  /// tag are counted too, so the count depends on the input only, not on the options.
  std::size_t invalid_bytes = 0;
  std::size_t pinyin_annotations = 0;  ///< pinyin annotations removed
  std::size_t web_artifacts = 0;       ///< tags and URLs removed plus entities decoded

  friend bool operator==(normalize_stats const&, normalize_stats const&) = default;
};

/// Where one normalized code point came from: the input bytes [begin, end) of the character (or
/// entity, or combining sequence) that produced it. See normalizer::normalize_with_offsets.
struct source_span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  friend bool operator==(source_span const&, source_span const&) = default;
};

/// Where normalizer::normalize_marking_sentences() leaves a sentence end (。！？；!?;) and a line
/// feed: values beyond Unicode, which no decoded text holds.
inline constexpr char32_t sentence_end_mark = 0x110000;
inline constexpr char32_t line_end_mark = 0x110001;

/// The instruction set normalization's block path uses in this process: "avx512" (AVX-512 VBMI2),
/// "avx2" or "scalar" (the character loop alone). The strongest the CPU runs, unless the
/// environment variable NEARDUP_SIMD (avx512, avx2 or scalar) asks for a weaker one. Output is the
/// same on every target; tools print this so that logs say which one ran.
[[nodiscard]] std::string_view normalize_simd_target() noexcept;

/// Folds UTF-8 text to the code points that later stages shingle.
///
/// Built once, then `normalize` may be called from any number of threads at the same time: it is
/// `const` and touches no shared mutable state. Copying is cheap (the tables are shared per process).
/// The output is a fixed point: normalizing it again (as UTF-8) gives the same code points, when
/// drop_punctuation is on (with punctuation kept, text such as `&amp;lt;` decodes one level per pass).
///
/// The first normalizer built with a given (nfkc_casefold, traditional_to_simplified) pair builds
/// that pair's table (tens of milliseconds); later ones reuse it.
///
///   neardup::normalizer norm;                             // all foldings on
///   std::u32string text = norm.normalize("嚴峻復(fù)雜！");  // U"严峻复杂"
///   std::string back = norm.normalize_to_utf8("ＡＢＣ１");  // "abc1"
class normalizer {
 public:
  /// Throws error(errc::icu_error) if ICU cannot provide NFKC_Casefold data or the
  /// Traditional-Simplified transliterator (only when the corresponding option is on).
  explicit normalizer(normalize_options const& options = {});

  /// Clears `out`, then writes the normalized code points of `utf8`. Never throws on bad input:
  /// ill-formed UTF-8 becomes U+FFFD and is counted; nothing is read past `utf8`.
  /// Reusing `out` across calls avoids reallocation.
  normalize_stats normalize(std::string_view utf8, std::u32string& out) const;

  /// The normalized code points of `utf8`.
  [[nodiscard]] std::u32string normalize(std::string_view utf8) const;

  /// normalize(), with each sentence end (。！？；!?;) left in `out` as sentence_end_mark and each
  /// line feed as line_end_mark, where normalize() drops them: taking the marks out gives what
  /// normalize() gives, and where they were cuts the text into sentences, in one pass at the speed
  /// of normalize(). Returns false, and `out` is not to be used, when the marks cannot be given: the
  /// options keep punctuation or white space, or the text needed ICU composition (combining marks),
  /// whose last pass runs over the whole text.
  bool normalize_marking_sentences(std::string_view utf8, std::u32string& out,
                                   normalize_stats& stats) const;

  /// normalize(), and for each code point of `out` the input bytes it came from (`spans`, as many
  /// as `out`): the same code points as normalize() gives, through the same rules (the character
  /// loop without the block path, so at a fraction of normalize()'s speed: for the texts a report
  /// quotes, not for a whole corpus). Spans are ordered (begin and end never decrease) and within
  /// the text. A character that expands gives each of its code points its own span; an entity such
  /// as `&amp;` spans the entity; a combining sequence that ICU composes spans from its first
  /// character. Throws error(errc::invalid_argument) for a text of 4 GiB or more.
  normalize_stats normalize_with_offsets(std::string_view utf8, std::u32string& out,
                                         std::vector<source_span>& spans) const;

  /// The normalized text of `utf8`, encoded as UTF-8.
  [[nodiscard]] std::string normalize_to_utf8(std::string_view utf8) const;

  /// The options this normalizer was built with.
  [[nodiscard]] normalize_options const& options() const noexcept { return options_; }

 private:
  normalize_options options_;
  detail::fold_table const* table_ = nullptr;  // process-wide, never freed
  std::uint32_t slow_mask_ = 0;                // entry flags that leave the fast path
  std::uint32_t drop_mask_ = 0;                // entry flags whose code points are dropped
};

}  // namespace neardup
