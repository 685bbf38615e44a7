// detail: the pieces JSON Lines files are read with, on one thread (read_jsonl_file, load_essays,
// parse_jsonl: jsonl_sequence) or on every thread (the pipeline): one thread cuts a file into
// chunks of whole lines (jsonl_chunker), any thread reads a chunk (read_jsonl_chunk) and parses its
// lines (a jsonl_line_parser of its own), and one thread checks the ids in line order
// (jsonl_duplicates).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "neardup/jsonl.hpp"

namespace neardup::detail {

/// Cuts a JSON Lines file into chunks of whole lines, looking only near the cuts: the chunks are
/// read (read_jsonl_chunk) by whichever thread parses them. A line over the limit gets a chunk of
/// its own that is never read, so memory stays bounded by the chunk size plus the longest line.
class jsonl_chunker {
 public:
  struct chunk {
    std::uint64_t begin = 0;  ///< byte offset in the file
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

/// The lines of a chunk.
struct jsonl_lines {
  std::string bytes;  ///< the chunk as read
  struct line {
    std::size_t begin = 0;             ///< in `bytes`
    std::size_t size = 0;              ///< without the newline
    std::uint64_t offset = 0;          ///< of the line in the file
    std::uint64_t overlong_bytes = 0;  ///< > 0: the line was over the limit and not read
  };
  std::vector<line> lines;
  [[nodiscard]] std::string_view text(line const& l) const {
    return std::string_view(bytes).substr(l.begin, l.size);
  }
};

/// Calls `each(line)` for every line of `data`, which starts at byte `offset` of its file: lines
/// end with a newline, or with the data (a last line without one); data ending with a newline has
/// no empty line after it.
template <class Each>
void for_each_jsonl_line(std::string_view data, std::uint64_t offset, Each&& each) {
  for (std::size_t at = 0; at < data.size();) {
    std::size_t const nl = data.find('\n', at);
    std::size_t const end = nl == std::string_view::npos ? data.size() : nl;
    each(jsonl_lines::line{at, end - at, offset + at, 0});
    at = end + 1;
  }
}

/// Reads a chunk and splits it into lines. Throws neardup::error(io_error) when the file cannot be
/// read or is shorter than the chunk (it changed).
void read_jsonl_chunk(std::string const& path, jsonl_chunker::chunk const& chunk, jsonl_lines& out);

/// The problem of a line over jsonl_options::max_line_bytes: "line of N bytes, over the limit".
[[nodiscard]] std::string overlong_line_message(std::uint64_t bytes);

/// Parses single lines into records (not thread-safe: one per thread). Duplicate ids are not its
/// business: see jsonl_duplicates.
class jsonl_line_parser {
 public:
  explicit jsonl_line_parser(jsonl_options options);
  ~jsonl_line_parser();
  jsonl_line_parser(jsonl_line_parser&&) noexcept;
  jsonl_line_parser& operator=(jsonl_line_parser&&) noexcept;

  enum class outcome { record, problem, blank };
  /// Parses `line` (without its newline; a CR before it is allowed, and a UTF-8 BOM when the line
  /// is at the start of the file) into `record`, or says why not in `problem`; both get line
  /// `number`.
  outcome parse(std::string_view line, bool at_file_start, std::size_t number, std::uint64_t offset,
                jsonl_record& record, jsonl_problem& problem);
  /// The same for line `l` of a chunk whose bytes are `bytes`: a line over the limit, which the
  /// chunker left unread, is a problem.
  outcome parse(std::string_view bytes, jsonl_lines::line const& l, std::size_t number,
                jsonl_record& record, jsonl_problem& problem);

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

/// The lines of one input, in order, on one thread: each line parsed, the ids checked, the lines
/// numbered from 1. What parse_jsonl, read_jsonl_file and load_essays are made of (the pipeline
/// parses on every thread and checks the ids in its merge).
class jsonl_sequence {
 public:
  explicit jsonl_sequence(jsonl_options options) : parser_(std::move(options)) {}

  /// The next line, held in `bytes` (a chunk as read, or the whole input): calls
  /// `on_record(jsonl_record&&)` or `on_problem(jsonl_problem&&)` unless it is blank.
  template <class OnRecord, class OnProblem>
  void add(std::string_view bytes, jsonl_lines::line const& l, OnRecord&& on_record,
           OnProblem&& on_problem) {
    switch (parser_.parse(bytes, l, ++lines_, record_, problem_)) {
      case jsonl_line_parser::outcome::blank:
        ++blank_lines_;
        break;
      case jsonl_line_parser::outcome::problem:
        on_problem(std::move(problem_));
        break;
      case jsonl_line_parser::outcome::record:
        if (ids_.first(record_, problem_))
          on_record(std::move(record_));
        else
          on_problem(std::move(problem_));
        break;
    }
  }

  [[nodiscard]] std::size_t lines() const { return lines_; }
  [[nodiscard]] std::size_t blank_lines() const { return blank_lines_; }

 private:
  jsonl_line_parser parser_;
  jsonl_duplicates ids_;
  jsonl_record record_;
  jsonl_problem problem_;
  std::size_t lines_ = 0;
  std::size_t blank_lines_ = 0;
};

/// Reads a JSON Lines file on this thread in chunks of about `chunk_bytes`, with the pieces the
/// pipeline uses: `on_record` for each good record, `on_problem` for each bad line, in line order.
/// Throws neardup::error(io_error) when the file cannot be opened or read.
template <class OnRecord, class OnProblem>
void read_jsonl_chunks(std::string const& path, jsonl_options const& options,
                       std::uint64_t chunk_bytes, OnRecord&& on_record, OnProblem&& on_problem) {
  jsonl_chunker chunker(path, options.max_line_bytes);
  jsonl_sequence sequence(options);
  jsonl_chunker::chunk chunk;
  jsonl_lines lines;
  while (chunker.next(chunk_bytes, chunk)) {
    read_jsonl_chunk(path, chunk, lines);
    for (auto const& l : lines.lines) sequence.add(lines.bytes, l, on_record, on_problem);
  }
}

}  // namespace neardup::detail
