// Tests for the one UTF-8 decoder (lib/common/utf8.hpp): against ICU's U8_NEXT over every class of
// 1- to 4-byte prefix, against a brute-force table of every scalar value and every overlong,
// surrogate and too-large form, and the stages that use it (normalize, encoding, split) agreeing
// with it on ill-formed input and on what white space is.

#include <neardup/encoding.hpp>
#include <neardup/normalize.hpp>
#include <neardup/split.hpp>

#include "common/utf8.hpp"
#include "normalize_presets.hpp"

#include <unicode/utf8.h>
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using neardup::detail::decode_utf8;
using neardup::detail::utf8_sequence;
using neardup::detail::utf8_status;

/// One sequence as ICU's U8_NEXT reads it at s[i]: its code point (U+FFFD when ill-formed) and
/// length; `ok` says whether it is well-formed.
struct icu_sequence {
  char32_t cp = 0;
  std::size_t length = 0;
  bool ok = false;
};

icu_sequence icu_next(std::string_view s, std::size_t i) {
  auto const* bytes = reinterpret_cast<std::uint8_t const*>(s.data());
  auto at = static_cast<std::int32_t>(i);
  UChar32 c = 0;
  U8_NEXT(bytes, at, static_cast<std::int32_t>(s.size()), c);
  return {c < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(c), static_cast<std::size_t>(at) - i,
          c >= 0};
}

/// True when the ill-formed bytes s[i, i + length) are a prefix of a well-formed sequence that the
/// end of `s` cut off: some continuation byte after them lets ICU read further.
bool icu_says_truncated(std::string_view s, std::size_t i, std::size_t length) {
  if (i + length != s.size()) return false;
  for (int const b : {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF}) {  // each continuation class
    std::string longer(s.substr(i));
    longer += static_cast<char>(b);
    longer += "\x80\x80";
    if (icu_next(longer, 0).length > length) return true;
  }
  return false;
}

/// Decodes all of `s` with decode_utf8 and with U8_NEXT and requires the same sequences.
void require_same_as_icu(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    utf8_sequence const d = decode_utf8(s, i);
    icu_sequence const ref = icu_next(s, i);
    INFO("at byte " << i << " of a " << s.size() << "-byte input");
    REQUIRE(d.cp == ref.cp);
    REQUIRE(d.length == ref.length);
    REQUIRE((d.status == utf8_status::ok) == ref.ok);
    if (!ref.ok)
      REQUIRE((d.status == utf8_status::truncated) == icu_says_truncated(s, i, ref.length));
    i += d.length;
  }
}

std::string bytes_of(std::initializer_list<int> list) {
  std::string s;
  for (int const b : list) s += static_cast<char>(b);
  return s;
}

std::string utf8_of(char32_t c) {
  std::string s;
  neardup::detail::append_utf8(s, c);
  return s;
}

// One byte of each class the decoder tells apart: ASCII, the continuation ranges that the special
// leads E0, ED, F0 and F4 accept or refuse, the never-valid C0, C1 and F5..FF, and every lead kind.
constexpr std::array<int, 26> byte_classes = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                              0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                              0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xFF};

}  // namespace

TEST_CASE("decode_utf8 reads every 1- to 4-byte class as ICU's U8_NEXT does", "[utf8]") {
  // Every string of up to four bytes drawn from the classes: each prefix a sequence can have,
  // well-formed, overlong, surrogate, above U+10FFFF, cut short or interrupted.
  std::string s;
  for (int const a : byte_classes) {
    require_same_as_icu(bytes_of({a}));
    for (int const b : byte_classes) {
      require_same_as_icu(bytes_of({a, b}));
      for (int const c : byte_classes) {
        require_same_as_icu(bytes_of({a, b, c}));
        for (int const d : byte_classes) require_same_as_icu(bytes_of({a, b, c, d}));
      }
    }
  }
}

