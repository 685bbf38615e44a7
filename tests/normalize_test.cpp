// Tests for the normalize stage: folding, pinyin and web artifact removal, ill-formed input,
// idempotence, and agreement of the table path with ICU called directly.

#include <neardup/normalize.hpp>

#include "normalize_presets.hpp"
#include "test_files.hpp"
#include "text/fold_table.hpp"
#include "text/normalize_block.hpp"

#include <catch2/catch.hpp>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using neardup::normalize_options;
using neardup::normalizer;
using neardup_test::all_off;

std::string essay_003() {
  for (auto const& f : neardup_test::bundled_files()) {
    if (f.filename().string().starts_with("003_")) return neardup_test::read_bytes(f);
  }
  FAIL("essay 003 not found");
  return {};
}

std::string to_utf8(std::u32string_view text) {
  icu::UnicodeString u;
  for (char32_t const c : text) u.append(static_cast<UChar32>(c));
  std::string out;
  u.toUTF8String(out);
  return out;
}

/// The default options with one of them switched off.
normalize_options with_off(bool normalize_options::*option) {
  normalize_options o;
  o.*option = false;
  return o;
}

normalize_options keep_punct_and_space() {
  normalize_options o;
  o.drop_punctuation = false;
  o.drop_whitespace = false;
  return o;
}

/// The slow, obviously-correct definition the table path must match: ICU's NFKC_Casefold over the
/// whole text, ICU's Traditional-Simplified transliterator over the whole text, then dropping by
/// general category; repeated until nothing changes (normalize promises a fixed point).
/// Pinyin and web stripping are not part of it.
class icu_reference {
 public:
  icu_reference() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    REQUIRE(U_SUCCESS(status));
    t2s_.reset(icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
    REQUIRE(U_SUCCESS(status));
  }

  std::u32string operator()(icu::UnicodeString s, normalize_options const& o) const {
    for (int round = 0; round < 10; ++round) {
      icu::UnicodeString const before = s;
      if (o.nfkc_casefold) {
        UErrorCode status = U_ZERO_ERROR;
        s = nfkc_cf_->normalize(s, status);
        REQUIRE(U_SUCCESS(status));
      }
      if (o.traditional_to_simplified) t2s_->transliterate(s);
      icu::UnicodeString kept;
      for (std::int32_t i = 0; i < s.length();) {
        UChar32 const c = s.char32At(i);
        i += U16_LENGTH(c);
        std::uint32_t const gc = U_GET_GC_MASK(c);
        if (o.drop_punctuation && (gc & (U_GC_P_MASK | U_GC_S_MASK)) != 0) continue;
        if (o.drop_whitespace && (gc & (U_GC_Z_MASK | U_GC_CC_MASK)) != 0) continue;
        kept.append(c);
      }
      s = kept;
      if (s == before) break;
    }
    return neardup::detail::to_u32(s);
  }

  std::u32string operator()(std::string_view utf8, normalize_options const& o) const {
    return (*this)(icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size()))), o);
  }

 private:
  icu::Normalizer2 const* nfkc_cf_ = nullptr;
  std::unique_ptr<icu::Transliterator> t2s_;
};

icu_reference const& reference() {
  static icu_reference const ref;
  return ref;
}

/// Random text built to hit every path: Han (Traditional and Simplified), pinyin letters and both
/// kinds of parentheses, combining marks, Hangul jamo, full-width and compatibility characters,
/// case, controls and spaces, markup, entities and URL prefixes, and arbitrary code points.
class text_generator {
 public:
  explicit text_generator(std::uint32_t seed) : rng_(seed) {}

  std::string next(std::size_t max_pieces) {
    std::string out;
    std::size_t const n = pick(max_pieces + 1);
    for (std::size_t i = 0; i < n; ++i) out += piece();
    return out;
  }

  /// A uniformly random scalar value (any plane, assigned or not, never a surrogate).
  char32_t any_code_point() {
    for (;;) {
      auto const c = static_cast<char32_t>(pick(0x110000));
      if (c < 0xD800 || c > 0xDFFF) return c;
    }
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  std::string piece() {
    static constexpr std::array<std::u32string_view, 24> pool = {
        U"嚴峻復雜", U"严峻复杂", U"戰發當關導領", U"(", U")", U"（", U"）", U"fù", U"DĀN", U"zhuàng",
        U"\u0301", U"\u0308\u0304", U"\u0338", U"\u1100\u1161\u11A8", U"ＡＢＣ１", U"Straße ΣΑΣ",
        U"㈱①ﬁ…", U"\t\n\u3000 ", U"\x01\u200B\u00AD", U"<br>", U"&amp;&#x4E00;&#26085;&lt;",
        U"http://ab.cd/e?f=1", U"www.x", U"e<"};
    switch (pick(4)) {
      case 0: return to_utf8(std::u32string(1, any_code_point()));
      case 1: return std::string(1, static_cast<char>(' ' + pick(95)));  // printable ASCII
      default: return to_utf8(pool[pick(pool.size())]);
    }
  }

  std::mt19937 rng_;
};

std::size_t count_of(std::u32string_view s, char32_t c) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), c));
}

}  // namespace

