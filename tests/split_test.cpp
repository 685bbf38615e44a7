#include "neardup/split.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/utf8.hpp"
#include "icu_encode.hpp"
#include "neardup/encoding.hpp"
#include "neardup/error.hpp"
#include "test_files.hpp"

namespace {

std::vector<std::string> bundled_texts() {
  std::vector<std::string> texts;
  for (auto const& f : neardup_test::bundled_files()) {
    texts.push_back(neardup::decode_to_utf8(neardup_test::read_bytes(f)).utf8);
  }
  return texts;
}

struct line_pos {
  std::size_t begin = 0, end = 0;
  bool blank = true;
};

/// The lines of a text as the splitter must see them (split at LF; blank = only white space).
std::vector<line_pos> lines_of(std::string_view text) {
  std::vector<line_pos> lines;
  std::size_t b = 0;
  while (b < text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view s = text.substr(b, e - b);
    // White space as the splitter sees it: the one set, decoded by the one decoder.
    bool blank = true;
    for (std::size_t i = 0; i < s.size() && blank;) {
      neardup::detail::utf8_sequence const d = neardup::detail::decode_utf8(s, i);
      blank = neardup::detail::is_white_space(d.cp);
      i += d.length;
    }
    lines.push_back({b, e, blank});
    b = e + 1;
  }
  return lines;
}

std::string_view line_text(std::string_view text, std::vector<line_pos> const& lines, std::size_t n) {
  return text.substr(lines[n - 1].begin, lines[n - 1].end - lines[n - 1].begin);
}

/// The splitter's contract: every non-blank line in exactly one essay or furniture range, essays in
/// order and disjoint, bodies made of whole lines, a heading exactly when there is a title.
void check_invariants(std::string_view text, neardup::split_result const& r) {
  auto const lines = lines_of(text);
  std::vector<int> cover(lines.size() + 1, 0);
  std::size_t prev_last = 0;
  for (auto const& e : r.essays) {
    REQUIRE(e.line >= 1);
    REQUIRE(e.line <= e.last_line);
    REQUIRE(e.last_line <= lines.size());
    REQUIRE(e.line > prev_last);  // in file order, no overlap
    prev_last = e.last_line;
    REQUIRE(e.begin <= e.end);
    REQUIRE(e.end <= text.size());
    CHECK_FALSE(lines[e.line - 1].blank);
    CHECK_FALSE(lines[e.last_line - 1].blank);
    for (std::size_t l = e.line; l <= e.last_line; ++l) ++cover[l];
    if (e.begin < e.end) {
      // The body starts at a line start and ends at the end of last_line.
      auto const first = std::find_if(lines.begin(), lines.end(),
                                      [&](line_pos const& p) { return p.begin == e.begin; });
      REQUIRE(first != lines.end());
      std::size_t const first_line = static_cast<std::size_t>(first - lines.begin()) + 1;
      CHECK(first_line >= e.line);
      CHECK(lines[e.last_line - 1].end == e.end);
      bool const has_heading = first_line > e.line;
      // A heading glued to the end of the line before is on no line of its essay.
      bool const glued = e.reason.find("ends the line before") != std::string::npos;
      CHECK(has_heading == (!e.title.empty() && !glued));
    } else {
      // Only a heading, no body.
      CHECK(e.line == e.last_line);
      CHECK_FALSE(e.title.empty());
    }
  }
  for (auto const& f : r.furniture) {
    REQUIRE(f.first >= 1);
    REQUIRE(f.first <= f.last);
    REQUIRE(f.last <= lines.size());
    CHECK_FALSE(f.reason.empty());
    for (std::size_t l = f.first; l <= f.last; ++l) ++cover[l];
  }
  for (std::size_t l = 1; l <= lines.size(); ++l) {
    if (lines[l - 1].blank) continue;
    INFO("line " << l << ": " << line_text(text, lines, l));
    CHECK(cover[l] == 1);
  }
}

std::vector<std::size_t> counts(std::vector<std::string> const& texts, neardup::split_options const& o = {}) {
  std::vector<std::size_t> n;
  for (auto const& t : texts) n.push_back(neardup::split_essays(t, o).essays.size());
  return n;
}

std::string body(std::string_view text, neardup::essay_span const& e) {
  return std::string(text.substr(e.begin, e.end - e.begin));
}

/// 1..99 in Chinese numerals, written independently of the splitter's parser.
std::string chinese_number(int n) {
  static char const* const digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n < 10) return digits[n];
  std::string s = n / 10 == 1 ? "" : digits[n / 10];
  return s + "十" + digits[n % 10];
}

std::string paragraph(int i) {
  return "这是第" + std::to_string(i) +
         "段正文,内容足够长,讲述社区在疫情防控中的经验与体会,也写到了居民之间的互助和坚持。\n";
}

}  // namespace

TEST_CASE("automatic finds the 37 essays of the bundled collections", "[split]") {
  auto const texts = bundled_texts();
  CHECK(counts(texts) == std::vector<std::size_t>{10, 10, 7, 2, 8});
  for (auto const& t : texts) check_invariants(t, neardup::split_essays(t));
}

