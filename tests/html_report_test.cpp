// The HTML report (write_html_report): its structure, that it fetches nothing, that no essay text
// or name adds markup, and that the marks sit on the passages' bytes.
#include <simdjson.h>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "html_page.hpp"
#include "neardup/error.hpp"
#include "neardup/report.hpp"

namespace {

// Hostile text: markup, an end tag of each raw-text element, quotes, controls and broken UTF-8.
std::string const hostile =
    "<script>document.body.setAttribute('data-pwned','1')</script><img src=x onerror=\"alert(1)\">"
    "</textarea></script></style><!-- \"'` \x01\x1b\x7f \xff\xfe\xc3 &amp; ]]>";

// A copied run long enough to be a passage, with markup characters inside it.
std::string const copied =
    "各地区各部门必须增强大局意识和全局观念，坚决服从<b>中央</b>应对疫情工作领导小组的指挥，"
    "做到令行禁止、守土有责";

struct sample {
  std::vector<neardup::essay_info> essays;
  std::vector<std::string> texts;
  neardup::dedup_result result;
  neardup::passage_result passages;
};

/// Three essays: 0 and 1 a cluster (1 a copy of 0), 2 sharing `copied` with 0 (a passage pair);
/// names, ids and titles all hostile.
sample make_sample() {
  sample s;
  s.texts = {"开头一段与主题有关的文字，" + copied + "。结尾另有几句话" + hostile,
             "开头一段与主题有关的文字，" + copied + "。结尾另有几句话" + hostile + "再加一句",
             hostile + "完全不同的一段引子写在这里。" + copied + "！后面是别的内容。"};
  for (std::uint32_t i = 0; i < 3; ++i) {
    neardup::essay_info e;
    e.file = "dir/" + hostile + ".txt";
    e.index = i + 1;
    e.id = i == 2 ? hostile + "-id" : e.file + "#" + std::to_string(i + 1);
    e.title = hostile + "标题";
    e.line = 10 * i + 1;
    e.last_line = 10 * i + 5;
    s.essays.push_back(e);
  }
  s.result.clusters.push_back({{{0, 1.0, false, 0}, {1, 0.91, true, 0, 0.91}}});
  s.result.stats.documents = 3;
  s.result.stats.clusters = 1;
  s.result.stats.duplicates = 1;
  neardup::passage_pair pair = neardup::passages(s.texts[0], s.texts[2]);
  REQUIRE(!pair.passages.empty());
  pair.a = 0;
  pair.b = 2;
  s.passages.pairs.push_back(pair);
  s.passages.stats.pairs = 1;
  return s;
}

std::string report(sample const& s, neardup::html_report_options const& options = {}) {
  neardup::report_context ctx;
  ctx.essays = s.essays;
  ctx.text = [&](std::uint32_t doc) { return s.texts.at(doc); };
  neardup::passage_report_context texts{ctx.text, false};
  std::ostringstream out;
  neardup::write_html_report(out, s.result, &s.passages, ctx, texts, options);
  return out.str();
}

std::string script_data(std::vector<html_page::element> const& page) {
  for (auto const& e : page)
    if (e.name == "script" && e.attribute("type") == "application/json") return e.text;
  FAIL("no JSON data element");
  return {};
}

}  // namespace