TEST_CASE("decode_utf8 agrees with U8_NEXT on every 2- and 3-byte string with a lead byte",
          "[utf8]") {
  for (int a = 0; a <= 0xFF; ++a) {
    for (int b = 0; b <= 0xFF; ++b) {
      std::string const two = bytes_of({a, b});
      utf8_sequence const d = decode_utf8(two, 0);
      icu_sequence const ref = icu_next(two, 0);
      REQUIRE(d.cp == ref.cp);
      REQUIRE(d.length == ref.length);
      if (a < 0xC2 || a > 0xF4) continue;
      for (int c = 0; c <= 0xFF; ++c) {
        std::string const three = bytes_of({a, b, c});
        utf8_sequence const e = decode_utf8(three, 0);
        icu_sequence const ref3 = icu_next(three, 0);
        REQUIRE(e.cp == ref3.cp);
        REQUIRE(e.length == ref3.length);
        REQUIRE((e.status == utf8_status::ok) == ref3.ok);
      }
    }
  }
}

TEST_CASE("decode_utf8 against a brute-force table of scalar values and ill-formed forms",
          "[utf8]") {
  SECTION("every scalar value decodes from its own encoding, in 1 to 4 bytes") {
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      std::string const s = utf8_of(c);
      utf8_sequence const d = decode_utf8(s, 0);
      REQUIRE(d.status == utf8_status::ok);
      REQUIRE(d.cp == c);
      REQUIRE(d.length == (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4));
      REQUIRE(neardup::detail::is_valid_utf8(s));
      // Cut anywhere inside, it is one truncated sequence covering what is left.
      for (std::size_t cut = 1; cut < s.size(); ++cut) {
        std::string const part = "ab" + s.substr(0, cut);
        utf8_sequence const t = decode_utf8(part, 2);
        REQUIRE(t.status == utf8_status::truncated);
        REQUIRE(t.cp == 0xFFFD);
        REQUIRE(t.length == cut);
        REQUIRE(neardup::detail::truncated_utf8_tail(part) == cut);
        REQUIRE_FALSE(neardup::detail::is_valid_utf8(part));
      }
      REQUIRE(neardup::detail::truncated_utf8_tail("ab" + s) == 0);
    }
  }
  SECTION("overlong forms: the lead byte alone is the maximal subpart, one U+FFFD per byte") {
    // c written in one byte more than it needs: C0/C1 xx, E0 80..9F xx, F0 80..8F xx xx.
    for (char32_t c = 0; c < 0x10000; ++c) {
      std::string s;
      if (c < 0x80)
        s = bytes_of({0xC0 | static_cast<int>(c >> 6), 0x80 | static_cast<int>(c & 0x3F)});
      else if (c < 0x800)
        s = bytes_of({0xE0, 0x80 | static_cast<int>(c >> 6), 0x80 | static_cast<int>(c & 0x3F)});
      else
        s = bytes_of({0xF0, 0x80 | static_cast<int>(c >> 12),
                      0x80 | static_cast<int>((c >> 6) & 0x3F), 0x80 | static_cast<int>(c & 0x3F)});
      utf8_sequence const d = decode_utf8(s, 0);
      REQUIRE(d.status == utf8_status::ill_formed);
      REQUIRE(d.cp == 0xFFFD);
      REQUIRE(d.length == 1);
      REQUIRE_FALSE(neardup::detail::is_valid_utf8(s));
      // Every byte after the lead is a continuation byte without a lead: one U+FFFD each.
      for (std::size_t i = 1; i < s.size(); ++i) REQUIRE(decode_utf8(s, i).length == 1);
    }
  }
  SECTION("surrogates and values above U+10FFFF are ill-formed, one byte at a time") {
    for (char32_t c = 0xD800; c <= 0xDFFF; ++c) {
      std::string const s = bytes_of(
          {0xED, 0x80 | static_cast<int>((c >> 6) & 0x3F), 0x80 | static_cast<int>(c & 0x3F)});
      utf8_sequence const d = decode_utf8(s, 0);
      REQUIRE(d.status == utf8_status::ill_formed);
      REQUIRE(d.length == 1);
    }
    for (char32_t c = 0x110000; c < 0x200000; c += 0x3F) {
      std::string const s =
          bytes_of({0xF0 | static_cast<int>(c >> 18), 0x80 | static_cast<int>((c >> 12) & 0x3F),
                    0x80 | static_cast<int>((c >> 6) & 0x3F), 0x80 | static_cast<int>(c & 0x3F)});
      utf8_sequence const d = decode_utf8(s, 0);
      REQUIRE(d.status == utf8_status::ill_formed);
      REQUIRE(d.cp == 0xFFFD);
      REQUIRE(d.length == 1);
    }
  }
  SECTION("a sequence interrupted by another byte: lead and valid continuations are one U+FFFD") {
    CHECK(decode_utf8(bytes_of({0xE4, 0xB8, 0x41}), 0).length == 2);
    CHECK(decode_utf8(bytes_of({0xF0, 0x9F, 0x98, 0x41}), 0).length == 3);
    CHECK(decode_utf8(bytes_of({0xF0, 0x9F, 0x41}), 0).length == 2);
    CHECK(decode_utf8(bytes_of({0xE4, 0xB8, 0x41}), 0).status == utf8_status::ill_formed);
    CHECK(decode_utf8(bytes_of({0xE4, 0xB8}), 0).status == utf8_status::truncated);
  }
}

