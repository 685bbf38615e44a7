// jsonl — JSON Lines records in (parsed with simdjson), with every bad line accounted for.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

/// Which fields hold a record's id and text, and the longest line accepted.
struct jsonl_options {
  std::string id_field = "id";
  std::string text_field = "text";
  /// Longer lines are reported, not parsed (blank ones too): measured as stored, a CR before the
  /// newline and a BOM included.
  std::uint64_t max_line_bytes = 64ull << 20;
};

/// JSON Lines files are read in chunks of about this many bytes of whole lines (the default of
/// load_options::jsonl_chunk_bytes).
inline constexpr std::uint64_t default_jsonl_chunk_bytes = 1u << 20;

/// The extensions of the JSON Lines files taken from a folder when none are asked for
/// (load_options::walk.extensions left at its default): ".jsonl" and ".json".
[[nodiscard]] std::vector<std::string> jsonl_extensions();

/// One good record.
struct jsonl_record {
  std::string id;            ///< a string id, or an integer id as its decimal text
  std::string text;
  std::size_t line = 0;      ///< 1-based line number
  std::uint64_t offset = 0;  ///< byte offset of the line in the input, to read it again
};

/// A line that gave no record, and why: "invalid JSON: …", "missing field \"text\"", "field \"id\" is
/// not a string or an integer", "duplicate id \"x\" (first on line 3)", "line of N bytes, over the limit".
struct jsonl_problem {
  std::size_t line = 0;
  std::string message;
};

/// Every line is a record, a problem or blank: records + problems == lines - blank_lines.
struct jsonl_result {
  std::vector<jsonl_record> records;
  std::vector<jsonl_problem> problems;
  std::size_t lines = 0;
  std::size_t blank_lines = 0;
};

/// Parses a whole JSON Lines buffer. Bad lines are skipped and reported in `problems`, never thrown
/// and never silent; a later record with an id seen before is a problem. Handles CRLF, a UTF-8 BOM,
/// a last line without newline and blank lines.
///
///   auto r = neardup::parse_jsonl("{\"id\": \"a\", \"text\": \"…\"}\n");
[[nodiscard]] jsonl_result parse_jsonl(std::string_view data, jsonl_options const& options = {});

/// The streaming form for large files: calls `sink` for each good record and `on_problem` for each
/// bad line, in line order, reading chunks of about default_jsonl_chunk_bytes of whole lines so
/// memory stays bounded by the chunk size and the longest line (a line over the limit is never
/// read). Throws neardup::error(io_error) when the file cannot be opened or read.
void read_jsonl_file(std::string const& path, jsonl_options const& options,
                     std::function<void(jsonl_record&&)> const& sink,
                     std::function<void(jsonl_problem&&)> const& on_problem);

/// Reads the record whose line starts at byte `offset` of the file again (offset as reported by
/// read_jsonl_file); its `line` is 0, as the offset does not tell the line number. Throws
/// neardup::error(io_error) when the file cannot be read or the line is no longer a good record
/// (the file changed).
[[nodiscard]] jsonl_record read_jsonl_record_at(std::string const& path, std::uint64_t offset,
                                                jsonl_options const& options);

}  // namespace neardup
