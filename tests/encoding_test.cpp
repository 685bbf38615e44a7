#include "neardup/encoding.hpp"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "icu_decode_reference.hpp"
#include "icu_encode.hpp"
#include "neardup/error.hpp"
#include "test_files.hpp"

namespace {

using neardup_test::bundled_files;
using neardup_test::read_bytes;

using neardup_test::converter_closer;
using neardup_test::icu_encode;

/// Keeps only the code points that `encoding` maps and maps back to themselves.
std::string only_round_tripping(std::string const& utf8, char const* encoding) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, converter_closer> cnv(ucnv_open(encoding, &status));
  REQUIRE(U_SUCCESS(status));
  ucnv_setFromUCallBack(cnv.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  REQUIRE(U_SUCCESS(status));
  icu::UnicodeString const u = icu::UnicodeString::fromUTF8(utf8);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < u.length();) {
    UChar32 const cp = u.char32At(i);
    icu::UnicodeString const one(cp);
    i += one.length();
    char bytes[16];
    UErrorCode s = U_ZERO_ERROR;
    ucnv_reset(cnv.get());
    int32_t const n = ucnv_fromUChars(cnv.get(), bytes, sizeof bytes, one.getBuffer(), one.length(), &s);
    if (U_FAILURE(s)) continue;
    UChar back[8];
    ucnv_reset(cnv.get());
    int32_t const m = ucnv_toUChars(cnv.get(), back, 8, bytes, n, &s);
    if (U_FAILURE(s) || icu::UnicodeString(back, m) != one) continue;
    kept += one;
  }
  std::string out;
  kept.toUTF8String(out);
  return out;
}

std::string utf16(std::string const& utf8, bool little, bool bom) {
  std::string const body = icu_encode(utf8, little ? "UTF-16LE" : "UTF-16BE");
  if (!bom) return body;
  return std::string(little ? "\xFF\xFE" : "\xFE\xFF") + body;
}