TEST_CASE("decode_utf8 on random byte strings is U8_NEXT, position by position", "[utf8]") {
  std::mt19937 rng(20250611);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string s(std::uniform_int_distribution<std::size_t>(1, 24)(rng), '\0');
    // Mostly lead and continuation bytes, so that near-valid sequences are common.
    for (char& b : s) {
      int const kind = std::uniform_int_distribution<int>(0, 3)(rng);
      b = static_cast<char>(
          kind == 0 ? std::uniform_int_distribution<int>(0, 0x7F)(rng)
                    : std::uniform_int_distribution<int>(kind == 1 ? 0x80 : 0xC0, 0xFF)(rng));
    }
    require_same_as_icu(s);
    bool icu_valid = true;
    for (std::size_t i = 0; i < s.size();) {
      icu_sequence const ref = icu_next(s, i);
      icu_valid = icu_valid && ref.ok;
      i += ref.length;
    }
    REQUIRE(neardup::detail::is_valid_utf8(s) == icu_valid);
  }
}

TEST_CASE("normalize, encoding and split read ill-formed UTF-8 as the one decoder does", "[utf8]") {
  // Overlong, surrogate, too large, truncated and interrupted sequences between ASCII letters.
  std::string const bad = "a" + bytes_of({0xC0, 0xAF}) + "b" + bytes_of({0xED, 0xA0, 0x80}) + "c" +
                          bytes_of({0xF4, 0x90, 0x80, 0x80}) + "d" + bytes_of({0xE4, 0xB8}) + "e" +
                          bytes_of({0xF0, 0x9F, 0x98}) + "f" + bytes_of({0xE4, 0xB8});
  std::u32string decoded;
  std::size_t ill_formed = 0;
  std::size_t ill_formed_bytes = 0;
  for (std::size_t i = 0; i < bad.size();) {
    utf8_sequence const d = decode_utf8(bad, i);
    decoded += d.cp;
    if (d.status != utf8_status::ok) {
      ++ill_formed;
      ill_formed_bytes += d.length;
    }
    i += d.length;
  }
  REQUIRE(decoded ==
          U"a\uFFFD\uFFFDb\uFFFD\uFFFD\uFFFDc\uFFFD\uFFFD\uFFFD\uFFFDd\uFFFDe\uFFFDf\uFFFD");

  SECTION("normalize") {
    std::u32string out;
    auto const stats = neardup::normalizer(neardup_test::all_off()).normalize(bad, out);
    CHECK(out == decoded);
    CHECK(stats.invalid_bytes == ill_formed_bytes);
  }
  SECTION("encoding, detected and forced") {
    std::string expected;
    for (char32_t const c : decoded) neardup::detail::append_utf8(expected, c);
    neardup::decode_options forced;
    forced.encoding = "UTF-8";
    auto const f = neardup::decode_to_utf8(bad, forced);
    CHECK(f.utf8 == expected);
    CHECK(f.replaced == ill_formed);
    // Mostly well-formed multi-byte text with the same bad bytes is still taken as UTF-8.
    std::string mostly_good;
    for (int k = 0; k < 200; ++k) mostly_good += "\u4E2D";
    mostly_good += bad;
    auto const detected = neardup::decode_to_utf8(mostly_good);
    CHECK(detected.encoding == "UTF-8");
    CHECK(detected.replaced == ill_formed);
    CHECK(std::string_view(detected.utf8).ends_with(expected));
  }
  SECTION("split") {
    // Overlong forms of white space (C0 A0: U+0020, F0 83 80 80: U+3000) are not white space:
    // their lines are not blank.
    std::string const text = "one\n" + bytes_of({0xC0, 0xA0}) + "\n" +
                             bytes_of({0xF0, 0x83, 0x80, 0x80}) + "\ntwo\n\u3000\u00A0\nthree";
    neardup::split_options o;
    o.mode = neardup::split_mode::blank_line;
    auto const r = neardup::split_essays(text, o);
    REQUIRE(r.essays.size() == 2);
    CHECK(r.essays[0].line == 1);
    CHECK(r.essays[0].last_line == 4);
    CHECK(r.essays[1].line == 6);
    // A heading with an ill-formed sequence: one U+FFFD for the maximal subpart "E4 B8".
    std::string const headed = "标题" + bytes_of({0xE4, 0xB8}) + "\n正文。\n";
    neardup::split_options regex;
    regex.mode = neardup::split_mode::regex;
    regex.pattern = "^标题";
    auto const h = neardup::split_essays(headed, regex);
    REQUIRE(h.essays.size() == 1);
    CHECK(h.essays[0].title == "标题\uFFFD");
  }
}