TEST_CASE(
    "write_html_report: one page with the overview, the lists, every cluster and pair, and its "
    "data",
    "[html]") {
  auto const s = make_sample();
  std::string const page = report(s);
  CHECK(page.starts_with("<!DOCTYPE html>\n"));
  CHECK(page.ends_with("</html>\n"));
  auto const elements = html_page::elements(page);
  std::multiset<std::string> names;
  for (auto const& e : elements) names.insert(e.name);
  CHECK(names.count("style") == 1);
  CHECK(names.count("script") == 2);  // the data and the page's script
  CHECK(names.count("svg") == 2);     // similarities and containments
  CHECK(page.find("id=\"c1\"") != std::string::npos);
  CHECK(page.find("id=\"p1\"") != std::string::npos);
  CHECK(page.find("id=\"filter\"") != std::string::npos);
  CHECK(page.find("Every cluster and pair is shown below in full.") != std::string::npos);
  // The summary is the one dedup prints.
  CHECK(page.find("<pre class=\"summary\">Summary\n") != std::string::npos);
  CHECK(page.find("Passages: 1 pair of essays share a passage") != std::string::npos);

  // The data parses as JSON and names every cluster member and both essays of the pair.
  std::string const json = script_data(elements);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  CHECK(simdjson::dom::array(doc["files"]).size() == 1);
  CHECK(simdjson::dom::array(doc["essays"]).size() == 3);
  simdjson::dom::array clusters = doc["clusters"];
  REQUIRE(clusters.size() == 1);
  simdjson::dom::array first = clusters.at(0);
  CHECK(std::int64_t(first.at(0)) == 1);  // its number
  CHECK(simdjson::dom::array(first.at(2)).size() == 2);
  simdjson::dom::array pairs = doc["pairs"];
  REQUIRE(pairs.size() == 1);
  // The essays' names come back exactly, through the JSON (broken UTF-8 as U+FFFD).
  simdjson::dom::array third = simdjson::dom::array(doc["essays"]).at(2);
  CHECK(std::string(std::string_view(third.at(6))).starts_with("<script>document.body"));

  SECTION("beyond --html-full-texts, clusters and pairs are in the data only") {
    neardup::html_report_options none;
    none.full_texts = 0;
    std::string const small = report(s, none);
    CHECK(small.find("id=\"c1\"") == std::string::npos);
    CHECK(small.find("<mark") == std::string::npos);
    CHECK(small.find("The first 0 clusters and pairs are shown below in full") !=
          std::string::npos);
    CHECK(script_data(html_page::elements(small))
              .find("[1, 0, [[0, 1.000, 0, 0], [1, 0.910, 1, 0]]]") != std::string::npos);
  }
}

