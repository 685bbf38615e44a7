// End-to-end tests of dedup --passages: the JSON Lines keys, the bundled essays' copied runs, spans
// that quote the essays' texts, JSON Lines input, the text and CSV reports.
#include <simdjson.h>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "cli_helpers.hpp"
#include "neardup/load.hpp"
#include "neardup/normalize.hpp"

using cli::quote;
using cli::run_dedup;
using cli::temp_dir;
using cli::write_file;

namespace {

struct passage_row {
  std::int64_t a_start, a_end, b_start, b_end, a_line, b_line, chars;
};
struct pair_row {
  std::string a_id, b_id, a_file, b_file;
  std::int64_t a_index = 0, b_index = 0, a_line = 0, b_line = 0;
  double containment_a = 0, containment_b = 0;
  std::vector<passage_row> passages;
};

/// The "pair" objects of a JSON Lines report, each checked for exactly the keys the issue names.
std::vector<pair_row> parse_pairs(std::string const& jsonl, std::size_t* clusters = nullptr) {
  std::vector<pair_row> pairs;
  simdjson::dom::parser parser;
  std::istringstream lines(jsonl);
  std::string line;
  while (std::getline(lines, line)) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
    simdjson::dom::object obj;
    REQUIRE(doc.get(obj) == simdjson::SUCCESS);
    std::vector<std::string> keys;
    for (auto field : obj) keys.emplace_back(field.key);
    if (keys.front() == "cluster") {
      if (clusters) ++*clusters;
      continue;
    }
    REQUIRE(keys == std::vector<std::string>{"pair", "a", "b", "containment_a", "containment_b",
                                             "passages"});
    CHECK(std::int64_t(obj["pair"]) == std::int64_t(pairs.size() + 1));
    pair_row p;
    for (char const* side : {"a", "b"}) {
      simdjson::dom::object e = obj[side];
      std::vector<std::string> ekeys;
      for (auto field : e) ekeys.emplace_back(field.key);
      REQUIRE(ekeys == std::vector<std::string>{"id", "file", "index", "line"});
      bool const a = side[0] == 'a';
      (a ? p.a_id : p.b_id) = std::string(std::string_view(e["id"]));
      (a ? p.a_file : p.b_file) = std::string(std::string_view(e["file"]));
      (a ? p.a_index : p.b_index) = std::int64_t(e["index"]);
      (a ? p.a_line : p.b_line) = std::int64_t(e["line"]);
    }
    p.containment_a = double(obj["containment_a"]);
    p.containment_b = double(obj["containment_b"]);
    for (simdjson::dom::object q : simdjson::dom::array(obj["passages"])) {
      std::vector<std::string> qkeys;
      for (auto field : q) qkeys.emplace_back(field.key);
      REQUIRE(qkeys == std::vector<std::string>{"a_start", "a_end", "b_start", "b_end", "a_line",
                                                "b_line", "chars"});
      p.passages.push_back({std::int64_t(q["a_start"]), std::int64_t(q["a_end"]),
                            std::int64_t(q["b_start"]), std::int64_t(q["b_end"]),
                            std::int64_t(q["a_line"]), std::int64_t(q["b_line"]),
                            std::int64_t(q["chars"])});
    }
    pairs.push_back(std::move(p));
  }
  return pairs;
}

/// Each essay's text by id, as the library loads it.
std::map<std::string, std::string> texts_of(std::vector<std::string> const& paths,
                                            neardup::load_options const& options) {
  std::map<std::string, std::string> texts;
  neardup::load_essays(paths, options, [&](neardup::essay_info&& e, std::string_view text) {
    texts.emplace(e.id, std::string(text));
  });
  return texts;
}

std::string span(std::string const& text, std::int64_t begin, std::int64_t end) {
  REQUIRE(0 <= begin);
  REQUIRE(begin < end);
  REQUIRE(static_cast<std::size_t>(end) <= text.size());
  return text.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
}

std::vector<std::string> file_lines(std::string const& path) {
  std::vector<std::string> lines;
  std::istringstream in(cli::slurp(path));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

}  // namespace

