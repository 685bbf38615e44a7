#include "neardup/report.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <simdjson.h>
#include <set>
#include "icu_encode.hpp"
#include "neardup/error.hpp"
#include "neardup/output.hpp"
#include "random_text.hpp"
#include "report/format.hpp"
#include "temp_files.hpp"
#include "test_files.hpp"

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

TEST_CASE("every report refuses clusters that name essays it was not given", "[report]") {
  auto const r = sample_result();
  auto const essays = sample_essays();
  neardup::report_context ctx;
  ctx.essays = std::span(essays).first(essays.size() - 1);  // the last essay is in a cluster
  for (auto const write : {neardup::write_text_report, neardup::write_jsonl_report,
                           neardup::write_csv_report}) {
    std::ostringstream out;
    CHECK_THROWS_AS(write(out, r, ctx), neardup::error);
  }
  ctx.essays = essays;
  std::ostringstream out;
  CHECK_NOTHROW(neardup::write_jsonl_report(out, r, ctx));
}

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

namespace {

// A corpus of text files made of blocks: furniture, then essays (a numbered heading, body lines,
// a blank line), so that the test knows each essay's lines without the splitter.
struct generated_corpus {
  struct file {
    std::string name;
    std::string furniture;            // before the first essay
    std::vector<std::string> essays;  // each a whole block, blank line included
  };
  std::vector<file> files;
};

using test_files::random_body;

generated_corpus make_corpus(std::mt19937& rng, int files) {
  generated_corpus corpus;
  for (int f = 0; f < files; ++f) {
    generated_corpus::file file;
    file.name = "f" + std::to_string(100 + f) + ".txt";
    if (f % 3 == 0) file.furniture = "作文合集第" + std::to_string(f) + "辑\n\n";
    int const essays = 2 + f % 3;
    for (int e = 1; e <= essays; ++e)
      file.essays.push_back(std::to_string(e) + "、题目" + std::to_string(f) + "之" +
                            std::to_string(e) + "\n" + random_body(rng, 2 + e % 2) +
                            (e < essays || f % 2 == 0 ? "\n" : ""));
    corpus.files.push_back(std::move(file));
  }
  return corpus;
}

/// load_essays of one folder: the summary, and the essays' metadata in `essays`.
neardup::load_summary load_folder(std::filesystem::path const& dir,
                                  neardup::load_options const& options,
                                  std::vector<neardup::essay_info>& essays) {
  std::vector<std::string> const paths = {dir.string()};
  return neardup::load_essays(paths, options, [&](neardup::essay_info&& e, std::string_view) {
    essays.push_back(std::move(e));
  });
}

}  // namespace

