// split — one decoded file in, the essays it holds out.
//
// Essay collections scraped from the web put several essays in one file under numbered headings
// ("1、…", "…篇一", "第2篇"), often with page furniture around them: the collection's own title, an
// editor's preamble, "一键复制" buttons. This stage finds the essays and says why every other
// non-blank line was left out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

/// How a file is cut into essays.
enum class split_mode {
  automatic,   ///< numbered headings if the file has a consistent sequence of them, else one essay
  whole_file,  ///< the whole file is one essay
  blank_line,  ///< essays are separated by one or more blank lines
  regex,       ///< a line matching split_options::pattern starts an essay and is its heading
};

/// The name of a split mode, as the dedup program's --split takes it: "auto", "file",
/// "blank-line" or "regex".
[[nodiscard]] std::string_view split_mode_name(split_mode mode) noexcept;

/// The split mode named `name` (one of split_mode_name()'s names). Throws
/// error(errc::invalid_argument) for any other name.
[[nodiscard]] split_mode split_mode_from_name(std::string_view name);

/// Options of split_essays().
struct split_options {
  split_mode mode = split_mode::automatic;
  /// For split_mode::regex: an ICU regular expression searched in each non-blank line (anchor it
  /// with ^ and $ to match whole lines); a line that matches starts an essay and is its heading.
  /// (The explicit `{}` lets callers write `{.mode = split_mode::blank_line}` warning-free.)
  std::string pattern{};
};

/// One essay of a file. Lines are 1-based; byte offsets index the text given to split_essays().
struct essay_span {
  std::size_t begin = 0;      ///< first byte of the BODY (the heading line excluded)
  std::size_t end = 0;        ///< one past the body's last byte (its final line break excluded)
  std::size_t line = 0;       ///< line where the essay starts: its heading, or its first body line
  std::size_t last_line = 0;  ///< last non-blank line of the essay
  /// The heading line trimmed, without its numbering ("1、", "篇一:", "第1篇"), so re-posts under
  /// the same title compare equal; the whole trimmed heading when that would leave nothing (a bare
  /// "篇一"); empty when the essay has no heading. In regex mode, the whole trimmed matching line.
  /// A title's own numbering under a collection's ("2、防控心得篇4") goes too ("防控心得"). A
  /// heading glued to the end of a line of text ("…最后胜利。1、平凡英雄事迹", as `cat` leaves
  /// files without a final line break) gives the title of an essay that starts on the next line;
  /// the line stays, whole, the last line of the essay before.
  std::string title;
  /// Why an essay starts here, for people checking a split: the rule and its evidence, e.g.
  /// "heading 3、 of the run 1、…10、 (10 headings)", "text before the first heading (篇2): essay
  /// 1, without a numbered heading", "no run of numbered headings: the whole file; 1、…4、 at lines
  /// 3-9 kept in the text (numbered points inside an essay: short sections after its text)".
  std::string reason{};
};

/// Non-blank lines `first`..`last` (1-based, inclusive) that belong to no essay, and why. Blank lines
/// inside the range are incidental.
struct line_range {
  std::size_t first = 0;
  std::size_t last = 0;
  std::string reason;  ///< "collection title", "preamble" or "trailing page furniture"
};

/// An essay worth a look before a report is trusted: one of at least split_warning_bytes, or (in a
/// file of three essays or more) of at least split_outsized_bytes and split_outsized_factor times
/// the median essay of its file. Most likely collections or essays run together.
struct split_warning {
  std::size_t essay = 0;  ///< 1-based index in split_result::essays
  std::size_t line = 0;   ///< its first line
  std::string message;  ///< "essay 3 (lines 40-900) is 2.1 MB, 35x the median essay of its file: …"
};
inline constexpr std::size_t split_warning_bytes = 1u << 20;
inline constexpr std::size_t split_outsized_bytes = 32u << 10;
inline constexpr std::size_t split_outsized_factor = 8;

/// The essays of one file, in file order, and the furniture left out.
struct split_result {
  std::vector<essay_span> essays;
  std::vector<line_range> furniture;  ///< only split_mode::automatic reports furniture
  std::vector<split_warning> warnings{};  ///< in every mode
};

/// Splits UTF-8 text (LF line ends, as decode_to_utf8() returns it; a stray CR counts as blank
/// space) into essays. Never loses a line: every non-blank line is in exactly one essay (as its
/// heading or in its body) or in exactly one furniture range. Blank text gives no essays.
///
/// split_mode::automatic reads the file as a whole. Candidate headings are lines that are short (at
/// most 40 characters), do not end like a sentence (。!?;…), and are numbered as "<arabic>、title",
/// "<arabic>. title", "title 篇<n>[:]", "篇<n>: title" or "第<n>篇 title", with <n> in Arabic or
/// Chinese numerals; a line may carry two numberings ("1、防控心得篇七": a collection's numbering
/// over a title's own), each a candidate. The headings taken are the runs n, n+1, n+2, … of one
/// numbering each (one family, and for Arabic numbers one separator: "1、" or "1.") that have the
/// most heading lines (ties: the most essays, then the most even division of the text), where a run
/// after another starts again at 1 (collections one after another in a file) and counts from two
/// headings, or from one "篇2" after an unheaded essay 1. A run is turned down, and the choice made
/// again without it, when its lines have no text between them (a table of contents) or when it is
/// numbered points inside an essay: an Arabic run right after a line of essay text or right under a
/// heading, whose sections are short (under about 300 characters, or 1,500 when most of its titles
/// name no kind of essay such as 心得, 演讲稿, 工作总结 — 总结, 计划, 汇报 … count only at the end
/// of a title, "及时总结经验" is a point), or whose first two or more titles name no kind where the
/// titles after them do (points running on into the headings). The number after a point turned
/// down, of the same numbering, is the list's next point unless its title names a kind. Other
/// numbered lines ("一、…", "(一)…", long "1、…" items) stay in the body. Text before the first
/// heading is essay 1 when the first heading is number 2, when it is at least half as long as the
/// median essay, or when it holds two paragraphs of text that are not an editor's note (a
/// collection title and an editor's note just before the first heading are then furniture);
/// otherwise it is furniture ("collection title" for short title-like lines, "preamble" for the
/// rest). Before a run that starts again, a collection title ("…7篇") and an editor's note
/// ("以下是小编…", "小编为您…": 小编 with the reader spoken to right after) are furniture too.
/// Short web buttons (一键复制, 收藏, 下载, 打印, 返回顶部, 上一篇/下一篇 …) ending an essay are
/// "trailing page furniture". With no run, the file is one essay (headed by its first line when
/// short and title-like) — unless it is two or more blocks of several lines between blank lines, at
/// most one starting like a section ("一、", "(一)", "1、"): then each block is an essay.
/// Every essay says why it starts where it does (essay_span::reason). The explicit modes take the
/// text literally and report no furniture; in regex mode text before the first matching line is an
/// essay without heading.
///
/// Throws error(errc::invalid_argument) for split_mode::regex with an empty or invalid pattern.
///
///   auto text = neardup::decode_to_utf8(bytes).utf8;
///   for (auto const& e : neardup::split_essays(text).essays)
///     index(e.title, std::string_view(text).substr(e.begin, e.end - e.begin));
[[nodiscard]] split_result split_essays(std::string_view utf8_text, split_options const& options = {});

}  // namespace neardup