TEST_CASE("Traditional and Simplified fold to the same text", "[normalize]") {
  normalizer const norm;
  CHECK(norm.normalize("嚴峻復雜") == U"严峻复杂");
  CHECK(norm.normalize("嚴峻復雜") == norm.normalize("严峻复杂"));
  CHECK(norm.normalize_to_utf8("醫療工作者沖鋒在前") == "医疗工作者冲锋在前");
  // Compatibility ideographs first fold to the unified one (NFKC), then to Simplified.
  CHECK(norm.normalize("\uF9B5") == norm.normalize("\u4F8B"));  // 例 (compatibility) == 例
}

TEST_CASE("pinyin annotations are removed after Han characters", "[normalize]") {
  normalizer const norm;
  neardup::normalize_stats stats;
  std::u32string out;

  stats = norm.normalize("復(fù)雜", out);
  CHECK(out == U"复杂");
  CHECK(stats.pinyin_annotations == 1);
  CHECK(norm.normalize("擔(dān)") == U"担");
  CHECK(norm.normalize("復（fù）雜") == U"复杂");
  CHECK(norm.normalize("復(fù）雜") == U"复杂");   // mixed kinds
  CHECK(norm.normalize("復（fù)雜") == U"复杂");
  CHECK(norm.normalize("復(FÙ)雜") == U"复杂");    // any case
  CHECK(norm.normalize("莊(zhuāng)") == U"庄");     // 6 letters
  stats = norm.normalize("戰(zhàn)發(fā)當(dāng)", out);
  CHECK(out == U"战发当");
  CHECK(stats.pinyin_annotations == 3);

  // With punctuation kept, the parentheses must be gone too, not just the letters.
  normalizer const keep(keep_punct_and_space());
  CHECK(keep.normalize("嚴峻復(fù)雜。") == U"严峻复杂。");
  CHECK(keep.normalize("擔（dān）任") == U"担任");
}

TEST_CASE("ordinary parentheses are kept", "[normalize]") {
  normalizer const keep(keep_punct_and_space());
  neardup::normalize_stats stats;
  std::u32string out;
  for (std::string_view const text :
       {"第一部分(一)", "(2020)", "中国(2020)", "read it (see) here", "中()", "中(fu4)", "中(zhuangzh)",
        "中 (fu)", "中(fu", "中(fù 雜)"}) {
    INFO(text);
    stats = keep.normalize(text, out);
    CHECK(stats.pinyin_annotations == 0);
    CHECK(count_of(out, U'(') == 1);  // full-width ones fold to ASCII
  }
  CHECK(keep.normalize("第一部分（一）") == U"第一部分(一)");
}

TEST_CASE("full-width forms and case fold", "[normalize]") {
  normalizer const norm;
  CHECK(norm.normalize("ＡＢＣ１") == U"abc1");
  CHECK(norm.normalize("Straße") == U"strasse");
  CHECK(norm.normalize("STRASSE") == U"strasse");
  CHECK(norm.normalize("ΣΑΣ") == norm.normalize("σας"));
  CHECK(norm.normalize("ﬁ①") == U"fi1");
  // Expansions that are partly punctuation: ㈱ is "(株)", "…" is "...".
  CHECK(norm.normalize("㈱…") == U"株");
  normalizer const keep(keep_punct_and_space());
  CHECK(keep.normalize("㈱…") == U"(株)...");
}

