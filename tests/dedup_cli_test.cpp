// End-to-end tests of the dedup program: run the built binary on the bundled essays and on folders
// made here, and check its JSON Lines output, summary and exit codes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <simdjson.h>
#include <sstream>

#include <unicode/translit.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include "cli_helpers.hpp"
#include "icu_encode.hpp"
#include "neardup/version.hpp"

namespace fs = std::filesystem;

using cli::cluster_list;
using cli::parse_clusters;
using cli::quote;
using cli::run_dedup;
using cli::run_result;
using cli::slurp;
using cli::temp_dir;
using cli::write_file;
using neardup_test::icu_encode;

namespace {

std::string essays_dir() { return NEARDUP_ESSAYS_DIR; }

std::string icu_transliterate(std::string const& utf8, char const* id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
  REQUIRE(U_SUCCESS(status));
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(utf8);
  t->transliterate(s);
  std::string out;
  s.toUTF8String(out);
  return out;
}

// The paragraphs of a bundled essay file between two 1-based line numbers.
std::string lines_of(std::string const& file, int first, int last) {
  std::istringstream in(slurp(fs::path(essays_dir()) / file));
  std::string line, out;
  for (int n = 1; std::getline(in, line); ++n)
    if (n >= first && n <= last) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("dedup on the bundled essays: essays 1 and 7 of the first file are the only cluster", "[dedup]") {
  auto const r = run_dedup("--format jsonl " + quote(essays_dir()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto const clusters = parse_clusters(r.out);
  REQUIRE(clusters.size() == 1);
  REQUIRE(clusters[0].size() == 2);
  auto const& a = clusters[0][0];
  auto const& b = clusters[0][1];
  CHECK(fs::path(a.file).filename() == "000_a97e9653457f191c.txt");
  CHECK(a.file == b.file);
  CHECK(a.index == 1);
  CHECK(b.index == 7);
  CHECK(a.id == a.file + "#1");
  CHECK(b.id == b.file + "#7");
  CHECK(a.title == "平凡英雄事迹个人学习心得");
  CHECK(b.title == a.title);
  CHECK(a.line == 1);
  CHECK(b.line == 33);
  CHECK(a.similarity == 1.0);
  CHECK(b.similarity > 0.9);
  // The summary, on standard error, accounts for the five files and 37 essays.
  CHECK(r.err.find("5 read, 0 skipped") != std::string::npos);
  CHECK(r.err.find("essays:    37") != std::string::npos);
}

TEST_CASE("dedup's text report names the cluster's members and the summary", "[dedup]") {
  auto const r = run_dedup(quote(essays_dir()));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Cluster 1 · 2 essays") != std::string::npos);
  CHECK(r.out.find("essay 1, lines 1-6") != std::string::npos);
  CHECK(r.out.find("essay 7, lines 33-38") != std::string::npos);
  CHECK(r.out.find("Cluster 2") == std::string::npos);
  CHECK(r.out.find("Summary") != std::string::npos);
  CHECK(r.out.find("这段时间") != std::string::npos);  // the excerpt
}

TEST_CASE("dedup finds copies across encodings, scripts and line ends", "[dedup]") {
  temp_dir dir;
  std::string const essay1 = lines_of("000_a97e9653457f191c.txt", 2, 6);        // 平凡英雄 essay 1 body
  std::string const other = lines_of("000_a97e9653457f191c.txt", 40, 45);       // essay 8 body
  std::string const traditional = lines_of("003_ab68e8234b28ac97.txt", 1, 5);  // with pinyin annotations
  std::string const simplified = icu_transliterate(traditional, "Traditional-Simplified");

  write_file(dir.path / "a/utf8.txt", "1、原文\n" + essay1 + "2、别的\n" + other);
  // The same essay 1 as GB18030 under another title.
  write_file(dir.path / "b/gbk.txt", icu_encode("新的标题篇1\n" + essay1 + "新的标题篇2\n" + lines_of("000_a97e9653457f191c.txt", 47, 51), "GB18030"));
  // CRLF line ends and the Simplified version of the Traditional essay (pinyin annotations kept in it
  // by ICU's transliterator are removed by neardup too).
  std::string crlf;
  for (char c : simplified) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  write_file(dir.path / "b/crlf.txt", crlf);
  write_file(dir.path / "c/traditional.txt", traditional);
  write_file(dir.path / "c/notes.md", essay1);  // not .txt: filtered by extension, and counted

  auto const r = run_dedup("--format jsonl " + quote(dir.path.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto const clusters = parse_clusters(r.out);
  REQUIRE(clusters.size() == 2);
  // Clusters come in the order of their first member; files are read in sorted path order.
  CHECK(fs::path(clusters[0][0].file).filename() == "utf8.txt");
  CHECK(clusters[0][0].index == 1);
  REQUIRE(clusters[0].size() == 2);
  CHECK(fs::path(clusters[0][1].file).filename() == "gbk.txt");
  CHECK(clusters[0][1].title == "新的标题");
  CHECK(fs::path(clusters[1][0].file).filename() == "crlf.txt");
  REQUIRE(clusters[1].size() == 2);
  CHECK(fs::path(clusters[1][1].file).filename() == "traditional.txt");
  CHECK(r.err.find("4 read, 0 skipped, 1 not taken for their extension") != std::string::npos);
}

TEST_CASE("dedup reads JSON Lines with ids and record numbers", "[dedup]") {
  temp_dir dir;
  std::string const essay = lines_of("000_a97e9653457f191c.txt", 2, 6);
  std::string const other = lines_of("000_a97e9653457f191c.txt", 40, 45);
  auto json_string = [](std::string const& s) {
    std::string out = "\"";
    for (char c : s) out += c == '\n' ? std::string("\\n") : c == '"' ? std::string("\\\"") : std::string(1, c);
    return out + "\"";
  };
  write_file(dir.path / "corpus.jsonl",
             "{\"id\": \"a\", \"text\": " + json_string(essay) + "}\n" +
             "{\"id\": \"b\", \"text\": " + json_string(other) + "}\n" +
             "this line is broken\n" +
             "{\"id\": \"c\", \"text\": " + json_string("转载:" + essay) + "}\n");
  auto const r = run_dedup("--jsonl --format jsonl " + quote((dir.path / "corpus.jsonl").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto const clusters = parse_clusters(r.out);
  REQUIRE(clusters.size() == 1);
  REQUIRE(clusters[0].size() == 2);
  CHECK(clusters[0][0].id == "a");
  CHECK(clusters[0][0].index == 1);
  CHECK(clusters[0][1].id == "c");
  CHECK(clusters[0][1].index == 3);  // the broken line is not a record
  CHECK(clusters[0][1].line == 4);
  CHECK(r.err.find(":3:") != std::string::npos);  // the broken line is reported with its number
  CHECK(r.err.find("bytes:     0 ") == std::string::npos);  // the file's bytes are counted
}

TEST_CASE("dedup's exit codes, --version and unwritable outputs", "[dedup]") {
  CHECK(run_dedup(quote(essays_dir())).exit_code == 0);
  CHECK(run_dedup("--fail-on-duplicates " + quote(essays_dir())).exit_code == 1);
  auto const missing = run_dedup("/nonexistent/neardup/folder");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("/nonexistent/neardup/folder") != std::string::npos);
  CHECK(run_dedup("--threshold 7 " + quote(essays_dir())).exit_code == 2);
  CHECK(run_dedup("--split nonsense " + quote(essays_dir())).exit_code == 2);
  CHECK(run_dedup("").exit_code == 2);
  auto const version = run_dedup("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.find(neardup::version_string) != std::string::npos);
  // Which SIMD target normalizes: printed for CI logs, and NEARDUP_SIMD forces a weaker one.
  CHECK(version.out.find("normalization: ") != std::string::npos);
  CHECK(run_dedup("--version", std::nullopt, "NEARDUP_SIMD=scalar ")
            .out.find("normalization: scalar") != std::string::npos);
  auto const help = run_dedup("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--threshold") != std::string::npos);
  auto const unwritable = run_dedup("-o /nonexistent/dir/report.txt " + quote(essays_dir()));
  CHECK(unwritable.exit_code == 2);
  CHECK(unwritable.err.find("cannot write") != std::string::npos);
}

TEST_CASE("dedup --keep-one writes every essay but the later copies, --format csv", "[dedup]") {
  temp_dir dir;
  auto const out = dir.path / "kept.txt";
  auto const r = run_dedup("--format csv --keep-one " + quote(out.string()) + " " + quote(essays_dir()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("cluster,size,id,file,index,title,line,similarity,estimated,relation,linked_to,"
                    "link_similarity,"
                    "link_estimated\n",
                    0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);  // header + two members
  std::string const kept = slurp(out);
  // 37 essays, one of them a later copy: the first essay's opening sentence is written once.
  std::string const opening = "这段时间,一个四川医护人员支援武汉的短视频广为流传";
  std::size_t count = 0;
  for (auto at = kept.find(opening); at != std::string::npos; at = kept.find(opening, at + 1)) ++count;
  CHECK(count == 1);
  // Re-running dedup on the kept file finds no cluster.
  auto const again = run_dedup("--format jsonl --split blank-line " + quote(out.string()));
  CHECK(again.exit_code == 0);
  CHECK(again.out.empty());
  for (auto const& entry : fs::directory_iterator(dir.path))
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);  // no temporary left
}

TEST_CASE("dedup --show-split lists each file's essays, why they start there and what was left out",
          "[dedup]") {
  auto const r = run_dedup("--show-split " + quote(essays_dir()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("000_a97e9653457f191c.txt · UTF-8 · 54 lines · 10 essays") != std::string::npos);
  CHECK(r.out.find("#7  lines 33-38  1,052 chars  平凡英雄事迹个人学习心得") != std::string::npos);
  CHECK(r.out.find("why: heading 7、 of the run 1、…10、 (10 headings)") != std::string::npos);
  CHECK(r.out.find("#1  lines 1-5  1,283 chars  (no heading)") != std::string::npos);  // 003
  CHECK(r.out.find("left out: line 1: preamble") != std::string::npos);                // 001
  CHECK(r.out.find("left out: line 82: trailing page furniture") != std::string::npos);
  CHECK(r.out.find("Cluster") == std::string::npos);  // the split only, no report

  auto const j = run_dedup("--show-split --format jsonl " + quote(essays_dir()));
  REQUIRE(j.exit_code == 0);
  simdjson::dom::parser parser;
  std::vector<std::size_t> essays;
  std::istringstream lines(j.out);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
    simdjson::dom::array list;
    REQUIRE(doc["essays"].get(list) == simdjson::SUCCESS);
    essays.push_back(list.size());
    for (simdjson::dom::element e : list) {
      std::string_view reason;
      REQUIRE(e["reason"].get(reason) == simdjson::SUCCESS);
      CHECK_FALSE(reason.empty());
    }
  }
  CHECK(essays == std::vector<std::size_t>{10, 10, 7, 2, 8});

  // Two collections in one file: twice the essays, and every copy found.
  temp_dir dir;
  std::string const one = slurp(fs::path(essays_dir()) / "001_4b409de04eda2411.txt");
  write_file(dir.path / "twice.txt", one + one);
  auto const s = run_dedup("--show-split " + quote((dir.path / "twice.txt").string()));
  CHECK(s.out.find("· 20 essays") != std::string::npos);
  auto const d = run_dedup("--format jsonl " + quote((dir.path / "twice.txt").string()));
  CHECK(parse_clusters(d.out).size() == 10);
}

TEST_CASE("dedup's summary warns of an essay far larger than the others of its file", "[dedup]") {
  temp_dir dir;
  std::string t;
  std::string const para =
      "疫情防控工作开展以来，社区干部群众齐心协力，守望相助，坚持把群众的安全放在第一位。\n";
  for (int k = 1; k <= 4; ++k) {
    t += "心得篇" + std::string(k == 1 ? "一" : k == 2 ? "二" : k == 3 ? "三" : "四") + "\n";
    for (int p = 0; p < (k == 2 ? 600 : 6); ++p) t += std::to_string(k * 1000 + p) + para;
  }
  write_file(dir.path / "big.txt", t);
  auto const r = run_dedup("-q " + quote((dir.path / "big.txt").string()));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("warning:   ") != std::string::npos);
  CHECK(r.out.find("big.txt:8: essay 2 (lines 8-608) is 0.1 MB, 100x the median") !=
        std::string::npos);
}

TEST_CASE("dedup --linkage takes single or star and refuses anything else", "[cli]") {
  auto const star = run_dedup("--linkage star --format jsonl " + quote(essays_dir()));
  INFO(star.err);
  CHECK(star.exit_code == 0);
  CHECK(star.err.find("hybrid verification, star linkage") != std::string::npos);
  CHECK(parse_clusters(star.out).size() == 1);
  CHECK(run_dedup("--linkage complete " + quote(essays_dir())).exit_code == 2);
}