TEST_CASE(
    "write_deduplicated writes the input without exactly the duplicates' lines, on any thread "
    "count",
    "[report]") {
  std::mt19937 rng(11);
  auto const corpus = make_corpus(rng, 40);
  test_files::temp_dir dir;
  for (auto const& f : corpus.files) {
    std::string text = f.furniture;
    for (auto const& e : f.essays) text += e;
    test_files::write_file(dir.path / f.name, text);
  }
  std::vector<neardup::essay_info> essays;
  neardup::load_options const options;
  auto const load = load_folder(dir.path, options, essays);
  REQUIRE(load.files.size() == corpus.files.size());
  // Clusters: every third essay's successor is its duplicate, and one across files.
  neardup::dedup_result result;
  std::set<std::uint32_t> dropped;
  for (std::uint32_t doc = 0; doc + 1 < essays.size(); doc += 3) {
    result.clusters.push_back({{{doc, 1.0}, {doc + 1, 0.9}}});
    dropped.insert(doc + 1);
  }
  // The expectation from the blocks: each file's blocks but the dropped essays', files joined by a
  // blank line, each ending with a newline.
  std::string expected;
  std::size_t doc = 0;
  for (auto const& f : corpus.files) {
    std::string text = f.furniture;
    for (auto const& e : f.essays) {
      REQUIRE(essays[doc].file == (dir.path / f.name).string());
      if (!dropped.contains(static_cast<std::uint32_t>(doc))) text += e;
      ++doc;
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    expected += (expected.empty() ? "" : "\n") + text;
  }
  for (unsigned const threads : {1u, 3u}) {
    std::ostringstream out;
    auto const stats = neardup::write_deduplicated(out, result, essays, load, options, threads);
    CHECK(out.str() == expected);
    CHECK(stats.files == corpus.files.size());
    CHECK(stats.duplicates == dropped.size());
    CHECK(stats.essays + stats.duplicates == essays.size());
    CHECK(stats.changed.empty());
  }
  // A file that changed since the load is left out and named; the others are written.
  auto const changed = dir.path / corpus.files[1].name;
  std::ofstream(changed, std::ios::app) << "加一行\n";
  std::ostringstream out;
  auto const stats = neardup::write_deduplicated(out, result, essays, load, options, 2);
  CHECK(stats.changed == std::vector<std::string>{changed.string()});
  CHECK(stats.files == corpus.files.size() - 1);
  CHECK(out.str().find(corpus.files[1].essays[0]) == std::string::npos);
  CHECK(out.str().find(corpus.files[2].essays[0]) != std::string::npos);
  std::ostringstream note;
  neardup::write_keep_one_summary(note, stats, "k.txt");
  CHECK(note.str().find("changed during the run") != std::string::npos);
  CHECK(note.str().find(changed.string()) != std::string::npos);
  // Rewritten with the same size (its essays in another order) is changed too.
  auto const same_size = dir.path / corpus.files[2].name;
  std::string reordered = corpus.files[2].furniture;
  for (auto e = corpus.files[2].essays.rbegin(); e != corpus.files[2].essays.rend(); ++e)
    reordered += *e;
  REQUIRE(corpus.files[2].essays.size() >= 2);
  test_files::rewrite_in_place(same_size, reordered);
  std::ostringstream again;
  auto const both = neardup::write_deduplicated(again, result, essays, load, options, 2);
  CHECK(both.changed == std::vector<std::string>{changed.string(), same_size.string()});
  CHECK(both.files == corpus.files.size() - 2);
  CHECK(again.str().find(corpus.files[2].essays[0]) == std::string::npos);
}

TEST_CASE("write_deduplicated writes JSON Lines as stored: every line but the duplicates'",
          "[report]") {
  test_files::temp_dir dir;
  // Fields beyond id and text, an integer id, escapes, a broken line, a blank line, a repeated id,
  // CRLF, a BOM and no newline at the end.
  std::vector<std::string> const first = {
      "\xEF\xBB\xBF{\"id\": 1, \"text\": \"一\\u4e00\", \"extra\": [1, {\"x\": null}]}",
      "{\"text\": \"二\", \"id\": \"b\", \"score\": 0.5}\r",
      "not json",
      "",
      "{\"id\": \"b\", \"text\": \"again\"}",
      "{\"id\": \"c\", \"text\": \"三\\n\\\"q\\\"\"}",
  };
  std::vector<std::string> const second = {"\xEF\xBB\xBF{\"id\": \"d\", \"text\": \"四\"}",
                                           "{\"id\": \"e\", \"text\": \"五\"}"};
  auto join = [](std::vector<std::string> const& lines, bool last_newline) {
    std::string s;
    for (std::size_t i = 0; i < lines.size(); ++i)
      s += lines[i] + (i + 1 < lines.size() || last_newline ? "\n" : "");
    return s;
  };
  test_files::write_file(dir.path / "a.jsonl", join(first, false));
  test_files::write_file(dir.path / "b.jsonl", join(second, true));
  neardup::load_options options;
  options.jsonl = true;
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> const paths = {dir.path.string()};
  auto const load = neardup::load_essays(
      paths, options,
      [&](neardup::essay_info&& e, std::string_view) { essays.push_back(std::move(e)); });
  REQUIRE(essays.size() == 5);  // 1, b, c, d, e
  neardup::dedup_result result;
  result.clusters.push_back({{{0, 1.0}, {2, 0.9}, {3, 0.8}}});  // c and d are duplicates of 1
  std::ostringstream out;
  auto const stats = neardup::write_deduplicated(out, result, essays, load, options);
  // The first file's lines but c's, with a newline added at its end; the second file's but d's (its
  // BOM went with it).
  CHECK(out.str() ==
        join({first[0], first[1], first[2], first[3], first[4]}, true) + join({second[1]}, true));
  CHECK(stats.essays == 3);
  CHECK(stats.duplicates == 2);
  CHECK(stats.unread == 2);  // the broken line and the repeated id
  std::ostringstream note;
  neardup::write_keep_one_summary(note, stats, "k.jsonl");
  CHECK(note.str().find("kept unread: 2 lines") != std::string::npos);
  // A kept second file's BOM is left out: the output has one, at its start.
  result.clusters.clear();
  std::ostringstream all;
  (void)neardup::write_deduplicated(all, result, essays, load, options);
  CHECK(all.str() == join(first, true) + join({second[0].substr(3), second[1]}, true));
}

TEST_CASE(
    "output_file writes through a temporary file, keeps the mode, follows links, leaves nothing "
    "half",
    "[report]") {
  test_files::temp_dir dir;
  auto const file = dir.path / "out.txt";
  test_files::write_file(file, "before");
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::create_symlink("out.txt", dir.path / "link");
  {
    neardup::output_file out((dir.path / "link").string());
    CHECK(out.what() == neardup::output_file::kind::regular_file);
    CHECK(out.target() == std::filesystem::canonical(file).string());
    out.open() << "after";
    CHECK(neardup_test::read_bytes(file) == "before");  // nothing changes until commit
    out.commit();
  }
  CHECK(neardup_test::read_bytes(file) == "after");
  CHECK(std::filesystem::is_symlink(dir.path / "link"));
  CHECK(std::filesystem::status(file).permissions() ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  {
    neardup::output_file out(file.string());
    out.open() << "lost";
  }  // not committed: the file is as it was, and no temporary file is left
  CHECK(neardup_test::read_bytes(file) == "after");
  std::size_t entries = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir.path)) ++entries;
  CHECK(entries == 2);
  // A new file, a device, standard output; and what cannot be written at all.
  neardup::output_file fresh((dir.path / "new.txt").string());
  CHECK(fresh.what() == neardup::output_file::kind::new_file);
  CHECK_FALSE(fresh.identity());
  fresh.open() << "x";
  fresh.commit();
  CHECK(neardup_test::read_bytes(dir.path / "new.txt") == "x");
  CHECK(neardup::output_file("/dev/null").what() == neardup::output_file::kind::special);
  CHECK(neardup::output_file("-").what() == neardup::output_file::kind::standard_output);
  CHECK_THROWS_AS(neardup::output_file(dir.path.string()), neardup::error);
  CHECK_THROWS_AS(neardup::output_file((dir.path / "no/such/x").string()), neardup::error);
  std::filesystem::create_symlink("loop", dir.path / "loop");
  CHECK_THROWS_AS(neardup::output_file((dir.path / "loop").string()), neardup::error);
  // A device that takes no bytes: the write fails, naming the path.
  neardup::output_file full("/dev/full");
  full.open() << std::string(1 << 17, 'x');
  CHECK_THROWS_WITH(full.commit(), Catch::Contains("/dev/full"));
}

