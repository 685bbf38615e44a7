#include "corpus/gbk_table.hpp"

#include <unicode/ucnv.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "neardup/error.hpp"

namespace neardup::detail {
namespace {

constexpr unsigned first_lead = 0x81, last_lead = 0xFE;
constexpr unsigned first_trail = 0x40, last_trail = 0xFE;  // 0x7F is not a trail byte
constexpr std::size_t trails = last_trail - first_trail + 1;

/// Per (lead, trail): the character's UTF-8 bytes in the low 24 bits, their count in the top 8; 0
/// where ICU does not decode the pair to exactly one BMP character.
struct gbk_table {
  std::vector<std::uint32_t> entries = std::vector<std::uint32_t>((last_lead - first_lead + 1) * trails, 0);

  gbk_table() {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UConverter, decltype(&ucnv_close)> cnv(ucnv_open("GB18030", &status), &ucnv_close);
    if (U_FAILURE(status)) throw error(errc::icu_error, std::string("ICU has no GB18030 converter: ") + u_errorName(status));
    ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    for (unsigned lead = first_lead; lead <= last_lead; ++lead) {
      for (unsigned trail = first_trail; trail <= last_trail; ++trail) {
        if (trail == 0x7F) continue;
        char const code[2] = {static_cast<char>(lead), static_cast<char>(trail)};
        std::array<UChar, 4> u{};
        UErrorCode s = U_ZERO_ERROR;
        ucnv_resetToUnicode(cnv.get());
        int32_t const n = ucnv_toUChars(cnv.get(), u.data(), static_cast<int32_t>(u.size()), code, 2, &s);
        if (U_FAILURE(s) || n != 1 || (u[0] >= 0xD800 && u[0] <= 0xDFFF) || u[0] == 0xFFFD || u[0] == 0x1A) continue;
        std::uint32_t const c = u[0];
        std::uint32_t entry = 0;
        if (c < 0x80) {
          entry = (1u << 24) | c;
        } else if (c < 0x800) {
          entry = (2u << 24) | ((0xC0 | (c >> 6)) << 0) | ((0x80 | (c & 0x3F)) << 8);
        } else {
          entry = (3u << 24) | (0xE0 | (c >> 12)) | ((0x80 | ((c >> 6) & 0x3F)) << 8) | ((0x80 | (c & 0x3F)) << 16);
        }
        entries[(lead - first_lead) * trails + (trail - first_trail)] = entry;
      }
    }
  }
};

gbk_table const& table() {
  static gbk_table const t;  // built on first use, thread-safe
  return t;
}

}  // namespace

bool decode_gbk_fast(std::string_view bytes, std::string& out) {
  auto const& entries = table().entries;
  std::size_t const start = out.size();
  out.resize(start + bytes.size() * 3 / 2 + 4);  // two bytes become at most three
  char* w = out.data() + start;
  auto const* p = reinterpret_cast<unsigned char const*>(bytes.data());
  auto const* const end = p + bytes.size();
  while (p < end) {
    unsigned const b = *p;
    if (b < 0x80) {
      *w++ = static_cast<char>(b);
      ++p;
      continue;
    }
    if (b < first_lead || b > last_lead || end - p < 2) break;
    unsigned const t = p[1];
    if (t < first_trail || t > last_trail || t == 0x7F) break;  // a four-byte code, or invalid
    std::uint32_t const e = entries[(b - first_lead) * trails + (t - first_trail)];
    if (e == 0) break;
    // Three bytes are written whatever the length; the next character overwrites the extra ones.
    w[0] = static_cast<char>(e & 0xFF);
    w[1] = static_cast<char>((e >> 8) & 0xFF);
    w[2] = static_cast<char>((e >> 16) & 0xFF);
    w += e >> 24;
    p += 2;
  }
  if (p != end) {
    out.resize(start);
    return false;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return true;
}

}  // namespace neardup::detail
