#include "neardup/load.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "corpus/posix_file.hpp"
#include "corpus/read_back.hpp"
#include "neardup/error.hpp"
#include "temp_files.hpp"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

namespace fs = std::filesystem;

namespace {

using test_files::temp_dir;
using test_files::write_file;

/// load_essays with default options: its summary, and every essay with its text, in order.
struct loaded {
  neardup::load_summary summary;
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> texts;
};
loaded load_all(std::vector<std::string> const& paths) {
  loaded out;
  out.summary = neardup::load_essays(paths, {}, [&](neardup::essay_info&& e, std::string_view t) {
    out.essays.push_back(std::move(e));
    out.texts.emplace_back(t);
  });
  return out;
}

std::string encode_as(std::string const& utf8, char const* name) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString const u = icu::UnicodeString::fromUTF8(utf8);
  std::string out(static_cast<std::size_t>(u.length()) * 4 + 8, '\0');
  UConverter* cnv = ucnv_open(name, &status);
  int32_t const len = ucnv_fromUChars(cnv, out.data(), static_cast<int32_t>(out.size()),
                                      u.getBuffer(), u.length(), &status);
  ucnv_close(cnv);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace

TEST_CASE("load_essays: the bundled essays, 37 in five files, in order", "[load]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  auto const [summary, essays, texts] = load_all(paths);
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
  auto const [summary, essays, texts] = load_all(paths);
  neardup::detail::essay_reloader reloader({}, summary.files);
  for (std::size_t i = essays.size(); i-- > 0;) CHECK(reloader.text(essays[i]) == texts[i]);
  neardup::essay_info bogus = essays[0];
  bogus.index = 99;
  bogus.offset = 1u << 30;
  CHECK_THROWS_AS(reloader.text(bogus), neardup::error);
}

TEST_CASE("essay_reloader reads essays back by byte range, in every byte-oriented encoding", "[load]") {
  temp_dir dir;
  std::string const body = "疫情防控要坚持全国一盘棋，各地区各部门要服从党中央统一指挥。\n第二段：同心协力，共克时艰。";
  std::string const two = "1、第一篇\n" + body + "\n\n2、第二篇\n" + body + "又一句。\n";
  auto crlf = [](std::string const& s) {
    std::string out;
    for (char c : s) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
  };
  auto lone_cr = [](std::string s) {
    for (char& c : s) c = c == '\n' ? '\r' : c;
    return s;
  };
  write_file(dir.path / "plain.txt", two);
  write_file(dir.path / "crlf.txt", crlf(two));
  write_file(dir.path / "bom.txt", "\xEF\xBB\xBF" + two);
  write_file(dir.path / "cr.txt", lone_cr(two));
  write_file(dir.path / "gb.txt", encode_as(crlf(two), "GB18030"));
  write_file(dir.path / "big5.txt", encode_as("1、第一篇\n眾人同心，其利斷金。萬眾一心，眾志成城。"
                                              "\n\n2、第二篇\n同舟共濟，攜手前行。\n",
                                              "Big5"));
  write_file(dir.path / "utf16.txt", encode_as("\xEF\xBB\xBF" + two, "UTF-16LE"));
  std::vector<std::string> const paths = {dir.path.string()};
  auto const [summary, essays, texts] = load_all(paths);
  REQUIRE(summary.files.size() == 7);
  std::map<std::string, neardup::file_account> accounts;
  for (auto const& f : summary.files) accounts[fs::path(f.path).filename().string()] = f;
  CHECK(accounts["plain.txt"].verbatim);
  CHECK_FALSE(accounts["crlf.txt"].verbatim);
  CHECK(accounts["gb.txt"].encoding == "GB18030");
  CHECK(accounts["big5.txt"].encoding == "Big5");
  CHECK(accounts["utf16.txt"].encoding == "UTF-16LE");
  REQUIRE(essays.size() == 14);
  neardup::detail::essay_reloader reloader({}, summary.files);
  for (std::size_t i = 0; i < essays.size(); ++i) {
    auto const name = fs::path(essays[i].file).filename().string();
    INFO(name << " essay " << essays[i].index);
    CHECK((essays[i].source_bytes > 0) == (name != "utf16.txt"));  // UTF-16 is read back whole
    CHECK(reloader.text(essays[i]) == texts[i]);
    // The start of the text, for excerpts: a prefix of it, short of at most one cut character, and
    // the whole text once the bytes cover the essay.
    for (std::size_t bytes : {1u, 2u, 5u, 17u, 40u, 1000u}) {
      INFO(bytes << " bytes");
      std::string const start = reloader.text_start(essays[i], bytes);
      CHECK(texts[i].starts_with(start));
      if (essays[i].source_bytes == 0 || bytes >= essays[i].source_bytes) CHECK(start == texts[i]);
      else CHECK(start.size() + 4 >= std::min(bytes, texts[i].size()) / 2);
    }
  }
  // A file that changed size since is an error, not a wrong text.
  write_file(dir.path / "crlf.txt", two);
  for (std::size_t i = 0; i < essays.size(); ++i)
    if (fs::path(essays[i].file).filename() == "crlf.txt") CHECK_THROWS_AS(reloader.text(essays[i]), neardup::error);
}

TEST_CASE("range_reader reads ranges of more files than it keeps open, a changed file is an error",
          "[load]") {
  temp_dir dir;
  std::vector<std::string> paths;
  std::vector<std::string> heads;  // "file N"
  for (char f = '0'; f < '5'; ++f) {
    heads.push_back(std::string("file ") + f);
    paths.push_back((dir.path / (heads.back() + ".txt")).string());
    write_file(paths.back(), heads.back() + ": 0123456789");
  }
  std::uint64_t const size = 18;  // "file N: 0123456789"
  std::vector<neardup::file_version> versions;
  for (auto const& p : paths) versions.push_back(neardup::detail::posix_file(p).status().version);
  neardup::detail::range_reader reader(2);
  for (int round = 0; round < 3; ++round)
    for (std::size_t f = 0; f < paths.size(); ++f) {
      CHECK(reader.read(paths[f], size, versions[f], 0, 6) == heads[f]);
      CHECK(reader.read(paths[f], size, versions[f], 8, 4) == "0123");
      CHECK(reader.read(paths[f], size, versions[f], 18, 0).empty());
    }
  CHECK_THROWS_AS(reader.read(paths[0], size, versions[0], 10, 9), neardup::error);  // past the end
  CHECK_THROWS_AS(reader.read(paths[1], size + 1, versions[1], 0, 1),
                  neardup::error);  // not the size read
  write_file(paths[4], "shorter");  // rewritten in place while it is kept open
  CHECK_THROWS_AS(reader.read(paths[4], size, versions[4], 0, 6), neardup::error);
  CHECK_THROWS_AS(reader.read((dir.path / "missing.txt").string(), size, versions[0], 0, 1),
                  neardup::error);
  // Rewritten in place with the same size (another modification time), while kept open; and
  // replaced by another file of the same size and time (another inode).
  test_files::rewrite_in_place(paths[3], "file 3: 9876543210");
  CHECK_THROWS_AS(reader.read(paths[3], size, versions[3], 0, 6), neardup::error);
  CHECK(reader.read(paths[2], size, versions[2], 0, 6) == heads[2]);
  test_files::replace_keeping_time(paths[2], "file 2: 9876543210");
  REQUIRE(neardup::detail::posix_file(paths[2]).status().version.modified_ns ==
          versions[2].modified_ns);
  neardup::detail::range_reader fresh(2);
  CHECK_THROWS_AS(fresh.read(paths[2], size, versions[2], 0, 6), neardup::error);
  // A version left unknown (an account made by hand) compares the size alone.
  CHECK(fresh.read(paths[2], size, neardup::file_version{}, 0, 6) == heads[2]);
}

TEST_CASE("load_essays: per-path encoding rules, first match wins, unused rules reported",
          "[load]") {
  temp_dir dir;
  std::string const trad = "眾人同心，其利斷金。萬眾一心，眾志成城。同舟共濟，攜手前行。\n";
  std::string const simp = "疫情防控要坚持全国一盘棋，各地区各部门要服从党中央统一指挥。\n";
  write_file(dir.path / "old/a.txt", encode_as(trad, "Big5"));
  write_file(dir.path / "new/b.txt", encode_as(simp, "GB18030"));
  neardup::load_options options;
  neardup::add_encoding_option(options.decode, "old/*=Big5");
  neardup::add_encoding_option(options.decode, "*/a.txt=UTF-16LE");  // shadowed by the first
  neardup::add_encoding_option(options.decode, "nowhere/*=KOI8-R");
  std::map<std::string, std::string> texts;
  auto const summary = neardup::load_essays(std::vector<std::string>{dir.path.string()}, options,
                                            [&](neardup::essay_info&& e, std::string_view t) {
                                              texts[fs::path(e.file).filename().string()] =
                                                  std::string(t);
                                            });
  REQUIRE(summary.files.size() == 2);
  std::map<std::string, neardup::file_account> accounts;
  for (auto const& f : summary.files) accounts[fs::path(f.path).filename().string()] = f;
  CHECK(accounts["a.txt"].encoding == "Big5");
  CHECK_FALSE(accounts["a.txt"].encoding_detected);
  CHECK(accounts["b.txt"].encoding == "GB18030");
  CHECK(accounts["b.txt"].encoding_detected);
  CHECK(texts["a.txt"] + "\n" == trad);
  CHECK(texts["b.txt"] + "\n" == simp);
  REQUIRE(summary.unused_encoding_rules.size() == 2);
  CHECK(summary.unused_encoding_rules[0].pattern == "*/a.txt");
  CHECK(summary.unused_encoding_rules[1].pattern == "nowhere/*");
}

TEST_CASE("load_essays: guessed encodings are marked, Windows-1252 is read back by byte range",
          "[load]") {
  temp_dir dir;
  std::string const english =
      "1. First\nThe café served crème brûlée; my résumé said I’d worked there as a naïve "
      "garçon.\n\n2. Second\nSeñor García’s façade was déjà vu, and the rosé was “fresh”.\n";
  write_file(dir.path / "en.txt", encode_as(english, "windows-1252"));
  write_file(dir.path / "short.txt", encode_as("我们的学校好\n", "GB18030"));
  std::vector<std::string> const paths = {dir.path.string()};
  auto const [summary, essays, texts] = load_all(paths);
  REQUIRE(summary.files.size() == 2);
  std::map<std::string, neardup::file_account> accounts;
  for (auto const& f : summary.files) accounts[fs::path(f.path).filename().string()] = f;
  CHECK(accounts["en.txt"].encoding == "windows-1252");
  CHECK_FALSE(accounts["en.txt"].encoding_guessed);
  CHECK(accounts["en.txt"].encoding_confidence >= 50);
  CHECK(accounts["short.txt"].encoding == "GB18030");
  CHECK(accounts["short.txt"].encoding_guessed);
  neardup::detail::essay_reloader reloader({}, summary.files);
  std::string all;
  for (std::size_t i = 0; i < essays.size(); ++i) {
    INFO(essays[i].id);
    if (fs::path(essays[i].file).filename() == "en.txt") {
      CHECK(essays[i].source_bytes > 0);
      all += texts[i];
    }
    CHECK(reloader.text(essays[i]) == texts[i]);
  }
  CHECK(all.find("crème brûlée") != std::string::npos);
  CHECK(all.find("“fresh”") != std::string::npos);
}

TEST_CASE("load_essays: JSON Lines in UTF-16 or GB18030 is read from a UTF-8 copy", "[load]") {
  temp_dir dir;
  std::string const utf8 =
      "{\"id\": \"a\", \"text\": \"第一篇文章的内容。\"}\n{\"id\": 2, \"text\": \"第二篇\"}\n";
  write_file(dir.path / "be.jsonl", "\xFE\xFF" + encode_as(utf8, "UTF-16BE"));
  write_file(dir.path / "gb.jsonl", encode_as(utf8, "GB18030"));
  write_file(dir.path / "u8.jsonl", utf8);
  neardup::load_options options;
  options.jsonl = true;
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> texts;
  auto const summary = neardup::load_essays(std::vector<std::string>{dir.path.string()}, options,
                                            [&](neardup::essay_info&& e, std::string_view t) {
                                              essays.push_back(std::move(e));
                                              texts.emplace_back(t);
                                            });
  INFO((summary.problems.empty() ? std::string() : summary.problems[0].message));
  REQUIRE(summary.files.size() == 3);
  CHECK(summary.problems.empty());
  REQUIRE(essays.size() == 6);
  for (std::size_t i = 0; i < 6; i += 2) {
    CHECK(texts[i] == "第一篇文章的内容。");
    CHECK(texts[i + 1] == "第二篇");
  }
  CHECK(summary.files[0].encoding == "UTF-16BE");
  CHECK(summary.files[1].encoding == "GB18030");
  CHECK(summary.files[2].encoding == "UTF-8");
  // The copy is UTF-8 and lives as long as the account; the UTF-8 file is read where it is.
  REQUIRE_FALSE(summary.files[0].stored_at.empty());
  CHECK(neardup::read_file(summary.files[0].stored_at) == utf8);
  CHECK(summary.files[0].bytes == utf8.size());
  CHECK(summary.files[2].stored_at.empty());
  CHECK(essays[1].offset == utf8.find("{\"id\": 2"));  // offsets in the copy
  neardup::detail::essay_reloader reloader(options, summary.files);
  for (std::size_t i = 0; i < essays.size(); ++i) CHECK(reloader.text(essays[i]) == texts[i]);
  // The copy goes with the last account that holds it.
  std::string const copy = summary.files[1].stored_at;
  auto account = std::make_unique<neardup::file_account>(summary.files[1]);
  CHECK(fs::exists(copy));
  neardup::load_summary moved = summary;
  moved.files.clear();
  CHECK(fs::exists(copy));  // `summary` and `account` still hold it
  account.reset();
  CHECK(fs::exists(copy));
}