TEST_CASE("combining marks compose like ICU", "[normalize]") {
  normalizer const norm;
  CHECK(norm.normalize("e\u0301") == U"\u00E9");
  CHECK(norm.normalize("e\u0301") == norm.normalize("\u00E9"));
  CHECK(norm.normalize("CAFE\u0301") == U"caf\u00E9");
  CHECK(norm.normalize("o\u0308\u0304") == U"\u022B");            // two marks onto one base
  CHECK(norm.normalize("\u1100\u1161\u11A8") == U"\uAC01");       // Hangul jamo -> syllable
  CHECK(norm.normalize("\u0301") == U"\u0301");                   // a lone mark stays
  CHECK(norm.normalize("复\u0301杂") == U"复\u0301杂");             // a mark after Han stays
  normalizer const keep(keep_punct_and_space());
  // '<' + U+0338 composes to '≮' even though '<' alone would be dropped as a symbol...
  CHECK(keep.normalize("a<\u0338") == U"a\u226E");
  CHECK(norm.normalize("a<\u0338") == U"a");
  // ...and a dropped character between a base and its mark makes them neighbours: the output
  // is what normalizing the output again gives.
  CHECK(norm.normalize("e\x01\u0301") == U"\u00E9");
  CHECK(keep.normalize("e\x01\u0301") == U"e\x01\u0301");

  // Far beyond the Stream-Safe limit of 30 marks: finishes (linear work) and keeps every mark.
  std::string many = "a";
  for (int i = 0; i < 100000; ++i) many += "\u0301";
  std::u32string const out = norm.normalize(many);
  REQUIRE(out.size() == 100000);
  CHECK(out[0] == U'\u00E1');
  CHECK(count_of(out, U'\u0301') == 99999);
}

TEST_CASE("each switch off is really off", "[normalize]") {
  SECTION("nfkc_casefold") {
    normalizer const norm(with_off(&normalize_options::nfkc_casefold));
    CHECK(norm.normalize("ＡＢＣ１Straße") == U"ＡＢＣ１Straße");
    CHECK(norm.normalize("e\u0301") == U"e\u0301");
    CHECK(norm.normalize("嚴峻") == U"严峻");  // T->S still on
  }
  SECTION("traditional_to_simplified") {
    normalizer const norm(with_off(&normalize_options::traditional_to_simplified));
    CHECK(norm.normalize("嚴峻復(fù)雜ＡＢ") == U"嚴峻復雜ab");
  }
  SECTION("strip_pinyin_annotations") {
    normalizer const norm(with_off(&normalize_options::strip_pinyin_annotations));
    std::u32string out;
    CHECK(norm.normalize("復(fù)雜", out).pinyin_annotations == 0);
    CHECK(out == U"复f\u00F9杂");  // only the parentheses go (punctuation)
  }
  SECTION("strip_web_artifacts") {
    normalizer const norm(with_off(&normalize_options::strip_web_artifacts));
    std::u32string out;
    CHECK(norm.normalize("<br>&amp;http://x.cn", out).web_artifacts == 0);
    CHECK(out == U"bramphttpxcn");
  }
  SECTION("drop_punctuation") {
    normalizer const norm(with_off(&normalize_options::drop_punctuation));
    CHECK(norm.normalize("你好，世界！ $") == U"你好,世界!$");
  }
  SECTION("drop_whitespace") {
    normalizer const norm(with_off(&normalize_options::drop_whitespace));
    CHECK(norm.normalize("a b\u3000c\td，") == U"a b c\td");
  }
  SECTION("all off: the code points of the input, unchanged") {
    normalizer const norm(all_off());
    std::string_view const text = "嚴峻復(fù)雜 ＡＢ <br>&amp; http://x.cn e\u0301\n";
    icu::UnicodeString const u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
    CHECK(norm.normalize(text) == neardup::detail::to_u32(u));
    CHECK(norm.normalize_to_utf8(text) == text);
  }
  CHECK(normalizer(all_off()).options().drop_punctuation == false);
  CHECK(normalizer().options().nfkc_casefold == true);
}

TEST_CASE("punctuation, symbols, separators and controls are dropped", "[normalize]") {
  normalizer const norm;
  CHECK(norm.normalize("a, b。c！\t\n\r\u3000d\u00A0e\u2028f") == U"abcdef");
  CHECK(norm.normalize("“引号”《书名》【括号】——……·") == U"引号书名括号");
  CHECK(norm.normalize("¥100 + $5 = ∑ ☺ ©") == U"1005");
  CHECK(norm.normalize("\x01\x1F\x7F") == U"");
  CHECK(norm.normalize("").empty());
  CHECK(norm.normalize("   ").empty());
  // Letters, digits and marks of every script stay.
  CHECK(norm.normalize("Москва 東京 ١٢٣") == U"москва东京١٢٣");
}

