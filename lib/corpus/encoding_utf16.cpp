// encoding, UTF-16 without a byte order mark: whether bytes read as UTF-16 text, and in which byte
// order. (With a BOM, detection needs no guess.)
#include "corpus/encoding_utf16.hpp"

#include <algorithm>
#include <cstdint>

namespace neardup::detail {
namespace {

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
  double plausible = 0;  // share of plausible code units (a surrogate pair counts as plausible)
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

}  // namespace

utf16_order guess_utf16(std::string_view bytes, bool require_zero_bytes) noexcept {
  constexpr std::size_t utf16_sample_limit = 64 * 1024;
  std::string_view const sample = bytes.substr(0, std::min(bytes.size(), utf16_sample_limit));
  if (sample.size() < 2) return utf16_order::none;
  if (require_zero_bytes && sample.find('\0') == std::string_view::npos) return utf16_order::none;
  // 8-bit ASCII read as UTF-16 pairs printable bytes into plausible-looking CJK units ("te" reads
  // as U+6574); genuine UTF-16 has such units only for some CJK characters (about a fifth of
  // them), and its ASCII comes with a zero byte. Mostly printable pairs mean 8-bit text.
  std::size_t printable_pairs = 0;
  auto printable = [](char c) {
    return (c >= 0x20 && c <= 0x7E) || c == '\n' || c == '\r' || c == '\t';
  };
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

}  // namespace neardup::detail
