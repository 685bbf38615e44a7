#include "neardup/signature.hpp"

#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/hash_mix.hpp"
#include "neardup/error.hpp"
#include "text/normalize_block.hpp"

namespace neardup {
namespace {

// Sentences of the texts that normalizer::normalize_marking_sentences() cannot mark (combining
// marks, or options that keep punctuation or white space): the text is cut after each sentence end
// and the closing quotes, brackets and white space that follow it, and the stretches are
// normalized apart.

[[nodiscard]] bool three(std::string_view t, std::size_t i, unsigned char a, unsigned char b,
                         unsigned char c) noexcept {
  return i + 2 < t.size() && static_cast<unsigned char>(t[i]) == a &&
         static_cast<unsigned char>(t[i + 1]) == b && static_cast<unsigned char>(t[i + 2]) == c;
}

/// The length of a character that may follow a sentence end in its stretch (a mark ending
/// sentences, white space, a closing quote or bracket) at t[i], or 0. Sets `line` for a line feed.
[[nodiscard]] std::size_t run_char(std::string_view t, std::size_t i, bool& line) noexcept {
  auto const c = static_cast<unsigned char>(t[i]);
  switch (c) {
    case '\n':
      line = true;
      return 1;
    case '\r':
    case ' ':
    case '\t':
      return 1;
    case '!':
    case '?':
    case ';':
    case ')':
    case '"':
      return 1;
    case 0xE3:
      if (three(t, i, 0xE3, 0x80, 0x80)) {  // ideographic space
        return 3;
      }
      for (int const last : {0x82, 0x8D, 0x8F, 0x91, 0x8B})  // 。」』】》
        if (three(t, i, 0xE3, 0x80, static_cast<unsigned char>(last))) {
          return 3;
        }
      return 0;
    case 0xEF:
      for (int const last : {0x81, 0x9F, 0x9B, 0x89})  // ！？；）
        if (three(t, i, 0xEF, 0xBC, static_cast<unsigned char>(last))) {
          return 3;
        }
      return 0;
    case 0xE2:
      if (three(t, i, 0xE2, 0x80, 0x9D) || three(t, i, 0xE2, 0x80, 0x99)) {  // ” ’
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

/// The end of the stretch of the text that starts at `from`: just past a sentence end and what
/// follows it, or the text's size. Sets `line` when the stretch holds a line feed (every one of
/// them is a sentence end or in the run after one).
[[nodiscard]] std::size_t sentence_end(std::string_view t, std::size_t from, bool& line) noexcept {
  std::size_t i = find_terminator(t, from);
  while (i < t.size()) {
    std::size_t const n = run_char(t, i, line);
    if (n == 0) break;
    i += n;
  }
  return i;
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
                                          minhash_scheme::one_permutation, options.minhash.seed}),
      short_minhasher_(minhash_options{options.short_text.num_perm, minhash_scheme::one_permutation,
                                       options.minhash.seed}) {
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
  init_short_text();
}

namespace {

constexpr std::uint64_t line_bit = std::uint64_t{1} << 63;
/// A cut in scratch.cuts: where a sentence mark was in the text without marks, with cut_line set
/// when it was line_end_mark.
constexpr std::uint32_t cut_line = std::uint32_t{1} << 31;

/// Takes the sentence marks (normalizer::normalize_marking_sentences) out of `s`, putting in `at`
/// the cut each leaves.
void take_out_marks_scalar(std::u32string& s, std::size_t from, std::size_t w,
                           std::vector<std::uint32_t>& at) {
  char32_t* const d = s.data();
  for (std::size_t i = from; i < s.size(); ++i) {
    if (d[i] >= sentence_end_mark)
      at.push_back(static_cast<std::uint32_t>(w) | (d[i] == line_end_mark ? cut_line : 0));
    else
      d[w++] = d[i];
  }
  s.resize(w);
}

#if defined(__x86_64__)
/// take_out_marks() 16 code points at a time and without a branch on the data (a mark comes every
/// 20 or 30 characters, too often and too irregularly to predict): the kept code points and the
/// marks' cuts are each compressed and stored whole.
__attribute__((target("avx512f,popcnt"))) void take_out_marks_avx512(
    std::u32string& s, std::vector<std::uint32_t>& at) {
  char32_t* const d = s.data();
  std::size_t const n = s.size();
  __m512i const first_mark = _mm512_set1_epi32(static_cast<int>(sentence_end_mark));
  __m512i const lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i const line_flag = _mm512_set1_epi32(static_cast<int>(cut_line));
  __m512i const one = _mm512_set1_epi32(1);
  // Locals, not the vector's fields, which the stores may alias (see take_out_marks_avx2()).
  if (at.size() < 64) at.resize(64);
  std::uint32_t* cuts = at.data();
  std::size_t room = at.size();
  std::size_t i = 0, w = 0, found = 0;
  for (; i + 16 <= n; i += 16) {
    // Each block stores 16 cuts, of which its marks' count are kept; room grows by doubling (a
    // resize to the text's length would clear four bytes per code point).
    if (found + 16 > room) {
      at.resize(2 * room);
      cuts = at.data();
      room = at.size();
    }
    __m512i const v = _mm512_loadu_si512(d + i);
    __mmask16 const marks = _mm512_cmpge_epu32_mask(v, first_mark);
    // d[w, w + 16) was read already (w <= i), so the store overwrites nothing still to be read.
    _mm512_storeu_si512(d + w, _mm512_maskz_compress_epi32(static_cast<__mmask16>(~marks), v));
    // The k-th mark, at lane L, leaves a cut at w + L - k; line_end_mark is the odd mark. The lane
    // numbers carry the line flag through the one compress: L >= k, so L - k + w borrows nothing
    // from it.
    __m512i const flagged = _mm512_mask_or_epi32(lanes, _mm512_test_epi32_mask(v, one), lanes, line_flag);
    __m512i const cut = _mm512_add_epi32(
        _mm512_sub_epi32(_mm512_maskz_compress_epi32(marks, flagged), lanes),
        _mm512_set1_epi32(static_cast<int>(w)));
    _mm512_storeu_si512(cuts + found, cut);
    auto const count = static_cast<std::size_t>(_mm_popcnt_u32(marks));
    found += count;
    w += 16 - count;
  }
  at.resize(found);
  take_out_marks_scalar(s, i, w, at);
}
#endif

#if defined(__x86_64__)
/// For each 8-bit mask, the numbers of its set bits in order, 4 bits each: the lane order that
/// compacts 8 lanes, since AVX2 has no compress instruction.
constexpr std::array<std::uint32_t, 256> set_bit_nibbles = [] {
  std::array<std::uint32_t, 256> table{};
  for (unsigned m = 0; m < 256; ++m) {
    std::uint32_t lanes = 0;
    int k = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((m >> bit & 1) != 0) lanes |= bit << (4 * k++);
    }
    table[m] = lanes;
  }
  return table;
}();

/// The lane order that compacts the lanes of `mask` (`shifts` 0, 4, … 28 and `seven` in every
/// lane).
[[gnu::always_inline]] __attribute__((target("avx2,popcnt"))) inline __m256i compaction_order(
    unsigned mask, __m256i shifts, __m256i seven) {
  return _mm256_and_si256(
      _mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(set_bit_nibbles[mask])), shifts), seven);
}

/// take_out_marks_avx512() with AVX2, 8 code points at a time: each compress is a lane permute
/// from a table. The text and cut pointers are locals: the vector stores may alias anything, and
/// through the vectors' own fields the loop reloaded them (and its constants) at every step.
__attribute__((target("avx2,popcnt"))) void take_out_marks_avx2(std::u32string& s,
                                                                std::vector<std::uint32_t>& at) {
  char32_t* const d = s.data();
  std::size_t const n = s.size();
  // Code points are below 2^31, the marks above every one of them: a signed compare tells them.
  __m256i const last_text = _mm256_set1_epi32(static_cast<int>(sentence_end_mark - 1));
  __m256i const lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i const line_flag = _mm256_set1_epi32(static_cast<int>(cut_line));
  __m256i const one = _mm256_set1_epi32(1);
  __m256i const shifts = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
  __m256i const seven = _mm256_set1_epi32(7);
  if (at.size() < 64) at.resize(64);
  std::uint32_t* cuts = at.data();
  std::size_t room = at.size();
  std::size_t i = 0, w = 0, found = 0;
  while (i + 8 <= n) {
    if (found + 8 > room) {
      at.resize(2 * room);
      cuts = at.data();
      room = at.size();
    }
    // As many blocks as the room holds cuts for, with no call among them: a call clobbers every
    // vector register, and the constants were rebuilt at every block.
    std::size_t const blocks = std::min((n - i) / 8, (room - found) / 8);
    for (std::size_t block = 0; block < blocks; ++block, i += 8) {
      __m256i const v = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(d + i));
      auto const marks = static_cast<unsigned>(
          _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(v, last_text))));
      // d[w, w + 8) was read already (w <= i), so the store overwrites nothing still to be read.
      _mm256_storeu_si256(
          reinterpret_cast<__m256i*>(d + w),
          _mm256_permutevar8x32_epi32(v, compaction_order(~marks & 0xFF, shifts, seven)));
      // As in take_out_marks_avx512(), the lane numbers carry the line flag.
      __m256i const odd = _mm256_cmpeq_epi32(_mm256_and_si256(v, one), one);
      __m256i const flagged = _mm256_or_si256(lanes, _mm256_and_si256(odd, line_flag));
      __m256i const cut = _mm256_add_epi32(
          _mm256_sub_epi32(
              _mm256_permutevar8x32_epi32(flagged, compaction_order(marks, shifts, seven)), lanes),
          _mm256_set1_epi32(static_cast<int>(w)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(cuts + found), cut);
      auto const count = static_cast<std::size_t>(_mm_popcnt_u32(marks));
      found += count;
      w += 8 - count;
    }
  }
  at.resize(found);
  take_out_marks_scalar(s, i, w, at);
}
#endif

