// Private to the encoding stage: GB18030's two-byte codes (the GBK repertoire that nearly all
// GB18030 text is made of) decoded by a table that ICU fills once per process.
//
// Written by hand because ICU's converter, general and pivoting through UTF-16, is the slowest step
// left before normalization (~0.4 GB/s); a table lookup per character runs at several times that.
// ICU stays the reference: the table is ICU's own answers, and any text with a four-byte sequence
// or a byte ICU would have to substitute is left to ICU whole.
#pragma once

#include <string>
#include <string_view>

namespace neardup::detail {

/// Appends the UTF-8 of `bytes` to `out` (line ends untouched) and returns true when `bytes` is
/// ASCII and two-byte GB18030 codes only, each of which ICU decodes to one character; returns false,
/// with `out` as it was, otherwise. Throws error(icu_error) if ICU cannot build the table.
bool decode_gbk_fast(std::string_view bytes, std::string& out);

}  // namespace neardup::detail
