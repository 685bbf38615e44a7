// encoding, detection: which encoding a file's bytes are in — a BOM, UTF-16 without one, UTF-8
// (allowing a few stray bytes), else Chinese in GB18030 or Big5, else what ICU's charset detector
// names (with its confidence; a guess when unsure) — and whether they are text at all. The
// public entry points decode_to_utf8() and looks_binary().
#include "neardup/encoding.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/utypes.h>

#include <fnmatch.h>
#include <simdjson.h>

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "common/utf8.hpp"
#include "corpus/encoding_convert.hpp"
#include "corpus/encoding_utf16.hpp"
#include "neardup/error.hpp"

namespace neardup {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 or not

/// What a UTF-8 validation pass found.
struct utf8_scan {
  std::size_t invalid = 0;      // ill-formed subparts
  std::size_t multibyte = 0;    // well-formed sequences of 2-4 bytes
  bool truncated_tail = false;  // the last sequence is cut off by the end of the input
};

/// Scans until the end, or until the verdict of is_likely_utf8() can no longer be true.
utf8_scan scan_utf8(std::string_view s) noexcept {
  utf8_scan r;
  std::size_t i = 0;
  while (i < s.size()) {
    // ASCII fast path, 8 bytes at a time: text is mostly ASCII in many files.
    while (i + 8 <= s.size()) {
      std::uint64_t w = 0;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= s.size()) break;
    detail::utf8_sequence const d = detail::decode_utf8(s, i);
    i += d.length;
    if (d.status != detail::utf8_status::ok) {
      ++r.invalid;
      // Only the last sequence can be truncated.
      r.truncated_tail = d.status == detail::utf8_status::truncated;
      // Legacy-encoded files fail within a few bytes: stop once even an all-multi-byte rest could
      // not make is_likely_utf8() true, rather than scanning the whole file.
      if (r.invalid >= 2 && r.multibyte + (s.size() - i) / 2 < 16 * r.invalid) break;
    } else if (d.length > 1) {
      ++r.multibyte;
    }
  }
  return r;
}

/// True when the bytes are UTF-8, allowing a truncated last sequence (a file cut mid-character)
/// after well-formed multi-byte text, and a few stray bytes in text that is otherwise clearly
/// UTF-8. GB18030 and Big5 text forms well-formed multi-byte UTF-8 sequences only by accident, far
/// less often than once per 16 ill-formed ones.
bool is_likely_utf8(utf8_scan const& scan) noexcept {
  if (scan.invalid == 0) return true;
  if (scan.invalid == 1 && scan.truncated_tail && scan.multibyte > 0) return true;
  return scan.multibyte >= 16 * scan.invalid;
}

// ---------------------------------------------------------------------------------------------
// Chinese or not, and which legacy encoding

struct detector_closer {
  void operator()(UCharsetDetector* d) const noexcept { ucsdet_close(d); }
};
using detector_ptr = std::unique_ptr<UCharsetDetector, detector_closer>;

// The detector's statistics settle within a thousand characters; it costs ~100 ns a byte, so a
// larger sample would cost more than the whole rest of the pipeline.
constexpr std::size_t sample_limit = 4 * 1024;
// Fewer CJK characters than this (or non-ASCII bytes, for other text) in the sample: a guess.
constexpr std::size_t sure_characters = 16;

/// The most frequent Chinese characters, Simplified and Traditional: about a third of running
/// Chinese text, a few in a hundred of Japanese or Korean text read as GB18030 or Big5.
constexpr std::string_view frequent_hanzi =
    "的一是不了在人有我他这個个们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而"
    "子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現"
    "当當没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日与與";

// The CJK Unified Ideographs block, where every character of frequent_hanzi is.
constexpr char32_t unified_first = 0x4E00;
constexpr char32_t unified_end = 0xA000;

/// frequent_hanzi as a set of code points in the unified block, a bit each.
std::bitset<unified_end - unified_first> const& frequent_set() {
  static std::bitset<unified_end - unified_first> const set = [] {
    std::bitset<unified_end - unified_first> bits;
    for (std::size_t i = 0; i < frequent_hanzi.size();) {
      detail::utf8_sequence const d = detail::decode_utf8(frequent_hanzi, i);
      i += d.length;
      bits.set(d.cp - unified_first);
    }
    return bits;
  }();
  return set;
}

/// The CJK characters of a sample decoded as GB18030 or Big5, and how many of them are frequent.
struct hanzi_count {
  std::size_t cjk = 0;       // kana, ideographs, Hangul (U+3040-U+D7FF, U+F900-U+FAFF)
  std::size_t frequent = 0;  // of them, in frequent_hanzi
  /// Chinese text: one character in twelve or more among the most frequent (a short text holds
  /// fewer of them than the third of a long one).
  [[nodiscard]] bool chinese() const noexcept { return cjk > 0 && frequent * 12 >= cjk; }
};

/// Counts over the first kilobyte of `u` (UTF-8) at most: plenty to tell.
hanzi_count count_hanzi(std::string_view u) {
  constexpr std::size_t count_limit = 1024;
  auto const& frequent = frequent_set();
  hanzi_count n;
  std::size_t const stop = std::min(u.size(), count_limit);
  for (std::size_t i = 0; i < stop;) {
    detail::utf8_sequence const d = detail::decode_utf8(u, i);
    i += d.length;
    if (!((d.cp >= 0x3040 && d.cp < 0xD800) || (d.cp >= 0xF900 && d.cp < 0xFB00))) continue;
    ++n.cjk;
    if (d.cp >= unified_first && d.cp < unified_end && frequent.test(d.cp - unified_first))
      ++n.frequent;
  }
  return n;
}

/// True when `u`, a sample decoded as Big5, does not read as Big5: GB2312/GBK text uses many codes
/// that Big5 proper leaves unassigned (人 is C8CB), which ICU's Big5 (Windows code page 950) maps
/// into the Private Use Area.
bool big5_private_use(std::string_view u) noexcept {
  std::size_t private_use = 0, characters = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    auto const c = static_cast<unsigned char>(u[i]);
    if ((c & 0xC0) == 0x80) continue;
    ++characters;
    // U+E000..U+F8FF: EE xx xx, or EF 80..A3 xx
    if (c == 0xEE ||
        (c == 0xEF && i + 1 < u.size() && static_cast<unsigned char>(u[i + 1]) <= 0xA3))
      ++private_use;
  }
  return private_use * 50 > characters;
}

