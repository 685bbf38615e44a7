#include "neardup/report.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "neardup/error.hpp"
#include "report/format.hpp"

namespace {

// Two clusters over five essays: {0, 3} and {1, 2, 4}; 4 joined cluster 2 through 2, as a template.
neardup::dedup_result sample_result() {
  using neardup::member_relation;
  neardup::dedup_result r;
  r.clusters.push_back({{{0, 1.0, false, 0}, {3, 0.875, false, 0, 0.875}}});
  r.clusters.push_back({{{1, 1.0, false, 1},
                         {2, 0.5, false, 1, 0.5},
                         {4, 0.61234, true, 2, 0.4321, false, member_relation::templated}}});
  r.stats.documents = 5;
  r.stats.clusters = 2;
  r.stats.duplicates = 3;
  return r;
}

std::vector<neardup::essay_info> sample_essays() {
  std::vector<neardup::essay_info> e(5);
  for (std::uint32_t i = 0; i < 5; ++i) {
    e[i].file = i < 3 ? "a.txt" : "dir,with \"comma\"/b.txt";
    e[i].index = i < 3 ? i + 1 : i - 2;
    e[i].id = e[i].file + "#" + std::to_string(e[i].index);
    e[i].title = "标题" + std::to_string(i);
    e[i].line = 10 * i + 1;
    e[i].last_line = 10 * i + 5;
  }
  return e;
}

/// The report `write` gives for the sample clusters, with no excerpts.
template <class Write>
std::string sample_report(Write const& write) {
  auto const r = sample_result();
  auto const essays = sample_essays();
  neardup::report_context ctx;
  ctx.essays = essays;
  std::ostringstream out;
  write(out, r, ctx);
  return out.str();
}

}  // namespace

TEST_CASE("make_excerpt cuts at code points, folds white space, drops broken bytes", "[report]") {
  CHECK(neardup::detail::make_excerpt("一二三四五", 3) == "一二三…");
  CHECK(neardup::detail::make_excerpt("一二三", 3) == "一二三");
  CHECK(neardup::detail::make_excerpt("  a \n\n b\tc  ", 10) == "a b c");
  CHECK(neardup::detail::make_excerpt("好\xff\xfe文", 10) == "好文");
  CHECK(neardup::detail::make_excerpt("", 10).empty());
}

