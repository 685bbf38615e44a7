// Private to split: choosing the heading lines of a file as a whole. Every numbered, title-shaped
// line is a candidate; the chooser takes the set of runs (n, n+1, n+2, … of one numbering style,
// each run starting again at 1 after the one before) that heads the most essays, and turns down
// runs that the rest of the file says are not headings: lists with no text between their lines
// (a table of contents) and numbered points inside an essay.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/split_headings.hpp"

namespace neardup::detail::essay_split {

inline constexpr std::size_t no_line = static_cast<std::size_t>(-1);

/// A numbered line that may head an essay: one per numbering the line carries ("1、…篇七" gives an
/// Arabic candidate 1 and a 篇 candidate 7).
struct heading_candidate {
  std::size_t line = 0;  // 0-based
  family fam = family::arabic;
  int number = 0;
  bool dot = false;           // "1." rather than "1、": a collection writes its numbers one way
  std::u32string_view title;  // bare_title() of the line
  bool names_kind = false;    // names_essay_kind(title)
  /// The heading ends a line of text ("…取得最后胜利。1、平凡英雄事迹"): files joined without a
  /// final line break. The essay before keeps the line; this one starts on the next.
  bool glued = false;
};

/// What the chooser needs to know of the lines, by 0-based line (arrays of lines + 1 entries).
struct line_facts {
  std::span<const std::size_t> nonblank_before;  // non-blank lines before line i
  std::span<const std::size_t> bytes_before;     // bytes of the non-blank lines before line i
  std::span<const std::size_t> prev_nonblank;  // the last non-blank line before line i, or no_line
  std::function<bool(std::size_t)> essay_text;  // line i is a sentence or paragraph, not a note
  std::size_t content_end = 0;       // lines from here on are trailing furniture
};

/// A run of headings chosen.
struct heading_run {
  std::vector<std::size_t> members;  // candidate indices, in file order
  bool restart = false;              // the numbering starts again after an earlier run
  bool after_unheaded = false;       // a lone "篇2"-style heading after an unheaded essay 1
};

/// A run that was turned down, and why.
struct rejected_run {
  std::size_t first_line = 0, last_line = 0;  // 0-based heading lines
  family fam = family::arabic;
  int first_number = 0, last_number = 0;
  std::string why;
};

struct run_choice {
  std::vector<heading_run> runs;
  std::vector<rejected_run> rejected;
};

/// Chooses the headings among `candidates` (in file order; by line, then family).
[[nodiscard]] run_choice choose_runs(std::span<const heading_candidate> candidates,
                                     line_facts const& facts);

/// "3、", "篇3", "第3篇": how a family writes number `n`, for reasons shown to people.
[[nodiscard]] std::string numbering_text(family fam, int n);

}  // namespace neardup::detail::essay_split