TEST_CASE("dedup --passages finds the bundled essays' copied runs, with spans that quote them",
          "[passages][dedup]") {
  if (std::string(NEARDUP_DEDUP_EXE).empty()) {
    WARN("not tested: dedup was not built");
    return;
  }
  auto const r = run_dedup("--passages --format jsonl " + quote(NEARDUP_ESSAYS_DIR));
  REQUIRE(r.exit_code == 0);
  std::size_t clusters = 0;
  auto const pairs = parse_pairs(r.out, &clusters);
  CHECK(clusters >= 1);  // the clusters come first, as without --passages
  auto const texts = texts_of({NEARDUP_ESSAYS_DIR}, {});
  neardup::normalizer const norm;
  auto find = [&](std::string const& a, std::string const& b) -> pair_row const* {
    for (auto const& p : pairs)
      if (p.a_id.ends_with(a) && p.b_id.ends_with(b)) return &p;
    return nullptr;
  };
  // Essay 4 of the first file reuses two runs of 40-50 characters of essay 1 and of its copy, 7.
  std::string const first = "000_a97e9653457f191c.txt#";
  for (auto const& [a, b] : {std::pair{"1", "4"}, std::pair{"4", "7"}}) {
    INFO(a << " and " << b);
    pair_row const* p = find(first + a, first + b);
    REQUIRE(p != nullptr);
    REQUIRE(p->passages.size() == 2);
    double const share_of_4 = std::string(a) == "4" ? p->containment_a : p->containment_b;
    CHECK(share_of_4 > 0.1);
    CHECK(share_of_4 < 0.2);
    for (auto const& q : p->passages) {
      CHECK(q.chars >= 40);
      CHECK(q.chars <= 50);
    }
  }
  REQUIRE(find(first + "1", first + "7") != nullptr);
  CHECK(find(first + "1", first + "7")->containment_a > 0.95);
  for (auto const& p : pairs) {
    INFO(p.a_id << " and " << p.b_id);
    CHECK(p.a_file <= p.b_file);
    if (p.a_file == p.b_file) CHECK(p.a_index < p.b_index);
    std::string const& ta = texts.at(p.a_id);
    std::string const& tb = texts.at(p.b_id);
    auto const lines_a = file_lines(p.a_file), lines_b = file_lines(p.b_file);
    for (auto const& q : p.passages) {
      std::string const sa = span(ta, q.a_start, q.a_end), sb = span(tb, q.b_start, q.b_end);
      std::u32string const na = norm.normalize(sa), nb = norm.normalize(sb);
      // The spans quote the same passage: as long as its matched characters, at most a few edits
      // apart.
      CHECK(na.size() >= static_cast<std::size_t>(q.chars));
      CHECK(nb.size() >= static_cast<std::size_t>(q.chars));
      CHECK(na.size() <= static_cast<std::size_t>(q.chars) + 8);
      CHECK(na.front() == nb.front());
      CHECK(na.back() == nb.back());
      // The line named holds the passage's first characters (UTF-8 files with LF line ends).
      REQUIRE(q.a_line >= 1);
      REQUIRE(static_cast<std::size_t>(q.a_line) <= lines_a.size());
      if (p.a_file.find("000_") != std::string::npos) {
        CHECK(lines_a[static_cast<std::size_t>(q.a_line - 1)].find(sa.substr(0, 9)) !=
              std::string::npos);
        CHECK(lines_b[static_cast<std::size_t>(q.b_line - 1)].find(sb.substr(0, 9)) !=
              std::string::npos);
      }
    }
  }
  SECTION("--min-passage over the runs' length leaves the copied runs out but not the whole copy") {
    auto const longer =
        run_dedup("--passages --min-passage 60 --format jsonl " + quote(NEARDUP_ESSAYS_DIR));
    REQUIRE(longer.exit_code == 0);
    auto const fewer = parse_pairs(longer.out);
    CHECK(fewer.size() < pairs.size());
    bool whole_copy = false, runs = false;
    for (auto const& p : fewer) {
      whole_copy |= p.a_id.ends_with(first + "1") && p.b_id.ends_with(first + "7");
      runs |= p.b_id.ends_with(first + "4") || p.a_id.ends_with(first + "4");
    }
    CHECK(whole_copy);
    CHECK_FALSE(runs);
  }
}

