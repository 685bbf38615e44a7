// ICU's encoders for tests: the reference the decoder must invert, and the bytes of files in
// other encodings (GB18030, Big5, UTF-16) made from UTF-8 text.
#pragma once

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

namespace neardup_test {

struct converter_closer {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

/// Encodes UTF-8 text with ICU; fails (REQUIRE) on text the encoding cannot map.
inline std::string icu_encode(std::string const& utf8, char const* encoding) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, converter_closer> cnv(ucnv_open(encoding, &status));
  REQUIRE(U_SUCCESS(status));
  ucnv_setFromUCallBack(cnv.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  icu::UnicodeString const u = icu::UnicodeString::fromUTF8(utf8);
  std::string out(static_cast<std::size_t>(u.length()) * 4 + 16, '\0');
  int32_t const n = ucnv_fromUChars(cnv.get(), out.data(), static_cast<int32_t>(out.size()),
                                    u.getBuffer(), u.length(), &status);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace neardup_test