TEST_CASE("titles are the headings without their numbering", "[split]") {
  auto const texts = bundled_texts();
  auto const r0 = neardup::split_essays(texts[0]);
  REQUIRE(r0.essays.size() == 10);
  CHECK(r0.essays[0].title == "平凡英雄事迹个人学习心得");  // heading "1、平凡英雄事迹个人学习心得"
  CHECK(r0.essays[1].title == "致敬平凡英雄事迹征集令活动心得感悟");
  CHECK(r0.essays[9].title == "致敬平凡英雄个人事迹学习心得感悟");  // "10、…": two digits
  // Essays 1, 7 and 8 are published under the same title (1 and 7 are even the same text).
  CHECK(r0.essays[6].title == r0.essays[0].title);
  CHECK(r0.essays[7].title == r0.essays[0].title);
  CHECK(body(texts[0], r0.essays[0]) == body(texts[0], r0.essays[6]));
  CHECK(body(texts[0], r0.essays[7]) != body(texts[0], r0.essays[0]));

  auto const r3 = neardup::split_essays(texts[3]);
  REQUIRE(r3.essays.size() == 2);
  CHECK(r3.essays[0].title.empty());  // five lines of essay before "…篇2": essay 1 has no heading
  CHECK(r3.essays[0].line == 1);
  CHECK(r3.essays[0].begin == 0);
  CHECK(r3.essays[1].title == "防控疫情措施心得體會");
  CHECK(r3.essays[1].line == 6);

  auto const r4 = neardup::split_essays(texts[4]);
  REQUIRE(r4.essays.size() == 8);
  CHECK(r4.essays[0].title == "疫情一线医护人员总结");  // "疫情一线医护人员总结 篇一:"
  CHECK(r4.essays[0].line == 1);
  // The body excludes the heading line.
  CHECK(body(texts[4], r4.essays[0]).find("篇一") == std::string::npos);
}

TEST_CASE("numbered lists and sections inside an essay do not split it", "[split]") {
  auto const texts = bundled_texts();
  auto const lines4 = lines_of(texts[4]);
  auto const r4 = neardup::split_essays(texts[4]);
  REQUIRE(r4.essays.size() == 8);
  // 篇七 (lines 57-69) holds "一、…" sections and "1、…" … "5、…" items (long lines, not headings).
  auto const& e7 = r4.essays[6];
  CHECK(e7.line == 57);
  CHECK(e7.last_line == 69);
  REQUIRE(line_text(texts[4], lines4, 59).starts_with("一、"));
  REQUIRE(line_text(texts[4], lines4, 60).starts_with("1、"));
  REQUIRE(line_text(texts[4], lines4, 69).starts_with("5、"));
  CHECK(e7.begin == lines4[57].begin);  // line 58
  CHECK(e7.end == lines4[68].end);      // line 69

  // File 001, 篇一 (lines 2-14) has sections 一、… 五、…; 篇九 has 第二段:… and 总结:.
  auto const r1 = neardup::split_essays(texts[1]);
  REQUIRE(r1.essays.size() == 10);
  CHECK(r1.essays[0].line == 2);
  CHECK(r1.essays[0].last_line == 14);
  CHECK(body(texts[1], r1.essays[0]).find("五、对未来的反思。") != std::string::npos);
  CHECK(r1.essays[8].line == 65);
  CHECK(r1.essays[8].last_line == 75);
  CHECK(body(texts[1], r1.essays[8]).find("第二段") != std::string::npos);
  CHECK(body(texts[1], r1.essays[8]).find("总结:") != std::string::npos);

  // File 002, 篇2 (lines 9-21) has 一、… 四、… and (一)… (三)….
  auto const r2 = neardup::split_essays(texts[2]);
  REQUIRE(r2.essays.size() == 7);
  CHECK(r2.essays[1].line == 9);
  CHECK(r2.essays[1].last_line == 21);
}

TEST_CASE("page furniture is reported with its reason", "[split]") {
  auto const texts = bundled_texts();
  auto const r1 = neardup::split_essays(texts[1]);
  REQUIRE(r1.furniture.size() == 2);
  CHECK(r1.furniture[0].first == 1);  // 写心得体会可以让我们…以下是小编为大家收集的…
  CHECK(r1.furniture[0].last == 1);
  CHECK(r1.furniture[0].reason == "preamble");
  CHECK(r1.furniture[1].first == 82);  // 一键复制 (after a blank line 81)
  CHECK(r1.furniture[1].last == 82);
  CHECK(r1.furniture[1].reason == "trailing page furniture");
  CHECK(r1.essays.back().last_line == 80);

  auto const r2 = neardup::split_essays(texts[2]);
  REQUIRE(r2.furniture.size() == 2);
  CHECK(r2.furniture[0].first == 1);  // 新冠疫情防控总结心得7篇
  CHECK(r2.furniture[0].last == 1);
  CHECK(r2.furniture[0].reason == "collection title");
  CHECK(r2.furniture[1].first == 2);  // 拥有深刻立意的心得…小编今天就为您带来了…
  CHECK(r2.furniture[1].last == 2);
  CHECK(r2.furniture[1].reason == "preamble");

  for (std::size_t i : {0u, 3u, 4u}) CHECK(neardup::split_essays(texts[i]).furniture.empty());
}

TEST_CASE("text before the first heading: essay or furniture by principle", "[split]") {
  std::string essay;
  for (int i = 0; i < 4; ++i) essay += paragraph(i);

  SECTION("first heading numbered 2: the text before is essay 1, its short first line its title") {
    std::string const t = "我的抗疫心得\n" + essay + "抗疫心得篇2\n" + essay + "抗疫心得篇3\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 3);
    CHECK(r.essays[0].title == "我的抗疫心得");
    CHECK(r.essays[0].line == 1);
    CHECK(r.furniture.empty());
  }
  SECTION("first heading numbered 1 and a long text before: an essay, not a preamble") {
    std::string const t = essay + "心得体会篇一\n" + essay + "心得体会篇二\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 3);
    CHECK(r.essays[0].title.empty());
    CHECK(r.furniture.empty());
  }
  SECTION("first heading numbered 1 and a short text before: title and preamble") {
    std::string const t = "心得体会精选\n以下是小编整理的心得体会,欢迎阅读。\n心得体会篇一\n" + essay +
                          "心得体会篇二\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 2);
    REQUIRE(r.furniture.size() == 2);
    CHECK(r.furniture[0].reason == "collection title");
    CHECK(r.furniture[1].reason == "preamble");
  }
  SECTION("no numbered headings: one essay, headed by a short first line") {
    std::string const t = "一、不是标题的一级小节\n" + essay + "二、第二节\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 1);
    CHECK(r.essays[0].title == "一、不是标题的一级小节");
    CHECK(r.essays[0].last_line == 10);
  }
  SECTION("a single heading is no sequence") {
    std::string const t = "1、孤零零的标题\n" + essay;
    auto const r = neardup::split_essays(t);
    REQUIRE(r.essays.size() == 1);
    CHECK(r.essays[0].title == "1、孤零零的标题");  // the whole line: it was not read as numbered
  }
}

