#include "neardup/signature.hpp"

#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <cwchar>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/hash_mix.hpp"
#include "neardup/error.hpp"

namespace neardup {
namespace {

// Sentences. Text is cut after a sentence end only where normalizing the two sides apart gives
// what normalizing them together gives, so that one normalization serves the character shingles
// and the sentences: the next character is a Han ideograph (U+4E00..U+9FFF) or an ASCII letter or
// digit, which nothing before it composes with and which is never dropped; after an ASCII mark
// (which may sit inside a URL: "a.html?id=1") only when a space or a non-ASCII mark came between.
// Texts with a '<' (which may open a tag spanning a sentence end) are normalized whole.

[[nodiscard]] bool is_ascii_alnum(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Whether a Han ideograph of U+4E00..U+9FFF starts at t[i].
[[nodiscard]] bool han_at(std::string_view t, std::size_t i) noexcept {
  auto const c = static_cast<unsigned char>(t[i]);
  if (c == 0xE4) return i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) >= 0xB8;
  return c >= 0xE5 && c <= 0xE9;
}

[[nodiscard]] bool three(std::string_view t, std::size_t i, unsigned char a, unsigned char b,
                         unsigned char c) noexcept {
  return i + 2 < t.size() && static_cast<unsigned char>(t[i]) == a &&
         static_cast<unsigned char>(t[i + 1]) == b && static_cast<unsigned char>(t[i + 2]) == c;
}

/// The length of a character that may follow a sentence end in its stretch (a mark ending
/// sentences, white space, a closing quote or bracket) at t[i], or 0. Sets `space` for white space
/// and `wide` for a non-ASCII character.
[[nodiscard]] std::size_t run_char(std::string_view t, std::size_t i, bool& space,
                                   bool& wide) noexcept {
  auto const c = static_cast<unsigned char>(t[i]);
  switch (c) {
    case '\n':
    case '\r':
    case ' ':
    case '\t':
      space = true;
      return 1;
    case '!':
    case '?':
    case ';':
    case ')':
    case '"':
      return 1;
    case 0xE3:
      if (three(t, i, 0xE3, 0x80, 0x80)) {  // ideographic space
        space = true;
        return 3;
      }
      for (int const last : {0x82, 0x8D, 0x8F, 0x91, 0x8B})  // 。」』】》
        if (three(t, i, 0xE3, 0x80, static_cast<unsigned char>(last))) {
          wide = true;
          return 3;
        }
      return 0;
    case 0xEF:
      for (int const last : {0x81, 0x9F, 0x9B, 0x89})  // ！？；）
        if (three(t, i, 0xEF, 0xBC, static_cast<unsigned char>(last))) {
          wide = true;
          return 3;
        }
      return 0;
    case 0xE2:
      if (three(t, i, 0xE2, 0x80, 0x9D) || three(t, i, 0xE2, 0x80, 0x99)) {  // ” ’
        wide = true;
        return 3;
      }
      return 0;
    default:
      return 0;
  }
}

/// Whether a mark that ends sentences (。！？；!?; or a line end) starts at t[i].
[[nodiscard]] bool terminator_at(std::string_view t, std::size_t i) noexcept {
  auto const c = static_cast<unsigned char>(t[i]);
  if (c == '\n' || c == '!' || c == '?' || c == ';') return true;
  if (c == 0xE3) return three(t, i, 0xE3, 0x80, 0x82);
  if (c == 0xEF)
    return three(t, i, 0xEF, 0xBC, 0x81) || three(t, i, 0xEF, 0xBC, 0x9F) ||
           three(t, i, 0xEF, 0xBC, 0x9B);
  return false;
}

/// The first i >= from where a mark that ends sentences starts, or t.size().
[[nodiscard]] std::size_t find_terminator(std::string_view t, std::size_t from) noexcept {
  std::size_t i = from;
#if defined(__SSE2__)
  auto const* p = reinterpret_cast<char const*>(t.data());
  auto const eq = [](__m128i v, int c) {
    return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c)));
  };
  for (; i + 18 <= t.size(); i += 16) {
    __m128i const b0 = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i));
    __m128i const b1 = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i + 1));
    __m128i const b2 = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i + 2));
    __m128i const ideographic =
        _mm_and_si128(_mm_and_si128(eq(b0, 0xE3), eq(b1, 0x80)), eq(b2, 0x82));
    __m128i const full =
        _mm_and_si128(_mm_and_si128(eq(b0, 0xEF), eq(b1, 0xBC)),
                      _mm_or_si128(_mm_or_si128(eq(b2, 0x81), eq(b2, 0x9F)), eq(b2, 0x9B)));
    __m128i const ascii = _mm_or_si128(_mm_or_si128(eq(b0, '\n'), eq(b0, '!')),
                                       _mm_or_si128(eq(b0, '?'), eq(b0, ';')));
    int const mask = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ideographic, full), ascii));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < t.size(); ++i)
    if (terminator_at(t, i)) return i;
  return t.size();
}