TEST_CASE("check_outputs refuses an output that is an input or another output", "[report]") {
  test_files::temp_dir dir;
  auto const input = dir.path / "in.txt";
  test_files::write_file(input, "text");
  std::filesystem::create_symlink(input, dir.path / "alias.txt");
  std::vector<std::string> const inputs = {input.string()};
  neardup::output_file const same((dir.path / "alias.txt").string());
  neardup::output_file const other((dir.path / "report.txt").string());
  neardup::output_file const other_again((dir.path / "./report.txt").string());
  std::vector<neardup::output_file const*> outputs = {&same};
  CHECK_THROWS_WITH(neardup::check_outputs(inputs, outputs),
                    Catch::Contains("alias.txt") && Catch::Contains(input.string()));
  outputs = {&other, &other_again};
  CHECK_THROWS_WITH(neardup::check_outputs(inputs, outputs), Catch::Contains("two outputs"));
  neardup::output_file const out1("-"), out2("-");
  outputs = {&out1, &out2};
  CHECK_THROWS_AS(neardup::check_outputs(inputs, outputs), neardup::error);
  outputs = {&other};
  CHECK_NOTHROW(neardup::check_outputs(inputs, outputs));
  // An output inside an input folder is left out of the walk instead.
  std::vector<neardup::output_file const*> const in_folder = {&same};
  neardup::walk_options walk;
  walk.outputs = neardup::walk_outputs(in_folder);
  std::vector<std::string> const folder = {dir.path.string()};
  auto const walked = neardup::walk_paths(folder, walk);
  CHECK(walked.files.empty());          // in.txt and its alias are the output
  REQUIRE(walked.skipped.size() == 2);  // reached by both names
  for (auto const& skipped : walked.skipped) CHECK(skipped.reason == neardup::skip_reason::output);
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
      else if (c < 0x20 || c == 0x7F) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else
        out += ch;
    }
    return out + "\"";
  };
  std::mt19937 rng(5);
  // Whole code points (ill-formed UTF-8 has a test of its own).
  std::vector<std::string> const alphabet = {"a",    "b", "\"", "\\", "\n", "\t",   "\x01",
                                             "\x1f", " ", "~",  "中", "文", "\x7f", "é"};
  for (int t = 0; t < 2000; ++t) {
    std::string s;
    std::size_t const n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    INFO("case " << t);
    CHECK(neardup::detail::json_quote(s) == reference(s));
  }
}

