// Private to the normalize stage: the per-process code point table behind neardup::normalizer.
//
// One 32-bit entry per code point, in a two-stage table (blocks of 256 entries; identical blocks
// are stored once, which is why "maps to itself" is encoded as value 0 rather than as the code point),
// with the Basic Multilingual Plane also kept flat for the hot path.
#pragma once

#include <unicode/unistr.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace neardup::detail {

/// Bit layout of a fold_table entry.
namespace fold {
inline constexpr std::uint32_t value_mask = 0x1FFFFF;  ///< mapped code point (0 = itself) or pool offset
inline constexpr std::uint32_t punct = 1U << 21;       ///< folded form is P* or S*
inline constexpr std::uint32_t space = 1U << 22;       ///< folded form is Z* or Cc
inline constexpr std::uint32_t expand = 1U << 23;      ///< folds to 0 or 2+ code points: value = pool offset
inline constexpr std::uint32_t compose = 1U << 24;     ///< may normalize together with what precedes it
inline constexpr std::uint32_t han = 1U << 25;         ///< the code point itself is Han script
inline constexpr std::uint32_t web = 1U << 26;         ///< '<', '&', 'h', 'H', 'w', 'W': may start a web artifact
inline constexpr std::uint32_t paren = 1U << 27;       ///< '(' or U+FF08: may start a pinyin annotation
}  // namespace fold

/// The folded form of every code point for one combination of (nfkc_casefold,
/// traditional_to_simplified), plus class flags. Immutable once built; safe to share across threads.
///
/// Expansions live in `pool`: at pool[offset] the count n, then n entries each holding one folded
/// code point in value_mask plus that code point's punct/space/compose flags.
struct fold_table {
  std::vector<std::uint16_t> stage1;  ///< 0x1100 block numbers
  std::vector<std::uint32_t> stage2;  ///< blocks of 256 entries
  std::vector<std::uint32_t> pool;    ///< expansions
  /// The entries of U+0000..U+FFFF again, flat (256 KiB): one load instead of two dependent ones
  /// for nearly every character of real text.
  std::vector<std::uint32_t> bmp;
  bool nfkc_casefold = false;
  bool traditional_to_simplified = false;

  /// The entry of `cp`; beyond U+10FFFF (the sentence marks) an entry of no flags.
  [[nodiscard]] std::uint32_t lookup(char32_t cp) const noexcept {
    if (cp < 0x10000) [[likely]] return bmp[cp];
    if (cp > 0x10FFFF) [[unlikely]] return 0;
    return stage2[(static_cast<std::size_t>(stage1[cp >> 8]) << 8) | (cp & 0xFFU)];
  }

  /// The folded code points of an expansion entry, each with its flags.
  [[nodiscard]] std::span<const std::uint32_t> expansion(std::uint32_t entry) const noexcept {
    std::size_t const offset = entry & fold::value_mask;
    return {pool.data() + offset + 1, pool[offset]};
  }
};

/// The process-wide table for the given options, built on first use (thread-safe; ~30 ms) and
/// never freed. Throws error(errc::icu_error) if ICU lacks the data the options need.
[[nodiscard]] fold_table const& get_fold_table(bool nfkc_casefold, bool traditional_to_simplified);

/// The same table with the sentence ends mapped to the sentence marks (normalize.hpp) instead of
/// dropped: 。！？；!?; to sentence_end_mark, the line feed to line_end_mark, with no flags, so that
/// the fast paths keep them like any letter.
[[nodiscard]] fold_table const& get_sentence_fold_table(bool nfkc_casefold,
                                                        bool traditional_to_simplified);

/// The slow path of normalization: ICU's NFKC_Casefold of `text`, appended to `out`.
/// Returns false (and appends `text` unchanged) if ICU fails. Thread-safe.
bool icu_nfkc_casefold(std::u32string_view text, std::u32string& out);

/// What normalization costs without the table: one pass of ICU's NFKC_Casefold, ICU's
/// Traditional-Simplified transliterator and a category filter over the whole text (no pinyin or
/// web stripping). For benchmarks, to measure what the table saves. Each thread keeps its own
/// transliterator (ICU transliterators are not safe to share). Throws error(errc::icu_error) if
/// ICU lacks the data.
[[nodiscard]] std::u32string icu_fold_reference(std::string_view utf8, bool nfkc_casefold,
                                                bool traditional_to_simplified, bool drop_punctuation,
                                                bool drop_whitespace);

/// The code points of an ICU string (UTF-16), for the folding that ICU does on UnicodeString.
[[nodiscard]] std::u32string to_u32(icu::UnicodeString const& s);

}  // namespace neardup::detail