TEST_CASE("dedup --passages: JSON Lines input, offsets into the decoded text, the record's line",
          "[passages][dedup]") {
  if (std::string(NEARDUP_DEDUP_EXE).empty()) {
    WARN("not tested: dedup was not built");
    return;
  }
  temp_dir dir;
  std::string const copied =
      "各地区各部门必须增强大局意识和全局观念坚决服从中央应对疫情工作领导小组的指挥";
  std::string const input = "{\"id\": \"x\", \"text\": \"开头的话题与此无关\\n第二行\\u3000" +
                            copied +
                            "。结尾\"}\n"
                            "\n"
                            "{\"id\": \"y\", \"text\": \"完全不同的一段文字写在这里作为引子。" +
                            copied + "！另有\\\"引号\\\"\"}\n";
  write_file(dir.path / "in.jsonl", input);
  auto const r =
      run_dedup("--passages --jsonl --format jsonl " + quote((dir.path / "in.jsonl").string()));
  REQUIRE(r.exit_code == 0);
  auto const pairs = parse_pairs(r.out);
  REQUIRE(pairs.size() == 1);
  REQUIRE(pairs[0].passages.size() == 1);
  auto const& q = pairs[0].passages[0];
  CHECK(pairs[0].a_id == "x");
  CHECK(pairs[0].b_id == "y");
  neardup::load_options jsonl;
  jsonl.jsonl = true;
  auto const texts = texts_of({(dir.path / "in.jsonl").string()}, jsonl);
  CHECK(span(texts.at("x"), q.a_start, q.a_end) == copied + "。");
  CHECK(span(texts.at("y"), q.b_start, q.b_end) == copied + "！");
  CHECK(q.a_line == 1);
  CHECK(q.b_line == 3);
  neardup::normalizer const norm;
  CHECK(static_cast<std::size_t>(q.chars) == norm.normalize(copied).size());
}

TEST_CASE(
    "dedup --passages: the text report quotes, CSV has a row per passage, --help says how they "
    "relate",
    "[passages][dedup]") {
  if (std::string(NEARDUP_DEDUP_EXE).empty()) {
    WARN("not tested: dedup was not built");
    return;
  }
  auto const jsonl = run_dedup("--passages --format jsonl " + quote(NEARDUP_ESSAYS_DIR));
  auto const pairs = parse_pairs(jsonl.out);
  REQUIRE(!pairs.empty());
  std::size_t passages = 0;
  for (auto const& p : pairs) passages += p.passages.size();

  auto const text = run_dedup("--passages " + quote(NEARDUP_ESSAYS_DIR));
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("Copied passages · " + std::to_string(pairs.size()) + " pairs") !=
        std::string::npos);
  auto const texts = texts_of({NEARDUP_ESSAYS_DIR}, {});
  // Each passage's first characters are quoted (the report folds white space, so take a line's
  // start).
  for (auto const& p : pairs)
    for (auto const& q : p.passages) {
      std::string const start = span(texts.at(p.a_id), q.a_start, q.a_end).substr(0, 12);
      if (start.find_first_of("\n \t") == std::string::npos)
        CHECK(text.out.find("a: " + start) != std::string::npos);
    }
  CHECK(text.out.find("stock fingerprint") != std::string::npos);

  auto const csv = run_dedup("--passages --format csv " + quote(NEARDUP_ESSAYS_DIR));
  REQUIRE(csv.exit_code == 0);
  std::string const header =
      "pair,a_id,a_file,a_index,a_essay_line,b_id,b_file,b_index,b_essay_line,containment_a,"
      "containment_b,"
      "a_start,a_end,b_start,b_end,a_line,b_line,chars\n";
  auto const at = csv.out.find("\n\n" + header);
  REQUIRE(at != std::string::npos);
  std::string const table = csv.out.substr(at + 2 + header.size());
  CHECK(static_cast<std::size_t>(std::count(table.begin(), table.end(), '\n')) == passages);

  auto const help = run_dedup("--help");
  CHECK(help.out.find("--passages") != std::string::npos);
  CHECK(help.out.find("--min-passage-words") != std::string::npos);
  CHECK(help.out.find("Clusters and passages") != std::string::npos);
}
