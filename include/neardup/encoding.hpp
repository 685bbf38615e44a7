// encoding — the bytes of a file in, UTF-8 with LF line ends out.
//
// Chinese essay collections arrive as UTF-8 (with or without a BOM), UTF-16 (mostly from Windows
// tools), GB18030/GBK/GB2312 (Simplified) or Big5 (Traditional). Everything after this stage works on
// valid UTF-8 only, so this is the one place that guesses and converts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

/// An encoding for the files whose path matches a glob (`*`, `?`, `[...]`; `*` also matches `/`).
/// The pattern is matched against the whole path as given and against every tail of it that
/// starts after a `/`: `old/*` matches `old/a.txt` and `corpus/old/a.txt`.
struct encoding_rule {
  std::string pattern;
  std::string encoding;  ///< an ICU converter name or alias, as decode_options::encoding
};

/// How to decode a file.
struct decode_options {
  /// Empty = detect. Otherwise an ICU converter name or alias: "UTF-8", "GB18030", "GBK", "Big5",
  /// "UTF-16LE", ... (case-insensitive, as ICU accepts it).
  std::string encoding;
  /// Per-path encodings, for loaders that know the path (load_essays, run_pipeline): the first rule
  /// whose pattern matches a file's path decides its encoding; `encoding` (or detection) decides
  /// for paths no rule matches. decode_to_utf8 itself ignores them.
  std::vector<encoding_rule> rules = {};
};

/// True when `rule.pattern` matches `path` (see encoding_rule).
[[nodiscard]] bool rule_matches(encoding_rule const& rule, std::string_view path);

/// `options` as they apply to the file at `path`: `encoding` set by the first rule matching it
/// (else left as it is), `rules` emptied.
[[nodiscard]] decode_options decode_options_for(decode_options const& options,
                                                std::string_view path);

/// Parses a command-line `--encoding` value: `PATTERN=NAME` is a rule, anything else (no `=`) the
/// global encoding. Throws error(errc::invalid_argument) for an empty pattern or name.
void add_encoding_option(decode_options& options, std::string_view value);

/// A decoded file.
struct decoded_text {
  std::string utf8;          ///< valid UTF-8; CRLF and lone CR turned into LF; leading BOM removed
  std::string encoding;      ///< what was used: "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030", "Big5", ...
  bool detected = false;     ///< true when the encoding was detected, false when forced by the caller
  bool had_bom = false;      ///< the input started with a byte order mark (now removed)
  std::size_t replaced = 0;  ///< byte sequences that could not be decoded and became U+FFFD
  bool verbatim = false;     ///< utf8 is the input bytes unchanged (UTF-8 without BOM or CR)
  /// Detected without confidence (too few non-ASCII characters, or ICU's detector unsure): the
  /// encoding is the best guess, and may be wrong. Never set for a forced encoding, a BOM, UTF-16
  /// or UTF-8.
  bool guessed = false;
  /// ICU's charset detector's confidence (0-100) in `encoding`, when it was asked; 0 otherwise.
  int confidence = 0;
};

/// Decodes a whole file to UTF-8 with LF line ends.
///
/// Detection order: a BOM (UTF-8, UTF-16LE, UTF-16BE); UTF-16 without BOM when the input has zero
/// bytes (which UTF-8 text never has) and reads as plausible text in one byte order; valid UTF-8
/// (checked without ICU; a lone truncated sequence at the very end, or a few stray bytes in
/// otherwise clearly UTF-8 text, still count as UTF-8); otherwise Chinese text (a sample that
/// decodes in GB18030 or Big5 into many of the most frequent Chinese characters) is GB18030 (which
/// covers GBK and GB2312) or Big5 as ICU's detector restricted to those two says, and other text
/// what ICU's charset detector names with confidence (windows-1252, Shift_JIS, EUC-JP, EUC-KR,
/// KOI8-R, ...). When neither is sure, GB18030 or Big5 as for Chinese, with `guessed` set. Never
/// reads past `bytes`; undecodable or truncated sequences become U+FFFD and are counted in
/// `replaced`.
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
