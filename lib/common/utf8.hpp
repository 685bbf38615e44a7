// detail:: UTF-8 both ways and white space: the one decoder, the one encoder and the one set of
// white-space characters that every stage reading or writing UTF-8 uses, so that normalize,
// encoding, split and load agree on what is ill-formed and where a character ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace neardup::detail {

inline constexpr char32_t replacement_character = 0xFFFD;

/// What decode_utf8() found at the position it decoded.
enum class utf8_status : std::uint8_t {
  ok,
  ill_formed,  ///< a byte that cannot start a sequence, or cannot continue the one begun
  truncated,   ///< a well-begun sequence cut off by the end of the input
};

/// One decoded sequence: its code point (U+FFFD unless ok) and how many bytes it spans.
struct utf8_sequence {
  char32_t cp;
  utf8_status status;
  std::uint8_t length;  ///< 1 to 4; for an ill-formed or truncated sequence, 1 to 3
};

namespace utf8_impl {

/// The general case of decode_utf8(): every lead byte but ASCII and the plain 3-byte leads.
inline utf8_sequence decode_rest(unsigned char const* p, unsigned char const* end) noexcept {
  unsigned const b0 = p[0];
  int need = 0;
  unsigned lo = 0x80;  // allowed range of the first continuation byte
  unsigned hi = 0xBF;
  char32_t c = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    c = b0 & 0x1FU;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    c = b0 & 0x0FU;
    lo = b0 == 0xE0 ? 0xA0 : lo;  // no overlong 3-byte forms
    hi = b0 == 0xED ? 0x9F : hi;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    c = b0 & 0x07U;
    lo = b0 == 0xF0 ? 0x90 : lo;  // no overlong 4-byte forms
    hi = b0 == 0xF4 ? 0x8F : hi;  // nothing above U+10FFFF
  } else {
    // 80..BF (a continuation without lead), C0 and C1 (only overlongs), F5..FF (beyond U+10FFFF).
    return {replacement_character, utf8_status::ill_formed, 1};
  }
  unsigned char const* q = p + 1;
  for (int k = 0; k < need; ++k) {
    if (q == end || *q < lo || *q > hi) {
      auto const length = static_cast<std::uint8_t>(q - p);
      return {replacement_character, q == end ? utf8_status::truncated : utf8_status::ill_formed,
              length};
    }
    c = (c << 6) | (*q & 0x3FU);
    ++q;
    lo = 0x80;
    hi = 0xBF;
  }
  return {c, utf8_status::ok, static_cast<std::uint8_t>(need + 1)};
}

}  // namespace utf8_impl

/// Decodes the sequence at `p` (p < end); never reads at or past `end`.
///
/// Ill-formed input follows the Unicode "maximal subpart" rule (Unicode 15 §3.9, U+FFFD
/// Substitution of Maximal Subparts; WHATWG's decoder and ICU's U8_NEXT do the same): overlong
/// forms, surrogates (U+D800..U+DFFF) and values above U+10FFFF are ill-formed, and one U+FFFD
/// stands for the longest prefix of a well-formed sequence found there — the lead byte and the
/// continuation bytes valid so far, 1 to 3 bytes — or for one byte that starts no well-formed
/// sequence (80..BF, C0, C1, F5..FF). So "E4 B8 41" is U+FFFD (2 bytes) then 'A', and an overlong
/// "C0 AF" is two U+FFFD of one byte each.
///
/// Inline, with ASCII and the common CJK 3-byte form first: normalize's hot loop calls it for
/// every character.
[[nodiscard]] inline utf8_sequence decode_utf8(unsigned char const* p,
                                               unsigned char const* end) noexcept {
  unsigned const b0 = p[0];
  if (b0 < 0x80) return {b0, utf8_status::ok, 1};
  // E1..EC and EE..EF take any continuation bytes: no range check beyond the top two bits.
  if ((b0 & 0xF0) == 0xE0 && b0 != 0xE0 && b0 != 0xED && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
      (p[2] & 0xC0) == 0x80) {
    return {((b0 & 0x0FU) << 12) | ((p[1] & 0x3FU) << 6) | (p[2] & 0x3FU), utf8_status::ok, 3};
  }
  return utf8_impl::decode_rest(p, end);
}

/// decode_utf8() at byte `i` (< s.size()) of `s`.
[[nodiscard]] inline utf8_sequence decode_utf8(std::string_view s, std::size_t i) noexcept {
  auto const* const base = reinterpret_cast<unsigned char const*>(s.data());
  return decode_utf8(base + i, base + s.size());
}

/// True when `s` is well-formed UTF-8 throughout.
[[nodiscard]] inline bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    utf8_sequence const d = decode_utf8(s, i);
    if (d.status != utf8_status::ok) return false;
    i += d.length;
  }
  return true;
}

/// The bytes at the end of `s` that begin a sequence the end cuts off (0 to 3): what a read of
/// the first N bytes of a UTF-8 file leaves of its last character.
[[nodiscard]] inline std::size_t truncated_utf8_tail(std::string_view s) noexcept {
  // A truncated sequence is at most 3 bytes long: its lead is the last byte that is no
  // continuation byte, among the last three.
  std::size_t const stop = s.size() > 3 ? s.size() - 3 : 0;
  for (std::size_t i = s.size(); i > stop; --i) {
    if ((static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) continue;
    return decode_utf8(s, i - 1).status == utf8_status::truncated ? s.size() - (i - 1) : 0;
  }
  return 0;
}

/// White space as the stages that look for it see it: what a blank line may hold (split), what
/// trims a heading or a button line. ASCII blanks but LF (the line break itself), NO-BREAK SPACE,
/// the spaces U+2000..U+200A, ZERO WIDTH SPACE, IDEOGRAPHIC SPACE (U+3000, the indent of Chinese
/// text) and U+FEFF (a stray BOM). Normalization's drop_whitespace is wider by design: it drops
/// every separator and control (general categories Z and Cc) after folding, a superset of these
/// once NFKC_Casefold has removed the zero-width ones.
[[nodiscard]] constexpr bool is_white_space(char32_t c) noexcept {
  return c == U' ' || c == U'\t' || c == U'\r' || c == U'\v' || c == U'\f' || c == 0xA0 ||
         c == 0x3000 || c == 0xFEFF || (c >= 0x2000 && c <= 0x200B);
}

/// Appends the UTF-8 form of `c` (a Unicode scalar value) to `out`.
inline void append_utf8(std::string& out, char32_t c) {
  auto byte = [](char32_t v) { return static_cast<char>(static_cast<unsigned char>(v)); };
  if (c < 0x80) {
    out.push_back(byte(c));
  } else if (c < 0x800) {
    out.push_back(byte(0xC0 | (c >> 6)));
    out.push_back(byte(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(byte(0xE0 | (c >> 12)));
    out.push_back(byte(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(byte(0x80 | (c & 0x3F)));
  } else {
    out.push_back(byte(0xF0 | (c >> 18)));
    out.push_back(byte(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(byte(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(byte(0x80 | (c & 0x3F)));
  }
}

}  // namespace neardup::detail