TEST_CASE("heading families and their number sequences", "[split]") {
  std::string const essay = paragraph(1) + paragraph(2);
  SECTION("Chinese numerals up to 99") {
    std::string t;
    for (int n = 1; n <= 99; ++n) t += "疫情心得篇" + chinese_number(n) + "\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 99);
    CHECK(r.essays[98].title == "疫情心得");
  }
  SECTION("第<n>篇 title; families do not mix") {
    std::string const t = "第1篇:春天\n" + essay + "第2篇:夏天\n" + essay + "【篇三】秋天\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 2);  // the 篇 line is another family: it stays in essay 2's body
    CHECK(r.essays[0].title == "春天");
    CHECK(r.essays[1].title == "夏天");
    CHECK(body(t, r.essays[1]).find("【篇三】秋天") != std::string::npos);
  }
  SECTION("【篇<n>】 title and title(第<n>篇)") {
    std::string const t = "【篇一】秋天\n" + essay + "【篇二】冬天\n" + essay;
    auto const r = neardup::split_essays(t);
    REQUIRE(r.essays.size() == 2);
    CHECK(r.essays[1].title == "冬天");
    std::string const u = "春天(第一篇)\n" + essay + "夏天(第二篇)\n" + essay;
    auto const q = neardup::split_essays(u);
    REQUIRE(q.essays.size() == 2);
    CHECK(q.essays[0].title == "春天");
  }
  SECTION("the longest run wins; a shorter list inside an essay stays in it") {
    std::string const inner = "1. 加强组织\n" + paragraph(7) + "2. 做好宣传\n" + paragraph(8);
    std::string const t = "抗疫总结篇1\n" + essay + inner + "抗疫总结篇2\n" + essay + "抗疫总结篇3\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 3);
    CHECK(body(t, r.essays[0]).find("2. 做好宣传") != std::string::npos);
  }
  SECTION("a short numbered list inside an Arabic-numbered collection stays in its essay") {
    // Essay 2 lists "1、…" … "4、…" as short lines: the same family and numbers as the headings.
    std::string const list = "1、加强领导\n" + paragraph(3) + "2、做好宣传\n" + paragraph(4) +
                             "3、落实责任\n" + paragraph(5) + "4、总结经验\n" + paragraph(6);
    std::string t;
    for (int k = 1; k <= 5; ++k) t += std::to_string(k) + "、心得体会第" + chinese_number(k) + "则\n" + essay + essay + (k == 2 ? list : "");
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 5);
    for (int k = 0; k < 5; ++k) CHECK(r.essays[static_cast<std::size_t>(k)].title == "心得体会第" + chinese_number(k + 1) + "则");
    CHECK(body(t, r.essays[1]).find("4、总结经验") != std::string::npos);
  }
  SECTION("a table of contents before the essays is furniture, not the headings") {
    std::string toc, t;
    for (int k = 1; k <= 4; ++k) toc += std::to_string(k) + "、心得第" + chinese_number(k) + "则\n";
    for (int k = 1; k <= 4; ++k) t += std::to_string(k) + "、心得第" + chinese_number(k) + "则\n" + essay;
    auto const r = neardup::split_essays(toc + t);
    check_invariants(toc + t, r);
    REQUIRE(r.essays.size() == 4);
    CHECK(r.essays[0].line == 5);
    REQUIRE(r.furniture.size() == 1);
    CHECK(r.furniture[0].first == 1);
    CHECK(r.furniture[0].last == 4);
  }
  SECTION("篇 (the counter word for essays) outranks a longer Arabic list") {
    std::string const list = "1、加强领导\n" + paragraph(3) + "2、做好宣传\n" + paragraph(4) +
                             "3、落实责任\n" + paragraph(5);
    std::string const t = "心得篇一\n" + essay + list + "心得篇二\n" + essay + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 2);
    CHECK(r.essays[1].line == 10);
  }
  SECTION("lines ending like sentences are not headings") {
    std::string const t = "1、这是一句完整的话。\n" + essay + "2、这也是一句话!\n" + essay;
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    CHECK(r.essays.size() == 1);
  }
  SECTION("a decimal number is not a list number") {
    std::string const t = "3.5亿人参与\n" + essay + "4.5亿人参与\n" + essay;
    CHECK(neardup::split_essays(t).essays.size() == 1);
  }
  SECTION("web buttons and navigation links trailing essays are furniture") {
    std::string const t = "心得篇一\n" + essay + "收藏 | 打印\n\n心得篇二\n" + essay +
                          "下一篇:防控心得篇三\n返回顶部\n";
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 2);
    REQUIRE(r.furniture.size() == 2);
    CHECK(r.furniture[0].first == 4);
    CHECK(r.furniture[0].last == 4);
    CHECK(r.furniture[1].first == 9);
    CHECK(r.furniture[1].last == 10);
    CHECK(r.furniture[1].reason == "trailing page furniture");
  }
  SECTION("navigation links padded with white space are still furniture; long lines never are") {
    std::string pad;
    for (int i = 0; i < 40; ++i) pad += "\u3000";  // 120 bytes of ideographic spaces
    std::string long_line;
    for (int i = 0; i < 61; ++i) long_line += "字";
    std::string const t = "心得篇一\n" + essay + pad + "下一篇:防控心得篇三" + pad + " \t\n" + "心得篇二\n" +
                          essay + "\u3000\u3000" + long_line + "\n";
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 2);
    REQUIRE(r.furniture.size() == 1);
    CHECK(r.furniture[0].first == r.furniture[0].last);
    CHECK(r.essays[1].end + 1 == t.size());  // the long last line stays in the essay (all but its LF)
  }
}