/// The end of the stretch of `t` that starts at `from`: just past a sentence end and what follows
/// it, or t.size().
[[nodiscard]] std::size_t sentence_end(std::string_view t, std::size_t from) noexcept {
  std::size_t i = from;
  for (;;) {
    i = find_terminator(t, i);
    if (i >= t.size()) return t.size();
    bool space = false, wide = false;
    while (i < t.size()) {
      std::size_t const n = run_char(t, i, space, wide);
      if (n == 0) break;
      i += n;
    }
    if (i >= t.size()) return t.size();
    if (han_at(t, i) || (is_ascii_alnum(static_cast<unsigned char>(t[i])) && (space || wide)))
      return i;
  }
}

}  // namespace

signer_scratch::signer_scratch() = default;
signer_scratch::~signer_scratch() = default;
signer_scratch::signer_scratch(signer_scratch&&) noexcept = default;
signer_scratch& signer_scratch::operator=(signer_scratch&&) noexcept = default;

document_signer::document_signer(signature_options const& options)
    : options_(options),
      normalizer_(options.normalize),
      minhasher_(options.minhash),
      sentence_minhasher_(minhash_options{options.sentences.num_perm,
                                          minhash_scheme::one_permutation, options.minhash.seed}) {
  // Validate the shingle options once here rather than on every document.
  (void)char_shingles(std::u32string_view(U"x"), options_.shingle);
  // Word shingles need the white space between words: dropped, a whole text is one word.
  if (options_.unit == shingle_unit::word && options_.normalize.drop_whitespace)
    throw error(errc::invalid_argument,
                "word shingles need normalize.drop_whitespace = false (dropped white space makes a "
                "whole text one word)");
  // One-permutation signatures take XXH3 shingle hashes as they are, seeded with both seeds (so
  // another MinHash seed still gives an independent signature), instead of mixing each hash again.
  // The salt is SHA-512's last initial value H7; it is part of the signature format
  // (signature_format_version): changing it changes every stored signature.
  signing_shingle_ = options_.shingle;
  if (options_.minhash.scheme == minhash_scheme::one_permutation)
    signing_shingle_.seed = detail::mix64(options_.shingle.seed ^ detail::mix64(options_.minhash.seed ^ 0x5be0cd19137e2179ull));
  // Sentence hashes: XXH3 seeded apart from the shingles (SHA-512's H6 as the salt).
  sentence_seed_ = detail::mix64(options_.shingle.seed ^
                                 detail::mix64(options_.minhash.seed ^ 0x1f83d9abfb41bd6bull));
}

