// jsonl — JSON Lines records in (simdjson), with every bad line accounted for.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {
struct jsonl_options { std::string id_field = "id"; std::string text_field = "text"; std::uint64_t max_line_bytes = 64ull << 20; };
struct jsonl_record { std::string id; std::string text; std::size_t line = 0; /* 1-based */ };
struct jsonl_problem { std::size_t line = 0; std::string message; };   // e.g. "invalid JSON: ...", "missing field \"text\"",
                                                                        // "field \"id\" is not a string or number", "duplicate id \"x\" (first on line 3)"
struct jsonl_result { std::vector<jsonl_record> records; std::vector<jsonl_problem> problems; std::size_t lines = 0; std::size_t blank_lines = 0; };
// Parses a whole JSON Lines buffer. Bad lines are skipped and reported in `problems` (never thrown, never
// silent); numbers as ids are accepted and turned into their decimal text; duplicate ids: the later record is
// skipped and reported. Handles CRLF, a UTF-8 BOM, a last line without newline, blank lines.
[[nodiscard]] jsonl_result parse_jsonl(std::string_view data, jsonl_options const& options = {});
// Streaming form for big files: calls `sink` for each good record and `on_problem` for each bad line; reads
// the file in chunks so memory stays bounded by the longest line. Throws error(io_error) if it cannot open.
void read_jsonl_file(std::string const& path, jsonl_options const& options,
                     std::function<void(jsonl_record&&)> const& sink,
                     std::function<void(jsonl_problem&&)> const& on_problem);
}
