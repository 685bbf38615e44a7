// jsonl — JSON Lines records in (parsed with simdjson), with every bad line accounted for.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace neardup {

/// Which fields hold a record's id and text, and the longest line accepted.
struct jsonl_options {
  std::string id_field = "id";
  std::string text_field = "text";
  std::uint64_t max_line_bytes = 64ull << 20;  ///< longer lines are reported, not parsed
};

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
/// bad line, reading in chunks so memory stays bounded by the longest line. Throws
/// neardup::error(io_error) when the file cannot be opened or read.
void read_jsonl_file(std::string const& path, jsonl_options const& options,
                     std::function<void(jsonl_record&&)> const& sink,
                     std::function<void(jsonl_problem&&)> const& on_problem);

/// The pieces read_jsonl_file() is made of, for readers that parse lines on several threads (the
/// pipeline): one thread cuts the file into chunks, any thread reads and parses a chunk, and one
/// thread checks the ids in line order.

/// Cuts a JSON Lines file into chunks of whole lines, looking only near the cuts: the chunks are
/// read (read_jsonl_chunk) by whichever thread parses them. A line over the limit gets a chunk of
/// its own that is never read, so memory stays bounded by the chunk size plus the longest line.
class jsonl_chunker {
 public:
  struct chunk {
    std::uint64_t begin = 0;           ///< byte offset in the file
    std::uint64_t end = 0;
    std::uint64_t overlong_bytes = 0;  ///< > 0: the chunk is one line over max_line_bytes
  };
  /// Throws neardup::error(io_error) when the file cannot be opened.
  jsonl_chunker(std::string const& path, std::uint64_t max_line_bytes);
  ~jsonl_chunker();
  jsonl_chunker(jsonl_chunker&&) noexcept;
  jsonl_chunker& operator=(jsonl_chunker&&) noexcept;

  /// The next chunk, about `bytes` long (longer when a line is); false at the end of the file.
  /// Throws neardup::error(io_error) when a read fails.
  bool next(std::uint64_t bytes, chunk& out);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// The lines of a chunk, numbered from 1 within it.
struct jsonl_lines {
  std::string bytes;  ///< the chunk as read
  struct line {
    std::size_t begin = 0;             ///< in `bytes`
    std::size_t size = 0;              ///< without the newline
    std::uint64_t offset = 0;          ///< of the line in the file
    std::uint64_t overlong_bytes = 0;  ///< > 0: the line was over the limit and not read
  };
  std::vector<line> lines;
  [[nodiscard]] std::string_view text(line const& l) const { return std::string_view(bytes).substr(l.begin, l.size); }
};

/// Reads a chunk and splits it into lines. Throws neardup::error(io_error) when the file cannot be
/// read or is shorter than the chunk (it changed).
void read_jsonl_chunk(std::string const& path, jsonl_chunker::chunk const& chunk, jsonl_lines& out);

/// Parses single lines into records (not thread-safe: one per thread). Duplicate ids are not its
/// business: see jsonl_duplicates.
class jsonl_line_parser {
 public:
  explicit jsonl_line_parser(jsonl_options options);
  ~jsonl_line_parser();
  jsonl_line_parser(jsonl_line_parser&&) noexcept;
  jsonl_line_parser& operator=(jsonl_line_parser&&) noexcept;

  enum class outcome { record, problem, blank };
  /// Parses `line` (without its newline; a CR before it and a BOM on line 1 are allowed) into
  /// `record`, or says why not in `problem`.
  outcome parse(std::string_view line, std::size_t number, std::uint64_t offset, jsonl_record& record,
                jsonl_problem& problem);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Ids seen so far: a later record with an id seen before is a problem.
class jsonl_duplicates {
 public:
  /// True when `record` is the first with its id; else fills `problem`.
  bool first(jsonl_record const& record, jsonl_problem& problem);

 private:
  std::unordered_map<std::string, std::size_t> first_line_;
};

/// Reads the record whose line starts at byte `offset` of the file again (offset as reported by
/// read_jsonl_file). Throws neardup::error(io_error) when the file cannot be read or the line is no
/// longer a good record (the file changed).
[[nodiscard]] jsonl_record read_jsonl_record_at(std::string const& path, std::uint64_t offset,
                                                jsonl_options const& options);

}  // namespace neardup
