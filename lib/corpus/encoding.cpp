// encoding — detection and conversion of a file's bytes to UTF-8 with LF line ends.
#include "neardup/encoding.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <simdjson.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include "neardup/error.hpp"
#include "corpus/gbk_table.hpp"
#include "common/utf8.hpp"

namespace neardup {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 output with line-end normalization

/// Appends code points as UTF-8, turning CRLF and lone CR into LF and dropping a BOM that is the very
/// first code point. Line ends are normalized here, during the one pass every decoder makes anyway.
class utf8_writer {
 public:
  explicit utf8_writer(std::string& out) : out_(out) {}

  void put(char32_t cp) {
    if (at_start_) {
      at_start_ = false;
      if (cp == 0xFEFF) {
        had_bom_ = true;
        return;
      }
    }
    if (cp == U'\r') {
      out_ += '\n';
      after_cr_ = true;
      return;
    }
    bool const swallow = cp == U'\n' && after_cr_;  // the LF of a CRLF already written
    after_cr_ = false;
    if (swallow) return;
    detail::append_utf8(out_, cp);
  }

  [[nodiscard]] bool had_bom() const noexcept { return had_bom_; }

 private:
  std::string& out_;
  bool at_start_ = true;
  bool after_cr_ = false;
  bool had_bom_ = false;
};

// ---------------------------------------------------------------------------------------------
// UTF-8 input (no ICU: most files are UTF-8 and this path must be fast), with detail::decode_utf8:
// each maximal subpart of an ill-formed sequence is one U+FFFD.

/// What a UTF-8 validation pass found.
struct utf8_scan {
  std::size_t invalid = 0;     // ill-formed subparts
  std::size_t multibyte = 0;   // well-formed sequences of 2-4 bytes
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

/// True when the bytes are UTF-8, allowing a truncated last sequence (a file cut mid-character) after
/// well-formed multi-byte text, and a few stray bytes in text that is otherwise clearly UTF-8. GB18030
/// and Big5 text forms well-formed multi-byte UTF-8 sequences only by accident, far less often than
/// once per 16 ill-formed ones.
bool is_likely_utf8(utf8_scan const& scan) noexcept {
  if (scan.invalid == 0) return true;
  if (scan.invalid == 1 && scan.truncated_tail && scan.multibyte > 0) return true;
  return scan.multibyte >= 16 * scan.invalid;
}

/// Decodes UTF-8 into `w`, returning the number of U+FFFD substitutions.
std::size_t decode_utf8(std::string_view s, utf8_writer& w) {
  std::size_t replaced = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    detail::utf8_sequence const d = detail::decode_utf8(s, i);
    i += d.length;
    if (d.status != detail::utf8_status::ok) ++replaced;
    w.put(d.cp);
  }
  return replaced;
}

/// Copies valid UTF-8, only fixing line ends and a leading BOM: byte copies, no decoding.
/// True when copy_valid_utf8 would change `s`: it starts with a BOM or holds a CR.
bool has_bom_or_cr(std::string_view s) noexcept {
  return s.starts_with("\xEF\xBB\xBF") || s.find('\r') != std::string_view::npos;
}

/// Returns whether `out` is `s` unchanged (no BOM, no CR).
bool copy_valid_utf8(std::string_view s, std::string& out, bool& had_bom) {
  if (!has_bom_or_cr(s)) {
    out.assign(s);
    return true;
  }
  if (s.starts_with("\xEF\xBB\xBF")) {
    had_bom = true;
    s.remove_prefix(3);
  }
  out.reserve(s.size());
  while (!s.empty()) {
    std::size_t const cr = s.find('\r');
    if (cr == std::string_view::npos) {
      out.append(s);
      break;
    }
    out.append(s.substr(0, cr));
    out += '\n';
    s.remove_prefix(cr + 1);
    if (!s.empty() && s.front() == '\n') s.remove_prefix(1);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// UTF-16 without BOM

enum class utf16_order { none, little, big };

/// True for UTF-16 code units that are common in Chinese (and plain ASCII) text.
bool plausible_unit(std::uint16_t u) noexcept {
  return u == 0x09 || u == 0x0A || u == 0x0D || (u >= 0x20 && u <= 0x7E) ||
         (u >= 0xA0 && u <= 0x24F) ||     // Latin-1 and Latin Extended (pinyin tone marks)
         (u >= 0x2000 && u <= 0x206F) ||  // general punctuation: “” ‘’ … —
         (u >= 0x2100 && u <= 0x25FF) ||  // letterlike, numbers ①, arrows, maths, boxes, shapes
         (u >= 0x3000 && u <= 0x30FF) ||  // CJK punctuation 、。《》, kana
         (u >= 0x3400 && u <= 0x4DBF) ||  // CJK extension A
         (u >= 0x4E00 && u <= 0x9FFF) ||  // CJK unified ideographs
         (u >= 0xFE30 && u <= 0xFE4F) ||  // CJK compatibility forms
         (u >= 0xFF00 && u <= 0xFFEF);    // full-width forms ,:;!?
}

struct utf16_stats {
  double plausible = 0;       // share of plausible code units (a surrogate pair counts as plausible)
  std::size_t high_zero = 0;  // units U+0001..U+00FF: ASCII in this byte order
};

utf16_stats read_as_utf16(std::string_view s, bool little) noexcept {
  std::size_t const units = s.size() / 2;
  utf16_stats st;
  if (units == 0) return st;
  std::size_t good = 0;
  auto unit = [&](std::size_t k) {
    auto const a = static_cast<unsigned char>(s[2 * k]);
    auto const b = static_cast<unsigned char>(s[2 * k + 1]);
    return static_cast<std::uint16_t>(little ? (b << 8 | a) : (a << 8 | b));
  };
  for (std::size_t k = 0; k < units; ++k) {
    std::uint16_t const u = unit(k);
    if (u != 0 && u <= 0xFF) ++st.high_zero;
    if (u >= 0xD800 && u <= 0xDBFF && k + 1 < units) {
      std::uint16_t const v = unit(k + 1);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        good += 2;
        ++k;
        continue;
      }
    }
    if (plausible_unit(u)) ++good;
  }
  st.plausible = static_cast<double>(good) / static_cast<double>(units);
  return st;
}

/// Guesses UTF-16 without BOM. GB18030, Big5 and UTF-8 text never contains zero bytes, UTF-16 text
/// with any ASCII (a line feed is enough) does; then the byte order is the one that reads as
/// plausible Chinese/ASCII text. Reading Chinese in the wrong order scores about 40%; reading ASCII in
/// the wrong order lands in the CJK block too (U+4100 ...), so near-ties go to the order in which
/// ASCII appears as U+00xx.
utf16_order guess_utf16(std::string_view bytes, bool require_zero_bytes) noexcept {
  constexpr std::size_t sample_limit = 64 * 1024;
  std::string_view const sample = bytes.substr(0, std::min(bytes.size(), sample_limit));
  if (sample.size() < 2) return utf16_order::none;
  if (require_zero_bytes && sample.find('\0') == std::string_view::npos) return utf16_order::none;
  // 8-bit ASCII read as UTF-16 pairs printable bytes into plausible-looking CJK units ("te" reads
  // as U+6574); genuine UTF-16 has such units only for some CJK characters (about a fifth of
  // them), and its ASCII comes with a zero byte. Mostly printable pairs mean 8-bit text.
  std::size_t printable_pairs = 0;
  auto printable = [](char c) { return (c >= 0x20 && c <= 0x7E) || c == '\n' || c == '\r' || c == '\t'; };
  for (std::size_t k = 0; k + 1 < sample.size(); k += 2) {
    if (printable(sample[k]) && printable(sample[k + 1])) ++printable_pairs;
  }
  if (4 * printable_pairs > sample.size()) return utf16_order::none;
  utf16_stats const le = read_as_utf16(sample, true);
  utf16_stats const be = read_as_utf16(sample, false);
  constexpr double threshold = 0.9;
  if (std::max(le.plausible, be.plausible) < threshold) return utf16_order::none;
  if (le.plausible >= be.plausible + 0.1) return utf16_order::little;
  if (be.plausible >= le.plausible + 0.1) return utf16_order::big;
  if (le.high_zero != be.high_zero) {
    return le.high_zero > be.high_zero ? utf16_order::little : utf16_order::big;
  }
  return utf16_order::none;
}

// ---------------------------------------------------------------------------------------------
// ICU conversion

struct converter_closer {
  void operator()(UConverter* c) const noexcept { ucnv_close(c); }
};
using converter_ptr = std::unique_ptr<UConverter, converter_closer>;

struct detector_closer {
  void operator()(UCharsetDetector* d) const noexcept { ucsdet_close(d); }
};
using detector_ptr = std::unique_ptr<UCharsetDetector, detector_closer>;

/// Opens an ICU converter; a null pointer when ICU does not know the name (or lacks its data).
converter_ptr open_converter(char const* name) noexcept {
  UErrorCode status = U_ZERO_ERROR;
  converter_ptr c(ucnv_open(name, &status));
  if (U_FAILURE(status)) return nullptr;
  return c;
}

/// To-Unicode callback: each illegal, unassigned or truncated sequence becomes one U+FFFD and is
/// counted. ICU's own substitute callback would use the converter's substitution character, which is
/// not U+FFFD for every converter.
void count_and_substitute(void const* context, UConverterToUnicodeArgs* args, char const* /*units*/,
                          int32_t /*length*/, UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;  // reset / close / clone: nothing to substitute
  ++*static_cast<std::size_t*>(const_cast<void*>(context));
  *status = U_ZERO_ERROR;
  UChar const sub = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &sub, 1, 0, status);
}

/// Converts `bytes` with `cnv` to UTF-8 appended to `utf8` (line ends untouched); returns the number
/// of substitutions. ICU converts to UTF-16 a buffer at a time and u_strToUTF8WithSub turns each
/// buffer into UTF-8 in one call (a high surrogate at a buffer's end waits for its low half). Throws
/// icu_error on an ICU failure other than a full output buffer (which is drained and retried).
std::size_t icu_decode(UConverter* cnv, std::string_view bytes, std::string& utf8, std::string_view name) {
  std::size_t replaced = 0;
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setToUCallBack(cnv, count_and_substitute, &replaced, nullptr, nullptr, &status);
  if (U_FAILURE(status)) {
    throw error(errc::icu_error, "cannot set up the " + std::string(name) + " converter: " +
                                     u_errorName(status));
  }
  std::array<UChar, 16 * 1024> buffer{};
  char const* source = bytes.data();
  char const* const source_end = bytes.data() + bytes.size();
  std::size_t carried = 0;  // a high surrogate kept at buffer[0] from the previous round
  for (;;) {
    UChar* target = buffer.data() + carried;
    status = U_ZERO_ERROR;
    ucnv_toUnicode(cnv, &target, buffer.data() + buffer.size(), &source, source_end, nullptr,
                   /*flush=*/1, &status);
    bool const more = status == U_BUFFER_OVERFLOW_ERROR;
    if (U_FAILURE(status) && !more) {
      throw error(errc::icu_error, "decoding as " + std::string(name) + " failed: " + u_errorName(status));
    }
    auto units = static_cast<std::size_t>(target - buffer.data());
    bool const hold = more && units > 0 && U16_IS_LEAD(buffer[units - 1]);
    if (hold) --units;
    std::size_t const at = utf8.size();
    utf8.resize(at + 3 * units);
    int32_t written = 0;
    int32_t lone = 0;  // unpaired surrogates: ICU emits none, counted to stay total
    UErrorCode s = U_ZERO_ERROR;
    u_strToUTF8WithSub(utf8.data() + at, static_cast<int32_t>(3 * units), &written, buffer.data(),
                       static_cast<int32_t>(units), 0xFFFD, &lone, &s);
    if (U_FAILURE(s)) throw error(errc::icu_error, std::string("UTF-16 to UTF-8 failed: ") + u_errorName(s));
    utf8.resize(at + static_cast<std::size_t>(written));
    replaced += static_cast<std::size_t>(lone);
    carried = hold ? 1 : 0;
    if (hold) buffer[0] = buffer[units];
    if (!more) break;
  }
  return replaced;
}

/// Converts `bytes` to `out` (UTF-8, LF line ends, a leading BOM dropped; replaced and had_bom set)
/// with `cnv`, or with the converter named `icu_name` when `cnv` is null. GB18030 text made of
/// two-byte codes only (nearly all of it) takes the table of gbk_table.hpp, which gives what ICU
/// gives. `label` names the encoding in error messages.
void convert(std::string_view bytes, UConverter* cnv, std::string_view icu_name, std::string_view label,
             decoded_text& out) {
  std::string utf8;
  utf8.reserve(bytes.size() + bytes.size() / 2);
  bool const gb18030 = icu_name == "GB18030" || icu_name == "gb18030";
  if (gb18030 && detail::decode_gbk_fast(bytes, utf8)) {
    out.replaced = 0;
  } else {
    converter_ptr opened;
    if (cnv == nullptr) {
      opened = open_converter(std::string(icu_name).c_str());
      if (!opened) throw error(errc::icu_error, "ICU has no converter for " + std::string(icu_name));
      cnv = opened.get();
    }
    out.replaced = icu_decode(cnv, bytes, utf8, label);
  }
  out.had_bom = false;
  out.utf8.clear();
  // Line ends to LF, a leading BOM dropped; most text has neither, and is moved rather than copied.
  if (!has_bom_or_cr(utf8)) out.utf8 = std::move(utf8);
  else copy_valid_utf8(utf8, out.utf8, out.had_bom);
}

/// Decodes `bytes` with the named ICU converter into `out`.
void decode_with_icu(std::string_view bytes, char const* icu_name, decoded_text& out) {
  convert(bytes, nullptr, icu_name, icu_name, out);
}

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
    decode_with_icu(bytes.substr(0, std::min(bytes.size(), sample_limit)), "Big5", trial);
    std::size_t private_use = 0, characters = 0;
    std::string_view const u = trial.utf8;
    for (std::size_t i = 0; i < u.size(); ++i) {
      auto const c = static_cast<unsigned char>(u[i]);
      if ((c & 0xC0) == 0x80) continue;
      ++characters;
      // U+E000..U+F8FF: EE xx xx, or EF 80..A3 xx
      if (c == 0xEE || (c == 0xEF && i + 1 < u.size() && static_cast<unsigned char>(u[i + 1]) <= 0xA3)) ++private_use;
    }
    if (trial.replaced >= 3 || private_use * 50 > characters) return "GB18030";
  }
  UErrorCode status = U_ZERO_ERROR;
  detector_ptr det(ucsdet_open(&status));
  if (U_FAILURE(status)) {
    throw error(errc::icu_error, std::string("cannot open ICU's charset detector: ") +
                                     u_errorName(status));
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

/// The name to report for a converter the caller forced: its MIME name, else IANA, else ICU's own.
std::string reported_name(UConverter* cnv) {
  UErrorCode status = U_ZERO_ERROR;
  char const* icu = ucnv_getName(cnv, &status);
  if (U_FAILURE(status) || icu == nullptr) return {};
  for (char const* standard : {"MIME", "IANA"}) {
    UErrorCode s = U_ZERO_ERROR;
    char const* n = ucnv_getStandardName(icu, standard, &s);
    if (U_SUCCESS(s) && n != nullptr) return n;
  }
  return icu;
}

/// True when the converter reads a byte order mark itself and drops it (ICU's "UTF-16"/"UTF-32").
bool bom_sensing(std::string_view icu_name) noexcept {
  return icu_name == "UTF-16" || icu_name == "UTF-32";
}

bool starts_with_utf16_or_32_bom(std::string_view b) noexcept {
  return b.starts_with("\xFF\xFE") || b.starts_with("\xFE\xFF") ||
         b.starts_with(std::string_view("\x00\x00\xFE\xFF", 4));
}

decoded_text decode_forced(std::string_view bytes, std::string const& name) {
  converter_ptr cnv = open_converter(name.c_str());
  if (!cnv) throw error(errc::encoding_error, "unknown encoding '" + name + "'");
  decoded_text out;
  out.detected = false;
  out.encoding = reported_name(cnv.get());
  UErrorCode status = U_ZERO_ERROR;
  std::string_view const icu_name = ucnv_getName(cnv.get(), &status);
  if (icu_name == "UTF-8") {
    utf8_writer w(out.utf8);
    out.utf8.reserve(bytes.size());
    out.replaced = decode_utf8(bytes, w);
    out.had_bom = w.had_bom();
    out.encoding = "UTF-8";
    return out;
  }
  bool const bom_before = bom_sensing(icu_name) && starts_with_utf16_or_32_bom(bytes);
  convert(bytes, cnv.get(), icu_name, name, out);
  out.had_bom = out.had_bom || bom_before;
  return out;
}

/// decode_to_utf8 with the encoding detected.
decoded_text decode_detected(std::string_view bytes) {
  decoded_text out;
  out.detected = true;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    out.encoding = "UTF-8";
    utf8_writer w(out.utf8);
    out.utf8.reserve(bytes.size());
    out.replaced = decode_utf8(bytes, w);
    out.had_bom = w.had_bom();
    return out;
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    bool const little = bytes[0] == '\xFF';
    out.encoding = little ? "UTF-16LE" : "UTF-16BE";
    decode_with_icu(bytes, out.encoding.c_str(), out);  // the BOM decodes to U+FEFF and is dropped
    out.had_bom = true;
    return out;
  }

  // Real UTF-8 text has no NUL bytes; UTF-16 with ASCII in it has many, and ASCII-only UTF-16 is
  // even valid UTF-8. So zero bytes send us to the UTF-16 check first.
  bool const has_nul = bytes.find('\0') != std::string_view::npos;
  if (has_nul) {
    if (utf16_order const order = guess_utf16(bytes, true); order != utf16_order::none) {
      out.encoding = order == utf16_order::little ? "UTF-16LE" : "UTF-16BE";
      decode_with_icu(bytes, out.encoding.c_str(), out);
      return out;
    }
  }

  // simdjson's SIMD validator answers the common case (valid UTF-8) several times faster than
  // the scan below, which is still needed to judge text that is not quite valid.
  utf8_scan const scan = simdjson::validate_utf8(bytes.data(), bytes.size()) ? utf8_scan{} : scan_utf8(bytes);
  if (scan.invalid == 0) {
    out.encoding = "UTF-8";
    out.verbatim = copy_valid_utf8(bytes, out.utf8, out.had_bom);
    return out;
  }
  if (is_likely_utf8(scan)) {
    out.encoding = "UTF-8";
    utf8_writer w(out.utf8);
    out.utf8.reserve(bytes.size());
    out.replaced = decode_utf8(bytes, w);
    return out;
  }

  char const* guess = detect_chinese_legacy(bytes);
  decode_with_icu(bytes, guess, out);
  out.encoding = guess;
  if (out.replaced > 0) {
    // GBK lead bytes 0x81-0xA0 and trail bytes 0x80-0xA0 do not exist in Big5, so undecodable
    // sequences are a strong hint the detector picked the wrong one of the two.
    char const* other = std::strcmp(guess, "Big5") == 0 ? "GB18030" : "Big5";
    decoded_text alt;
    decode_with_icu(bytes, other, alt);
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
  decoded_text out = options.encoding.empty() ? decode_detected(bytes) : decode_forced(bytes, options.encoding);
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
  // branch-free in blocks of 8-bit counters, which compilers turn into vector code: this runs on the
  // first 8 KiB of every file.
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
      int const is_control = (b < 0x20) + (b == 0x7F) - (b == '\t') - (b == '\n') - (b == '\f') - (b == '\r') -
                             (b == 0x1A) - (b == 0x1B);
      control_block = static_cast<std::uint8_t>(control_block + is_control);
    }
    nul += nul_block;
    control += control_block;
  }
  if (nul == 0 && control * 10 <= sample.size()) return false;
  // UTF-16 explains both zero bytes (ASCII) and control-range bytes (low halves of CJK units); a
  // UTF-16 file with no ASCII at all has no zero byte, hence the check without that requirement.
  return guess_utf16(sample, /*require_zero_bytes=*/nul > 0) == utf16_order::none;
}

}  // namespace neardup