namespace {

constexpr std::uint64_t line_bit = std::uint64_t{1} << 63;
/// Put at each cut of the text before it is normalized, and found again in the normalized text: a
/// private-use character, kept by every normalization (category Co) and composing with nothing.
constexpr char32_t cut_mark = 0xE000;
constexpr std::string_view cut_mark_utf8 = "\xEE\x80\x80";

/// Sentence entries as document_signer::sentence_set() describes them, a sentence at a time.
class sentence_collector {
 public:
  sentence_collector(std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& lines,
                     std::uint64_t seed, std::size_t min_chars, bool with_lines)
      : out_(out), lines_(lines), seed_(seed), min_chars_(min_chars), with_lines_(with_lines) {
    reset();
  }
  void reset() {
    out_.clear();
    lines_.clear();
    line_hash_ = 0;
    line_sentences_ = 0;
  }
  void add(char32_t const* p, std::size_t n, bool line_end) {
    if (n >= min_chars_) {
      std::uint64_t const h = XXH3_64bits_withSeed(p, n * sizeof(char32_t), seed_) & ~line_bit;
      out_.push_back(h);
      line_hash_ = detail::mix64(line_hash_ ^ h);
      ++line_sentences_;
    }
    if (with_lines_ && line_end && line_sentences_ > 0) {
      lines_.push_back(line_bit | ((line_hash_ << 8) & ~line_bit) |
                       std::min<std::uint64_t>(line_sentences_, 255));
      line_hash_ = 0;
      line_sentences_ = 0;
    }
  }
  /// Sorts and dedups (with `sorted`; MinHash takes them as they come); returns the number of
  /// distinct sentences (of sentences, unsorted).
  std::size_t finish(bool sorted = true) {
    if (!sorted) return out_.size();
    std::sort(out_.begin(), out_.end());
    out_.erase(std::unique(out_.begin(), out_.end()), out_.end());
    std::size_t const sentences = out_.size();
    std::sort(lines_.begin(), lines_.end());
    lines_.erase(std::unique(lines_.begin(), lines_.end()), lines_.end());
    out_.insert(out_.end(), lines_.begin(), lines_.end());
    return sentences;
  }

 private:
  std::vector<std::uint64_t>& out_;
  std::vector<std::uint64_t>& lines_;
  std::uint64_t seed_;
  std::size_t min_chars_;
  bool with_lines_;
  std::uint64_t line_hash_ = 0;
  std::uint64_t line_sentences_ = 0;
};

}  // namespace

void document_signer::normalize_with_sentences(std::string_view text, signer_scratch& scratch,
                                               signature_info& info, bool lines) const {
  bool const sorted = lines;  // sentence_set() sorts; the sketch needs no order
  sentence_collector collect(scratch.sentences, scratch.lines, sentence_seed_,
                             options_.sentences.min_chars, lines);
  // The text with a cut mark at each sentence cut, normalized once: the marks are found again and
  // taken out, leaving what normalizing the text alone gives (the cuts are placed so that it is).
  // A '<' may open a tag that spans a cut, and a text may hold the mark itself: those texts are
  // normalized whole, and their stretches apart for the sentences.
  bool const marked =
      !(options_.normalize.strip_web_artifacts && text.find('<') != std::string_view::npos) &&
      text.find(cut_mark_utf8) == std::string_view::npos;
  scratch.line_ends.clear();
  std::size_t cuts = 0;
  if (marked) {
    scratch.marked.clear();
    for (std::size_t begin = 0; begin < text.size();) {
      std::size_t const end = sentence_end(text, begin);
      std::string_view const stretch = text.substr(begin, end - begin);
      scratch.marked += stretch;
      scratch.line_ends.push_back(end == text.size() ||
                                  stretch.find('\n') != std::string_view::npos);
      if (end < text.size()) {
        scratch.marked += cut_mark_utf8;
        ++cuts;
      }
      begin = end;
    }
    info.normalize = normalizer_.normalize(scratch.marked, scratch.text);
    // Take the marks out, each stretch's normalized text hashed on the way.
    char32_t* const d = scratch.text.data();
    std::size_t const n = scratch.text.size();
    std::size_t w = 0, start = 0, found = 0;
    static_assert(sizeof(wchar_t) == sizeof(char32_t), "the marks are found with wmemchr");
    for (std::size_t i = 0; i <= n; ++i) {
      if (i < n) {
        auto const* m = std::wmemchr(reinterpret_cast<wchar_t const*>(d + i),
                                     static_cast<wchar_t>(cut_mark), n - i);
        i = m ? static_cast<std::size_t>(reinterpret_cast<char32_t const*>(m) - d) : n;
      }
      std::size_t const len = i - start;
      if (found < scratch.line_ends.size())
        collect.add(d + start, len, scratch.line_ends[found] != 0);
      if (w != start) std::memmove(d + w, d + start, len * sizeof(char32_t));
      w += len;
      start = i + 1;
      found += i < n;
    }
    scratch.text.resize(w);
    if (found == cuts) {
      info.sentences = collect.finish(sorted);
      return;
    }
    collect.reset();  // a mark was lost (never seen): normalize whole
  }
  info.normalize = normalizer_.normalize(text, scratch.text);
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t const end = sentence_end(text, begin);
    std::string_view const stretch = text.substr(begin, end - begin);
    (void)normalizer_.normalize(stretch, scratch.sentence);
    collect.add(scratch.sentence.data(), scratch.sentence.size(),
                end == text.size() || stretch.find('\n') != std::string_view::npos);
    begin = end;
  }
  info.sentences = collect.finish(sorted);
}