TEST_CASE("CRLF is gone after decoding, split gives the same essays", "[split]") {
  std::string const lf = bundled_texts()[1];
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  auto const decoded = neardup::decode_to_utf8(crlf).utf8;
  REQUIRE(decoded == lf);
  auto const a = neardup::split_essays(lf);
  auto const b = neardup::split_essays(decoded);
  REQUIRE(a.essays.size() == b.essays.size());
  for (std::size_t i = 0; i < a.essays.size(); ++i) {
    CHECK(a.essays[i].title == b.essays[i].title);
    CHECK(a.essays[i].begin == b.essays[i].begin);
    CHECK(a.essays[i].end == b.essays[i].end);
  }
  // Undecoded CRLF text still splits the same way; the CR is white space, not title text.
  auto const raw = neardup::split_essays(crlf);
  check_invariants(crlf, raw);
  REQUIRE(raw.essays.size() == 10);
  CHECK(raw.essays[0].title == a.essays[0].title);
}

TEST_CASE("explicit modes: whole_file, blank_line, regex", "[split]") {
  auto const texts = bundled_texts();
  using neardup::split_mode;

  SECTION("whole_file") {
    for (auto const& t : texts) {
      auto const r = neardup::split_essays(t, {.mode = split_mode::whole_file});
      check_invariants(t, r);
      REQUIRE(r.essays.size() == 1);
      CHECK(r.essays[0].line == 1);
      CHECK(r.essays[0].begin == 0);
      CHECK(r.essays[0].title.empty());
      CHECK(r.furniture.empty());
    }
    std::string const padded = "\n\n  \n正文\n\n";
    auto const r = neardup::split_essays(padded, {.mode = split_mode::whole_file});
    REQUIRE(r.essays.size() == 1);
    CHECK(r.essays[0].line == 4);
    CHECK(body(padded, r.essays[0]) == "正文");
  }
  SECTION("blank_line") {
    std::string const t = "甲\n乙\n\n\n丙\n \u3000\n丁";
    auto const r = neardup::split_essays(t, {.mode = split_mode::blank_line});
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 3);
    CHECK(body(t, r.essays[0]) == "甲\n乙");
    CHECK(body(t, r.essays[1]) == "丙");
    CHECK(body(t, r.essays[2]) == "丁");
    CHECK(r.essays[2].line == 7);
    // File 001 has one blank line, before 一键复制: two blocks, taken literally.
    CHECK(neardup::split_essays(texts[1], {.mode = split_mode::blank_line}).essays.size() == 2);
  }
  SECTION("regex") {
    neardup::split_options const o{.mode = split_mode::regex, .pattern = "篇[一二三四五六七八九十]+$"};
    auto const r = neardup::split_essays(texts[1], o);
    check_invariants(texts[1], r);
    REQUIRE(r.essays.size() == 11);  // the preamble before the first match, then 篇一 … 篇十
    CHECK(r.essays[0].title.empty());
    CHECK(r.essays[0].last_line == 1);
    CHECK(r.essays[1].title == "疫情社区心得体会篇一");  // the whole matching line
    CHECK(r.essays[10].last_line == 82);                 // literal: 一键复制 included
    CHECK(r.furniture.empty());
    // ICU syntax, anchored: the Arabic-numbered headings of file 000.
    auto const r0 = neardup::split_essays(texts[0], {.mode = split_mode::regex, .pattern = "^\\d+、"});
    CHECK(r0.essays.size() == 10);
  }
  SECTION("a bad or missing regex is invalid_argument") {
    for (std::string const p : {"(unclosed", "[a-", ""}) {
      try {
        (void)neardup::split_essays("text", {.mode = split_mode::regex, .pattern = p});
        FAIL("no exception for '" << p << "'");
      } catch (neardup::error const& e) {
        CHECK(e.code() == neardup::errc::invalid_argument);
        if (!p.empty()) CHECK(std::string(e.what()).find(p) != std::string::npos);
      }
    }
  }
}

TEST_CASE("empty or blank text gives no essays", "[split]") {
  using neardup::split_mode;
  for (std::string const t : {"", "\n\n", " \t\n\u3000\n\r\n"}) {
    for (auto mode : {split_mode::automatic, split_mode::whole_file, split_mode::blank_line}) {
      auto const r = neardup::split_essays(t, {.mode = mode});
      CHECK(r.essays.empty());
      CHECK(r.furniture.empty());
    }
    CHECK(neardup::split_essays(t, {.mode = split_mode::regex, .pattern = "x"}).essays.empty());
  }
}

