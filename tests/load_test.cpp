#include "neardup/load.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "neardup/error.hpp"

namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("neardup-load-" + std::to_string(::getpid()));
  temp_dir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(fs::path const& p, std::string const& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("load_essays: the bundled essays, 37 in five files, in order", "[load]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> texts;
  auto const summary = neardup::load_essays(paths, {}, [&](neardup::essay_info&& e, std::string_view t) {
    essays.push_back(std::move(e));
    texts.emplace_back(t);
  });
  REQUIRE(summary.files.size() == 5);
  CHECK(summary.skipped.empty());
  CHECK(summary.essays == 37);
  REQUIRE(essays.size() == 37);
  std::vector<std::size_t> per_file;
  for (auto const& f : summary.files) per_file.push_back(f.essays);
  CHECK(per_file == std::vector<std::size_t>{10, 10, 7, 2, 8});
  CHECK(essays[0].index == 1);
  CHECK(essays[0].id == essays[0].file + "#1");
  CHECK(essays[6].title == essays[0].title);
  CHECK(texts[6] == texts[0]);
  CHECK(essays[10].index == 1);  // numbering restarts in the second file
  for (std::size_t i = 0; i < essays.size(); ++i) CHECK(essays[i].bytes == texts[i].size());
  // Furniture of the second file (preamble, trailing button) is accounted for.
  CHECK(summary.files[1].furniture.size() == 2);
}

TEST_CASE("load_essays accounts for every file: read or skipped with a reason", "[load]") {
  temp_dir dir;
  write_file(dir.path / "good.txt", "第一篇文章的内容,足够长的一段话。\n");
  write_file(dir.path / "empty.txt", "");
  write_file(dir.path / "binary.txt", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  write_file(dir.path / "other.md", "不是 txt 文件");
  std::vector<std::string> const paths = {dir.path.string(), (dir.path / "missing.txt").string()};
  std::size_t essays = 0;
  auto const summary = neardup::load_essays(paths, {}, [&](neardup::essay_info&&, std::string_view) { ++essays; });
  CHECK(essays == 1);
  REQUIRE(summary.files.size() == 1);
  CHECK(fs::path(summary.files[0].path).filename() == "good.txt");
  CHECK(summary.filtered_by_extension == 1);
  std::map<std::string, neardup::skip_reason> skipped;
  for (auto const& s : summary.skipped) skipped[fs::path(s.path).filename().string()] = s.reason;
  CHECK(skipped.size() == 3);
  CHECK(skipped["empty.txt"] == neardup::skip_reason::empty);
  CHECK(skipped["binary.txt"] == neardup::skip_reason::binary);
  CHECK(skipped["missing.txt"] == neardup::skip_reason::not_found);
}

TEST_CASE("load_essays reports essays over the size limit instead of dropping them silently", "[load]") {
  temp_dir dir;
  write_file(dir.path / "a.txt", "1、短的\n很短的一篇。\n2、长的\n" + std::string(3000, 'x') + "\n");
  neardup::load_options options;
  options.max_essay_bytes = 1000;
  std::vector<std::string> titles;
  std::vector<std::string> const paths = {dir.path.string()};
  auto const summary = neardup::load_essays(paths, options, [&](neardup::essay_info&& e, std::string_view) {
    titles.push_back(e.title);
  });
  CHECK(titles == std::vector<std::string>{"短的"});
  REQUIRE(summary.problems.size() == 1);
  CHECK(summary.problems[0].line == 3);
  CHECK(summary.problems[0].message.find("over the essay limit") != std::string::npos);
}

TEST_CASE("essay_reloader reads back exactly what load_essays gave", "[load]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> texts;
  auto const summary = neardup::load_essays(paths, {}, [&](neardup::essay_info&& e, std::string_view t) {
    essays.push_back(std::move(e));
    texts.emplace_back(t);
  });
  neardup::essay_reloader reloader({}, summary.files);
  for (std::size_t i = essays.size(); i-- > 0;) CHECK(reloader.text(essays[i]) == texts[i]);
  neardup::essay_info bogus = essays[0];
  bogus.index = 99;
  bogus.offset = 1u << 30;
  CHECK_THROWS_AS(reloader.text(bogus), neardup::error);
}

TEST_CASE("essay_reloader reads verbatim files by byte range, others by decoding again", "[load]") {
  temp_dir dir;
  std::string const essay = "第一篇\n\n疫情防控要坚持全国一盘棋，各地区各部门要服从党中央统一指挥。\n";
  write_file(dir.path / "plain.txt", essay + "\n\n\n" + essay);
  write_file(dir.path / "crlf.txt", "第一篇\r\n\r\n这一篇的行尾是回车换行，读回时要重新解码。\r\n");
  std::vector<std::string> const paths = {dir.path.string()};
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> texts;
  auto const summary = neardup::load_essays(paths, {}, [&](neardup::essay_info&& e, std::string_view t) {
    essays.push_back(std::move(e));
    texts.emplace_back(t);
  });
  REQUIRE(summary.files.size() == 2);
  std::map<std::string, bool> verbatim;
  for (auto const& f : summary.files) verbatim[fs::path(f.path).filename().string()] = f.verbatim;
  CHECK_FALSE(verbatim["crlf.txt"]);
  CHECK(verbatim["plain.txt"]);
  REQUIRE(essays.size() >= 2);
  neardup::essay_reloader reloader({}, summary.files);
  for (std::size_t i = 0; i < essays.size(); ++i) CHECK(reloader.text(essays[i]) == texts[i]);
  // A verbatim file that changed size since is an error, not a wrong text.
  write_file(dir.path / "plain.txt", essay);
  for (std::size_t i = 0; i < essays.size(); ++i)
    if (fs::path(essays[i].file).filename() == "plain.txt") CHECK_THROWS_AS(reloader.text(essays[i]), neardup::error);
}
