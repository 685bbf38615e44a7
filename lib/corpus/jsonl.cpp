#include "neardup/jsonl.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "corpus/jsonl_chunks.hpp"
#include "neardup/error.hpp"

namespace neardup {

std::vector<std::string> jsonl_extensions() {
  return {".jsonl", ".json"};
}

jsonl_result parse_jsonl(std::string_view data, jsonl_options const& options) {
  jsonl_result result;
  detail::jsonl_sequence sequence(options);
  detail::for_each_jsonl_line(data, 0, [&](detail::jsonl_lines::line const& l) {
    sequence.add(
        data, l, [&](jsonl_record&& r) { result.records.push_back(std::move(r)); },
        [&](jsonl_problem&& p) { result.problems.push_back(std::move(p)); });
  });
  result.lines = sequence.lines();
  result.blank_lines = sequence.blank_lines();
  return result;
}

void read_jsonl_file(std::string const& path, jsonl_options const& options,
                     std::function<void(jsonl_record&&)> const& sink,
                     std::function<void(jsonl_problem&&)> const& on_problem) {
  detail::read_jsonl_chunks(path, options, default_jsonl_chunk_bytes, sink, on_problem);
}

jsonl_record read_jsonl_record_at(std::string const& path, std::uint64_t offset,
                                  jsonl_options const& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": " + std::strerror(errno));
  in.seekg(static_cast<std::streamoff>(offset));
  std::string line;
  if (!std::getline(in, line))
    throw error(errc::io_error, path + ": no line at byte " + std::to_string(offset));
  detail::jsonl_line_parser parser(options);
  jsonl_record found;
  jsonl_problem problem;
  // The line number is not known here (nor needed: the caller has it).
  if (parser.parse(line, offset == 0, 0, offset, found, problem) !=
      detail::jsonl_line_parser::outcome::record)
    throw error(errc::io_error, path + ": the record at byte " + std::to_string(offset) +
                                    " is gone (" + problem.message + ")");
  return found;
}

}  // namespace neardup