TEST_CASE("no line is lost or counted twice, on random line soups", "[split]") {
  // Fragments of every shape the splitter tells apart, mixed at random (fixed seed).
  std::vector<std::string> const fixed = {
      "", "  ", "\u3000", "\r", "一键复制", "收藏 | 打印", "下一篇:心得篇二", "上一篇",
      "新冠疫情防控总结心得7篇", "写心得体会可以让我们更好地总结经验。以下是小编为大家收集的。",
      "一、疫情之初的困难。", "(一)严格人员排查关", "第二段:社区的平等", "总结:", "篇", "第篇",
      "篇一", "1、", "1.5", "十十", "一二三", "\xFF\xFE broken bytes", "\xE4\xB8", "【篇二】", paragraph(1),
      paragraph(2) + paragraph(3)};
  std::mt19937 rng(20240607);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto heading = [&]() -> std::string {
    int const n = static_cast<int>(pick(12)) + 1;
    switch (pick(6)) {
      case 0: return std::to_string(n) + "、心得体会";
      case 1: return "心得体会篇" + chinese_number(n);
      case 2: return "心得体会 篇" + std::to_string(n) + ":";
      case 3: return "第" + std::to_string(n) + "篇 心得";
      case 4: return std::to_string(n) + ". Title";
      default: return "篇" + chinese_number(n) + ":心得";
    }
  };
  std::vector<neardup::split_options> const modes = {
      {}, {.mode = neardup::split_mode::whole_file}, {.mode = neardup::split_mode::blank_line},
      {.mode = neardup::split_mode::regex, .pattern = "篇"}};
  for (int round = 0; round < 400; ++round) {
    std::string t;
    std::size_t const n = pick(40);
    for (std::size_t i = 0; i < n; ++i) {
      t += pick(3) == 0 ? heading() : fixed[pick(fixed.size())];
      if (i + 1 < n || pick(2) == 0) t += '\n';
    }
    INFO("round " << round << ":\n" << t);
    for (auto const& o : modes) check_invariants(t, neardup::split_essays(t, o));
  }
}

TEST_CASE("every mode keeps every line of the bundled files", "[split]") {
  auto const texts = bundled_texts();
  std::vector<neardup::split_options> const modes = {
      {.mode = neardup::split_mode::whole_file},
      {.mode = neardup::split_mode::blank_line},
      {.mode = neardup::split_mode::regex, .pattern = "心得"}};
  for (auto const& t : texts) {
    for (auto const& o : modes) check_invariants(t, neardup::split_essays(t, o));
  }
}