std::size_t count_of(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("valid UTF-8 is detected and passed through unchanged", "[encoding]") {
  for (auto const& f : bundled_files()) {
    std::string const bytes = read_bytes(f);
    auto const d = neardup::decode_to_utf8(bytes);
    INFO(f.filename().string());
    CHECK(d.encoding == "UTF-8");
    CHECK(d.detected);
    CHECK_FALSE(d.had_bom);
    CHECK(d.replaced == 0);
    CHECK(d.utf8 == bytes);  // the bundled files have LF line ends and no BOM
  }
}

TEST_CASE("GB18030 round trip of the bundled essays", "[encoding]") {
  for (auto const& f : bundled_files()) {
    std::string const text = read_bytes(f);
    std::string const gb = icu_encode(text, "GB18030");
    REQUIRE(gb != text);  // really re-encoded (the essays are Chinese)
    auto const d = neardup::decode_to_utf8(gb);
    INFO(f.filename().string());
    CHECK(d.encoding == "GB18030");
    CHECK(d.detected);
    CHECK(d.replaced == 0);
    CHECK(d.utf8 == text);
  }
}

TEST_CASE("GBK text (the GB18030 subset) of a short paragraph is detected as GB18030", "[encoding]") {
  std::string const text = "疫情防控是一场阻击战,也是一场人民战争。我们要坚定信心、同舟共济。\n";
  auto const d = neardup::decode_to_utf8(icu_encode(text, "GBK"));
  CHECK(d.encoding == "GB18030");
  CHECK(d.utf8 == text);
}

TEST_CASE("Big5 round trip of the Traditional-script essays", "[encoding]") {
  std::string const original = read_bytes(bundled_files()[3]);
  // Big5 lacks some characters of the file (the pinyin tone letters, a few hanzi): keep what maps.
  std::string const text = only_round_tripping(original, "Big5");
  REQUIRE(text.size() > original.size() * 9 / 10);
  std::string const big5 = icu_encode(text, "Big5");
  auto const d = neardup::decode_to_utf8(big5);
  CHECK(d.encoding == "Big5");
  CHECK(d.detected);
  CHECK(d.replaced == 0);
  CHECK(d.utf8 == text);

  // One short paragraph written in Traditional script is enough for the detector.
  std::string const paragraph = "疫情就是命令,防控就是責任。黨員幹部要衝鋒在前,與人民群眾同舟共濟,共度難關。\n";
  REQUIRE(only_round_tripping(paragraph, "Big5") == paragraph);
  auto const p = neardup::decode_to_utf8(icu_encode(paragraph, "Big5"));
  CHECK(p.encoding == "Big5");
  CHECK(p.utf8 == paragraph);
}

TEST_CASE("UTF-16 with a BOM, either byte order", "[encoding]") {
  std::string const text = read_bytes(bundled_files()[1]);
  for (bool const little : {true, false}) {
    auto const d = neardup::decode_to_utf8(utf16(text, little, true));
    CHECK(d.encoding == (little ? "UTF-16LE" : "UTF-16BE"));
    CHECK(d.detected);
    CHECK(d.had_bom);
    CHECK(d.replaced == 0);
    CHECK(d.utf8 == text);
  }
}

TEST_CASE("UTF-16 without a BOM is recognised by its zero bytes", "[encoding]") {
  std::string const chinese = read_bytes(bundled_files()[0]);
  std::string const ascii = "Plain ASCII text in UTF-16 has a zero in every other byte.\nSecond line.\n";
  for (std::string const* text : {&chinese, &ascii}) {
    for (bool const little : {true, false}) {
      auto const d = neardup::decode_to_utf8(utf16(*text, little, false));
      CHECK(d.encoding == (little ? "UTF-16LE" : "UTF-16BE"));
      CHECK_FALSE(d.had_bom);
      CHECK(d.utf8 == *text);
    }
  }
}

TEST_CASE("UTF-8 with a BOM: the BOM is removed", "[encoding]") {
  std::string const text = "心得体会\n第二行\n";
  auto const d = neardup::decode_to_utf8("\xEF\xBB\xBF" + text);
  CHECK(d.encoding == "UTF-8");
  CHECK(d.had_bom);
  CHECK(d.utf8 == text);
  // A BOM in the middle is content (U+FEFF as a zero-width no-break space), not a mark.
  auto const mid = neardup::decode_to_utf8("a\xEF\xBB\xBF" "b");
  CHECK_FALSE(mid.had_bom);
  CHECK(mid.utf8 == "a\xEF\xBB\xBF" "b");
}

TEST_CASE("CRLF and lone CR become LF in every decoding path", "[encoding]") {
  std::string const crlf = "第一行\r\n第二行\r第三行\n\r\n末行\r";
  std::string const lf = "第一行\n第二行\n第三行\n\n末行\n";
  CHECK(neardup::decode_to_utf8(crlf).utf8 == lf);                              // UTF-8 fast path
  CHECK(neardup::decode_to_utf8(icu_encode(crlf, "GB18030")).utf8 == lf);       // ICU path
  CHECK(neardup::decode_to_utf8(utf16(crlf, true, true)).utf8 == lf);           // UTF-16
  CHECK(neardup::decode_to_utf8(crlf + "\xE4\xB8").utf8 == lf + "\xEF\xBF\xBD");  // UTF-8 with errors
}

TEST_CASE("ICU output is drained in chunks without splitting CRLF or surrogate pairs", "[encoding]") {
  // The decoder converts 16 Ki UTF-16 units at a time; put a CRLF and a surrogate pair across the
  // boundary at every offset near it.
  for (std::size_t pad = 16 * 1024 - 3; pad <= 16 * 1024 + 1; ++pad) {
    std::string const text = std::string(pad, 'a') + "\r\n\xF0\x9F\x98\x80" + "b";  // U+1F600
    auto const d = neardup::decode_to_utf8(utf16(text, true, false), {.encoding = "UTF-16LE"});
    CHECK(d.replaced == 0);
    CHECK(d.utf8 == std::string(pad, 'a') + "\n\xF0\x9F\x98\x80" + "b");
  }
}

TEST_CASE("a forced encoding is used as given", "[encoding]") {
  std::string const text = "平凡英雄事迹个人学习心得\n";
  std::string const gbk = icu_encode(text, "GBK");
  auto const d = neardup::decode_to_utf8(gbk, {.encoding = "GBK"});
  CHECK_FALSE(d.detected);
  CHECK(d.encoding == "GBK");
  CHECK(d.utf8 == text);

  // Forcing the wrong legacy encoding decodes differently: the option really is obeyed.
  auto const wrong = neardup::decode_to_utf8(gbk, {.encoding = "Big5"});
  CHECK(wrong.encoding == "Big5");
  CHECK(wrong.utf8 != text);

  // Forced UTF-8 reports replacements instead of falling back to detection.
  auto const u = neardup::decode_to_utf8(gbk, {.encoding = "utf8"});
  CHECK(u.encoding == "UTF-8");
  CHECK(u.replaced > 0);

  // "UTF-16" reads the BOM itself; it is still reported.
  auto const b = neardup::decode_to_utf8(utf16(text, true, true), {.encoding = "UTF-16"});
  CHECK(b.had_bom);
  CHECK(b.utf8 == text);
}

TEST_CASE("an unknown encoding name is an encoding_error naming it", "[encoding]") {
  try {
    (void)neardup::decode_to_utf8("abc", {.encoding = "no-such-charset"});
    FAIL("no exception");
  } catch (neardup::error const& e) {
    CHECK(e.code() == neardup::errc::encoding_error);
    CHECK(std::string(e.what()).find("no-such-charset") != std::string::npos);
  }
}

TEST_CASE("truncated and stray bytes become U+FFFD and are counted", "[encoding]") {
  std::string const text = read_bytes(bundled_files()[2]);
  std::string const fffd = "\xEF\xBF\xBD";

  // A file cut in the middle of its last character: still UTF-8, one replacement.
  std::string const cut = text + "\xE5\xBF";
  auto const d = neardup::decode_to_utf8(cut);
  CHECK(d.encoding == "UTF-8");
  CHECK(d.replaced == 1);
  CHECK(d.utf8 == text + fffd);

  // A stray byte in otherwise clearly UTF-8 text.
  std::size_t const nl = text.find('\n');
  std::string const stray = text.substr(0, nl) + "\x80" + text.substr(nl);
  auto const s = neardup::decode_to_utf8(stray);
  CHECK(s.encoding == "UTF-8");
  CHECK(s.replaced == 1);
  CHECK(count_of(s.utf8, fffd) == 1);

  // Truncated GB18030: the lone lead byte at the end.
  std::string const gb = icu_encode(text, "GB18030") + "\xC4";
  auto const g = neardup::decode_to_utf8(gb);
  CHECK(g.encoding == "GB18030");
  CHECK(g.replaced == 1);
  CHECK(g.utf8 == text + fffd);

  // Odd-length UTF-16: half a code unit left over.
  auto const h = neardup::decode_to_utf8(utf16("ab", true, true) + "c");
  CHECK(h.replaced == 1);
  CHECK(h.utf8 == "ab" + fffd);

  // Ill-formed UTF-8 forms (overlong, surrogate, above U+10FFFF): one U+FFFD per maximal subpart.
  auto const bad = neardup::decode_to_utf8("x\xC0\xAFy\xED\xA0\x80z\xF4\x90\x80\x80", {.encoding = "UTF-8"});
  CHECK(bad.replaced == 2 + 3 + 4);
  CHECK(bad.utf8.find("x") == 0);
}

TEST_CASE("empty input decodes to empty UTF-8", "[encoding]") {
  auto const d = neardup::decode_to_utf8("");
  CHECK(d.utf8.empty());
  CHECK(d.encoding == "UTF-8");
  CHECK(d.replaced == 0);
  CHECK_FALSE(d.had_bom);
  CHECK_FALSE(neardup::looks_binary(""));
}

TEST_CASE("looks_binary tells binary files from text in any supported encoding", "[encoding]") {
  static char const png_header[] = "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06";
  std::string const png(png_header, sizeof png_header - 1);
  REQUIRE(png.size() == 26);
  CHECK(neardup::looks_binary(png));
  static char const with_nul[] = "text with a NUL\0 in it";
  CHECK(neardup::looks_binary(std::string(with_nul, sizeof with_nul - 1)));
  std::string controls(200, 'a');
  for (std::size_t i = 0; i < controls.size(); i += 5) controls[i] = '\x01';  // 20% control bytes
  CHECK(neardup::looks_binary(controls));

  std::string const text = read_bytes(bundled_files()[4]);
  CHECK_FALSE(neardup::looks_binary(text));
  CHECK_FALSE(neardup::looks_binary(icu_encode(text, "GB18030")));
  CHECK_FALSE(neardup::looks_binary(utf16(text, true, false)));  // zero bytes explained by UTF-16
  CHECK_FALSE(neardup::looks_binary(utf16(text, false, true)));
  CHECK_FALSE(neardup::looks_binary("line one\r\n\tline two\f\n"));
  // UTF-16 without any ASCII has no zero byte but many control-range bytes (上 is 0A 4E).
  CHECK_FALSE(neardup::looks_binary(utf16("上下上下上下上下上下上下上下上下", true, false)));
}

TEST_CASE("any bytes decode to valid UTF-8 without CR, in every path", "[encoding]") {
  auto valid_utf8 = [](std::string const& s) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strFromUTF8(nullptr, 0, &needed, s.data(), static_cast<int32_t>(s.size()), &status);
    return status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING ||
           (U_SUCCESS(status) && s.empty());
  };
  REQUIRE_FALSE(valid_utf8("a\xFF"));  // the checker itself can fail
  REQUIRE(valid_utf8("\xE4\xB8\x80"));
  std::mt19937 rng(7);
  std::vector<neardup::decode_options> const options = {
      {}, {.encoding = "UTF-8"}, {.encoding = "GB18030"}, {.encoding = "Big5"}, {.encoding = "UTF-16BE"}};
  for (int round = 0; round < 300; ++round) {
    std::size_t const n = std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    int const kind = round % 3;  // any byte; ASCII with some zeros; high bytes and CR/LF
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) {
      auto b = static_cast<unsigned>(rng() & 0xFF);
      if (kind == 1) b = b % 5 == 0 ? 0 : 0x20 + b % 0x5F;
      if (kind == 2) b = b % 7 == 0 ? (b % 2 ? '\r' : '\n') : 0x80 | b;
      bytes += static_cast<char>(b);
    }
    for (auto const& o : options) {
      auto const d = neardup::decode_to_utf8(bytes, o);
      INFO("round " << round << " encoding '" << o.encoding << "' -> " << d.encoding);
      CHECK(valid_utf8(d.utf8));
      CHECK(d.utf8.find('\r') == std::string::npos);
      CHECK(d.replaced <= bytes.size());
      CHECK(d.detected == o.encoding.empty());
    }
    (void)neardup::looks_binary(bytes);
  }
}

