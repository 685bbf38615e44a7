// encoding, detection: which encoding a file's bytes are in — a BOM, UTF-16 without one, UTF-8
// (allowing a few stray bytes), else GB18030 or Big5 — and whether they are text at all. The
// public entry points decode_to_utf8() and looks_binary().
#include "neardup/encoding.hpp"

#include <unicode/ucsdet.h>
#include <unicode/utypes.h>

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

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
// GB18030 or Big5

struct detector_closer {
  void operator()(UCharsetDetector* d) const noexcept { ucsdet_close(d); }
};
using detector_ptr = std::unique_ptr<UCharsetDetector, detector_closer>;

/// ICU's charset detector, restricted to the legacy encodings Chinese text really comes in: returns
/// "GB18030" or "Big5", GB18030 when the detector is unsure (it is by far the more common).
char const* detect_chinese_legacy(std::string_view bytes) {
  // The detector's statistics settle within a thousand Chinese characters; it costs ~100 ns a
  // byte, so a larger sample would cost more than the whole rest of the pipeline.
  constexpr std::size_t sample_limit = 4 * 1024;
  constexpr int32_t min_confidence = 10;
  // GB2312/GBK text uses many codes that Big5 proper leaves unassigned (人 is C8CB); ICU's Big5
  // (Windows code page 950) maps them into the Private Use Area. A sample that decodes as Big5
  // into many private-use characters (or fails) is GB18030, and the costly statistical detector
  // (~1 ms a file) is not needed.
  {
    decoded_text trial;
    detail::decode_with_icu(bytes.substr(0, std::min(bytes.size(), sample_limit)), "Big5", trial);
    std::size_t private_use = 0, characters = 0;
    std::string_view const u = trial.utf8;
    for (std::size_t i = 0; i < u.size(); ++i) {
      auto const c = static_cast<unsigned char>(u[i]);
      if ((c & 0xC0) == 0x80) continue;
      ++characters;
      // U+E000..U+F8FF: EE xx xx, or EF 80..A3 xx
      if (c == 0xEE ||
          (c == 0xEF && i + 1 < u.size() && static_cast<unsigned char>(u[i + 1]) <= 0xA3))
        ++private_use;
    }
    if (trial.replaced >= 3 || private_use * 50 > characters) return "GB18030";
  }
  UErrorCode status = U_ZERO_ERROR;
  detector_ptr det(ucsdet_open(&status));
  if (U_FAILURE(status)) {
    throw error(errc::icu_error,
                std::string("cannot open ICU's charset detector: ") + u_errorName(status));
  }
  auto const len = static_cast<int32_t>(std::min(bytes.size(), sample_limit));
  ucsdet_setText(det.get(), bytes.data(), len, &status);
  int32_t found = 0;
  UCharsetMatch const** matches = ucsdet_detectAll(det.get(), &found, &status);
  if (U_FAILURE(status) || matches == nullptr) return "GB18030";
  for (int32_t k = 0; k < found; ++k) {
    UErrorCode s = U_ZERO_ERROR;
    char const* name = ucsdet_getName(matches[k], &s);
    int32_t const confidence = ucsdet_getConfidence(matches[k], &s);
    if (U_FAILURE(s) || name == nullptr) continue;
    if (confidence < min_confidence) break;  // matches come sorted by confidence
    if (std::strcmp(name, "GB18030") == 0) return "GB18030";
    if (std::strcmp(name, "Big5") == 0) return "Big5";
  }
  return "GB18030";
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

  char const* guess = detect_chinese_legacy(bytes);
  detail::decode_with_icu(bytes, guess, out);
  out.encoding = guess;
  if (out.replaced > 0) {
    // GBK lead bytes 0x81-0xA0 and trail bytes 0x80-0xA0 do not exist in Big5, so undecodable
    // sequences are a strong hint the detector picked the wrong one of the two.
    char const* other = std::strcmp(guess, "Big5") == 0 ? "GB18030" : "Big5";
    decoded_text alt;
    detail::decode_with_icu(bytes, other, alt);
    if (alt.replaced < out.replaced) {
      alt.encoding = other;
      alt.detected = true;
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

bool looks_binary(std::string_view bytes) noexcept {
  constexpr std::size_t sample_limit = 8 * 1024;
  std::string_view const sample = bytes.substr(0, std::min(bytes.size(), sample_limit));
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
