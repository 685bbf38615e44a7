#include "neardup/jsonl.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "corpus/jsonl_chunks.hpp"
#include "neardup/error.hpp"

TEST_CASE("parse_jsonl: records, renamed fields, number ids, escapes", "[jsonl]") {
  std::string const data =
      "{\"id\": \"a\", \"text\": \"第一篇\\n第二行\"}\n"
      "{\"id\": 17, \"text\": \"\\u4e2d\\u6587 \\ud83d\\ude00\"}\n";
  auto const r = neardup::parse_jsonl(data);
  REQUIRE(r.records.size() == 2);
  CHECK(r.problems.empty());
  CHECK(r.records[0].id == "a");
  CHECK(r.records[0].text == "第一篇\n第二行");
  CHECK(r.records[0].line == 1);
  CHECK(r.records[1].id == "17");
  CHECK(r.records[1].text == "中文 😀");
  CHECK(r.lines == 2);

  neardup::jsonl_options o;
  o.id_field = "url";
  o.text_field = "content";
  auto const renamed = neardup::parse_jsonl("{\"url\": \"u\", \"content\": \"c\", \"text\": 1}", o);
  REQUIRE(renamed.records.size() == 1);
  CHECK(renamed.records[0].text == "c");
}

TEST_CASE("parse_jsonl: every bad line is reported with its number, never dropped silently", "[jsonl]") {
  std::string const data =
      "\xEF\xBB\xBF{\"id\": \"a\", \"text\": \"ok\"}\r\n"  // BOM and CRLF
      "\n"
      "not json\n"
      "{\"text\": \"no id\"}\n"
      "{\"id\": \"b\"}\n"
      "{\"id\": \"c\", \"text\": 5}\n"
      "{\"id\": \"d\", \"text\": null}\n"
      "{\"id\": [1], \"text\": \"x\"}\n"
      "[1, 2]\n"
      "{\"id\": \"a\", \"text\": \"again\"}\n"
      "{\"id\": \"e\", \"text\": \"last, no newline\"}";
  auto const r = neardup::parse_jsonl(data);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].id == "a");
  CHECK(r.records[0].text == "ok");
  CHECK(r.records[1].id == "e");
  CHECK(r.records[1].line == 11);
  CHECK(r.lines == 11);
  CHECK(r.blank_lines == 1);
  REQUIRE(r.problems.size() == 8);
  // Every non-blank line is a record or a problem.
  CHECK(r.records.size() + r.problems.size() == r.lines - r.blank_lines);
  std::vector<std::size_t> lines;
  for (auto const& p : r.problems) lines.push_back(p.line);
  CHECK(lines == std::vector<std::size_t>{3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(r.problems[0].message.find("invalid JSON") != std::string::npos);
  CHECK(r.problems[1].message.find("missing field \"id\"") != std::string::npos);
  CHECK(r.problems[2].message.find("missing field \"text\"") != std::string::npos);
  CHECK(r.problems[3].message.find("not a string") != std::string::npos);
  CHECK(r.problems[7].message.find("duplicate id \"a\" (first on line 1)") != std::string::npos);
}

TEST_CASE("parse_jsonl: invalid UTF-8 inside a string is a reported problem", "[jsonl]") {
  auto const r = neardup::parse_jsonl("{\"id\": \"a\", \"text\": \"\xff\xfe\"}\n");
  CHECK(r.records.empty());
  CHECK(r.problems.size() == 1);
}

TEST_CASE("read_jsonl_file streams the same records, long lines and over-long lines included", "[jsonl]") {
  auto const path = std::filesystem::temp_directory_path() / ("neardup-jsonl-" + std::to_string(::getpid()) + ".jsonl");
  std::string const long_text(3 << 20, 'x');  // longer than the 1 MiB read chunk
  std::string data;
  data += "{\"id\": \"a\", \"text\": \"short\"}\n";
  data += "{\"id\": \"b\", \"text\": \"" + long_text + "\"}\n";
  data += "broken\n";
  data += "{\"id\": \"c\", \"text\": \"" + std::string(5 << 20, 'y') + "\"}\n";
  data += "{\"id\": \"d\", \"text\": \"end\"}";
  std::ofstream(path, std::ios::binary) << data;

  neardup::jsonl_options o;
  o.max_line_bytes = 4 << 20;
  std::vector<neardup::jsonl_record> records;
  std::vector<neardup::jsonl_problem> problems;
  neardup::read_jsonl_file(path.string(), o, [&](neardup::jsonl_record&& r) { records.push_back(std::move(r)); },
                           [&](neardup::jsonl_problem&& p) { problems.push_back(std::move(p)); });
  REQUIRE(records.size() == 3);
  CHECK(records[0].id == "a");
  CHECK(records[1].text == long_text);
  CHECK(records[2].id == "d");
  CHECK(records[2].line == 5);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].line == 3);
  CHECK(problems[1].line == 4);
  CHECK(problems[1].message.find("over the limit") != std::string::npos);

  // parse_jsonl on the same bytes agrees.
  auto const whole = neardup::parse_jsonl(data, o);
  REQUIRE(whole.records.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) CHECK(whole.records[i].id == records[i].id);
  std::filesystem::remove(path);

  CHECK_THROWS_AS(neardup::read_jsonl_file("/nonexistent/x.jsonl", o, [](auto&&) {}, [](auto&&) {}), neardup::error);
}