TEST_CASE("GB18030: every two-byte code, and text with four-byte codes or bad bytes, decodes as ICU does",
          "[encoding]") {
  // Every lead and trail byte pair, each followed by an ASCII letter and a line break now and then.
  std::string all;
  for (unsigned lead = 0x81; lead <= 0xFE; ++lead) {
    for (unsigned trail = 0x40; trail <= 0xFE; ++trail) {
      if (trail == 0x7F) continue;
      all += static_cast<char>(lead);
      all += static_cast<char>(trail);
      all += trail % 16 == 0 ? '\n' : 'a';
    }
  }
  neardup::decode_options gb;
  gb.encoding = "GB18030";
  auto const decoded = neardup::decode_to_utf8(all, gb);
  CHECK(decoded.utf8 == neardup_test::icu_decode(all, "GB18030"));
  // Four-byte codes (é, the emoji) and a stray byte: ICU decodes the whole text, substitutions counted.
  std::string const four = icu_encode("文字€é😀文字\n", "GB18030");
  auto const with_four = neardup::decode_to_utf8("中文" + four, gb);
  CHECK(with_four.utf8 == neardup_test::icu_decode("中文" + four, "GB18030"));
  std::string const bad = icu_encode("疫情防控", "GB18030") + "\xFF" + icu_encode("要坚持", "GB18030");
  auto const with_bad = neardup::decode_to_utf8(bad, gb);
  CHECK(with_bad.replaced == 1);
  CHECK(with_bad.utf8 == "疫情防控\xEF\xBF\xBD要坚持");
  // Detection takes the same path as forcing.
  std::string const essay = icu_encode(read_bytes(bundled_files()[0]), "GB18030");
  auto const detected = neardup::decode_to_utf8(essay);
  CHECK(detected.encoding == "GB18030");
  CHECK(detected.utf8 == read_bytes(bundled_files()[0]));
}

