// encoding: whatever the bytes and whatever encoding is forced, the output is valid UTF-8 without
// CR; looks_binary never fails; forced GB18030 (whose common case takes neardup's own table) gives
// what ICU's converter gives. The first byte picks detection or a forced encoding.
#include <neardup/encoding.hpp>
#include <neardup/error.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "icu_decode_reference.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto const c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      auto const t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3F);
    }
    static constexpr char32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  static char const* const names[] = {"", "UTF-8", "GB18030", "Big5", "UTF-16LE", "UTF-16BE"};
  neardup::decode_options o;
  o.encoding = names[data[0] % 6];
  std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
  (void)neardup::looks_binary(bytes);
  auto const d = neardup::decode_to_utf8(bytes, o);
  FUZZ_CHECK(valid_utf8(d.utf8));
  FUZZ_CHECK(d.utf8.find('\r') == std::string::npos);
  FUZZ_CHECK(!d.encoding.empty());
  if (data[0] % 6 == 2) FUZZ_CHECK(d.utf8 == neardup_test::as_decoded_text(neardup_test::icu_decode(bytes, "GB18030")));
  return 0;
}