TEST_CASE("the JSON Lines report is valid JSON whatever the bytes of names, titles and ids",
          "[report]") {
  std::mt19937 rng(17);
  auto random_bytes = [&] {
    std::string s;
    std::size_t const n = rng() % 24;
    for (std::size_t i = 0; i < n; ++i) {
      unsigned const pick = rng() % 4;
      if (pick == 0)
        s += static_cast<char>(rng() % 256);  // anything: broken UTF-8, controls, NUL
      else if (pick == 1)
        s += "中\xC2\x85\"\\"[rng() % 7];  // parts of characters, C1, specials
      else if (pick == 2)
        s += "é";
      else
        s += static_cast<char>('a' + rng() % 26);
    }
    return s;
  };
  simdjson::dom::parser parser;
  for (int t = 0; t < 300; ++t) {
    auto r = sample_result();
    auto essays = sample_essays();
    for (auto& e : essays) {
      e.file = random_bytes();
      e.title = random_bytes();
      e.id = random_bytes();
    }
    neardup::report_context ctx;
    ctx.essays = essays;
    std::ostringstream out;
    neardup::write_jsonl_report(out, r, ctx);
    std::istringstream lines(out.str());
    std::string line;
    std::size_t parsed = 0;
    while (std::getline(lines, line)) {
      INFO("case " << t << ": " << line);
      simdjson::dom::element doc;
      REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
      simdjson::dom::array members;
      REQUIRE(doc["members"].get(members) == simdjson::SUCCESS);
      for (auto m : members) {
        std::string_view id, file, title;
        CHECK(m["id"].get(id) == simdjson::SUCCESS);
        CHECK(m["file"].get(file) == simdjson::SUCCESS);
        CHECK(m["title"].get(title) == simdjson::SUCCESS);
      }
      ++parsed;
    }
    CHECK(parsed == r.clusters.size());
  }
  // Well-formed text comes back unchanged; a broken sequence becomes U+FFFD.
  std::string const kept = neardup::detail::json_quote("中文 é \x7f\xC2\x85");
  simdjson::dom::element back;
  REQUIRE(parser.parse(kept).get(back) == simdjson::SUCCESS);
  CHECK(std::string_view(back) == "中文 é \x7f\xC2\x85");
  CHECK(kept == "\"中文 é \\u007f\\u0085\"");
  CHECK(neardup::detail::json_quote("a\xFF"
                                    "b\xE4\xB8") ==
        "\"a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD\"");
}