TEST_CASE("split mode names round-trip, an unknown name is invalid_argument", "[split]") {
  using neardup::split_mode;
  for (split_mode const mode :
       {split_mode::automatic, split_mode::whole_file, split_mode::blank_line, split_mode::regex}) {
    CHECK(neardup::split_mode_from_name(neardup::split_mode_name(mode)) == mode);
  }
  // The names dedup's --split takes.
  CHECK(neardup::split_mode_name(split_mode::automatic) == "auto");
  CHECK(neardup::split_mode_name(split_mode::whole_file) == "file");
  CHECK(neardup::split_mode_name(split_mode::blank_line) == "blank-line");
  CHECK(neardup::split_mode_name(split_mode::regex) == "regex");
  auto invalid_argument = [](std::string_view name) {
    try {
      (void)neardup::split_mode_from_name(name);
    } catch (neardup::error const& e) {
      return e.code() == neardup::errc::invalid_argument;
    }
    return false;
  };
  for (std::string_view const name : {"", "automatic", "Auto", "blank_line", "regex:^x", "whole"}) {
    INFO(name);
    CHECK(invalid_argument(name));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a file as a whole (issue 12): each layout kind of bench/layout_gen, by hand.

namespace {

/// A paragraph of about 150 characters (450 bytes): essays of a few make sections of real size.
std::string long_paragraph(int i) {
  std::string p = "第" + std::to_string(i) + "段。";
  for (int k = 0; k < 6; ++k)
    p += "疫情防控工作开展以来，社区干部群众齐心协力，守望相助，坚持把群众的安全放在第一位。";
  return p + "\n";
}

std::string long_essay(int from, int paragraphs = 4) {
  std::string e;
  for (int i = 0; i < paragraphs; ++i) e += long_paragraph(from + i);
  return e;
}

std::vector<std::size_t> starts(neardup::split_result const& r) {
  std::vector<std::size_t> s;
  for (auto const& e : r.essays) s.push_back(e.line);
  return s;
}

}  // namespace

TEST_CASE("the bundled essays start where a reader counts them", "[split]") {
  // Counted by hand: every essay of these files is numbered by a heading (003's first one excepted,
  // which comes before "篇2").
  std::vector<std::vector<std::size_t>> const expected = {{1, 7, 14, 18, 22, 25, 33, 39, 46, 52},
                                                          {2, 15, 22, 29, 36, 43, 50, 58, 65, 76},
                                                          {3, 9, 22, 29, 35, 45, 52},
                                                          {1, 6},
                                                          {1, 14, 24, 29, 38, 51, 57, 70}};
  auto const texts = bundled_texts();
  REQUIRE(texts.size() == expected.size());
  for (std::size_t f = 0; f < texts.size(); ++f) {
    INFO("file " << f);
    auto const r = neardup::split_essays(texts[f]);
    CHECK(starts(r) == expected[f]);
    for (auto const& e : r.essays) CHECK_FALSE(e.reason.empty());
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("collections one after another: the numbering starts again", "[split]") {
  auto const texts = bundled_texts();
  SECTION("a collection twice, joined as cat joins files without a final line break") {
    for (std::size_t f : {0u, 1u, 2u, 4u}) {
      INFO("file " << f);
      REQUIRE(texts[f].back() != '\n');  // the bundled files end without one
      std::string const twice = texts[f] + texts[f];
      auto const one = neardup::split_essays(texts[f]);
      auto const r = neardup::split_essays(twice);
      check_invariants(twice, r);
      REQUIRE(r.essays.size() == 2 * one.essays.size());
      std::size_t const n = one.essays.size();
      // The copies' bodies are the same text, the last essay of the first copy excepted (the line
      // the second copy's first line was glued to).
      for (std::size_t k = 1; k < n; ++k) {
        CHECK(body(twice, r.essays[n + k]) == body(texts[f], one.essays[k]));
        CHECK(r.essays[n + k].title == one.essays[k].title);
      }
      CHECK(r.essays[n].reason.find("starts again") != std::string::npos);
    }
  }
  SECTION("000 then 002: 10 and 7 essays; essays 1 and 7 of 000 still the same text") {
    std::string const t = texts[0] + texts[2];
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 17);
    CHECK(body(t, r.essays[0]) == body(t, r.essays[6]));
    CHECK(r.essays[10].title == "新冠疫情防控总结心得");
    // 002's preamble, on a line of its own, is furniture; its collection title ends 000's last
    // line.
    REQUIRE(r.furniture.size() == 1);
    CHECK(r.furniture[0].reason == "preamble");
  }
  SECTION("different heading families, each collection with its title and editor's note") {
    std::string t = "1、心得体会一\n" + long_essay(1) + "2、心得体会二\n" + long_essay(5) +
                    "防控心得体会精选3篇\n以下是小编为大家收集的心得体会，仅供参考。\n";
    for (int k = 1; k <= 3; ++k) t += "防控心得篇" + chinese_number(k) + "\n" + long_essay(10 * k);
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 5);
    CHECK(r.essays[1].last_line == 10);  // the title and the note are not essay 2's
    REQUIRE(r.furniture.size() == 2);
    CHECK(r.furniture[0].reason == "collection title");
    CHECK(r.furniture[1].reason == "preamble");
    CHECK(r.essays[2].title == "防控心得");
  }
}

TEST_CASE("a collection's numbering over titles with their own 篇N", "[split]") {
  // The titles' own numbers run in any order, repeat, in either numerals, with ":", "：" or space.
  std::vector<std::string> const headings = {"1、学习心得体会篇七",   "2、工作总结心得篇4",
                                             "3、疫情防控总结 篇六:", "4、学习心得体会篇七",
                                             "5、读书心得篇2：",      "6、演讲稿 篇5 "};
  std::string t;
  for (std::size_t k = 0; k < headings.size(); ++k)
    t += headings[k] + "\n" + long_essay(static_cast<int>(5 * k));
  auto const r = neardup::split_essays(t);
  check_invariants(t, r);
  REQUIRE(r.essays.size() == 6);
  CHECK(r.essays[0].title == "学习心得体会");
  CHECK(r.essays[2].title == "疫情防控总结");
  CHECK(r.essays[4].title == "读书心得");
  CHECK(r.essays[3].reason.find("heading 4、") != std::string::npos);
}

TEST_CASE("numbered points inside an essay are not headings", "[split]") {
  std::string points;
  std::vector<std::string> const items = {"按时完成作业", "认真听讲", "团结同学", "遵守纪律"};
  for (std::size_t k = 0; k < items.size(); ++k)
    points += std::to_string(k + 1) + "、" + items[k] + "\n" + long_paragraph(static_cast<int>(k));
  SECTION("a file that is one essay with numbered points: no split") {
    std::string const t = "我的学习计划\n" + long_paragraph(90) + points + long_paragraph(91);
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 1);
    CHECK(r.essays[0].title == "我的学习计划");
    CHECK(r.essays[0].reason.find("numbered points") != std::string::npos);
    // Two students' essays sharing a point line are two different texts, not one.
    std::string const u = "我的学习计划\n" + long_paragraph(80) +
                          points.substr(0, points.find('\n') + 1) + long_paragraph(81);
    CHECK(neardup::split_essays(u).essays.size() == 1);
  }
  SECTION("point lists inside the essays of a collection, of the collection's own numbering too") {
    for (std::string const fam : {"arabic", "pian"}) {
      std::string t;
      for (int k = 1; k <= 4; ++k) {
        t += (fam == "arabic" ? std::to_string(k) + "、防控心得体会"
                              : "防控心得体会篇" + chinese_number(k)) +
             "\n";
        t += long_paragraph(10 * k) + (k % 2 == 0 ? points : "") + long_essay(10 * k + 1, 2);
      }
      INFO(fam);
      auto const r = neardup::split_essays(t);
      check_invariants(t, r);
      REQUIRE(r.essays.size() == 4);
      CHECK(body(t, r.essays[1]).find("4、遵守纪律") != std::string::npos);
      CHECK(r.essays[1].reason.find("kept in the text") != std::string::npos);
    }
  }
}

TEST_CASE("unheaded essays between blank lines, one essay's paragraphs between blank lines",
          "[split]") {
  SECTION("blocks of several lines: an essay each") {
    std::string const t = long_essay(1, 3) + "\n" + long_essay(4, 2) + "\n\n" + long_essay(6, 3);
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    REQUIRE(r.essays.size() == 3);
    CHECK(starts(r) == std::vector<std::size_t>{1, 5, 9});
    CHECK(r.essays[0].reason.find("blank lines") != std::string::npos);
  }
  SECTION("blocks of one paragraph each: the paragraphs of one essay") {
    std::string const t = long_paragraph(1) + "\n" + long_paragraph(2) + "\n" + long_paragraph(3);
    CHECK(neardup::split_essays(t).essays.size() == 1);
  }
  SECTION("blocks that start like sections of one essay") {
    std::string const t = "一、背景\n" + long_essay(1, 2) + "\n二、做法\n" + long_essay(3, 2);
    CHECK(neardup::split_essays(t).essays.size() == 1);
  }
}

TEST_CASE("CRLF and GB18030 split as UTF-8 does", "[split]") {
  std::string t;
  for (int k = 1; k <= 3; ++k)
    t += std::to_string(k) + "、心得体会篇" + chinese_number(4 - k) + "\n" + long_essay(k);
  t += t;  // and twice over
  std::string crlf;
  for (char c : t) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  auto const expect = neardup::split_essays(t);
  REQUIRE(expect.essays.size() == 6);
  for (std::string const& bytes : {crlf, neardup_test::icu_encode(t, "GB18030")}) {
    auto const decoded = neardup::decode_to_utf8(bytes).utf8;
    REQUIRE(decoded == t);
    CHECK(starts(neardup::split_essays(decoded)) == starts(expect));
  }
}

TEST_CASE("essays far larger than the others of their file are warned of", "[split]") {
  std::string t;
  for (int k = 1; k <= 4; ++k) {
    t += "心得篇" + chinese_number(k) + "\n" + long_essay(k, k == 3 ? 90 : 3);
  }
  auto const r = neardup::split_essays(t);
  REQUIRE(r.essays.size() == 4);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].essay == 3);
  CHECK(r.warnings[0].line == r.essays[2].line);
  CHECK(r.warnings[0].message.find("the median essay of its file") != std::string::npos);
  // Multi-megabyte: warned of in any mode, even alone.
  std::string big;
  while (big.size() < neardup::split_warning_bytes) big += long_paragraph(1);
  auto const w = neardup::split_essays(big, {.mode = neardup::split_mode::whole_file});
  REQUIRE(w.warnings.size() == 1);
  CHECK(w.warnings[0].message.find("MB") != std::string::npos);
  CHECK(neardup::split_essays(long_essay(1)).warnings.empty());
}