TEST_CASE("web artifacts: tags, entities, URLs", "[normalize]") {
  normalizer const keep(keep_punct_and_space());
  normalizer const norm;
  std::u32string out;
  neardup::normalize_stats stats;

  stats = keep.normalize(R"(<p class="x">段落</p><br><BR/><!-- 注释 <b> -->文字</div>)", out);
  CHECK(out == U"段落文字");
  CHECK(stats.web_artifacts == 6);

  stats = keep.normalize("&amp;&lt;&gt;&quot;&#39;&apos;", out);
  CHECK(out == U"&<>\"''");
  CHECK(stats.web_artifacts == 6);
  CHECK(keep.normalize("&#12354;&#x4E00;&#X4e00;") == U"あ一一");
  CHECK(keep.normalize("a&nbsp;b") == U"a b");  // U+00A0 folds to a space under NFKC
  CHECK(norm.normalize("a&nbsp;b") == U"ab");
  // Decoded entities are folded like text but not parsed again.
  CHECK(keep.normalize("&lt;br&gt;") == U"<br>");
  CHECK(keep.normalize("&#x5FA9;") == U"复");
  // Not entities: unknown names, no ';', zero, surrogates, beyond U+10FFFF.
  for (std::string_view const text : {"&bogus;", "&amp", "&#0;", "&#xD800;", "&#x110000;", "&#;", "& amp;"}) {
    INFO(text);
    stats = keep.normalize(text, out);
    CHECK(stats.web_artifacts == 0);
    CHECK(out.size() == text.size());  // every ASCII character kept as it was
  }

  // A URL ends at whitespace or a non-URL character (CJK included); a trailing full stop is the
  // sentence's.
  stats = keep.normalize("见http://example.com/a?b=1&c=2中文 https://x.cn/p. WWW.Example.ORG/x 完", out);
  CHECK(out == U"见中文 .  完");
  CHECK(stats.web_artifacts == 3);
  CHECK(norm.normalize("详见www.gov.cn/zhengce/2020-02/05/content.htm。谢谢") == U"详见谢谢");

  // Not artifacts: comparisons, unclosed or overlong '<', URL prefixes inside words or with
  // nothing after them.
  for (std::string_view const text : {"1 < 2 > 0", "a<b", "<中文>", "awww.x", "http://", "www.", "xhttp://a"}) {
    INFO(text);
    stats = keep.normalize(text, out);
    CHECK(stats.web_artifacts == 0);
    CHECK(out.size() == normalizer(all_off()).normalize(text).size());
  }
  std::string const long_tag = "<a" + std::string(300, 'x') + ">";
  stats = keep.normalize(long_tag, out);
  CHECK(stats.web_artifacts == 0);
  CHECK(out.size() == long_tag.size());
  // A comment may be longer than a tag.
  CHECK(keep.normalize("<!--" + std::string(1000, 'x') + "-->z") == U"z");
}

TEST_CASE("web artifacts: <script> and <style> go with their contents", "[normalize]") {
  normalizer const keep(keep_punct_and_space());
  normalizer const norm;
  neardup::normalize_stats stats;
  std::u32string out;

  stats = keep.normalize(
      "<head><STYLE type=\"text/css\">p{color:red}</style ><Script>var 文=\"<b>\";"
      "</SCRIPT>正文</head>",
      out);
  CHECK(out == U"正文");
  CHECK(stats.web_artifacts ==
        6);  // head, style and its closing tag, script and its closing tag, /head
  // Only the element's own closing tag ends it; names that merely start like it are other tags.
  CHECK(keep.normalize("<script>a</b>b</scripts>c</script>d") == U"d");
  CHECK(keep.normalize("<scripts>a</scripts>b") == U"ab");
  CHECK(keep.normalize("<stylesheet>a") == U"a");
  // Self-closing, or never closed: the tag alone goes and the text after it stays.
  CHECK(keep.normalize("<script src=\"x.js\"/>正文") == U"正文");
  CHECK(keep.normalize("<script>正文 no end") == U"正文 no end");
  CHECK(keep.normalize("<style>" + std::string(300 * 1024, 'x') + "</style>y").size() ==
        300 * 1024 + 1);

  // Two different essays under one page head are different after normalization.
  std::string const head =
      "<html><head><title>优秀作文</title><script>function f(){var a=document.getElementById('x');"
      "a.innerHTML='一键复制 收藏本文 返回顶部 上一篇 下一篇';}</script><style>.nav{margin:0 auto;"
      "font-size:14px}</style></head><body>";
  CHECK(norm.normalize(head + "<p>春天来了，花开了。</p></body></html>") ==
        U"优秀作文春天来了花开了");

  // Many unclosed opening tags stay linear: each region is searched once.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "<script>文";
  CHECK(keep.normalize(many).size() == 20000);
}

