// Private to the encoding stage: telling UTF-16 without a byte order mark from 8-bit text, used by
// detection (decode_to_utf8) and by looks_binary().
#pragma once

#include <string_view>

namespace neardup::detail {

enum class utf16_order { none, little, big };

/// Guesses UTF-16 without BOM. GB18030, Big5 and UTF-8 text never contains zero bytes, UTF-16 text
/// with any ASCII (a line feed is enough) does; then the byte order is the one that reads as
/// plausible Chinese/ASCII text. Reading Chinese in the wrong order scores about 40%; reading ASCII
/// in the wrong order lands in the CJK block too (U+4100 ...), so near-ties go to the order in
/// which ASCII appears as U+00xx. Without `require_zero_bytes`, text with no zero byte at all
/// (UTF-16 without ASCII) may qualify.
[[nodiscard]] utf16_order guess_utf16(std::string_view bytes, bool require_zero_bytes) noexcept;

}  // namespace neardup::detail