namespace {

/// A text built line by line with its essays planted: what the split must give back exactly.
struct planted_text {
  std::string text;
  std::size_t lines = 0;
  std::vector<std::pair<std::size_t, std::size_t>> essays;  // (line, last_line), 1-based
  std::size_t first = 0;

  planted_text& add(std::string const& s) {  // one or more lines, each ending with '\n'
    text += s;
    lines += static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
    return *this;
  }
  planted_text& line(std::string const& s) { return add(s + "\n"); }
  planted_text& start() {  // the next line starts an essay
    first = lines + 1;
    return *this;
  }
  planted_text& end() {  // the last line added ends it
    essays.emplace_back(first, lines);
    return *this;
  }
};

std::vector<std::pair<std::size_t, std::size_t>> spans(neardup::split_result const& r) {
  std::vector<std::pair<std::size_t, std::size_t>> s;
  for (auto const& e : r.essays) s.emplace_back(e.line, e.last_line);
  return s;
}

/// A short point line and a paragraph under it.
std::string point(std::string const& number, std::string const& words, int i) {
  return number + words + "\n" + paragraph(i);
}

}  // namespace

TEST_CASE("split regressions: numbered points", "[split]") {
  SECTION("总结 as a verb (\"2、及时总结经验\") does not make a point a heading") {
    planted_text p;
    p.start().line("我的学习计划").add(long_paragraph(1));
    std::vector<std::string> const words = {"落实工作责任", "及时总结经验", "勤俭节约", "认真听讲"};
    for (std::size_t k = 0; k < words.size(); ++k)
      p.add(point(std::to_string(k + 1) + "、", words[k], static_cast<int>(k)))
          .add(long_essay(static_cast<int>(10 + 2 * k), 2));  // sections longer than 300 characters
    p.add(long_paragraph(20)).end();
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
    CHECK(r.furniture.empty());
  }
  SECTION("a paragraph that says 小编 is essay text: the points under it stay in the essay") {
    planted_text p;
    p.start()
        .line("关于垃圾分类发言稿")
        .line("这篇文章是写给小编的一封信，讲的是我在社区参加垃圾分类的体会。");
    std::vector<std::string> const words = {"做好宣传教育", "加强督促检查", "认真听讲"};
    for (std::size_t k = 0; k < words.size(); ++k)
      p.add(point(std::to_string(k + 1) + "、", words[k], static_cast<int>(k)));
    p.add(long_paragraph(1)).end();
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
  }
  SECTION("points \"1. 2. 3. 4.\" inside a \"1、\" collection: the last point is not heading 4") {
    planted_text p;
    for (int k = 1; k <= 5; ++k) {
      p.start()
          .line(std::to_string(k) + "、社区防控心得体会" + chinese_number(k))
          .add(long_essay(10 * k, 2));
      if (k == 3) {
        std::vector<std::string> const words = {"强化责任担当", "遵守纪律", "严格排查登记",
                                                "加强督促检查"};
        for (std::size_t i = 0; i < words.size(); ++i)
          p.add(point(std::to_string(i + 1) + ". ", words[i], static_cast<int>(i)));
        p.add(long_essay(70, 7));  // the essay goes on long after its last point
      }
      p.end();
    }
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
  }
  SECTION(
      "a list goes on: its last point, before the essay's text, is not the collection's next "
      "heading") {
    // "1、… 2、… 3、注意个人卫生" in essay 2, then heading 3: the point 3 continues the list.
    planted_text p;
    std::vector<std::string> const titles = {"平凡英雄事迹活动总结", "优秀新员工入职演讲稿",
                                             "最新环境保护心得体会", "个人环境保护思想汇报",
                                             "大学生顶岗实习工作计划"};
    for (std::size_t k = 0; k < titles.size(); ++k) {
      p.start()
          .line(std::to_string(k + 1) + "、" + titles[k])
          .add(long_essay(static_cast<int>(10 * k), 2));
      if (k == 1) {
        std::vector<std::string> const words = {"深入走访群众", "遵守纪律", "注意个人卫生"};
        for (std::size_t i = 0; i < words.size(); ++i)
          p.add(point(std::to_string(i + 1) + "、", words[i], static_cast<int>(i)));
        p.add(long_essay(70, 7));  // the essay goes on long after its last point
      }
      p.end();
    }
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
  }
  SECTION("points running on into the collection's headings are turned down by their titles") {
    // Essay 3 ends with "1、认真听讲 2、尊敬师长 3、及时总结经验", their sections as long as the
    // essays; heading 4 follows. Only the headings name kinds of essay.
    planted_text p;
    std::vector<std::string> const titles = {"大学生基层党建演讲稿", "优秀文明城市创建观后感",
                                             "疫情防控感悟",         "关于文明城市创建观后感",
                                             "关于安全生产征文",     "消防安全个人总结"};
    for (std::size_t k = 0; k < titles.size(); ++k) {
      p.start()
          .line(std::to_string(k + 1) + "、" + titles[k])
          .add(long_essay(static_cast<int>(10 * k), 2));
      if (k == 2) {
        std::vector<std::string> const words = {"认真听讲", "尊敬师长", "及时总结经验"};
        for (std::size_t i = 0; i < words.size(); ++i)
          p.add(point(std::to_string(i + 1) + "、", words[i], static_cast<int>(i)))
              .add(long_paragraph(static_cast<int>(80 + i)));
      }
      p.end();
    }
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
  }
}