TEST_CASE("ill-formed UTF-8 is replaced, counted and never read past", "[normalize]") {
  normalizer const keep(all_off());
  std::u32string out;
  struct sample {
    std::string_view bytes;
    std::size_t invalid;
    std::u32string_view decoded;
  };
  // Each maximal ill-formed subsequence is one U+FFFD.
  std::array<sample, 9> const samples = {{
      {"\xFF", 1, U"\uFFFD"},
      {"a\xE5\xBE", 2, U"a\uFFFD"},                  // truncated at the very end
      {"\xE5\xBE" "a", 2, U"\uFFFDa"},               // truncated in the middle
      {"\xC0\xAF", 2, U"\uFFFD\uFFFD"},              // overlong: C0 is never a lead byte
      {"\xE0\x80\xAF", 3, U"\uFFFD\uFFFD\uFFFD"},    // overlong 3-byte form
      {"\xED\xA0\x80", 3, U"\uFFFD\uFFFD\uFFFD"},    // an encoded surrogate
      {"\xF4\x90\x80\x80", 4, U"\uFFFD\uFFFD\uFFFD\uFFFD"},  // above U+10FFFF
      {"\xF0\x9F\x98", 3, U"\uFFFD"},                // truncated 4-byte form
      {"\x80\x80中", 2, U"\uFFFD\uFFFD中"},           // stray continuation bytes
  }};
  for (auto const& s : samples) {
    INFO(s.invalid);
    // An exactly-sized heap copy, so that a read past the end is caught under ASan.
    std::vector<char> const exact(s.bytes.begin(), s.bytes.end());
    auto const stats = keep.normalize(std::string_view(exact.data(), exact.size()), out);
    CHECK(stats.invalid_bytes == s.invalid);
    CHECK(out == s.decoded);
    // Default options drop U+FFFD as a symbol.
    auto const folded = normalizer().normalize(std::string_view(exact.data(), exact.size()));
    CHECK(count_of(folded, U'\uFFFD') == 0);
  }
}

TEST_CASE("random bytes decode exactly like ICU's U8_NEXT", "[normalize]") {
  normalizer const identity(all_off());
  normalizer const norm;
  std::mt19937 rng(20240601);
  std::u32string out;
  for (int trial = 0; trial < 2000; ++trial) {
    std::size_t const n = std::uniform_int_distribution<std::size_t>(0, 64)(rng);
    std::vector<char> bytes(n);
    for (auto& b : bytes) {
      // Bias towards lead and continuation bytes so that near-valid sequences are common.
      int const kind = std::uniform_int_distribution<int>(0, 3)(rng);
      int const lo = kind == 0 ? 0 : (kind == 1 ? 0x80 : 0xC0);
      int const hi = kind == 0 ? 0x7F : (kind == 1 ? 0xBF : 0xFF);
      b = static_cast<char>(std::uniform_int_distribution<int>(lo, hi)(rng));
    }
    std::u32string expected;
    std::size_t expected_invalid = 0;
    auto const* s = reinterpret_cast<std::uint8_t const*>(bytes.data());
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(n);) {
      std::int32_t const start = i;
      UChar32 c = 0;
      U8_NEXT(s, i, static_cast<std::int32_t>(n), c);
      if (c < 0) {
        expected.push_back(U'\uFFFD');
        expected_invalid += static_cast<std::size_t>(i - start);
      } else {
        expected.push_back(static_cast<char32_t>(c));
      }
    }
    std::string_view const text(bytes.data(), bytes.size());
    auto const stats = identity.normalize(text, out);
    REQUIRE(out == expected);
    REQUIRE(stats.invalid_bytes == expected_invalid);
    // The full pipeline on garbage: no crash, only scalar values, the same count (bytes inside a
    // removed tag are counted too).
    auto const full = norm.normalize(text, out);
    CHECK(full.invalid_bytes == expected_invalid);
    for (char32_t const c : out) REQUIRE((c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF)));
  }
}