TEST_CASE("records carry their line's byte offset, and read_jsonl_record_at reads them again", "[jsonl]") {
  auto const path = std::filesystem::temp_directory_path() / ("neardup-jsonl-at-" + std::to_string(::getpid()) + ".jsonl");
  std::string const data =
      "{\"id\": \"a\", \"text\": \"甲\"}\r\n"
      "\n"
      "broken\n"
      "{\"id\": \"b\", \"text\": \"乙乙\"}\n"
      "{\"id\": \"c\", \"text\": \"丙\"}";
  std::ofstream(path, std::ios::binary) << data;
  std::vector<neardup::jsonl_record> streamed;
  neardup::read_jsonl_file(path.string(), {}, [&](neardup::jsonl_record&& r) { streamed.push_back(std::move(r)); },
                           [](neardup::jsonl_problem&&) {});
  auto const parsed = neardup::parse_jsonl(data);
  REQUIRE(streamed.size() == 3);
  REQUIRE(parsed.records.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(streamed[i].offset == parsed.records[i].offset);
    CHECK(data.compare(streamed[i].offset, 8, "{\"id\": \"") == 0);  // the offset is the line's start
    auto const again = neardup::read_jsonl_record_at(path.string(), streamed[i].offset, {});
    CHECK(again.id == streamed[i].id);
    CHECK(again.text == streamed[i].text);
  }
  CHECK_THROWS_AS(neardup::read_jsonl_record_at(path.string(), 30, {}), neardup::error);  // "broken"
  std::filesystem::remove(path);
}

