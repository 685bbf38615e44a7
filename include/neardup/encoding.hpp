// encoding — the bytes of a file in, UTF-8 with LF line ends out.
//
// Chinese essay collections arrive as UTF-8 (with or without a BOM), UTF-16 (mostly from Windows
// tools), GB18030/GBK/GB2312 (Simplified) or Big5 (Traditional). Everything after this stage works on
// valid UTF-8 only, so this is the one place that guesses and converts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace neardup {

/// How to decode a file.
struct decode_options {
  /// Empty = detect. Otherwise an ICU converter name or alias: "UTF-8", "GB18030", "GBK", "Big5",
  /// "UTF-16LE", ... (case-insensitive, as ICU accepts it).
  std::string encoding;
};

/// A decoded file.
struct decoded_text {
  std::string utf8;          ///< valid UTF-8; CRLF and lone CR turned into LF; leading BOM removed
  std::string encoding;      ///< what was used: "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030", "Big5", ...
  bool detected = false;     ///< true when the encoding was detected, false when forced by the caller
  bool had_bom = false;      ///< the input started with a byte order mark (now removed)
  std::size_t replaced = 0;  ///< byte sequences that could not be decoded and became U+FFFD
  bool verbatim = false;     ///< utf8 is the input bytes unchanged (UTF-8 without BOM or CR)
};

/// Decodes a whole file to UTF-8 with LF line ends.
///
/// Detection order: a BOM (UTF-8, UTF-16LE, UTF-16BE); UTF-16 without BOM when the input has zero
/// bytes (which UTF-8 text never has) and reads as plausible text in one byte order; valid UTF-8
/// (checked without ICU; a lone truncated sequence at the very end, or a few stray bytes in otherwise
/// clearly UTF-8 text, still count as UTF-8); otherwise ICU's charset detector restricted to GB18030
/// (which covers GBK and GB2312) and Big5, falling back to GB18030 when it is unsure. Never reads past `bytes`; undecodable
/// or truncated sequences become U+FFFD and are counted in `replaced`.
///
/// Throws error(errc::encoding_error) when `options.encoding` names no converter ICU knows, and
/// error(errc::icu_error) if ICU itself fails (e.g. missing converter data).
///
///   auto text = neardup::decode_to_utf8(file_bytes);                 // detect
///   auto big5 = neardup::decode_to_utf8(file_bytes, {.encoding = "Big5"});  // force
[[nodiscard]] decoded_text decode_to_utf8(std::string_view bytes, decode_options const& options = {});

/// True for bytes that are not text: NUL bytes that UTF-16 does not explain, or a high share (over
/// 10%) of control bytes other than tab, line feed, form feed and carriage return. Looks at the first
/// 8 KiB only. Used to skip binary files with a reason. Empty input is not binary.
///
///   if (neardup::looks_binary(bytes)) skip(path, "binary file");
[[nodiscard]] bool looks_binary(std::string_view bytes) noexcept;

}  // namespace neardup