TEST_CASE("write_html_report fetches nothing: no address, no source, no link, no import",
          "[html]") {
  std::string const page = report(make_sample());
  CHECK(page.find("http") == std::string::npos);
  CHECK(page.find("://") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  CHECK(page.find("url(") == std::string::npos);
  for (auto const& e : html_page::elements(page)) {
    INFO(e.name);
    for (auto const& [key, value] : e.attributes) {
      CHECK(key != "src");
      CHECK(key != "href");  // the lists' links are made by the script, to #c1 and #p1
    }
  }
}

TEST_CASE("write_html_report: no essay text, title, id or file name adds an element or attribute",
          "[html]") {
  std::string const page = report(make_sample());
  // Every element is one the report writes, with attributes it writes.
  CHECK(html_page::foreign_markup(page).empty());
  auto const elements = html_page::elements(page);
  std::size_t b_elements = 0;
  for (auto const& e : elements) b_elements += e.name == "b";
  CHECK(b_elements == 4);  // the sides' "A" and "B" twice; never the essay's <b>中央</b>
  // Text outside markup carries no control character and no broken UTF-8; the hostile name is
  // shown, escaped.
  CHECK(page.find('\x01') == std::string::npos);
  CHECK(page.find('\x1b') == std::string::npos);
  CHECK(page.find('\x7f') == std::string::npos);
  CHECK(page.find('\xff') == std::string::npos);
  CHECK(page.find("&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/"
                  "script&gt;") != std::string::npos);
  // Nothing in the data can end its element: the only "</script" are the two elements' own.
  std::string const json = script_data(elements);
  CHECK(json.find('<') == std::string::npos);
  std::size_t ends = 0;
  for (std::size_t at = 0; (at = page.find("</script", at)) != std::string::npos; ++at) ++ends;
  CHECK(ends == 2);
  CHECK(page.find("<!--") == std::string::npos);
}

TEST_CASE(
    "write_html_report: each mark holds its passage's bytes, the same passage number on both sides",
    "[html]") {
  auto const s = make_sample();
  std::string const page = report(s);
  auto const elements = html_page::elements(page);
  // The page's marks in order: the cluster's A and B sides, then the pair's.
  std::vector<html_page::element> marks;
  for (auto const& e : elements)
    if (e.name == "mark") marks.push_back(e);
  neardup::passage_pair const cluster_pair = neardup::passages(s.texts[0], s.texts[1]);
  REQUIRE(!cluster_pair.passages.empty());
  auto const& pair = s.passages.pairs[0];
  std::size_t const expected = 2 * (cluster_pair.passages.size() + pair.passages.size());
  REQUIRE(marks.size() == expected);
  auto check_side = [&](std::size_t first, neardup::passage_pair const& p, bool a,
                        std::string const& text) {
    for (std::size_t k = 0; k < p.passages.size(); ++k) {
      auto const& q = p.passages[k];
      auto const& m = marks[first + k];
      std::size_t const start = a ? q.a_start : q.b_start, end = a ? q.a_end : q.b_end;
      CHECK(html_page::unescape(m.text) == text.substr(start, end - start));
      CHECK(m.attribute("data-p") == std::to_string(k));
      std::string colour = "m";
      colour += static_cast<char>('0' + k % 8);
      CHECK(m.attribute("class") == colour);
    }
  };
  std::size_t const n = cluster_pair.passages.size();
  check_side(0, cluster_pair, true, s.texts[0]);
  check_side(n, cluster_pair, false, s.texts[1]);
  check_side(2 * n, pair, true, s.texts[0]);
  check_side(2 * n + pair.passages.size(), pair, false, s.texts[2]);
  // The copied run (with its "<b>" as text) is inside a mark on both sides of the pair.
  bool found = false;
  for (std::size_t k = 2 * n; k < marks.size(); ++k)
    found |= html_page::unescape(marks[k].text).find("坚决服从<b>中央</b>") != std::string::npos;
  CHECK(found);
}

TEST_CASE(
    "write_html_report: members beyond compare_members are listed only, long texts are cut at a "
    "character, print and histograms",
    "[html]") {
  auto s = make_sample();
  s.texts.push_back(s.texts[1] + "第三份");
  s.essays.push_back(s.essays[1]);
  s.essays.back().index = 4;
  s.essays.back().id = s.essays.back().file + "#4";
  s.result.clusters[0].members.push_back({3, 0.8, false, 0, 0.8});
  neardup::html_report_options options;
  options.compare_members = 1;
  std::string const one = report(s, options);
  CHECK(one.find("Member 3 is listed above, not shown beside the representative") !=
        std::string::npos);
  CHECK(one.find("and member 3 (B)") == std::string::npos);
  options.compare_members = 8;
  options.max_text_bytes = 40;  // 13 characters of Chinese and one byte of the 14th
  std::string const cut = report(s, options);
  CHECK(cut.find("and member 3 (B)") != std::string::npos);
  CHECK(cut.find("(cut here: the rest is not shown)") != std::string::npos);
  // 13 characters, the end of the mark on them, then the note
  CHECK(cut.find("<mark class=\"m0\" data-p=\"0\">开头一段与主题有关的文字，</mark><span "
                 "class=\"note\"> … (cut here") != std::string::npos);
  CHECK(html_page::foreign_markup(cut).empty());
  // Print: a cluster or pair starts a page, its texts whole; "Print this" prints it alone.
  CHECK(one.find("@media print{") != std::string::npos);
  CHECK(one.find(".item{border:0;padding:0;margin:0;break-before:page") != std::string::npos);
  CHECK(one.find(".text{max-height:none;overflow:visible") != std::string::npos);
  CHECK(one.find("<button class=\"print\" type=\"button\">Print this cluster</button>") !=
        std::string::npos);
  // Histograms: 20 bins each, the similarities' (two members) and the containments' (two essays).
  std::size_t rects = 0;
  for (auto const& e : html_page::elements(one)) rects += e.name == "rect";
  CHECK(rects == 40);
  CHECK(one.find("<title>0.90–0.95: 1</title>") != std::string::npos);  // member 2 at 0.91
  CHECK(one.find("<title>0.80–0.85: 1</title>") != std::string::npos);  // member 3 at 0.8
  CHECK(one.find("Similarity of each member to its cluster&#39;s representative (2)") !=
        std::string::npos);
}

TEST_CASE("write_html_report refuses clusters and pairs that name essays it was not given",
          "[html]") {
  auto s = make_sample();
  neardup::report_context ctx;
  ctx.essays = std::span(s.essays).first(2);
  std::ostringstream out;
  neardup::passage_report_context const texts;
  CHECK_THROWS_AS(neardup::write_html_report(out, s.result, &s.passages, ctx, texts),
                  neardup::error);
  s.passages.pairs.clear();
  CHECK_NOTHROW(neardup::write_html_report(out, s.result, &s.passages, ctx, texts));
  CHECK_NOTHROW(neardup::write_html_report(out, s.result, nullptr, ctx, texts));
}
