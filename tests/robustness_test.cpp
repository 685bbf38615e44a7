// Bad input through the dedup program: every case ends in a documented exit code and a summary that
// accounts for every input (read, or skipped with its reason) — never a crash, hang or silent drop.
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include "cli_helpers.hpp"
#include "random_text.hpp"
#include "report/format.hpp"

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

/// The sizes of the clusters in dedup's JSON Lines report, in order.
std::vector<std::size_t> cluster_sizes(std::string const& report) {
  std::vector<std::size_t> sizes;
  for (auto const& c : cli::parse_clusters(report)) sizes.push_back(c.size());
  return sizes;
}

/// dedup with `args` exits with 2 (nothing done) and says each of `why` on standard error.
void check_fails_saying(std::string const& args, std::initializer_list<std::string_view> why) {
  auto const r = run_dedup(args);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  for (std::string_view const w : why) CHECK(has(r.err, w));
}

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

// What dedup writes, and where (docs/robustness.md): outputs, --keep-one, standard input.

namespace {

namespace fs = std::filesystem;

// The (file, index) of every later member of the clusters of a JSON Lines report, and their ids.
struct report_members {
  std::set<std::pair<std::string, std::int64_t>> duplicates;
  std::set<std::string> duplicate_ids;
  std::size_t clusters = 0;
};

report_members parse_report(std::string const& jsonl) {
  report_members r;
  for (auto const& cluster : cli::parse_clusters(jsonl)) {
    ++r.clusters;
    for (std::size_t m = 1; m < cluster.size(); ++m) {
      r.duplicates.emplace(cluster[m].file, cluster[m].index);
      r.duplicate_ids.insert(cluster[m].id);
    }
  }
  return r;
}

std::vector<std::string> lines_of(std::string const& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("outputs that would destroy an input or each other are refused before any work",
          "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "a.txt", essay);
  auto const a = quote((dir.path / "a.txt").string());
  auto const same = run_dedup("-o " + a + " " + a);
  CHECK(same.exit_code == 2);
  CHECK(has(same.err, "the output " + (dir.path / "a.txt").string() + " is the input"));
  fs::create_symlink(dir.path / "a.txt", dir.path / "link.txt");
  auto const linked = run_dedup("--keep-one " + quote((dir.path / "link.txt").string()) + " " + a);
  CHECK(linked.exit_code == 2);
  CHECK(has(linked.err, "link.txt"));
  CHECK(cli::slurp(dir.path / "a.txt") == essay);  // untouched
  auto const twice = run_dedup("-o " + quote((dir.path / "r.txt").string()) + " --keep-one " +
                               quote((dir.path / "." / "r.txt").string()) + " " + a);
  CHECK(twice.exit_code == 2);
  CHECK(has(twice.err, "two outputs to one file"));
  CHECK_FALSE(fs::exists(dir.path / "r.txt"));
  auto const both_stdout = run_dedup("--keep-one - " + a);
  CHECK(both_stdout.exit_code == 2);
  CHECK(has(both_stdout.err, "standard output"));
  auto const full = run_dedup("-o /dev/full " + a);
  CHECK(full.exit_code == 2);
  CHECK(has(full.err, "/dev/full: write failed"));
}

TEST_CASE("an output inside an input folder is left out of the walk, run after run",
          "[robustness]") {
  temp_dir dir;
  fs::copy(NEARDUP_ESSAYS_DIR, dir.path / "rr");
  auto const clean = dir.path / "rr" / "clean.txt";
  std::string first;
  for (int run = 0; run < 3; ++run) {
    auto const r = run_dedup("--keep-one " + quote(clean.string()) + " -o " +
                             quote((dir.path / "rr" / "report.txt").string()) + " " +
                             quote((dir.path / "rr").string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::string const report = cli::slurp(dir.path / "rr" / "report.txt");
    if (run == 0) {
      first = cli::slurp(clean);
      CHECK(has(report, "5 read, 0 skipped"));
    } else {
      CHECK(cli::slurp(clean) == first);  // not read back: it does not grow
      CHECK(has(report, "5 read, 2 skipped"));
      CHECK(has(report, "clean.txt: an output of this run"));
      CHECK(has(report, "report.txt: an output of this run"));
    }
  }
}

TEST_CASE(
    "outputs keep their mode and links, devices and FIFOs are written into, '-' is standard output",
    "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "in/a.txt", essay + "\n2、第二篇\n" + essay);
  auto const in = quote((dir.path / "in").string());
  auto const kept = dir.path / "kept.txt";
  write_file(kept, "old");
  fs::permissions(kept, fs::perms::owner_read | fs::perms::owner_write);
  bool const root = ::geteuid() == 0;
  if (root) REQUIRE(::chown(kept.c_str(), 65534, 65534) == 0);
  fs::create_symlink(kept, dir.path / "link.txt");
  auto const r = run_dedup("--keep-one " + quote((dir.path / "link.txt").string()) + " " + in);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::is_symlink(dir.path / "link.txt"));
  CHECK(cli::slurp(kept) != "old");
  CHECK(fs::status(kept).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  struct stat st {};
  REQUIRE(::stat(kept.c_str(), &st) == 0);
  if (root) CHECK(st.st_uid == 65534);
  // A device stays a device.
  CHECK(run_dedup("-q --keep-one /dev/null " + in).exit_code == 0);
  CHECK(fs::is_character_file("/dev/null"));
  // A FIFO is written into, not replaced.
  auto const fifo = dir.path / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto const got = dir.path / "got.txt";
  auto const via_fifo =
      run_dedup("--keep-one " + quote(fifo.string()) + " " + in, std::nullopt,
                "cat " + quote(fifo.string()) + " > " + quote(got.string()) + " & ");
  CHECK(via_fifo.exit_code == 0);
  for (int wait = 0; wait < 100 && cli::slurp(got) != cli::slurp(kept); ++wait) ::usleep(20000);
  CHECK(cli::slurp(got) == cli::slurp(kept));
  CHECK(fs::is_fifo(fifo));
  // -o - is standard output; --keep-one - too when the report goes elsewhere.
  auto const report_out = run_dedup("--format jsonl -o - " + in);
  CHECK(has(report_out.out, "\"cluster\": 1"));
  auto const kept_out =
      run_dedup("-o " + quote((dir.path / "r.txt").string()) + " --keep-one - " + in);
  CHECK(kept_out.out == cli::slurp(kept));
  CHECK(has(cli::slurp(dir.path / "r.txt"), "Cluster 1"));
  CHECK_FALSE(fs::exists(dir.path / "-"));
}

TEST_CASE(
    "keep-one on text files: the output and the duplicates' lines are the input, line for line",
    "[robustness]") {
  std::mt19937 rng(23);
  temp_dir dir;
  // Files of numbered essays after a collection title; every fourth essay a copy of an earlier one
  // (same body, other title), in the same file or another.
  struct block {
    std::string text;
    std::int64_t index;
  };
  std::vector<std::pair<std::string, std::vector<block>>> files;
  std::vector<std::string> bodies;
  for (int f = 0; f < 12; ++f) {
    std::string const name = (dir.path / ("f" + std::to_string(10 + f) + ".txt")).string();
    std::vector<block> blocks{{"作文合集 " + std::to_string(f) + "\n\n", 0}};
    for (int e = 1; e <= 4; ++e) {
      std::string const body = !bodies.empty() && rng() % 4 == 0 ? bodies[rng() % bodies.size()]
                                                                 : test_files::random_body(rng, 3);
      bodies.push_back(body);
      blocks.push_back({std::to_string(e) + "、题目" + std::to_string(f * 10 + e) + "\n" + body +
                            (e < 4 ? "\n" : ""),
                        e});
    }
    std::string text;
    for (auto const& b : blocks) text += b.text;
    write_file(name, text);
    files.emplace_back(name, std::move(blocks));
  }
  write_file(dir.path / "z-binary.txt", std::string("abc\0def\n", 8));
  write_file(dir.path / "z-empty.txt", "");
  std::string outputs[2];
  for (int t = 0; t < 2; ++t) {
    auto const kept = dir.path / ("kept" + std::to_string(t) + ".out");
    auto const r =
        run_dedup(std::string("--format jsonl -j ") + (t == 0 ? "1" : "3") + " --keep-one " +
                  quote(kept.string()) + " " + quote(dir.path.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto const report = parse_report(r.out);
    REQUIRE(report.duplicates.size() >= 5);
    std::string expected;
    for (auto const& [name, blocks] : files) {
      std::string text;
      for (auto const& b : blocks)
        if (!report.duplicates.contains({name, b.index})) text += b.text;
      if (text.back() != '\n') text += '\n';
      expected += (expected.empty() ? "" : "\n") + text;
    }
    outputs[t] = cli::slurp(kept);
    CHECK(outputs[t] == expected);
    CHECK(has(r.err, "without " + std::to_string(report.duplicates.size()) + " duplicates"));
    CHECK(has(r.err, "not in it: 2 files that could not be read"));
    CHECK(has(r.err, "z-binary.txt"));
  }
  CHECK(outputs[0] == outputs[1]);  // whatever the thread count
}

TEST_CASE("keep-one on JSON Lines: every line as it was but the duplicates'", "[robustness]") {
  std::mt19937 rng(29);
  temp_dir dir;
  std::vector<std::string> lines;     // as written
  std::vector<std::string> line_ids;  // the record's id, "" for a line that gives none
  std::vector<std::string> bodies;
  std::size_t unread = 0;
  for (int i = 0; i < 200; ++i) {
    std::string const id = i % 2 == 0 ? std::to_string(i) : "\"r" + std::to_string(i) + "\"";
    std::string body = !bodies.empty() && rng() % 5 == 0 ? bodies[rng() % bodies.size()]
                                                         : test_files::random_body(rng, 2);
    bodies.push_back(body);
    std::string text;
    for (char c : body) text += c == '\n' ? std::string("\\n") : std::string(1, c);
    switch (rng() % 10) {
      case 0:
        lines.push_back("{broken " + std::to_string(i));
        line_ids.emplace_back();
        ++unread;
        break;
      case 1:
        lines.push_back("{\"meta\": {\"n\": " + std::to_string(i) + "}, \"text\": \"" + text +
                        "\", \"id\": " + id + "}");
        line_ids.push_back(id[0] == '"' ? id.substr(1, id.size() - 2) : id);
        break;
      case 2:
        lines.emplace_back();
        line_ids.emplace_back();
        break;
      default:
        lines.push_back("{\"id\": " + id + ", \"text\": \"\\u3000" + text + "\", \"score\": 0." +
                        std::to_string(i) + "}");
        line_ids.push_back(id[0] == '"' ? id.substr(1, id.size() - 2) : id);
    }
  }
  lines.push_back("{\"id\": 0, \"text\": \"a repeated id\"}");  // written through unread
  line_ids.emplace_back();
  ++unread;
  std::string input;
  for (auto const& l : lines) input += l + "\n";
  write_file(dir.path / "c.jsonl", input);
  auto const kept = dir.path / "kept.jsonl";
  auto const r = run_dedup("--jsonl --format jsonl --keep-one " + quote(kept.string()) + " " +
                           quote((dir.path / "c.jsonl").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto const report = parse_report(r.out);
  REQUIRE(report.duplicate_ids.size() >= 5);
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (line_ids[i].empty() || !report.duplicate_ids.contains(line_ids[i]))
      expected.push_back(lines[i]);
  CHECK(lines_of(cli::slurp(kept)) == expected);
  CHECK(has(r.err, "kept unread: " + std::to_string(unread) + " lines"));
}

TEST_CASE("a JSON Lines input in which no line is a record is an error, not 'no duplicates'",
          "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "a.jsonl", "id,text\n1,hello\n2,world\n");
  auto const alone = run_dedup("--jsonl " + quote((dir.path / "a.jsonl").string()));
  CHECK(alone.exit_code == 2);
  CHECK(has(alone.err, "a.jsonl: not JSON Lines (no line is a record: 3 lines"));
  // Records without the text field asked for.
  write_file(dir.path / "b.jsonl", "{\"id\": 1, \"text\": \"x\"}\n");
  CHECK(
      run_dedup("--jsonl --text-field body " + quote((dir.path / "b.jsonl").string())).exit_code ==
      2);
  // Beside good files (b.jsonl has a text field): skipped and named, the rest read.
  write_file(dir.path / "c.jsonl", "{\"id\": 1, \"text\": \"第一篇\"}\n");
  auto const beside = run_dedup("--jsonl " + quote(dir.path.string()));
  CHECK(beside.exit_code == 0);
  CHECK(has(beside.out, "2 read, 1 skipped"));
  CHECK(has(beside.out, "skipped " + (dir.path / "a.jsonl").string() + ": not JSON Lines"));
}

TEST_CASE(
    "'-' reads standard input: text, JSON Lines, with --keep-one, kept in a temporary file removed "
    "after",
    "[robustness]") {
  temp_dir dir, tmp;
  std::string const text = "1、第一篇\n" + essay + "\n2、第二篇\n" + essay;
  std::string const env = "TMPDIR=" + quote(tmp.path.string()) + " ";
  auto const r = run_dedup(
      "--format jsonl --keep-one " + quote((dir.path / "k.txt").string()) + " -", text, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto const report = parse_report(r.out);
  CHECK(report.clusters == 1);
  CHECK(report.duplicates == std::set<std::pair<std::string, std::int64_t>>{{"-", 2}});
  CHECK(has(r.out, "\"id\": \"-#1\""));
  CHECK(has(r.err, "1 read, 0 skipped"));
  CHECK(cli::slurp(dir.path / "k.txt") == "1、第一篇\n" + essay + "\n");
  CHECK(fs::is_empty(tmp.path));  // the temporary file is gone
  std::string const line = essay.substr(0, essay.find('\n'));
  std::string const jsonl = "{\"id\": \"x\", \"text\": \"" + line +
                            "\"}\n{\"id\": \"y\", \"text\": \"" + line + "\"}\nbroken\n";
  auto const j = run_dedup("--jsonl --format jsonl -", jsonl, env);
  INFO(j.err);
  CHECK(j.exit_code == 0);
  CHECK(parse_report(j.out).duplicate_ids == std::set<std::string>{"y"});
  CHECK(has(j.err, "-:3: invalid JSON"));
  CHECK(run_dedup("- -", text).exit_code == 2);
  // With a file beside it.
  write_file(dir.path / "a.txt", essay);
  auto const mixed = run_dedup("--format jsonl - " + quote((dir.path / "a.txt").string()), essay);
  CHECK(parse_report(mixed.out).clusters == 1);
  CHECK(has(mixed.err, "2 read, 0 skipped"));
}

TEST_CASE("a named pipe given as an input is read like standard input, under its own name",
          "[robustness]") {
  temp_dir dir;
  write_file(dir.path / "a.txt", essay);
  write_file(dir.path / "copy", essay);
  std::string const fifo = (dir.path / "pipe").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The writer runs beside dedup, as <(zcat …) would; dedup opens the pipe and keeps what it read.
  std::string const writer = "cat " + quote((dir.path / "copy").string()) + " > " + quote(fifo) + " & ";
  auto const r = run_dedup("--format jsonl " + quote(fifo) + " " + quote((dir.path / "a.txt").string()),
                           std::nullopt, writer);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(has(r.err, "2 read, 0 skipped"));
  auto const report = parse_report(r.out);
  CHECK(report.clusters == 1);
  CHECK(has(r.out, "\"file\": " + neardup::detail::json_quote(fifo)));
}

TEST_CASE(
    "with nothing read, dedup says why: other extensions, --jsonl on text files, an empty folder",
    "[robustness]") {
  temp_dir dir;
  for (int i = 0; i < 12; ++i) write_file(dir.path / "md" / (std::to_string(i) + ".md"), essay);
  write_file(dir.path / "md" / "notes.pdf", "x");
  auto const md = run_dedup(quote((dir.path / "md").string()));
  CHECK(md.exit_code == 2);
  CHECK(has(md.err, "no file in the folders ends in .txt, but they hold 12 .md, 1 .pdf"));
  CHECK(has(md.err, "--ext .md"));
  write_file(dir.path / "txt" / "a.txt", essay);
  check_fails_saying("--jsonl " + quote((dir.path / "txt").string()),
                     {"ends in .jsonl or .json, but they hold 1 .txt",
                      "without it the .txt files are read as text"});
  fs::create_directories(dir.path / "empty");
  check_fails_saying(quote((dir.path / "empty").string()), {"the folders hold no files"});
}

TEST_CASE(
    "names with newlines, control characters and broken UTF-8 give valid JSON and one-line text "
    "entries",
    "[robustness]") {
  temp_dir dir;
  std::string const odd = "odd\nname\x01\xFF.txt";
  write_file(dir.path / "a.txt", essay);
  write_file(dir.path / odd, essay);
  auto const j = run_dedup("--format jsonl " + quote(dir.path.string()));
  INFO(j.err);
  REQUIRE(j.exit_code == 0);
  auto const report = parse_report(j.out);  // simdjson accepts every line
  CHECK(report.clusters == 1);
  CHECK(has(j.out, "odd\\nname\\u0001\xEF\xBF\xBD.txt"));
  auto const t = run_dedup(quote(dir.path.string()));
  CHECK(has(t.out, "odd\\nname\\x01\\xFF.txt  essay 1"));
  auto const c = run_dedup("--format csv " + quote(dir.path.string()));
  CHECK(has(c.out, "\"" + (dir.path / odd).string() + "\""));  // quoted, newline inside
}

TEST_CASE(
    "Windows-1252, Shift_JIS and EUC-KR copies cluster with their UTF-8 originals, guesses "
    "and unused --encoding rules are named",
    "[robustness]") {
  temp_dir dir;
  std::string const english =
      "The café on the corner served crème brûlée and a naïve “fresh” rosé every single morning; "
      "my résumé said I’d worked there for three long summers. Señor García’s façade was déjà vu "
      "to everyone who walked past it on the way to the old theatre by the river.\n";
  std::string const japanese =
      "日本語の文章です。私は毎日学校に行きます。今日は天気がとても良いので、友達と公園で遊びました"
      "。"
      "夏休みには家族と一緒に海へ行く予定です。みんなで花火を見て、スイカを食べました。\n";
  std::string const korean =
      "한국어 문장입니다. 저는 매일 학교에 갑니다. 오늘은 날씨가 아주 좋아서 친구와 공원에서 "
      "놀았습니다. 여름 방학에는 가족과 함께 바다에 갈 예정입니다. 우리는 불꽃놀이를 보았습니다.\n";
  write_file(dir.path / "en/utf8.txt", english);
  write_file(dir.path / "en/cp1252.txt", encode(english, "windows-1252"));
  write_file(dir.path / "ja/utf8.txt", japanese);
  write_file(dir.path / "ja/sjis.txt", encode(japanese, "Shift_JIS"));
  write_file(dir.path / "ko/utf8.txt", korean);
  write_file(dir.path / "ko/euckr.txt", encode(korean, "EUC-KR"));
  write_file(dir.path / "short/gb.txt", encode("我们的学校好\n", "GB18030"));
  auto const r =
      run_dedup("--format jsonl --encoding 'nowhere/*=big5' " + quote(dir.path.string()));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(has(r.err, "7 read, 0 skipped"));
  CHECK(cluster_sizes(r.out) == std::vector<std::size_t>{2, 2, 2});
  CHECK(has(r.err, "gb.txt: encoding guessed as GB18030"));
  CHECK_FALSE(has(r.err, "cp1252.txt: encoding guessed"));
  CHECK(has(r.err, "--encoding nowhere/*=big5: decided the encoding of no file"));
  CHECK_FALSE(has(r.err, "undecodable"));

  // Rules force an encoding on the paths they match, the first that matches: en/* as UTF-8 (the
  // Windows-1252 file's accented letters become replacements), ja/* as Shift_JIS, not as
  // KOI8-R (a later rule), the global GB18030 for no file.
  auto const ruled = run_dedup(
      "--format jsonl --encoding 'en/*=UTF-8' --encoding 'ja/*=Shift_JIS' "
      "--encoding '*.txt=KOI8-R' --encoding GB18030 " +
      quote((dir.path / "en").string()) + " " + quote((dir.path / "ja").string()));
  INFO(ruled.err);
  CHECK(ruled.exit_code == 0);
  CHECK(has(ruled.err, "cp1252.txt: 17 undecodable byte sequences replaced (UTF-8)"));
  // Every file of ja/ is read as Shift_JIS: the copy cleanly, the UTF-8 original with replacements.
  CHECK_FALSE(has(ruled.err, "sjis.txt: "));
  CHECK(has(ruled.err, "ja/utf8.txt: 12 undecodable byte sequences replaced (Shift_JIS)"));
  CHECK(has(ruled.err, "--encoding *.txt=KOI8-R: decided the encoding of no file"));
  check_fails_saying("--encoding '=big5' " + quote(dir.path.string()), {"PATTERN=ENCODING"});
}

TEST_CASE(
    "JSON Lines in UTF-16 (BOM, either order) or GB18030 is decoded, clusters with its UTF-8 "
    "copy, and --keep-one writes it in UTF-8",
    "[robustness]") {
  temp_dir dir;
  std::string const other =
      "同舟共济,守望相助。每个人都是自己健康的第一责任人,要勤洗手、戴口罩、少聚集,科学防护。\n";
  std::string one_line = essay.substr(0, essay.size() - 1);
  one_line.replace(one_line.find('\n'), 1, "\\n");
  std::string utf8;
  utf8 += "{\"id\": \"a\", \"text\": \"" + one_line + "\"}\n";
  utf8 += "{\"id\": \"b\", \"text\": \"" + other.substr(0, other.size() - 1) + "\", \"n\": 2}\n";
  // Each copy has its own ids, so that it is its own records: x1, x2 for copy x.
  auto copy_of = [&](std::string const& tag) {
    std::string s = utf8;
    for (std::string const id : {"a", "b"}) {
      std::size_t const at = s.find("\"id\": \"" + id + "\"");
      s.replace(at, 9, "\"id\": \"" + tag + id + "\"");
    }
    return s;
  };
  write_file(dir.path / "u8.jsonl", utf8);
  write_file(dir.path / "le.jsonl", "\xFF\xFE" + encode(copy_of("le"), "UTF-16LE"));
  write_file(dir.path / "be.jsonl", "\xFE\xFF" + encode(copy_of("be"), "UTF-16BE"));
  write_file(dir.path / "gb.jsonl", encode(copy_of("gb"), "GB18030"));
  auto const kept = dir.path / "kept.out";
  auto const r = run_dedup("--jsonl --format jsonl --keep-one " + quote(kept.string()) + " " +
                           quote(dir.path.string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.err, "4 read, 0 skipped"));
  auto const clusters = cli::parse_clusters(r.out);
  REQUIRE(cluster_sizes(r.out) == std::vector<std::size_t>{4, 4});
  // The decoded files' lines are read back (exact verification, report) from their UTF-8 copies.
  std::set<std::string> ids;
  for (auto const& c : clusters)
    for (auto const& m : c) ids.insert(m.id);
  CHECK(ids == std::set<std::string>{"a", "b", "lea", "leb", "bea", "beb", "gba", "gbb"});
  // --keep-one: the first of each cluster (the files are taken in name order: be.jsonl first),
  // as UTF-8 lines, other fields kept.
  std::string const out = cli::slurp(kept);
  CHECK(simdjson::validate_utf8(out.data(), out.size()));
  CHECK(lines_of(out) == lines_of(copy_of("be")));
}
