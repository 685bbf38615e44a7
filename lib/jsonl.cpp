#include "neardup/jsonl.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "neardup/error.hpp"

namespace neardup {
namespace {

// Parses lines one at a time with simdjson's DOM parser (which validates the whole line, UTF-8
// included), and keeps the ids seen so far to report duplicates.
class line_parser {
 public:
  explicit line_parser(jsonl_options const& options) : options_(options) {}

  void operator()(std::string_view line, std::size_t number, std::uint64_t offset,
                  std::function<void(jsonl_record&&)> const& sink,
                  std::function<void(jsonl_problem&&)> const& on_problem) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 BOM
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      ++blank_lines;
      return;
    }
    if (line.size() > options_.max_line_bytes) {
      on_problem({number, "line of " + std::to_string(line.size()) + " bytes, over the limit"});
      return;
    }
    simdjson::dom::element doc;
    if (auto err = parser_.parse(line.data(), line.size(), true).get(doc); err) {
      on_problem({number, std::string("invalid JSON: ") + simdjson::error_message(err)});
      return;
    }
    simdjson::dom::object obj;
    if (doc.get(obj)) {
      on_problem({number, "not a JSON object"});
      return;
    }
    jsonl_record record;
    record.line = number;
    record.offset = offset;
    simdjson::dom::element id;
    if (obj.at_key(options_.id_field).get(id)) {
      on_problem({number, "missing field \"" + options_.id_field + "\""});
      return;
    }
    if (id.is_string()) {
      record.id = std::string(std::string_view(id));
    } else if (id.is_int64() || id.is_uint64()) {
      record.id = simdjson::minify(id);
    } else {
      on_problem({number, "field \"" + options_.id_field + "\" is not a string or an integer"});
      return;
    }
    simdjson::dom::element text;
    if (obj.at_key(options_.text_field).get(text)) {
      on_problem({number, "missing field \"" + options_.text_field + "\""});
      return;
    }
    if (!text.is_string()) {
      on_problem({number, "field \"" + options_.text_field + "\" is not a string"});
      return;
    }
    record.text = std::string(std::string_view(text));
    auto [at, fresh] = first_line_.try_emplace(record.id, number);
    if (!fresh && check_duplicates_) {
      on_problem({number, "duplicate id \"" + record.id + "\" (first on line " + std::to_string(at->second) + ")"});
      return;
    }
    sink(std::move(record));
  }

  std::size_t blank_lines = 0;
  bool check_duplicates_ = true;  // off when re-reading one line

 private:
  jsonl_options options_;
  simdjson::dom::parser parser_;
  std::unordered_map<std::string, std::size_t> first_line_;
};

}  // namespace

jsonl_result parse_jsonl(std::string_view data, jsonl_options const& options) {
  jsonl_result result;
  line_parser parse(options);
  auto sink = [&](jsonl_record&& r) { result.records.push_back(std::move(r)); };
  auto problem = [&](jsonl_problem&& p) { result.problems.push_back(std::move(p)); };
  std::size_t number = 0;
  std::uint64_t offset = 0;
  while (!data.empty()) {
    std::size_t const end = data.find('\n');
    std::string_view const line = data.substr(0, end);
    parse(line, ++number, offset, sink, problem);
    if (end == std::string_view::npos) break;
    data.remove_prefix(end + 1);
    offset += end + 1;
  }
  result.lines = number;
  result.blank_lines = parse.blank_lines;
  return result;
}

void read_jsonl_file(std::string const& path, jsonl_options const& options,
                     std::function<void(jsonl_record&&)> const& sink,
                     std::function<void(jsonl_problem&&)> const& on_problem) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": " + std::strerror(errno));
  line_parser parse(options);
  constexpr std::size_t chunk = 1 << 20;
  std::string buffer;     // the current, unfinished line
  bool overlong = false;  // the current line passed the limit: skip to its end without keeping it
  std::size_t overlong_bytes = 0;
  std::size_t number = 0;
  std::uint64_t line_start = 0;  // offset of the current line
  std::string block(chunk, '\0');
  auto finish_line = [&](std::string_view line) {
    ++number;
    std::uint64_t const length = overlong ? overlong_bytes + line.size() : line.size();
    if (overlong) {
      on_problem({number, "line of " + std::to_string(length) + " bytes, over the limit"});
      overlong = false;
      overlong_bytes = 0;
    } else {
      parse(line, number, line_start, sink, on_problem);
    }
    line_start += length + 1;
  };
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(chunk));
    std::string_view data(block.data(), static_cast<std::size_t>(in.gcount()));
    while (!data.empty()) {
      std::size_t const end = data.find('\n');
      std::string_view const piece = data.substr(0, end);
      if (end == std::string_view::npos) {
        if (overlong || buffer.size() + piece.size() > options.max_line_bytes) {
          overlong_bytes += buffer.size() + piece.size();
          buffer.clear();
          overlong = true;
        } else {
          buffer.append(piece);
        }
        break;
      }
      if (buffer.empty()) {
        finish_line(piece);
      } else {
        buffer.append(piece);
        finish_line(buffer);
        buffer.clear();
      }
      data.remove_prefix(end + 1);
    }
  }
  if (in.bad()) throw error(errc::io_error, path + ": read failed");
  if (!buffer.empty() || overlong) finish_line(buffer);
}

jsonl_record read_jsonl_record_at(std::string const& path, std::uint64_t offset, jsonl_options const& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": " + std::strerror(errno));
  in.seekg(static_cast<std::streamoff>(offset));
  std::string line;
  if (!std::getline(in, line)) throw error(errc::io_error, path + ": no line at byte " + std::to_string(offset));
  line_parser parse(options);
  parse.check_duplicates_ = false;
  jsonl_record found;
  std::string why;
  parse(line, 1, offset, [&](jsonl_record&& r) { found = std::move(r); }, [&](jsonl_problem&& p) { why = p.message; });
  if (!why.empty() || (found.id.empty() && found.text.empty()))
    throw error(errc::io_error, path + ": the record at byte " + std::to_string(offset) + " is gone (" + why + ")");
  return found;
}

}  // namespace neardup