TEST_CASE("GB18030: random byte strings decode as ICU decodes them, replacements counted alike", "[encoding]") {
  // Mostly valid two-byte codes, with ASCII, four-byte codes, stray lead bytes and truncation mixed
  // in: the table path must either give ICU's answer or leave the text to ICU.
  std::mt19937 rng(77);
  neardup::decode_options gb;
  gb.encoding = "GB18030";
  for (int t = 0; t < 3000; ++t) {
    std::string bytes;
    std::size_t const n = rng() % 24;
    for (std::size_t i = 0; i < n; ++i) {
      switch (rng() % 8) {
        case 0: bytes += static_cast<char>('a' + rng() % 26); break;
        case 1: bytes += static_cast<char>(0x81 + rng() % 0x7E); break;  // a lead byte alone
        case 2: bytes += static_cast<char>(rng() % 256); break;           // anything
        case 3:                                                           // a four-byte code
          bytes += static_cast<char>(0x81 + rng() % 0x7E);
          bytes += static_cast<char>(0x30 + rng() % 10);
          bytes += static_cast<char>(0x81 + rng() % 0x7E);
          bytes += static_cast<char>(0x30 + rng() % 10);
          break;
        default:  // a two-byte code
          bytes += static_cast<char>(0x81 + rng() % 0x7E);
          bytes += static_cast<char>(0x40 + rng() % 0xBF);
      }
    }
    // decode_to_utf8 turns CR and CRLF into LF and drops a leading BOM, as for every encoding.
    std::string const expected = neardup_test::as_decoded_text(neardup_test::icu_decode(bytes, "GB18030"));
    INFO("case " << t);
    CHECK(neardup::decode_to_utf8(bytes, gb).utf8 == expected);
  }
}

