// The reference for decoding tests and fuzz_decode: ICU's own conversion to UTF-8, and that text as
// decode_to_utf8 gives text (line ends and a leading BOM). Header-only, so that the test program
// and the fuzz target share it.
#pragma once

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace neardup_test {

/// ICU's decoding of `bytes` to UTF-8, its substitutions included. Throws std::runtime_error when
/// ICU has no such converter or fails.
inline std::string icu_decode(std::string_view bytes, char const* encoding) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> cnv(ucnv_open(encoding, &status), &ucnv_close);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ucnv_open: ") + u_errorName(status));
  icu::UnicodeString const u(bytes.data(), static_cast<int32_t>(bytes.size()), cnv.get(), status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU decoding: ") + u_errorName(status));
  std::string utf8;
  u.toUTF8String(utf8);
  return utf8;
}

/// `utf8` as decode_to_utf8 gives text: CR and CRLF turned into LF, a leading BOM dropped.
inline std::string as_decoded_text(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if (utf8[i] == '\r') {
      out += '\n';
      if (i + 1 < utf8.size() && utf8[i + 1] == '\n') ++i;
    } else {
      out += utf8[i];
    }
  }
  if (out.starts_with("\xEF\xBB\xBF")) out.erase(0, 3);
  return out;
}

}  // namespace neardup_test