detector_ptr open_detector(std::string_view sample) {
  UErrorCode status = U_ZERO_ERROR;
  detector_ptr det(ucsdet_open(&status));
  if (U_FAILURE(status)) {
    throw error(errc::icu_error,
                std::string("cannot open ICU's charset detector: ") + u_errorName(status));
  }
  ucsdet_setText(det.get(), sample.data(), static_cast<int32_t>(sample.size()), &status);
  return det;
}

/// One of ICU's candidates.
struct candidate {
  char const* name = nullptr;
  int32_t confidence = 0;
};

/// True when ICU has a converter of that name (its detector names a few it cannot convert with,
/// such as IBM420_ltr).
bool convertible(char const* name) noexcept {
  UErrorCode status = U_ZERO_ERROR;
  return ucnv_countAliases(name, &status) > 0 && U_SUCCESS(status);
}

/// ICU's candidates for `sample`, most confident first, without the Unicode encodings (the checks
/// before detection have ruled them out; ICU offers them at confidence 10 for any text) and those
/// ICU cannot convert.
std::vector<candidate> candidates(std::string_view sample) {
  detector_ptr const det = open_detector(sample);
  UErrorCode status = U_ZERO_ERROR;
  int32_t found = 0;
  UCharsetMatch const** matches = ucsdet_detectAll(det.get(), &found, &status);
  std::vector<candidate> out;
  if (U_FAILURE(status) || matches == nullptr) return out;
  for (int32_t k = 0; k < found; ++k) {
    UErrorCode s = U_ZERO_ERROR;
    char const* name = ucsdet_getName(matches[k], &s);
    int32_t const confidence = ucsdet_getConfidence(matches[k], &s);
    if (U_FAILURE(s) || name == nullptr) continue;
    if (std::strncmp(name, "UTF-", 4) == 0 || !convertible(name)) continue;
    out.push_back({name, confidence});
  }
  return out;
}

/// Chinese text: "GB18030" or "Big5". `big5_fails` says the sample does not read as Big5 (many
/// undecodable codes or private-use characters); otherwise ICU's detector restricted to the two
/// decides (~1 ms a file, saved when Big5 fails), GB18030 when it is unsure (it is by far the more
/// common).
char const* chinese_encoding(std::string_view sample, bool big5_fails) {
  constexpr int32_t min_confidence = 10;
  if (big5_fails) return "GB18030";
  for (candidate const& c : candidates(sample)) {
    if (c.confidence < min_confidence) break;  // candidates come sorted by confidence
    if (std::strcmp(c.name, "GB18030") == 0) return "GB18030";
    if (std::strcmp(c.name, "Big5") == 0) return "Big5";
  }
  return "GB18030";
}

/// The encoding chosen for bytes that are neither UTF-8 nor UTF-16.
struct legacy_choice {
  std::string name;
  bool guessed = false;
  int confidence = 0;
};

std::size_t non_ascii_bytes(std::string_view s) noexcept {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
}