TEST_CASE("white space is one set: split's blank lines, and normalize drops all of it", "[utf8]") {
  // The set, by brute force over every code point.
  std::vector<char32_t> white;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (neardup::detail::is_white_space(c)) white.push_back(c);
  }
  std::vector<char32_t> expected = {U'\t', 0x0B, 0x0C, U'\r', U' ', 0xA0};
  for (char32_t c = 0x2000; c <= 0x200B; ++c) expected.push_back(c);
  expected.push_back(0x3000);
  expected.push_back(0xFEFF);
  REQUIRE(white == expected);

  // Every code point on a line of its own: a line is blank for split exactly when it is white
  // space. In blank_line mode the essays are the runs of non-blank lines.
  std::string text;
  std::vector<char32_t> line_cp;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c == U'\n' || (c >= 0xD800 && c <= 0xDFFF)) continue;
    neardup::detail::append_utf8(text, c);
    text += '\n';
    line_cp.push_back(c);
  }
  neardup::split_options o;
  o.mode = neardup::split_mode::blank_line;
  auto const r = neardup::split_essays(text, o);
  std::vector<bool> covered(line_cp.size() + 1, false);
  for (auto const& e : r.essays) {
    for (std::size_t l = e.line; l <= e.last_line; ++l) covered[l] = true;
  }
  std::size_t blank = 0;
  for (std::size_t l = 1; l <= line_cp.size(); ++l) {
    INFO("U+" << std::hex << static_cast<std::uint32_t>(line_cp[l - 1]));
    REQUIRE(covered[l] == !neardup::detail::is_white_space(line_cp[l - 1]));
    blank += covered[l] ? 0 : 1;
  }
  CHECK(blank == white.size());

  // Headings are trimmed of the same set.
  for (char32_t const c : white) {
    std::string const pad = utf8_of(c);
    std::string const file =
        pad + "1、甲" + pad + "\n正文一。\n" + pad + "2、乙" + pad + "\n正文二。\n";
    auto const headed = neardup::split_essays(file);
    REQUIRE(headed.essays.size() == 2);
    CHECK(headed.essays[0].title == "甲");
    CHECK(headed.essays[1].title == "乙");
  }

  // normalize drops separators and controls after folding (wider by design); with the default
  // options every white-space character is gone, folded to a dropped space or removed by
  // NFKC_Casefold.
  neardup::normalizer const norm;
  for (char32_t const c : white) {
    INFO("U+" << std::hex << static_cast<std::uint32_t>(c));
    CHECK(norm.normalize("甲" + utf8_of(c) + "乙") == U"甲乙");
  }
}
