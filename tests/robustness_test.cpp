// Bad input through the dedup program: every case ends in a documented exit code and a summary that
// accounts for every input (read, or skipped with its reason) — never a crash, hang or silent drop.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include "cli_helpers.hpp"

using cli::quote;
using cli::run_dedup;
using cli::temp_dir;
using cli::write_file;

namespace {

std::string encode(std::string const& utf8, char const* charset) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(utf8);
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset, &status);
  REQUIRE(U_SUCCESS(status));
  std::string out(static_cast<std::size_t>(s.length()) * 4 + 16, '\0');
  auto const n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()), s.getBuffer(), s.length(), &status);
  ucnv_close(conv);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string const essay =
    "疫情防控是一场阻击战,也是一场总体战、持久战。各地区各部门必须增强大局意识和全局观念,坚决服从党中央统一指挥。\n"
    "要坚持全国一盘棋,统筹兼顾、协调联动,才能打赢这场没有硝烟的战争。\n";

bool has(std::string const& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("empty, blank, punctuation-only, binary and NUL files are accounted for", "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "good.txt", essay);
  write_file(dir.path / "empty.txt", "");
  write_file(dir.path / "blank.txt", "   \n\t\n\xE3\x80\x80\n");  // spaces, a tab, U+3000
  write_file(dir.path / "punct.txt", "。。,,!!……\n");
  write_file(dir.path / "png.txt", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20));
  write_file(dir.path / "nul.txt", std::string("abc\0def\0ghi\n", 12));
  auto const r = run_dedup(quote(dir.path.string()));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "files:     2 read, 4 skipped"));
  CHECK(has(r.out, "empty.txt: empty"));
  CHECK(has(r.out, "blank.txt: empty"));
  CHECK(has(r.out, "png.txt: binary"));
  CHECK(has(r.out, "nul.txt: binary"));
  CHECK(has(r.out, "essays:    2 (1 with no text after normalization)"));  // punct.txt is read
}

TEST_CASE("invalid UTF-8, UTF-16 without BOM and a mislabeled encoding are decoded and reported",
          "[robustness]") {
  temp_dir dir;
  // Long enough to be UTF-8 beyond doubt, with two broken sequences and a truncated end.
  std::string broken = essay + essay + essay;
  broken.insert(30, "\xff\xfe");
  broken += "\xe4\xb8";
  write_file(dir.path / "a/broken.txt", broken);
  write_file(dir.path / "b/utf16.txt", encode(essay, "UTF-16LE"));
  write_file(dir.path / "c/gbk.txt", encode(essay, "GB18030"));
  auto const r = run_dedup("--format jsonl " + quote(dir.path.string()));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(has(r.err, "3 read, 0 skipped"));
  CHECK(has(r.err, "broken.txt: 3 undecodable byte sequences replaced (UTF-8)"));
  // UTF-16 and GB18030 copies of the essay cluster with the UTF-8 one (which has it three times:
  // the same shingle set).
  CHECK(has(r.out, "\"size\": 3"));

  // Forcing the wrong encoding: ICU's Big5 (code page 950) maps GBK bytes to other characters
  // (many private-use), so the file is read as nonsense, not as an error — the user asked for it.
  auto const forced = run_dedup("--encoding Big5 " + quote((dir.path / "c").string()));
  CHECK(forced.exit_code == 0);
  CHECK(has(forced.out, "1 read, 0 skipped"));
  // Forcing UTF-8 on GB18030 bytes: every broken sequence is replaced and counted.
  auto const as_utf8 = run_dedup("--encoding UTF-8 " + quote((dir.path / "c").string()));
  CHECK(as_utf8.exit_code == 0);
  CHECK(has(as_utf8.out, "undecodable byte sequences replaced (UTF-8)"));
  auto const unknown = run_dedup("--encoding NO-SUCH-CHARSET " + quote((dir.path / "c").string()));
  CHECK(unknown.exit_code == 2);
  CHECK(has(unknown.err, "NO-SUCH-CHARSET"));
}