/// Chinese text (checked first, cheaply: a sample decoded as Big5 and as GB18030, the frequent
/// characters counted) is GB18030 or Big5 (chinese_encoding); other text is what ICU's detector
/// names first, when it names it with confidence; otherwise the guess is GB18030 or Big5 as for
/// Chinese, marked as a guess.
legacy_choice detect_legacy(std::string_view bytes) {
  std::string_view const sample = bytes.substr(0, std::min(bytes.size(), sample_limit));
  decoded_text big5;
  detail::decode_with_icu(sample, "Big5", big5);
  bool const big5_fails = big5.replaced >= 3 || big5_private_use(big5.utf8);
  // count_hanzi looks at a kilobyte: that much is decoded as GB18030, cut after a byte below 0x80
  // (ASCII or a trail byte, never a lead byte) so that the table path takes it whole (a cut
  // character would send it to ICU).
  std::string_view gb_sample = sample;
  constexpr std::size_t gb_bytes = 1024;
  for (std::size_t at = std::min(sample.size(), gb_bytes); at > gb_bytes / 2; --at)
    if (static_cast<unsigned char>(sample[at - 1]) < 0x80) {
      gb_sample = sample.substr(0, at);
      break;
    }
  decoded_text gb;
  detail::decode_with_icu(gb_sample, "GB18030", gb);
  hanzi_count const as_gb = count_hanzi(gb.utf8);
  hanzi_count const as_big5 = big5_fails ? hanzi_count{} : count_hanzi(big5.utf8);
  if (as_gb.chinese() || as_big5.chinese()) {
    char const* name = chinese_encoding(sample, big5_fails);
    std::size_t const cjk = std::strcmp(name, "Big5") == 0 ? as_big5.cjk : as_gb.cjk;
    return {name, cjk < sure_characters, 0};
  }
  // Sure: ICU's first candidate at 50 or more; or at 20 or more, 10 ahead of the next, in a sample
  // with enough non-ASCII bytes to tell.
  constexpr int32_t sure_confidence = 50;
  constexpr int32_t min_confidence = 20;
  constexpr int32_t lead = 10;
  std::vector<candidate> const found = candidates(sample);
  if (!found.empty() && found.front().confidence >= min_confidence) {
    candidate const& best = found.front();
    int32_t const next = found.size() > 1 ? found[1].confidence : 0;
    bool const sure =
        best.confidence >= sure_confidence ||
        (best.confidence - next >= lead && non_ascii_bytes(sample) >= 2 * sure_characters);
    if (std::strcmp(best.name, "GB18030") == 0 || std::strcmp(best.name, "Big5") == 0)
      return {chinese_encoding(sample, big5_fails), !sure, best.confidence};
    return {best.name, !sure, best.confidence};
  }
  return {chinese_encoding(sample, big5_fails), true,
          found.empty() ? 0 : static_cast<int>(found.front().confidence)};
}

// ---------------------------------------------------------------------------------------------
// The order of the checks

/// decode_to_utf8 with the encoding detected.
decoded_text decode_detected(std::string_view bytes) {
  decoded_text out;
  out.detected = true;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    out.encoding = "UTF-8";
    detail::decode_utf8_text(bytes, out);
    return out;
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    bool const little = bytes[0] == '\xFF';
    out.encoding = little ? "UTF-16LE" : "UTF-16BE";
    detail::decode_with_icu(bytes, out.encoding.c_str(),
                            out);  // the BOM decodes to U+FEFF and is dropped
    out.had_bom = true;
    return out;
  }

  // Real UTF-8 text has no NUL bytes; UTF-16 with ASCII in it has many, and ASCII-only UTF-16 is
  // even valid UTF-8. So zero bytes send us to the UTF-16 check first.
  bool const has_nul = bytes.find('\0') != std::string_view::npos;
  if (has_nul) {
    if (detail::utf16_order const order = detail::guess_utf16(bytes, true);
        order != detail::utf16_order::none) {
      out.encoding = order == detail::utf16_order::little ? "UTF-16LE" : "UTF-16BE";
      detail::decode_with_icu(bytes, out.encoding.c_str(), out);
      return out;
    }
  }

  // simdjson's SIMD validator answers the common case (valid UTF-8) several times faster than
  // the scan below, which is still needed to judge text that is not quite valid.
  utf8_scan const scan =
      simdjson::validate_utf8(bytes.data(), bytes.size()) ? utf8_scan{} : scan_utf8(bytes);
  if (scan.invalid == 0) {
    out.encoding = "UTF-8";
    out.verbatim = detail::copy_valid_utf8(bytes, out.utf8, out.had_bom);
    return out;
  }
  if (is_likely_utf8(scan)) {
    out.encoding = "UTF-8";
    detail::decode_utf8_text(bytes, out);  // no BOM: that case was taken above
    return out;
  }

  legacy_choice const choice = detect_legacy(bytes);
  char const* guess = choice.name.c_str();
  detail::decode_with_icu(bytes, guess, out);
  out.encoding = choice.name;
  out.guessed = choice.guessed;
  out.confidence = choice.confidence;
  bool const chinese = choice.name == "GB18030" || choice.name == "Big5";
  if (chinese && out.replaced > 0) {
    // GBK lead bytes 0x81-0xA0 and trail bytes 0x80-0xA0 do not exist in Big5, so undecodable
    // sequences are a strong hint the detector picked the wrong one of the two.
    char const* other = std::strcmp(guess, "Big5") == 0 ? "GB18030" : "Big5";
    decoded_text alt;
    detail::decode_with_icu(bytes, other, alt);
    if (alt.replaced < out.replaced) {
      alt.encoding = other;
      alt.detected = true;
      alt.guessed = out.guessed;
      alt.confidence = out.confidence;
      return alt;
    }
  }
  return out;
}

}  // namespace