TEST_CASE("CSV fields are quoted as RFC 4180 asks, and the text report escapes names", "[report]") {
  using neardup::detail::csv_field;
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"x\"") == "\"say \"\"x\"\"\"");
  CHECK(csv_field("line\nbreak") == "\"line\nbreak\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  CHECK(csv_field(" lead") == "\" lead\"");
  CHECK(csv_field("trail ") == "\"trail \"");
  CHECK(csv_field("in side") == "in side");
  CHECK(neardup::detail::printable("a\nb\tc\x01\xFF") == "a\\nb\\tc\\x01\\xFF");
  CHECK(neardup::detail::printable("中文.txt") == "中文.txt");
  auto r = sample_result();
  auto essays = sample_essays();
  essays[0].file = "evil\nCluster 9 · 2 essays\x1b[31m";
  essays[0].title = "t\ritle";
  neardup::report_context ctx;
  ctx.essays = essays;
  std::ostringstream out;
  neardup::write_text_report(out, r, ctx);
  CHECK(out.str().find("evil\\nCluster 9 · 2 essays\\x1B[31m") != std::string::npos);
  CHECK(out.str().find("「t\\ritle」") != std::string::npos);
  CHECK(out.str().find('\x1b') == std::string::npos);
  CHECK(out.str().find('\r') == std::string::npos);
}

TEST_CASE("the text report's excerpt of an essay that cannot be read again says so", "[report]") {
  auto const r = sample_result();
  auto const essays = sample_essays();
  neardup::report_context ctx;
  ctx.essays = essays;
  ctx.text = [](std::uint32_t doc) -> std::string {
    if (doc == 3)
      throw neardup::error(neardup::errc::io_error, "a.txt: the file changed since it was read");
    return "正文";
  };
  std::ostringstream out;
  REQUIRE_NOTHROW(neardup::write_text_report(out, r, ctx));
  CHECK(out.str().find("changed during the run") != std::string::npos);
  CHECK(out.str().find("正文") != std::string::npos);
}

namespace {

/// The lines of `bytes` with their line breaks (LF, CRLF or a lone CR).
std::vector<std::string> raw_lines(std::string_view bytes) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t end = bytes.find_first_of("\r\n", at);
    if (end == std::string_view::npos)
      end = bytes.size();
    else
      end += bytes[end] == '\r' && end + 1 < bytes.size() && bytes[end + 1] == '\n' ? 2 : 1;
    lines.emplace_back(bytes.substr(at, end - at));
    at = end;
  }
  return lines;
}

}  // namespace