TEST_CASE("a long single line, and files and essays over the limits", "[robustness]") {
  temp_dir dir;
  std::string line;
  for (int i = 0; i < 600000; ++i) line += "很长";  // 3.6 MB, no line break
  write_file(dir.path / "line.txt", line);
  write_file(dir.path / "big/b.txt", std::string(300000, 'x'));
  auto const r = run_dedup("--max-file-bytes 1000000 " + quote(dir.path.string()));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "line.txt: larger than the file size limit"));
  CHECK(has(r.out, "1 read, 1 skipped"));
  auto const all = run_dedup(quote(dir.path.string()));
  CHECK(all.exit_code == 0);
  CHECK(has(all.out, "2 read, 0 skipped"));
  auto const essays = run_dedup("--max-essay-bytes 100000 " + quote(dir.path.string()));
  CHECK(essays.exit_code == 0);
  CHECK(has(essays.out, "over the essay limit"));
  CHECK(has(essays.out, "essays:    0"));
}

TEST_CASE("many tiny files, a deep tree and a symbolic-link loop", "[robustness]") {
  temp_dir dir;
  for (int i = 0; i < 2000; ++i) write_file(dir.path / "many" / (std::to_string(i) + ".txt"), "第" + std::to_string(i) + "个文件");
  std::filesystem::path deep = dir.path / "deep";
  for (int i = 0; i < 300; ++i) deep /= "d";
  write_file(deep / "bottom.txt", essay);
  std::filesystem::create_directory_symlink(dir.path, dir.path / "deep" / "loop");
  auto const r = run_dedup("--format jsonl " + quote(dir.path.string()));
  INFO(r.err.substr(0, 2000));
  CHECK(r.exit_code == 0);
  CHECK(has(r.err, "2001 read, 1 skipped"));
  CHECK(has(r.err, "symbolic link loop"));
}

TEST_CASE("missing paths and unwritable outputs", "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "a.txt", essay);
  // Nothing readable: exit 2 naming the path.
  auto const none = run_dedup(quote((dir.path / "missing").string()));
  CHECK(none.exit_code == 2);
  CHECK(has(none.err, "missing: not found"));
  // Something readable: exit 0, the missing path reported.
  auto const some = run_dedup(quote(dir.path.string()) + " " + quote((dir.path / "missing").string()));
  CHECK(some.exit_code == 0);
  CHECK(has(some.out, "1 read, 1 skipped"));
  // Unwritable outputs are refused before any work, and nothing is written.
  auto const bad_out = run_dedup("-o " + quote((dir.path / "no/such/dir/r.txt").string()) + " " + quote(dir.path.string()));
  CHECK(bad_out.exit_code == 2);
  CHECK(has(bad_out.err, "cannot write"));
  CHECK(bad_out.out.empty());
  auto const folder_out = run_dedup("--keep-one " + quote(dir.path.string()) + " " + quote(dir.path.string()));
  CHECK(folder_out.exit_code == 2);
  CHECK(has(folder_out.err, "it is a folder"));
}

TEST_CASE("JSON Lines with broken lines, missing fields, wrong types and duplicate ids", "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "c.jsonl",
             "{\"id\": \"a\", \"text\": \"第一篇的文字\"}\n"
             "{\"id\": \"b\", \"text\": \n"
             "{\"text\": \"no id\"}\n"
             "{\"id\": \"c\"}\n"
             "{\"id\": \"d\", \"text\": [1, 2]}\n"
             "{\"id\": \"a\", \"text\": \"again\"}\n"
             "{\"id\": 5, \"text\": \"第五篇的文字\"}\n");
  auto const r = run_dedup("--jsonl " + quote(dir.path.string()));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  for (std::string_view const line :
       {"c.jsonl:2: invalid JSON", "c.jsonl:3: missing field \"id\"", "c.jsonl:4: missing field \"text\"",
        "c.jsonl:5: field \"text\" is not a string", "c.jsonl:6: duplicate id \"a\" (first on line 1)",
        "essays:    2"}) {
    INFO(line);
    CHECK(has(r.out, line));
  }
}
