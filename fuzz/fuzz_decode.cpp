// encoding: whatever the bytes and whatever encoding is forced, the output is valid UTF-8 without
// CR; looks_binary never fails; forced GB18030 (whose common case takes neardup's own table) gives
// what ICU's converter gives; detection, which asks ICU's charset detector, may guess, a forced
// encoding never. The first byte picks detection or a forced encoding.
#include <neardup/encoding.hpp>
#include <neardup/error.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/utf8.hpp"
#include "fuzz_check.hpp"
#include "icu_decode_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  static char const* const names[] = {"",         "UTF-8", "GB18030",      "Big5",      "UTF-16LE",
                                      "UTF-16BE", "",      "windows-1252", "Shift_JIS", "EUC-KR"};
  constexpr std::size_t name_count = sizeof names / sizeof names[0];
  neardup::decode_options o;
  o.encoding = names[data[0] % name_count];
  std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
  (void)neardup::looks_binary(bytes);
  auto const d = neardup::decode_to_utf8(bytes, o);
  FUZZ_CHECK(neardup::detail::is_valid_utf8(d.utf8));
  FUZZ_CHECK(d.utf8.find('\r') == std::string::npos);
  FUZZ_CHECK(!d.encoding.empty());
  // Detection (of whatever encoding ICU's detector names) may guess; a forced encoding never does.
  FUZZ_CHECK(d.detected == o.encoding.empty());
  FUZZ_CHECK(!d.guessed || d.detected);
  FUZZ_CHECK(d.confidence >= 0 && d.confidence <= 100);
  if (data[0] % name_count == 2)
    FUZZ_CHECK(d.utf8 == neardup_test::as_decoded_text(neardup_test::icu_decode(bytes, "GB18030")));
  return 0;
}