TEST_CASE(
    "write_deduplicated writes the kept lines of text files as stored: CRLF, a BOM, other "
    "encodings decoded with their own line breaks",
    "[report]") {
  std::mt19937 rng(23);
  auto blocks = [&](int n) {
    std::vector<std::string> out;
    for (int e = 1; e <= n; ++e)
      out.push_back(std::to_string(e) + "、题目之" + std::to_string(e) + "\n" +
                    test_files::random_body(rng, 2) + "\n");
    return out;
  };
  std::string const bom = "\xEF\xBB\xBF";
  struct file {
    std::string name;
    std::vector<std::string> blocks;  // UTF-8, LF
    std::set<std::size_t> dropped;    // block numbers (0-based)
    std::string ending;               // the line break the file uses
    std::string encoding;             // of the file; UTF-8 blocks are written with `ending`
    bool bom = false;
  };
  std::vector<file> files = {
      {"a-bom-crlf.txt", blocks(4), {1, 3}, "\r\n", "UTF-8", true},
      {"b-gb18030-crlf.txt", blocks(3), {1}, "\r\n", "GB18030", false},
      {"c-bom-lf.txt", blocks(2), {}, "\n", "UTF-8", true},
      {"d-utf16-crlf.txt", blocks(3), {0}, "\r\n", "UTF-16LE", true},
      {"e-cr.txt", blocks(3), {1}, "\r", "UTF-8", false},
  };
  files[4].blocks[2] += "\xFF尾\n";  // a byte that is not UTF-8 is kept as it is
  auto ended = [](std::string const& s, std::string const& ending) {
    std::string out;
    for (char c : s) out += c == '\n' ? ending : std::string(1, c);
    return out;
  };
  test_files::temp_dir dir;
  std::vector<std::string> stored(files.size());  // the bytes of each file
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string text = files[i].bom ? bom : "";
    for (auto const& b : files[i].blocks) text += ended(b, files[i].ending);
    stored[i] = files[i].encoding == "UTF-8"
                    ? text
                    : neardup_test::icu_encode(text, files[i].encoding.c_str());
    test_files::write_file(dir.path / files[i].name, stored[i]);
  }
  std::vector<neardup::essay_info> essays;
  neardup::load_options const options;
  auto const load = load_folder(dir.path, options, essays);
  REQUIRE(load.files.size() == files.size());
  CHECK(load.files[1].encoding == "GB18030");
  CHECK(load.files[3].encoding == "UTF-16LE");
  neardup::dedup_result result;
  std::size_t doc = 0;
  for (auto const& f : files) {
    for (std::size_t b = 0; b < f.blocks.size(); ++b, ++doc) {
      REQUIRE(doc < essays.size());
      REQUIRE(essays[doc].file == (dir.path / f.name).string());
      // Each dropped essay a duplicate of the kept first essay of the file after it.
      if (f.dropped.contains(b))
        result.clusters.push_back({{{0, 1.0}, {static_cast<std::uint32_t>(doc), 0.9}}});
    }
  }
  REQUIRE(doc == essays.size());
  std::sort(result.clusters.begin(), result.clusters.end(),
            [](auto const& x, auto const& y) { return x.members[1].doc < y.members[1].doc; });
  // Each file's kept blocks, in its line breaks (UTF-8 files as stored: the BOM only on the first
  // file of the output; GB18030 and UTF-16 decoded), files separated by a blank line in the line
  // break the previous one ended with.
  std::string expected;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto const& f = files[i];
    std::string text = i == 0 && f.bom ? bom : "";
    for (std::size_t b = 0; b < f.blocks.size(); ++b)
      if (!f.dropped.contains(b)) text += ended(f.blocks[b], f.ending);
    if (i > 0) expected += files[i - 1].ending;
    expected += text;
  }
  for (unsigned const threads : {1u, 3u}) {
    std::ostringstream out;
    auto const stats = neardup::write_deduplicated(out, result, essays, load, options, threads);
    CHECK(stats.changed.empty());
    CHECK(stats.duplicates == 5);
    CHECK(out.str() == expected);
  }
  // The first file alone: its output and the raw lines of its duplicates (from each one's first
  // line through its last, and the blank lines after it) are the file, byte for byte.
  neardup::load_summary first = load;
  first.files.resize(1);
  std::size_t const first_essays = files[0].blocks.size();
  // Its clusters: the members in it, where two or more are.
  neardup::dedup_result first_result;
  for (auto const& c : result.clusters) {
    neardup::cluster kept_members;
    for (auto const& m : c.members)
      if (m.doc < first_essays) kept_members.members.push_back(m);
    if (kept_members.members.size() >= 2) first_result.clusters.push_back(kept_members);
  }
  REQUIRE(!first_result.clusters.empty());
  // Members beyond the essays given are refused, not written past.
  {
    std::ostringstream refused;
    CHECK_THROWS_AS(neardup::write_deduplicated(refused, result,
                                                std::span(essays).first(first_essays), first,
                                                options),
                    neardup::error);
  }
  std::ostringstream out;
  neardup::write_deduplicated(out, first_result, std::span(essays).first(first_essays), first,
                              options);
  auto const lines = raw_lines(stored[0]);
  std::vector<bool> cut(lines.size(), false);
  for (auto const& c : first_result.clusters)
    for (std::size_t m = 1; m < c.members.size(); ++m) {
      auto const& e = essays[c.members[m].doc];
      std::size_t line = e.line;
      for (; line <= e.last_line; ++line) cut[line - 1] = true;
      for (; line <= lines.size() && lines[line - 1] == "\r\n"; ++line) cut[line - 1] = true;
    }
  std::string kept, left_out;
  for (std::size_t l = 0; l < lines.size(); ++l) (cut[l] ? left_out : kept) += lines[l];
  CHECK(out.str() == kept);
  CHECK(kept.size() + left_out.size() == stored[0].size());
  CHECK(kept.starts_with(bom + "1、"));
  CHECK(kept.find("\r\n") != std::string::npos);
  CHECK(kept.find("2、题目之2") == std::string::npos);
}
