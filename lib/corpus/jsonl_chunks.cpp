#include "corpus/jsonl_chunks.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "corpus/posix_file.hpp"
#include "neardup/error.hpp"

namespace neardup::detail {

std::string overlong_line_message(std::uint64_t bytes) {
  return "line of " + std::to_string(bytes) + " bytes, over the limit";
}

// Lines are parsed one at a time with simdjson's DOM parser, which validates the whole line, UTF-8
// included.
struct jsonl_line_parser::state {
  jsonl_options options;
  simdjson::dom::parser parser;
};

jsonl_line_parser::jsonl_line_parser(jsonl_options options) : state_(std::make_unique<state>()) {
  state_->options = std::move(options);
}
jsonl_line_parser::~jsonl_line_parser() = default;
jsonl_line_parser::jsonl_line_parser(jsonl_line_parser&&) noexcept = default;
jsonl_line_parser& jsonl_line_parser::operator=(jsonl_line_parser&&) noexcept = default;

jsonl_line_parser::outcome jsonl_line_parser::parse(std::string_view line, bool at_file_start,
                                                    std::size_t number, std::uint64_t offset,
                                                    jsonl_record& record, jsonl_problem& problem) {
  auto const& options = state_->options;
  auto fail = [&](std::string message) {
    problem = {number, std::move(message)};
    return outcome::problem;
  };
  // The limit is on the line as stored, its CR and BOM included, as the chunker measures lines
  // it leaves unread: so whether a line is over it does not depend on where chunks are cut.
  if (line.size() > options.max_line_bytes) return fail(overlong_line_message(line.size()));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (at_file_start && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 BOM
  if (line.find_first_not_of(" \t") == std::string_view::npos) return outcome::blank;
  simdjson::dom::element doc;
  if (auto err = state_->parser.parse(line.data(), line.size(), true).get(doc); err)
    return fail(std::string("invalid JSON: ") + simdjson::error_message(err));
  simdjson::dom::object obj;
  if (doc.get(obj)) return fail("not a JSON object");
  record = jsonl_record{};
  record.line = number;
  record.offset = offset;
  simdjson::dom::element id;
  if (obj.at_key(options.id_field).get(id))
    return fail("missing field \"" + options.id_field + "\"");
  if (id.is_string()) {
    record.id = std::string(std::string_view(id));
  } else if (id.is_int64() || id.is_uint64()) {
    record.id = simdjson::minify(id);
  } else {
    return fail("field \"" + options.id_field + "\" is not a string or an integer");
  }
  simdjson::dom::element text;
  if (obj.at_key(options.text_field).get(text))
    return fail("missing field \"" + options.text_field + "\"");
  if (!text.is_string()) return fail("field \"" + options.text_field + "\" is not a string");
  record.text = std::string(std::string_view(text));
  return outcome::record;
}

jsonl_line_parser::outcome jsonl_line_parser::parse(std::string_view bytes,
                                                    jsonl_lines::line const& l, std::size_t number,
                                                    jsonl_record& record, jsonl_problem& problem) {
  if (l.overlong_bytes > 0) {
    problem = {number, overlong_line_message(l.overlong_bytes)};
    return outcome::problem;
  }
  return parse(bytes.substr(l.begin, l.size), l.offset == 0, number, l.offset, record, problem);
}

bool jsonl_duplicates::first(jsonl_record const& record, jsonl_problem& problem) {
  auto const [at, fresh] = first_line_.try_emplace(record.id, record.line);
  if (fresh) return true;
  problem = {record.line, "duplicate id \"" + record.id + "\" (first on line " +
                              std::to_string(at->second) + ")"};
  return false;
}

namespace {

constexpr std::size_t scan_window = 64 * 1024;

}  // namespace

struct jsonl_chunker::state {
  posix_file file;
  std::uint64_t size;
  std::uint64_t max_line_bytes;
  std::uint64_t position = 0;
  std::string window = std::string(scan_window, '\0');

  /// The first newline at or after `from` and before `limit` (capped at the file's end), or npos.
  std::uint64_t newline_after(std::uint64_t from, std::uint64_t limit) {
    limit = std::min(limit, size);
    for (std::uint64_t at = from; at < limit;) {
      std::size_t const want =
          static_cast<std::size_t>(std::min<std::uint64_t>(scan_window, limit - at));
      std::size_t const got = file.read(at, want, window.data());
      if (got == 0) break;
      if (void const* nl = std::memchr(window.data(), '\n', got))
        return at + static_cast<std::uint64_t>(static_cast<char const*>(nl) - window.data());
      at += got;
    }
    return std::string::npos;
  }

  /// Where the line holding byte `at` starts, looking back no further than `floor`.
  std::uint64_t line_start(std::uint64_t at, std::uint64_t floor) {
    std::uint64_t end = at;  // search [.., end)
    while (end > floor) {
      std::uint64_t const from = end - std::min<std::uint64_t>(scan_window, end - floor);
      std::size_t const got = file.read(from, static_cast<std::size_t>(end - from), window.data());
      for (std::size_t i = got; i-- > 0;)
        if (window[i] == '\n') return from + i + 1;
      end = from;
    }
    return floor;
  }
};

jsonl_chunker::jsonl_chunker(std::string const& path, std::uint64_t max_line_bytes) {
  posix_file file(path);
  std::uint64_t const size = file.size();
  state_ = std::make_unique<state>(
      state{std::move(file), size, std::max<std::uint64_t>(max_line_bytes, 1)});
}
jsonl_chunker::~jsonl_chunker() = default;
jsonl_chunker::jsonl_chunker(jsonl_chunker&&) noexcept = default;
jsonl_chunker& jsonl_chunker::operator=(jsonl_chunker&&) noexcept = default;

bool jsonl_chunker::next(std::uint64_t bytes, chunk& out) {
  auto& s = *state_;
  if (s.position >= s.size) return false;
  std::uint64_t const begin = s.position;
  std::uint64_t const target = std::min(s.size, begin + std::max<std::uint64_t>(bytes, 1));
  out = chunk{begin, s.size, 0};
  if (target < s.size) {
    // The chunk ends with the line holding byte target - 1, unless that line is over the limit.
    std::uint64_t const limit = target - 1 + s.max_line_bytes + 1;
    std::uint64_t const nl = s.newline_after(target - 1, limit);
    if (nl != std::string::npos) {
      out.end = nl + 1;
    } else if (limit < s.size) {
      // Over the limit: the lines before it make this chunk; the line itself a chunk of its own.
      std::uint64_t const start = s.line_start(target - 1, begin);
      if (start > begin) {
        out.end = start;
      } else {
        std::uint64_t const line_end = s.newline_after(limit, s.size);
        out.end = line_end == std::string::npos ? s.size : line_end + 1;
        out.overlong_bytes = (line_end == std::string::npos ? s.size : line_end) - begin;
      }
    }
  }
  s.position = out.end;
  return true;
}

void read_jsonl_chunk(std::string const& path, jsonl_chunker::chunk const& chunk,
                      jsonl_lines& out) {
  out.lines.clear();
  out.bytes.clear();
  if (chunk.overlong_bytes > 0) {
    out.lines.push_back({0, 0, chunk.begin, chunk.overlong_bytes});
    return;
  }
  posix_file const file(path);
  out.bytes.resize(static_cast<std::size_t>(chunk.end - chunk.begin));
  if (file.read(chunk.begin, out.bytes.size(), out.bytes.data()) != out.bytes.size())
    throw error(errc::io_error, path + ": the file changed while it was read");
  for_each_jsonl_line(out.bytes, chunk.begin,
                      [&](jsonl_lines::line const& l) { out.lines.push_back(l); });
}

}  // namespace neardup::detail