TEST_CASE("split regressions: headings and collections", "[split]") {
  SECTION("a collection's own numbering on a line beats a lone 篇2 on the same line") {
    std::vector<std::string> const headings = {
        "1、大学生顶岗实习演讲稿 篇六", "2、顶岗实习活动总结 篇8 ",
        "3、大学生军训心得体会篇9",     "4、党员干部学习心得 篇十:",
        "5、安全生产学习心得 篇四：",   "6、消防安全心得体会范文篇二 ",
        "7、社区防疫观后感 篇二：",     "8、家长会倡议书篇十"};
    planted_text p;
    for (std::size_t k = 0; k < headings.size(); ++k)
      p.start().line(headings[k]).add(long_essay(static_cast<int>(5 * k), 2)).end().line("");
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
    CHECK(r.essays[6].title == "社区防疫观后感");
  }
  SECTION("a collection twice whose short essay 1 comes before a list in essay 2") {
    // "1. …" headings; essay 2 holds "1、…6、" points. The second copy's essay 1 (two short
    // paragraphs) is not turned down with the list after it.
    planted_text p;
    for (int copy = 0; copy < 2; ++copy) {
      p.start().line("1. 优秀医护人员演讲稿").add(paragraph(1)).add(paragraph(2)).end();
      p.start().line("2. 抗击疫情发言稿").add(long_paragraph(3));
      std::vector<std::string> const words = {"完善工作机制", "按时完成作业", "注意个人卫生",
                                              "坚持锻炼身体", "团结同学",     "勤俭节约"};
      for (std::size_t i = 0; i < words.size(); ++i)
        p.add(point(std::to_string(i + 1) + "、", words[i], static_cast<int>(i)));
      p.add(long_essay(40, 2)).end();
      p.start().line("3. 乡村振兴倡议书").add(long_essay(50, 3)).end();
      p.start().line("4. 军训心得体会").add(long_essay(60, 2)).end();
    }
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
  }
  SECTION("unheaded essays between blank lines, one of them starting with a number") {
    planted_text p;
    p.start()
        .line("（2020年春节）社区开展了防控宣传，居民积极配合")
        .add(long_paragraph(1))
        .end()
        .line("");
    p.start().add(long_essay(2, 2)).end().line("");
    p.start().add(long_essay(4, 3)).end();
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
  }
}

TEST_CASE("split regressions: an unheaded essay before a headed collection", "[split]") {
  SECTION("two short paragraphs, then a collection: an essay, not a preamble") {
    planted_text p;
    p.start().add(paragraph(1)).add(paragraph(2)).end();
    for (int k = 1; k <= 3; ++k)
      p.start()
          .line(std::to_string(k) + "、防控心得体会" + chinese_number(k))
          .add(long_essay(10 * k, 3))
          .end();
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
    CHECK(r.essays[0].title.empty());
    CHECK(r.furniture.empty());
  }
  SECTION("the collection's title and editor's note stay out of the essay before it") {
    planted_text p;
    p.start().add(long_essay(1, 2)).end();
    p.line("防控心得体会精选3篇").line("以下是小编为大家收集的心得体会，仅供参考。");
    for (int k = 1; k <= 3; ++k)
      p.start().line("防控心得篇" + chinese_number(k)).add(long_essay(10 * k, 3)).end();
    auto const r = neardup::split_essays(p.text);
    check_invariants(p.text, r);
    CHECK(spans(r) == p.essays);
    REQUIRE(r.furniture.size() == 2);
    CHECK(r.furniture[0].reason == "collection title");
    CHECK(r.furniture[1].reason == "preamble");
  }
  SECTION("the bundled 003's unheaded essay 1, then the bundled 002") {
    auto const texts = bundled_texts();
    std::string const essay1 = texts[3].substr(0, texts[3].find("防控疫情措施心得"));
    std::string const t = essay1 + texts[2];
    auto const r = neardup::split_essays(t);
    check_invariants(t, r);
    std::vector<std::size_t> expected = {1};
    for (std::size_t s : {3u, 9u, 22u, 29u, 35u, 45u, 52u}) expected.push_back(s + 5);
    CHECK(starts(r) == expected);
    CHECK(r.essays[0].last_line == 5);
    REQUIRE(r.furniture.size() == 2);
    CHECK(r.furniture[0].reason == "collection title");
    CHECK(r.furniture[1].reason == "preamble");
  }
}