decoded_text decode_to_utf8(std::string_view bytes, decode_options const& options) {
  decoded_text out = options.encoding.empty() ? decode_detected(bytes)
                                              : detail::decode_forced(bytes, options.encoding);
  // The UTF-8 copy says so where it knows; elsewhere a comparison, skipped when the sizes differ.
  if (!out.verbatim) out.verbatim = out.utf8.size() == bytes.size() && out.utf8 == bytes;
  return out;
}

bool rule_matches(encoding_rule const& rule, std::string_view path) {
  std::string const whole(path);
  if (fnmatch(rule.pattern.c_str(), whole.c_str(), 0) == 0) return true;
  for (std::size_t slash = whole.find('/'); slash != std::string::npos;
       slash = whole.find('/', slash + 1))
    if (fnmatch(rule.pattern.c_str(), whole.c_str() + slash + 1, 0) == 0) return true;
  return false;
}

decode_options decode_options_for(decode_options const& options, std::string_view path) {
  decode_options one;
  one.encoding = options.encoding;
  for (auto const& rule : options.rules)
    if (rule_matches(rule, path)) {
      one.encoding = rule.encoding;
      break;
    }
  return one;
}

void add_encoding_option(decode_options& options, std::string_view value) {
  std::size_t const eq = value.rfind('=');
  if (eq == std::string_view::npos) {
    options.encoding = std::string(value);
    return;
  }
  encoding_rule rule{std::string(value.substr(0, eq)), std::string(value.substr(eq + 1))};
  if (rule.pattern.empty() || rule.encoding.empty())
    throw error(errc::invalid_argument,
                "--encoding " + std::string(value) + ": expected PATTERN=ENCODING or ENCODING");
  options.rules.push_back(std::move(rule));
}

bool looks_binary(std::string_view bytes) noexcept {
  constexpr std::size_t binary_sample_limit = 8 * 1024;
  std::string_view const sample = bytes.substr(0, std::min(bytes.size(), binary_sample_limit));
  if (sample.empty()) return false;
  if (sample.starts_with("\xFF\xFE") || sample.starts_with("\xFE\xFF")) return false;
  // Tab, LF, FF, CR occur in text; ESC starts ISO-2022 shifts; SUB ends old DOS text files. Counted
  // branch-free in blocks of 8-bit counters, which compilers turn into vector code: this runs on
  // the first 8 KiB of every file.
  std::size_t nul = 0;
  std::size_t control = 0;
  auto const* bytes_ptr = reinterpret_cast<unsigned char const*>(sample.data());
  for (std::size_t at = 0; at < sample.size(); at += 255) {
    std::size_t const stop = std::min(sample.size(), at + 255);
    std::uint8_t nul_block = 0, control_block = 0;
    for (std::size_t i = at; i < stop; ++i) {
      std::uint8_t const b = bytes_ptr[i];
      nul_block = static_cast<std::uint8_t>(nul_block + (b == 0));
      // Below 0x20 or DEL, less the six that text uses (each an exclusive case: plain sums).
      int const is_control = (b < 0x20) + (b == 0x7F) - (b == '\t') - (b == '\n') - (b == '\f') -
                             (b == '\r') - (b == 0x1A) - (b == 0x1B);
      control_block = static_cast<std::uint8_t>(control_block + is_control);
    }
    nul += nul_block;
    control += control_block;
  }
  if (nul == 0 && control * 10 <= sample.size()) return false;
  // UTF-16 explains both zero bytes (ASCII) and control-range bytes (low halves of CJK units); a
  // UTF-16 file with no ASCII at all has no zero byte, hence the check without that requirement.
  return detail::guess_utf16(sample, /*require_zero_bytes=*/nul > 0) == detail::utf16_order::none;
}

}  // namespace neardup