signature_info document_signer::sign(std::string_view text, std::span<std::uint32_t> out,
                                     std::span<std::uint32_t> sentence_out,
                                     signer_scratch& scratch) const {
  if (out.size() != num_perm() || sentence_out.size() != options_.sentences.num_perm)
    throw error(errc::invalid_argument, "sign: signature buffers of " + std::to_string(out.size()) +
                                            " and " + std::to_string(sentence_out.size()) +
                                            " values, expected " + std::to_string(num_perm()) +
                                            " and " + std::to_string(options_.sentences.num_perm));
  signature_info info;
  normalize_with_sentences(text, scratch, info);
  shingle_normalized(signing_shingle_, scratch, info);
  minhasher_.sign_uniform(scratch.shingles, out);
  sentence_minhasher_.sign_uniform(scratch.sentences, sentence_out);
  return info;
}

void document_signer::sentence_set(std::string_view text, std::vector<std::uint64_t>& out,
                                   signer_scratch& scratch) const {
  signature_info info;
  normalize_with_sentences(text, scratch, info, true);
  out.assign(scratch.sentences.begin(), scratch.sentences.end());
}

std::vector<std::uint64_t> document_signer::sentence_set(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint64_t> out;
  sentence_set(text, out, scratch);
  return out;
}

void document_signer::shingle(std::string_view text, shingle_options const& shingling, signer_scratch& scratch,
                              signature_info& info) const {
  info.normalize = normalizer_.normalize(text, scratch.text);
  shingle_normalized(shingling, scratch, info);
}

void document_signer::shingle_normalized(shingle_options const& shingling, signer_scratch& scratch,
                                         signature_info& info) const {
  info.normalized_chars = scratch.text.size();
  if (options_.unit == shingle_unit::word) {
    if (!scratch.words) scratch.words = std::make_unique<word_shingler>();
    scratch.words->shingles(scratch.text, shingling, scratch.shingles);
  } else {
    char_shingles(scratch.text, shingling, scratch.shingles);
  }
  info.shingles = scratch.shingles.size();
}

signature_info document_signer::sign(std::string_view text, std::span<std::uint32_t> out,
                                     signer_scratch& scratch) const {
  signature_info info;
  shingle(text, signing_shingle_, scratch, info);
  minhasher_.sign_uniform(scratch.shingles, out);  // checks out.size() before writing to it
  return info;
}

std::vector<std::uint32_t> document_signer::sign(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint32_t> out(num_perm());
  sign(text, out, scratch);
  return out;
}

void document_signer::shingle_set(std::string_view text, std::vector<std::uint64_t>& out,
                                  signer_scratch& scratch) const {
  signature_info info;
  shingle(text, options_.shingle, scratch, info);
  out.assign(scratch.shingles.begin(), scratch.shingles.end());
  make_shingle_set(out);
}

std::vector<std::uint64_t> document_signer::shingle_set(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint64_t> out;
  shingle_set(text, out, scratch);
  return out;
}

}  // namespace neardup