TEST_CASE("jsonl_chunker: chunks of whole lines cover the file, over-long lines get a chunk of their own", "[jsonl]") {
  auto const path = std::filesystem::temp_directory_path() / ("neardup-chunks-" + std::to_string(::getpid()) + ".jsonl");
  std::mt19937 rng(7);
  for (int round = 0; round < 60; ++round) {
    // Lines of every length from empty to well past the limit, with or without a last newline.
    std::string data;
    std::vector<std::string> lines;
    int const count = std::uniform_int_distribution<int>(0, 40)(rng);
    for (int i = 0; i < count; ++i) {
      std::size_t const length = std::uniform_int_distribution<int>(0, 9)(rng) == 0
                                     ? std::uniform_int_distribution<std::size_t>(200, 3000)(rng)
                                     : std::uniform_int_distribution<std::size_t>(0, 60)(rng);
      lines.emplace_back(length, static_cast<char>('a' + i % 26));
      data += lines.back();
      if (i + 1 < count || round % 2 == 0) data += '\n';
    }
    if (count > 0 && lines.back().empty() && round % 2 == 1) lines.pop_back();  // no line after the last newline
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
    std::uint64_t const max_line = round % 3 == 0 ? 1u << 20 : 100;
    std::uint64_t const chunk_bytes = std::uniform_int_distribution<std::uint64_t>(1, 500)(rng);
    INFO("round " << round << ", chunks of " << chunk_bytes << ", limit " << max_line);
    neardup::detail::jsonl_chunker chunker(path.string(), max_line);
    neardup::detail::jsonl_chunker::chunk chunk;
    neardup::detail::jsonl_lines got;
    std::uint64_t covered = 0;
    std::size_t line = 0;
    while (chunker.next(chunk_bytes, chunk)) {
      REQUIRE(chunk.begin == covered);
      REQUIRE(chunk.end > chunk.begin);
      if (chunk.end < data.size()) REQUIRE(data[chunk.end - 1] == '\n');  // cut after a newline
      covered = chunk.end;
      neardup::detail::read_jsonl_chunk(path.string(), chunk, got);
      if (chunk.overlong_bytes > 0) REQUIRE(got.lines.size() == 1);
      for (auto const& l : got.lines) {
        REQUIRE(line < lines.size());
        CHECK(data.compare(l.offset, lines[line].size(), lines[line]) == 0);
        if (l.overlong_bytes > 0) {
          CHECK(l.overlong_bytes == lines[line].size());
          CHECK(l.overlong_bytes > max_line);
        } else {
          CHECK(got.text(l) == lines[line]);
        }
        ++line;
      }
    }
    CHECK(covered == data.size());
    CHECK(line == lines.size());
  }
  std::filesystem::remove(path);
}

TEST_CASE("a line's length counts its CR and BOM, and a blank line can be over the limit, "
          "whatever the chunk size",
          "[jsonl]") {
  auto const path = std::filesystem::temp_directory_path() /
                    ("neardup-limit-" + std::to_string(::getpid()) + ".jsonl");
  neardup::jsonl_options o;
  o.max_line_bytes = 40;
  std::string const fits = "{\"id\": \"a\", \"text\": \"" + std::string(17, 'x') + "\"}";
  REQUIRE(fits.size() == 40);
  std::string const data = "\xEF\xBB\xBF" + fits + "\n"  // 43 bytes with its BOM: over
                           + fits + "\n"                  // 40: fits
                           + fits + "\r\n"                // 41 with its CR: over
                           + std::string(41, ' ') + "\n"  // blank, but over
                           + std::string(40, ' ') + "\n"  // blank
                           + "{\"id\": \"b\", \"text\": \"y\"}\r\n";
  std::ofstream(path, std::ios::binary) << data;
  using problem = std::pair<std::size_t, std::string>;
  std::vector<problem> const over = {{1, "line of 43 bytes, over the limit"},
                                     {3, "line of 41 bytes, over the limit"},
                                     {4, "line of 41 bytes, over the limit"}};
  for (std::uint64_t chunk_bytes : {1u, 45u, 1u << 20}) {
    INFO(chunk_bytes << "-byte chunks");
    std::vector<std::string> ids;
    std::vector<problem> problems;
    neardup::detail::read_jsonl_chunks(
        path.string(), o, chunk_bytes, [&](neardup::jsonl_record&& r) { ids.push_back(r.id); },
        [&](neardup::jsonl_problem&& p) { problems.emplace_back(p.line, p.message); });
    CHECK(ids == std::vector<std::string>{"a", "b"});
    CHECK(problems == over);
  }
  auto const whole = neardup::parse_jsonl(data, o);
  CHECK(whole.records.size() == 2);
  std::vector<problem> whole_problems;
  for (auto const& p : whole.problems) whole_problems.emplace_back(p.line, p.message);
  CHECK(whole_problems == over);
  CHECK(whole.blank_lines == 1);
  std::filesystem::remove(path);
}