void take_out_marks(std::u32string& s, std::vector<std::uint32_t>& at) {
  at.clear();
#if defined(__x86_64__)
  // AVX-512F suffices here, so CPUs without VBMI2 run it too, unless a weaker target is forced.
  static bool const avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("popcnt");
  static bool const avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  auto const allowed = detail::allowed_block_target();
  if (avx512 && allowed == detail::block_target::avx512) {
    take_out_marks_avx512(s, at);
    return;
  }
  if (avx2 && allowed != detail::block_target::scalar) {
    take_out_marks_avx2(s, at);
    return;
  }
#endif
  take_out_marks_scalar(s, 0, 0, at);
}

/// Sentence entries as document_signer::sentence_set() describes them, a sentence at a time.
class sentence_collector {
 public:
  sentence_collector(std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& lines,
                     std::size_t min_chars, bool with_lines)
      : out_(out), lines_(lines), min_chars_(min_chars), with_lines_(with_lines) {
    reset();
  }
  void reset() {
    out_.clear();
    lines_.clear();
    line_hash_ = 0;
    line_sentences_ = 0;
  }
  /// A sentence of `n` code points; `hash` gives its hash (called when it is long enough to count).
  template <class Hash>
  void add(std::size_t n, bool line_end, Hash const& hash) {
    if (n >= min_chars_) {
      std::uint64_t const h = hash() & ~line_bit;
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
  std::size_t min_chars_;
  bool with_lines_;
  std::uint64_t line_hash_ = 0;
  std::uint64_t line_sentences_ = 0;
};

}  // namespace

namespace {

/// document_signer::sentence_hash(), inlined into the loop over an essay's sentences (a call for
/// each of them cost about as much as the hash).
[[gnu::always_inline]] inline std::uint64_t hash_sentence(char32_t const* p, std::size_t n,
                                                          std::uint64_t const* shingles,
                                                          std::size_t w,
                                                          std::uint64_t seed) noexcept {
  // Character shingles: from the shingles the signature is made of (no second pass over the
  // text), the sum of every w-th shingle and the last one, which between them hold every code point
  // of the sentence, with its length. Shorter sentences and word shingles: XXH3 of the code points.
  if (shingles == nullptr || n < w) return XXH3_64bits_withSeed(p, n * sizeof(char32_t), seed);
  std::size_t const last = n - w;
  std::uint64_t sum = shingles[last];
  for (std::size_t i = 0; i < last; i += w) sum += shingles[i];
  return detail::mix64(sum ^ detail::mix64(seed ^ n));
}

}  // namespace

std::uint64_t document_signer::sentence_hash(char32_t const* p, std::size_t n,
                                             std::uint64_t const* shingles) const noexcept {
  return hash_sentence(p, n, shingles, signing_shingle_.n, sentence_seed_);
}

void document_signer::collect_sentences(signer_scratch& scratch, signature_info& info, bool lines,
                                        bool sorted) const {
  sentence_collector collect(scratch.sentences, scratch.lines, options_.sentences.min_chars, lines);
  bool const by_shingles = options_.unit == shingle_unit::character &&
                           scratch.shingles.size() + signing_shingle_.n == scratch.text.size() + 1;
  char32_t const* const d = scratch.text.data();
  std::size_t const w = signing_shingle_.n;
  std::uint64_t const seed = sentence_seed_;
  std::size_t start = 0;
  scratch.sentences.reserve(scratch.cuts.size() + 1);
  auto const stretch = [&](std::size_t stop, bool line_end) {
    collect.add(stop - start, line_end, [&] {
      return hash_sentence(d + start, stop - start,
                           by_shingles ? scratch.shingles.data() + start : nullptr, w, seed);
    });
    start = stop;
  };
  // One stretch more than cuts: the last one ends the text, and so a line.
  for (std::uint32_t const cut : scratch.cuts) stretch(cut & ~cut_line, (cut & cut_line) != 0);
  stretch(scratch.text.size(), true);
  info.sentences = collect.finish(sorted);
}

bool document_signer::normalize_with_sentences(std::string_view text, signer_scratch& scratch,
                                               signature_info& info, bool lines,
                                               bool sorted) const {
  // sentence_set() sorts; the sketch needs no order
  // One normalization with the sentence ends left in as marks, taken out again: the stretches are
  // hashed once the text is shingled (collect_sentences). Texts with combining marks (and options
  // that keep punctuation or white space) have no marks: their stretches are normalized apart.
  if (normalizer_.normalize_marking_sentences(text, scratch.text, info.normalize)) {
    take_out_marks(scratch.text, scratch.cuts);
    return true;
  }
  info.normalize = normalizer_.normalize(text, scratch.text);
  sentence_collector collect(scratch.sentences, scratch.lines, options_.sentences.min_chars, lines);
  bool const by_shingles = options_.unit == shingle_unit::character;
  for (std::size_t begin = 0; begin < text.size();) {
    bool line = false;
    std::size_t const end = sentence_end(text, begin, line);
    (void)normalizer_.normalize(text.substr(begin, end - begin), scratch.sentence);
    std::u32string const& t = scratch.sentence;
    collect.add(t.size(), end == text.size() || line, [&] {
      if (!by_shingles || t.size() < signing_shingle_.n)
        return sentence_hash(t.data(), t.size(), nullptr);
      char_shingles(t, signing_shingle_, scratch.sentence_shingles);
      return sentence_hash(t.data(), t.size(), scratch.sentence_shingles.data());
    });
    begin = end;
  }
  info.sentences = collect.finish(sorted);
  return false;
}

signature_info document_signer::sign(std::string_view text, std::span<std::uint32_t> out,
                                     std::span<std::uint32_t> sentence_out,
                                     signer_scratch& scratch) const {
  return sign_sentences(text, out, sentence_out, scratch, false);
}

signature_info document_signer::sign_sentences(std::string_view text, std::span<std::uint32_t> out,
                                               std::span<std::uint32_t> sentence_out,
                                               signer_scratch& scratch, bool lines) const {
  if (out.size() != num_perm() || sentence_out.size() != options_.sentences.num_perm)
    throw error(errc::invalid_argument, "sign: signature buffers of " + std::to_string(out.size()) +
                                            " and " + std::to_string(sentence_out.size()) +
                                            " values, expected " + std::to_string(num_perm()) +
                                            " and " + std::to_string(options_.sentences.num_perm));
  signature_info info;
  bool const cut = normalize_with_sentences(text, scratch, info, lines, false);
  shingle_normalized(signing_shingle_, scratch, info);
  if (cut) collect_sentences(scratch, info, lines, false);
  minhasher_.sign_uniform(scratch.shingles, out);
  sentence_minhasher_.sign_uniform(scratch.sentences, sentence_out);
  return info;
}

namespace {

/// The filter make_sentence_filter() makes of the sorted, unique set of `sentences` (as they come,
/// with repeats) and `lines`, without sorting the sentences: their bits are set as they come and
/// their distinct number is counted in a small open-addressing table (a sort of every essay's
/// sentences cost more than the rest of the filter). Only the few line entries are sorted.
sentence_filter filter_of_unsorted(std::span<const std::uint64_t> sentences,
                                   std::vector<std::uint64_t>& lines,
                                   std::vector<std::uint64_t>& seen) {
  sentence_filter f;
  // Sentence entries have the line bit clear, so an all-ones slot is free.
  constexpr std::uint64_t free_slot = ~std::uint64_t{0};
  std::size_t slots = 64;
  while (slots < 2 * sentences.size()) slots *= 2;
  seen.assign(slots, free_slot);
  std::size_t const mask = slots - 1;
  std::uint32_t distinct = 0;
  std::uint16_t set_bits = 0;
  for (std::uint64_t const e : sentences) {
    auto const bit = static_cast<std::size_t>(e >> 32) % sentence_filter::bits;
    std::uint64_t& word = f.words[bit / 64];
    std::uint64_t const mask_bit = std::uint64_t{1} << (bit % 64);
    set_bits = static_cast<std::uint16_t>(set_bits + ((word & mask_bit) == 0 ? 1 : 0));
    word |= mask_bit;
    // The entries are hashes: their low bits place them well enough.
    for (std::size_t i = static_cast<std::size_t>(e) & mask;; i = (i + 1) & mask) {
      if (seen[i] == e) break;
      if (seen[i] == free_slot) {
        seen[i] = e;
        ++distinct;
        break;
      }
    }
  }
  f.sentences = distinct;
  f.set_bits = set_bits;  // counted as set: std::popcount is a library call without -mpopcnt
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  for (std::uint64_t const e : lines) {
    if (f.line_count == f.lines.size()) break;
    f.lines[f.line_count++] = e;
  }
  return f;
}

}  // namespace

signature_info document_signer::sign(std::string_view text, std::span<std::uint32_t> out,
                                     std::span<std::uint32_t> sentence_out, sentence_filter& filter,
                                     signer_scratch& scratch) const {
  signature_info const info = sign_sentences(text, out, sentence_out, scratch, true);
  // The sketch takes the sentences and lines as they come, and so does the filter.
  filter = filter_of_unsorted(scratch.sentences, scratch.lines, scratch.seen);
  return info;
}

sentence_filter make_sentence_filter(std::span<const std::uint64_t> sentence_set) noexcept {
  sentence_filter f;
  std::uint32_t n = 0;
  for (std::uint64_t const e : sentence_set) {
    if (sentence_entry_is_line(e)) {
      if (f.line_count < f.lines.size()) f.lines[f.line_count++] = e;
      continue;
    }
    auto const bit = static_cast<std::size_t>(e >> 32) % sentence_filter::bits;
    f.words[bit / 64] |= std::uint64_t{1} << (bit % 64);
    ++n;
  }
  f.sentences = n;
  std::size_t set = 0;
  for (std::uint64_t const w : f.words) set += static_cast<std::size_t>(std::popcount(w));
  f.set_bits = static_cast<std::uint16_t>(set);
  return f;
}

namespace {

template <class Popcount>
std::size_t bits_in_both(sentence_filter const& a, sentence_filter const& b,
                         Popcount const& popcount) noexcept {
  std::size_t both = 0;
  for (std::size_t w = 0; w < a.words.size(); ++w) both += popcount(a.words[w] & b.words[w]);
  return both;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) std::size_t bits_in_both_popcnt(
    sentence_filter const& a, sentence_filter const& b) noexcept {
  std::size_t both = 0;
  for (std::size_t w = 0; w < a.words.size(); ++w)
    both += static_cast<std::size_t>(__builtin_popcountll(a.words[w] & b.words[w]));
  return both;
}
#endif

}  // namespace

std::size_t sentences_in_shared_lines(sentence_filter const& a, sentence_filter const& b) noexcept {
  // Both sorted: a merge of at most sentence_filter::max_lines entries each.
  std::size_t in_shared = 0;
  for (std::size_t i = 0, j = 0; i < a.line_count && j < b.line_count;) {
    if (a.lines[i] < b.lines[j]) {
      ++i;
    } else if (b.lines[j] < a.lines[i]) {
      ++j;
    } else {
      in_shared += a.lines[i] & 0xFF;
      ++i;
      ++j;
    }
  }
  return in_shared;
}

std::size_t shared_sentences_bound(sentence_filter const& a, sentence_filter const& b) noexcept {
  if (a.sentences == sentence_filter::unknown || b.sentences == sentence_filter::unknown)
    return SIZE_MAX;
#if defined(__x86_64__)
  static bool const popcnt = __builtin_cpu_supports("popcnt");
  std::size_t const both =
      popcnt ? bits_in_both_popcnt(a, b) : bits_in_both(a, b, [](std::uint64_t x) {
        return static_cast<std::size_t>(std::popcount(x));
      });
#else
  std::size_t const both = bits_in_both(
      a, b, [](std::uint64_t x) { return static_cast<std::size_t>(std::popcount(x)); });
#endif
  std::size_t const na = a.sentences, nb = b.sentences;
  // Sentences beyond the first at a bit: what the bits cannot tell apart.
  std::size_t const extra = std::min(na - std::min<std::size_t>(na, a.set_bits),
                                     nb - std::min<std::size_t>(nb, b.set_bits));
  return std::min({both + extra, na, nb});
}

void document_signer::sentence_set(std::string_view text, std::vector<std::uint64_t>& out,
                                   signer_scratch& scratch) const {
  signature_info info;
  if (normalize_with_sentences(text, scratch, info, true, true)) {
    if (options_.unit == shingle_unit::character) {
      char_shingles(scratch.text, signing_shingle_, scratch.shingles);
    } else {
      scratch.shingles.clear();
    }
    collect_sentences(scratch, info, true, true);
  }
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

void document_signer::init_short_text() {
  short_shingle_ = {options_.short_text.ngram,
                    detail::mix64(options_.shingle.seed ^
                                  detail::mix64(options_.minhash.seed ^ 0x510e527fade682d1ull))};
  if (options_.short_text.below_chars > 0)
    (void)char_shingles(std::u32string_view(U"x"), short_shingle_);  // ngram >= 1
}

void document_signer::sign_short(std::string_view text, std::span<std::uint32_t> out,
                                 signer_scratch& scratch) const {
  (void)normalizer_.normalize(text, scratch.text);
  char_shingles(scratch.text, short_shingle_, scratch.shingles);
  short_minhasher_.sign_uniform(scratch.shingles, out);  // checks out.size()
}

void document_signer::short_shingle_set(std::string_view text, std::vector<std::uint64_t>& out,
                                        signer_scratch& scratch) const {
  (void)normalizer_.normalize(text, scratch.text);
  char_shingles(scratch.text, short_shingle_, out);
  make_shingle_set(out);
}

std::vector<std::uint64_t> document_signer::short_shingle_set(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint64_t> out;
  short_shingle_set(text, out, scratch);
  return out;
}

std::vector<std::uint64_t> document_signer::shingle_set(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint64_t> out;
  shingle_set(text, out, scratch);
  return out;
}

}  // namespace neardup