TEST_CASE("normalization is idempotent", "[normalize]") {
  SECTION("bundled essays") {
    normalizer const norm;
    for (auto const& file : neardup_test::bundled_files()) {
      INFO(file.filename().string());
      std::string const text = neardup_test::read_bytes(file);
      std::u32string const once = norm.normalize(text);
      CHECK(once.size() > text.size() / 4);
      CHECK(norm.normalize(norm.normalize_to_utf8(text)) == once);
    }
  }
  SECTION("random text, default options") {
    normalizer const norm;
    text_generator gen(7);
    for (int i = 0; i < 3000; ++i) {
      std::string const text = gen.next(24);
      INFO(text);
      REQUIRE(norm.normalize(norm.normalize_to_utf8(text)) == norm.normalize(text));
    }
  }
  SECTION("random text, every option combination that drops punctuation") {
    text_generator gen(11);
    for (unsigned bits = 0; bits < 32; ++bits) {
      normalize_options o;
      o.nfkc_casefold = (bits & 1) != 0;
      o.traditional_to_simplified = (bits & 2) != 0;
      o.strip_pinyin_annotations = (bits & 4) != 0;
      o.strip_web_artifacts = (bits & 8) != 0;
      o.drop_whitespace = (bits & 16) != 0;
      normalizer const norm(o);
      for (int i = 0; i < 200; ++i) {
        std::string const text = gen.next(16);
        INFO(bits << ": " << text);
        REQUIRE(norm.normalize(norm.normalize_to_utf8(text)) == norm.normalize(text));
      }
    }
  }
}

TEST_CASE("the table path agrees with ICU called directly", "[normalize]") {
  auto const& ref = reference();
  // The reference knows nothing of pinyin or web artifacts.
  normalize_options o;
  o.strip_pinyin_annotations = false;
  o.strip_web_artifacts = false;
  normalize_options keep = o;
  keep.drop_punctuation = false;
  keep.drop_whitespace = false;

  SECTION("bundled essays") {
    for (auto const& opts : {o, keep}) {
      normalizer const norm(opts);
      for (auto const& file : neardup_test::bundled_files()) {
        INFO(file.filename().string() << " drop=" << opts.drop_punctuation);
        std::string const text = neardup_test::read_bytes(file);
        CHECK(norm.normalize(text) == ref(text, opts));
      }
    }
  }
  SECTION("every code point ICU changes, and a random sample of the rest, one at a time") {
    UErrorCode status = U_ZERO_ERROR;
    auto const* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    REQUIRE(U_SUCCESS(status));
    std::vector<char32_t> cps;
    for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
      if (!U_IS_SURROGATE(c) && !nfkc_cf->isInert(c)) cps.push_back(static_cast<char32_t>(c));
    }
    CHECK(cps.size() > 5000);
    text_generator gen(3);
    for (int i = 0; i < 20000; ++i) cps.push_back(gen.any_code_point());
    // Every Han character, where Traditional->Simplified acts.
    icu::UnicodeSet han;
    han.applyIntPropertyValue(UCHAR_SCRIPT, USCRIPT_HAN, status);
    REQUIRE(U_SUCCESS(status));
    for (std::int32_t r = 0; r < han.getRangeCount(); ++r) {
      for (UChar32 c = han.getRangeStart(r); c <= han.getRangeEnd(r); ++c) cps.push_back(static_cast<char32_t>(c));
    }
    normalizer const norm(o);
    normalizer const kept(keep);
    std::u32string out;
    std::size_t mismatches = 0;
    for (char32_t const c : cps) {
      std::string const text = to_utf8(std::u32string(1, c));
      icu::UnicodeString const u(static_cast<UChar32>(c));
      norm.normalize(text, out);
      if (out != ref(u, o)) {
        ++mismatches;
        UNSCOPED_INFO("U+" << std::hex << static_cast<std::uint32_t>(c));
      }
      kept.normalize(text, out);
      if (out != ref(u, keep)) {
        ++mismatches;
        UNSCOPED_INFO("kept U+" << std::hex << static_cast<std::uint32_t>(c));
      }
      if (mismatches > 10) break;
    }
    CHECK(mismatches == 0);
  }
  SECTION("random strings of code points") {
    text_generator gen(5);
    normalizer const norm(o);
    normalizer const kept(keep);
    for (int i = 0; i < 3000; ++i) {
      std::string const text = gen.next(20);
      INFO(text);
      REQUIRE(norm.normalize(text) == ref(text, o));
      REQUIRE(kept.normalize(text) == ref(text, keep));
    }
  }
}