TEST_CASE("decoded_text.verbatim: the text is the input bytes, unchanged", "[encoding]") {
  std::string const plain = "疫情防控\n要坚持\n";
  CHECK(neardup::decode_to_utf8(plain).verbatim);
  CHECK(neardup::decode_to_utf8(plain, {.encoding = "UTF-8"}).verbatim);
  CHECK_FALSE(neardup::decode_to_utf8("\xEF\xBB\xBF" + plain).verbatim);
  CHECK_FALSE(neardup::decode_to_utf8("疫情防控\r\n要坚持\r\n").verbatim);
  CHECK_FALSE(neardup::decode_to_utf8("疫情防控\r要坚持\r").verbatim);  // same size, not the same bytes
  CHECK_FALSE(neardup::decode_to_utf8(plain, {.encoding = "GB18030"}).verbatim);
  CHECK(neardup::decode_to_utf8("plain ASCII\n", {.encoding = "GB18030"}).verbatim);
}

// ---------------------------------------------------------------------------------------------
// Encodings other than Chinese, and guesses

namespace {

std::string const english_essay =
    "The café on the corner served crème brûlée and a naïve “fresh” rosé; my résumé said I’d "
    "worked there. Señor García’s façade was déjà vu.\n"
    "We walked to the theatre, and everyone agreed the performance was wonderful.\n";
std::string const japanese_essay =
    "日本語の文章です。私は毎日学校に行きます。今日は天気がとても良いので、友達と公園で遊びました。"
    "夏休みには家族と一緒に海へ行く予定です。\n";
std::string const korean_essay =
    "한국어 문장입니다. 저는 매일 학교에 갑니다. 오늘은 날씨가 아주 좋아서 친구와 공원에서 "
    "놀았습니다. 여름 방학에는 가족과 함께 바다에 갈 예정입니다.\n";
std::string const russian_essay =
    "Это русский текст. Я каждый день хожу в школу. Сегодня очень хорошая погода, поэтому мы с "
    "другом играли в парке. Летом мы поедем к морю, а осенью снова начнётся учёба.\n";

}  // namespace

TEST_CASE("Windows-1252, Shift_JIS, EUC-JP, EUC-KR and KOI8-R are decoded as what they are",
          "[encoding]") {
  struct sample {
    std::string text;
    char const* encoding;
  };
  for (auto const& s : {sample{english_essay, "windows-1252"}, sample{japanese_essay, "Shift_JIS"},
                        sample{japanese_essay, "EUC-JP"}, sample{korean_essay, "EUC-KR"},
                        sample{russian_essay, "KOI8-R"}}) {
    INFO(s.encoding);
    std::string const bytes = icu_encode(s.text, s.encoding);
    REQUIRE(bytes != s.text);
    auto const d = neardup::decode_to_utf8(bytes);
    CHECK(d.encoding == s.encoding);
    CHECK(d.detected);
    CHECK(d.replaced == 0);
    CHECK(d.utf8 == s.text);
    CHECK(d.confidence >= 20);
  }
}

TEST_CASE("a paragraph of Windows-1252 English or of Japanese is no guess", "[encoding]") {
  auto const en = neardup::decode_to_utf8(icu_encode(english_essay, "windows-1252"));
  CHECK_FALSE(en.guessed);
  CHECK(en.confidence >= 50);
  auto const ja = neardup::decode_to_utf8(icu_encode(japanese_essay, "Shift_JIS"));
  CHECK_FALSE(ja.guessed);
}

