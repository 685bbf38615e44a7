// Private to the encoding stage: conversion of bytes in a known encoding to UTF-8 text (LF line
// ends, a leading BOM dropped), shared by detection (encoding_detect.cpp) and forced decoding.
#pragma once

#include <neardup/encoding.hpp>

#include <string>
#include <string_view>

namespace neardup::detail {

/// Decodes UTF-8 `bytes`, well-formed or not, into `out` (utf8, replaced, had_bom): each maximal
/// subpart of an ill-formed sequence becomes one U+FFFD (detail::decode_utf8), CRLF and CR become
/// LF, a leading BOM is dropped.
void decode_utf8_text(std::string_view bytes, decoded_text& out);

/// Copies valid UTF-8 `s` to `out`, only fixing line ends and a leading BOM (setting `had_bom`):
/// byte copies, no decoding. Returns whether `out` is `s` unchanged (no BOM, no CR).
bool copy_valid_utf8(std::string_view s, std::string& out, bool& had_bom);

/// Decodes `bytes` with the named ICU converter into `out` (utf8, replaced, had_bom). Throws
/// error(errc::icu_error) when ICU has no such converter or fails.
void decode_with_icu(std::string_view bytes, char const* icu_name, decoded_text& out);

/// decode_to_utf8() with decode_options::encoding set to `name`. Throws
/// error(errc::encoding_error) for a name ICU does not know.
[[nodiscard]] decoded_text decode_forced(std::string_view bytes, std::string const& name);

}  // namespace neardup::detail