TEST_CASE("bundled Traditional essay: no pinyin left", "[normalize]") {
  std::string const raw = essay_003();
  // Independently of the implementation: collect the annotations with ICU's script property
  // (a Han character, an opening parenthesis, Latin letters, a closing parenthesis).
  icu::UnicodeString const u = icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<std::int32_t>(raw.size())));
  std::u32string const cps = neardup::detail::to_u32(u);
  auto script = [](char32_t c) {
    UErrorCode status = U_ZERO_ERROR;
    return uscript_getScript(static_cast<UChar32>(c), &status);
  };
  std::set<std::u32string> syllables;
  std::size_t annotations = 0;
  for (std::size_t i = 1; i < cps.size(); ++i) {
    if ((cps[i] != U'(' && cps[i] != U'（') || script(cps[i - 1]) != USCRIPT_HAN) continue;
    std::size_t j = i + 1;
    while (j < cps.size() && script(cps[j]) == USCRIPT_LATIN && u_isalpha(static_cast<UChar32>(cps[j]))) ++j;
    if (j > i + 1 && j < cps.size() && (cps[j] == U')' || cps[j] == U'）')) {
      ++annotations;
      syllables.insert(cps.substr(i + 1, j - i - 1));
    }
  }
  REQUIRE(annotations >= 90);  // the file is full of them: 復(fù)雜, 擔(dān), ...

  normalizer const norm;
  std::u32string out;
  auto const stats = norm.normalize(raw, out);
  CHECK(stats.pinyin_annotations == annotations);
  CHECK(stats.invalid_bytes == 0);
  for (auto const& syllable : syllables) {
    std::u32string const folded = norm.normalize(to_utf8(syllable));
    if (folded.size() < 2) continue;  // one letter could occur in any stray Latin text
    INFO(to_utf8(syllable));
    CHECK(out.find(folded) == std::u32string::npos);
  }
  // No tone-marked letter survives anywhere, and with punctuation kept no parenthesis holds Latin.
  for (char32_t const c : out) CHECK((c < 0xC0 || script(c) != USCRIPT_LATIN));
  normalizer const keep(keep_punct_and_space());
  std::u32string const kept = keep.normalize(raw);
  for (std::size_t i = 0; i + 1 < kept.size(); ++i) {
    if (kept[i] == U'(') CHECK(script(kept[i + 1]) != USCRIPT_LATIN);
  }
  CHECK(kept.find(U"严峻复杂") != std::u32string::npos);
}

TEST_CASE("output buffer reuse, UTF-8 output and concurrent use", "[normalize]") {
  normalizer const norm;
  std::u32string out = U"left over";
  norm.normalize("新", out);
  CHECK(out == U"新");
  norm.normalize("", out);
  CHECK(out.empty());

  std::string const text = essay_003();
  std::u32string const once = norm.normalize(text);
  CHECK(norm.normalize_to_utf8(text) == to_utf8(once));

  // One normalizer shared by several threads gives every thread the same result.
  std::vector<std::u32string> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results) threads.emplace_back([&] { r = norm.normalize(text); });
  for (auto& t : threads) t.join();
  for (auto const& r : results) CHECK(r == once);
}