TEST_CASE("json_quote escapes what JSON requires and keeps UTF-8", "[report]") {
  CHECK(neardup::detail::json_quote("a\"b\\c\nd\te\x01") == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  CHECK(neardup::detail::json_quote("中文") == "\"中文\"");
}

TEST_CASE("write_jsonl_report writes one object per cluster with the documented keys", "[report]") {
  std::string const report = sample_report(neardup::write_jsonl_report);
  std::string const expected_first =
      "{\"cluster\": 1, \"size\": 2, \"members\": [{\"id\": \"a.txt#1\", \"file\": \"a.txt\", "
      "\"index\": 1, "
      "\"title\": \"标题0\", \"line\": 1, \"similarity\": 1.0000, \"estimated\": false, "
      "\"relation\": \"duplicate\", \"linked_to\": \"a.txt#1\", "
      "\"link_similarity\": 1.0000, \"link_estimated\": false}, {\"id\": \"dir,with "
      "\\\"comma\\\"/b.txt#1\", "
      "\"file\": \"dir,with \\\"comma\\\"/b.txt\", \"index\": 1, \"title\": \"标题3\", \"line\": "
      "31, "
      "\"similarity\": 0.8750, \"estimated\": false, \"relation\": \"duplicate\", \"linked_to\": "
      "\"a.txt#1\", "
      "\"link_similarity\": 0.8750, \"link_estimated\": false}]}\n";
  std::string const& text = report;
  CHECK(text.substr(0, expected_first.size()) == expected_first);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(text.find("\"similarity\": 0.6123, \"estimated\": true, \"relation\": \"template\", "
                  "\"linked_to\": \"a.txt#3\", "
                  "\"link_similarity\": 0.4321, \"link_estimated\": false}") != std::string::npos);
}

TEST_CASE("write_csv_report quotes fields with commas and quotes", "[report]") {
  std::string const report = sample_report(neardup::write_csv_report);
  std::istringstream lines(report);
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  REQUIRE(rows.size() == 6);  // header + 5 members
  CHECK(rows[0] ==
        "cluster,size,id,file,index,title,line,similarity,estimated,relation,linked_to,link_"
        "similarity,link_estimated");
  CHECK(rows[1] == "1,2,a.txt#1,a.txt,1,标题0,1,1.0000,false,duplicate,a.txt#1,1.0000,false");
  CHECK(rows[2] ==
        "1,2,\"dir,with \"\"comma\"\"/b.txt#1\",\"dir,with "
        "\"\"comma\"\"/b.txt\",1,标题3,31,0.8750,false,"
        "duplicate,a.txt#1,0.8750,false");
  CHECK(rows[5] ==
        "2,3,\"dir,with \"\"comma\"\"/b.txt#2\",\"dir,with "
        "\"\"comma\"\"/b.txt\",2,标题4,41,0.6123,true,"
        "template,a.txt#3,0.4321,false");
}

TEST_CASE("the text report lists members with excerpts, and the summary every skipped file", "[report]") {
  auto const r = sample_result();
  auto const essays = sample_essays();
  neardup::load_summary load;
  load.files.resize(2);
  load.skipped.push_back({"bad.txt", neardup::skip_reason::binary, "binary content"});
  load.problems.push_back({"c.jsonl", 7, "invalid JSON"});
  neardup::report_context ctx;
  ctx.essays = essays;
  ctx.load = &load;
  ctx.text = [](std::uint32_t doc) { return "第" + std::to_string(doc) + "篇的正文"; };
  std::ostringstream out;
  neardup::write_text_report(out, r, ctx);
  std::string const text = out.str();
  CHECK(text.find("Cluster 1 · 2 essays") != std::string::npos);
  CHECK(text.find("Cluster 2 · 3 essays") != std::string::npos);
  CHECK(text.find("a.txt  essay 1, lines 1-5  「标题0」  similarity 1.000 (first)") != std::string::npos);
  CHECK(text.find("similarity ≈0.612  template, linked to a.txt essay 3 at 0.432") !=
        std::string::npos);  // an estimate says so; a member says how it joined
  CHECK(text.find("similarity 0.500  duplicate\n") != std::string::npos);
  CHECK(text.find("第3篇的正文") != std::string::npos);
  CHECK(text.find("2 read, 1 skipped") != std::string::npos);
  CHECK(text.find("skipped bad.txt: ") != std::string::npos);
  CHECK(text.find("c.jsonl:7: invalid JSON") != std::string::npos);
}

TEST_CASE("write_deduplicated keeps the first of each cluster and renames into place", "[report]") {
  auto const r = sample_result();
  auto const essays = sample_essays();
  auto const dir = std::filesystem::temp_directory_path() / ("neardup-report-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto const path = (dir / "kept.txt").string();
  auto text = [](std::uint32_t doc) { return "正文" + std::to_string(doc); };
  neardup::write_deduplicated(path, r, essays, text, false);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == "标题0\n正文0\n\n标题1\n正文1\n\n");
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temporary file left behind
  CHECK_THROWS_AS(neardup::write_deduplicated((dir / "no/such/dir/x.txt").string(), r, essays, text, false),
                  neardup::error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("write_deduplicated on several threads writes what one thread writes, in order", "[report]") {
  // Many essays (several blocks), every third one a later member of a cluster.
  std::vector<neardup::essay_info> essays(2000);
  neardup::dedup_result r;
  for (std::uint32_t doc = 0; doc < essays.size(); ++doc) {
    essays[doc].id = "e" + std::to_string(doc);
    essays[doc].title = doc % 2 == 0 ? "题" + std::to_string(doc) : "";
    if (doc % 3 == 2) r.clusters.push_back({{{doc - 1, 1.0, false}, {doc, 0.9, true}}});
  }
  auto text = [](std::uint32_t doc) { return std::string(doc % 17, 'x') + "\"文\"" + std::to_string(doc); };
  auto const dir = std::filesystem::temp_directory_path() / ("neardup-keep-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto read = [](std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  for (bool const jsonl : {false, true}) {
    neardup::write_deduplicated((dir / "one").string(), r, essays, text, jsonl, 1);
    neardup::write_deduplicated((dir / "three").string(), r, essays, text, jsonl, 3);
    std::string const one = read(dir / "one");
    CHECK(one == read(dir / "three"));
    // Essay 1 is kept; essay 2, a later member, is not.
    CHECK(one.find(jsonl ? std::string("\"id\": \"e1\"") : text(1)) != std::string::npos);
    CHECK(one.find(jsonl ? std::string("\"id\": \"e2\"") : "\n" + text(2) + "\n") == std::string::npos);
  }
  // A text that cannot be read back fails the write and leaves no file, temporary or final.
  auto failing = [&](std::uint32_t doc) -> std::string {
    if (doc == 1500) throw neardup::error(neardup::errc::io_error, "gone");
    return text(doc);
  };
  CHECK_THROWS_AS(neardup::write_deduplicated((dir / "failed").string(), r, essays, failing, false, 2), neardup::error);
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 2);  // "one" and "three"
  std::filesystem::remove_all(dir);
}

TEST_CASE("json_quote agrees with a plain escaper on random text, specials anywhere", "[report]") {
  auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (char const ch : s) {
      auto const c = static_cast<unsigned char>(ch);
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else out += ch;
    }
    return out + "\"";
  };
  std::mt19937 rng(5);
  std::string const alphabet = std::string("ab\"\\\n\t\x01\x1f ~") + "中文" + std::string(1, '\x7f');
  for (int t = 0; t < 2000; ++t) {
    std::string s;
    std::size_t const n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    INFO("case " << t);
    CHECK(neardup::detail::json_quote(s) == reference(s));
  }
}