TEST_CASE("Chinese text stays GB18030 or Big5 and is no guess when long enough", "[encoding]") {
  std::string const text = "疫情防控是一场阻击战,也是一场人民战争。我们要坚定信心、同舟共济。\n";
  auto const gb = neardup::decode_to_utf8(icu_encode(text, "GB18030"));
  CHECK(gb.encoding == "GB18030");
  CHECK_FALSE(gb.guessed);
  std::string const trad = "疫情防控是一場阻擊戰,也是一場人民戰爭。我們要堅定信心、同舟共濟。\n";
  auto const big5 = neardup::decode_to_utf8(icu_encode(trad, "Big5"));
  CHECK(big5.encoding == "Big5");
  CHECK(big5.utf8 == trad);
  CHECK_FALSE(big5.guessed);
}

TEST_CASE("a few characters in GB18030 or Big5 are decoded by the best guess, named as one",
          "[encoding]") {
  // Six characters: too few for any detector; today's decoding is kept, and marked a guess.
  std::string const six = "我们的学校好\n";
  auto const gb = neardup::decode_to_utf8(icu_encode(six, "GB18030"));
  CHECK(gb.encoding == "GB18030");
  CHECK(gb.utf8 == six);
  CHECK(gb.guessed);
  CHECK(gb.detected);
  // Rare characters, which no frequency check recognizes: still a guess, never silently sure.
  auto const rare = neardup::decode_to_utf8(icu_encode("蜻蜓翡翠\n", "GB18030"));
  CHECK(rare.guessed);
  auto const big5 = neardup::decode_to_utf8(icu_encode("我們的學校\n", "Big5"));
  CHECK(big5.guessed);
  // A forced encoding, UTF-8 and UTF-16 are never guesses.
  CHECK_FALSE(neardup::decode_to_utf8(icu_encode(six, "GB18030"), {.encoding = "GB18030"}).guessed);
  CHECK_FALSE(neardup::decode_to_utf8(six).guessed);
  CHECK_FALSE(neardup::decode_to_utf8(utf16(six, true, true)).guessed);
}

TEST_CASE("encoding rules: first match wins, the pattern matches the path or a tail of it",
          "[encoding]") {
  neardup::decode_options o;
  neardup::add_encoding_option(o, "old/*=big5");
  neardup::add_encoding_option(o, "*.txt=GB18030");
  neardup::add_encoding_option(o, "UTF-16LE");
  CHECK(o.encoding == "UTF-16LE");
  REQUIRE(o.rules.size() == 2);
  CHECK(o.rules[0].pattern == "old/*");
  CHECK(o.rules[0].encoding == "big5");
  CHECK(neardup::decode_options_for(o, "old/a.txt").encoding == "big5");
  CHECK(neardup::decode_options_for(o, "corpus/old/a.txt").encoding == "big5");
  CHECK(neardup::decode_options_for(o, "corpus/new/a.txt").encoding == "GB18030");
  CHECK(neardup::decode_options_for(o, "corpus/new/a.md").encoding == "UTF-16LE");
  CHECK(neardup::decode_options_for(o, "bold/a.md").encoding ==
        "UTF-16LE");  // "old/" is not a tail
  CHECK(neardup::decode_options_for(o, "old/a.txt").rules.empty());
  CHECK_THROWS_AS(neardup::add_encoding_option(o, "=big5"), neardup::error);
  CHECK_THROWS_AS(neardup::add_encoding_option(o, "old/*="), neardup::error);
}

TEST_CASE("detection never crashes and always gives valid UTF-8 on random legacy-looking bytes",
          "[encoding]") {
  std::mt19937 rng(1313);
  for (int round = 0; round < 300; ++round) {
    std::size_t const n = rng() % 300;
    std::string bytes(n, '\0');
    for (auto& c : bytes) {
      auto const r = rng() % 4;
      c = static_cast<char>(r == 0 ? 'a' + rng() % 26 : 0x80 + rng() % 0x80);
    }
    auto const d = neardup::decode_to_utf8(bytes);
    INFO(round);
    CHECK_FALSE(d.encoding.empty());
    CHECK(d.utf8.find('\r') == std::string::npos);
    CHECK(neardup::decode_to_utf8(d.utf8).replaced == 0);
    CHECK(d.confidence <= 100);
  }
}