TEST_CASE("every block target this CPU runs gives what the scalar loop gives", "[normalize]") {
  using neardup::detail::block_target;
  block_target const initial = neardup::detail::active_block_target();
  std::vector<block_target> targets;
  for (auto const t : {block_target::avx2, block_target::avx512}) {
    if (neardup::detail::block_target_supported(t)) {
      targets.push_back(t);
    } else {
      // Listed, so that the test log says which targets ran and which could not.
      WARN("block target " << neardup::detail::block_target_name(t)
                           << " not run: this CPU lacks it");
    }
  }
  if (targets.empty()) {
    // Comparing the scalar loop with itself would prove nothing. Catch2 2 has no SKIP: the warning
    // is printed, and ctest marks the test skipped on its words (tests/CMakeLists.txt).
    WARN(
        "block path not tested: this CPU has neither AVX2 nor AVX-512 VBMI2, so only the scalar "
        "loop runs");
    return;
  }
  for (auto const t : targets)
    WARN("block target " << neardup::detail::block_target_name(t) << " compared");
  // Pieces that keep blocks whole (Han, CJK punctuation, ASCII) and pieces that hand them back
  // (2- and 4-byte sequences, E0/ED leads, ill-formed bytes, tags, entities, URLs, pinyin), mixed
  // at random so that every kind lands on every block boundary.
  std::string const nul(1, '\0');  // a real NUL byte ("\0" as a C string is empty)
  std::vector<std::string> const pieces = {
      "疫", "情", "防", "控", "復", "雜", "們", "，", "。", "、", "“", "”", "（", "）", "…", "a", "Z", "7", " ",
      ",", ".", "\n", "\t", "à", "×", "é", "𠀀", "😀", "\xE0\xA0\x80", "\xED\x95\x9C", "\xFF", "\x80",
      "\xE4\xB8", "\xC3", "<p>", "</div>", "&nbsp;", "&lt;", "&#x4E2D;", "http://example.cn/a?b=1", "www.x.cn",
      "h", "w", "(fù)", "（fù）", "(", "e\u0301", "\u0301", "ｆｕｌｌ", nul, "\x7F"};
  std::mt19937 rng(20261126);
  std::vector<normalize_options> settings(4);
  settings[1].drop_punctuation = false;
  settings[2].strip_web_artifacts = false;
  settings[2].strip_pinyin_annotations = false;
  settings[3].traditional_to_simplified = false;
  settings[3].drop_whitespace = false;
  for (int round = 0; round < 400; ++round) {
    std::string text;
    // Mostly Han and punctuation, as in essays, with a varying share of everything else; every
    // fifth round plain Han and ASCII only, which keeps whole blocks on the block path.
    std::size_t const common = round % 4 == 0 ? pieces.size() : round % 5 == 0 ? 7 : 15;
    std::size_t const length = std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    for (std::size_t i = 0; i < length; ++i) {
      bool const rare = round % 5 != 0 && std::uniform_int_distribution<int>(0, 19)(rng) == 0;
      std::size_t const upto = rare ? pieces.size() : common;
      text += pieces[std::uniform_int_distribution<std::size_t>(0, upto - 1)(rng)];
      if (round % 5 == 0 && i % 7 == 3) text += pieces[15 + i % 4];  // ASCII among the Han
    }
    for (auto const& options : settings) {
      normalizer const n(options);
      std::u32string scalar;
      REQUIRE(neardup::detail::set_block_target(block_target::scalar));
      auto const scalar_stats = n.normalize(text, scalar);
      for (auto const t : targets) {
        REQUIRE(neardup::detail::set_block_target(t));
        std::u32string blocks;
        auto const block_stats = n.normalize(text, blocks);
        INFO("target " << neardup::detail::block_target_name(t) << ", round " << round << ", text "
                       << text);
        REQUIRE(blocks == scalar);
        REQUIRE(block_stats == scalar_stats);
      }
    }
  }
  neardup::detail::set_block_target(initial);
}

TEST_CASE("block targets: names, forcing, the scalar fallback", "[normalize]") {
  using neardup::detail::block_target;
  block_target const initial = neardup::detail::active_block_target();
  CHECK(neardup::detail::block_target_supported(block_target::scalar));
  CHECK(neardup::normalize_simd_target() == neardup::detail::block_target_name(initial));
  REQUIRE(neardup::detail::set_block_target(block_target::scalar));
  CHECK_FALSE(neardup::detail::normalize_blocks_enabled());
  CHECK(neardup::normalize_simd_target() == "scalar");
  for (auto const t : {block_target::avx2, block_target::avx512}) {
    CHECK(neardup::detail::set_block_target(t) == neardup::detail::block_target_supported(t));
    if (!neardup::detail::block_target_supported(t))
      CHECK(neardup::detail::active_block_target() != t);
  }
  neardup::detail::set_normalize_blocks(false);
  CHECK(neardup::detail::active_block_target() == block_target::scalar);
  neardup::detail::set_normalize_blocks(true);
  CHECK((neardup::detail::normalize_blocks_enabled() ||
         !neardup::detail::block_target_supported(block_target::avx2)));
  neardup::detail::set_block_target(initial);
}

TEST_CASE("fold table: the one computed at build time is the one ICU builds now", "[normalize]") {
  using neardup::detail::fold_table;
  fold_table const built = neardup::detail::built_fold_table();
  fold_table const now = neardup::detail::build_fold_table(true, true);
  CHECK(built.nfkc_casefold);
  CHECK(built.traditional_to_simplified);
  CHECK(built.stage1 == now.stage1);
  CHECK(built.stage2 == now.stage2);
  CHECK(built.pool == now.pool);
  CHECK(built.bmp == now.bmp);
  // And it is the one the default options use in a process that runs this ICU.
  fold_table const& used = neardup::detail::get_fold_table(true, true);
  CHECK(used.stage2 == now.stage2);
  CHECK(used.bmp == now.bmp);
  // Spot checks that the table is not empty or all identity: 們 folds to 们, Ａ to a.
  CHECK((used.lookup(U'們') & neardup::detail::fold::value_mask) == U'们');
  CHECK((used.lookup(U'Ａ') & neardup::detail::fold::value_mask) == U'a');
}
