// split — cutting a decoded file into essays: its lines, the modes (automatic: the longest run of
// numbered headings, with the furniture around it; whole file; blank lines; a regular expression)
// and the public entry point. The heading grammar is in split_headings.*, page furniture in
// split_furniture.*.
#include "neardup/split.hpp"

#include <unicode/parseerr.h>
#include <unicode/regex.h>
#include <unicode/stringpiece.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>

#include "common/utf8.hpp"
#include "corpus/split_furniture.hpp"
#include "corpus/split_headings.hpp"
#include "neardup/error.hpp"

namespace neardup {
namespace {

using namespace detail::essay_split;
using detail::is_white_space;

// ---------------------------------------------------------------------------------------------
// Characters

// Longer lines cannot hold max_nav_chars characters plus any sane indentation: never decoded.
constexpr std::size_t max_decoded_bytes = 512;

/// Decodes the code point at s[i] and moves `i` past it. Decoded text is valid UTF-8; on other
/// input each maximal subpart of an ill-formed sequence reads as one U+FFFD (detail::decode_utf8).
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  detail::utf8_sequence const d = detail::decode_utf8(s, i);
  i += d.length;
  return d.cp;
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out += next_code_point(s, i);
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char32_t const cp : s) detail::append_utf8(out, cp);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lines

struct line_info {
  std::size_t begin = 0;  // byte offsets of the line, without its '\n'
  std::size_t end = 0;
  bool blank = true;
  std::u32string trimmed;  // decoded and trimmed, only for lines short enough to be headings/buttons
};

bool is_blank(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (!is_white_space(next_code_point(s, i))) return false;
  }
  return true;
}

/// True when `s` certainly holds more than max_nav_chars code points after trimming, found without
/// decoding more than its white-space ends (most lines of an essay): the bytes that start a code
/// point between them, no more than its code points, are already too many.
bool surely_longer_than_nav(std::string_view s) noexcept {
  auto is_continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; };
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t i = begin;
    if (!is_white_space(next_code_point(s, i))) break;
    begin = i;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;
    for (int k = 0; k < 3 && start > begin && is_continuation(s[start]); ++k) --start;
    std::size_t i = start;
    // A code point that does not end exactly at `end` is part of an ill-formed sequence: U+FFFD.
    if (!is_white_space(next_code_point(s.substr(0, end), i)) || i != end) break;
    end = start;
  }
  std::size_t starts = 0;
  for (std::size_t i = begin; i < end; ++i) starts += is_continuation(s[i]) ? 0 : 1;
  return starts > max_nav_chars;
}

std::vector<line_info> split_lines(std::string_view text, bool decode_short) {
  std::vector<line_info> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    line_info li;
    li.begin = begin;
    li.end = end;
    std::string_view const s = text.substr(begin, end - begin);
    li.blank = is_blank(s);
    if (decode_short && !li.blank && s.size() <= max_decoded_bytes && !surely_longer_than_nav(s)) {
      std::u32string const u = to_u32(s);
      std::u32string_view const t = trim(u);
      if (t.size() <= max_nav_chars) li.trimmed.assign(t);
    }
    lines.push_back(std::move(li));
    begin = end + 1;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Building the result

constexpr std::size_t none = static_cast<std::size_t>(-1);

enum class reason : std::uint8_t { essay, collection_title, preamble, trailing_furniture };

std::string reason_text(reason r) {
  switch (r) {
    case reason::collection_title: return "collection title";
    case reason::preamble: return "preamble";
    case reason::trailing_furniture: return "trailing page furniture";
    case reason::essay: break;
  }
  return "essay";
}

class builder {
 public:
  builder(std::vector<line_info> const& lines, bool strip_buttons)
      : lines_(lines), marks_(lines.size(), reason::essay), strip_buttons_(strip_buttons) {}

  /// Adds the essay with heading line `heading` (or none) and body lines [first, last). Button lines
  /// ending the body become furniture when enabled. A headless essay without any text is dropped.
  void add_essay(std::size_t heading, std::size_t first, std::size_t last, std::string title) {
    if (strip_buttons_) {
      while (last > first) {
        line_info const& li = lines_[last - 1];
        if (!li.blank) {
          if (!is_button_line(li.trimmed)) break;
          marks_[last - 1] = reason::trailing_furniture;
        }
        --last;
      }
    }
    std::size_t body_first = none;
    std::size_t body_last = none;
    for (std::size_t i = first; i < last; ++i) {
      if (lines_[i].blank) continue;
      if (body_first == none) body_first = i;
      body_last = i;
    }
    if (heading == none && body_first == none) return;
    essay_span e;
    e.line = (heading != none ? heading : body_first) + 1;
    e.last_line = (body_last != none ? body_last : heading) + 1;
    if (body_first != none) {
      e.begin = lines_[body_first].begin;
      e.end = lines_[body_last].end;
    } else {
      e.begin = e.end = lines_[heading].end;
    }
    e.title = std::move(title);
    result_.essays.push_back(std::move(e));
  }

  void mark(std::size_t line, reason r) { marks_[line] = r; }

  /// Merges the furniture marks into ranges (blank lines between equal reasons do not break a range).
  split_result finish() && {
    line_range current;
    reason current_reason = reason::essay;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i].blank) continue;
      reason const r = marks_[i];
      if (r == current_reason && r != reason::essay) {
        current.last = i + 1;
        continue;
      }
      if (current_reason != reason::essay) result_.furniture.push_back(std::move(current));
      current_reason = r;
      current = line_range{i + 1, i + 1, r == reason::essay ? std::string() : reason_text(r)};
    }
    if (current_reason != reason::essay) result_.furniture.push_back(std::move(current));
    return std::move(result_);
  }

 private:
  std::vector<line_info> const& lines_;
  std::vector<reason> marks_;
  bool strip_buttons_;
  split_result result_;
};

std::string trimmed_line(std::string_view text, line_info const& li) {
  std::u32string const u = to_u32(text.substr(li.begin, li.end - li.begin));
  return to_utf8(trim(u));
}

// ---------------------------------------------------------------------------------------------
// automatic

struct candidate {
  std::size_t line = 0;
  int number = 0;
  std::u32string_view title;  // into lines[line].trimmed
  std::size_t prev = none;    // previous candidate (index) in the best run ending here
  std::size_t length = 1;     // headings in that run
  std::size_t start = 0;      // candidate index where that run starts
  double spread = 0;          // sum of log(text between consecutive headings) along that run
};

struct chain {
  std::vector<std::size_t> lines;
  std::vector<std::u32string_view> titles;
  int rank = 0;           // 1 for the 篇 families: 篇 is the counter word for essays
  int first_number = 0;
  std::size_t score = 0;  // headings, plus an unheaded essay 1 before a "2"
  double spread = 0;      // including the text after the last heading
};

/// Lexicographic "is (len_a, spread_a) better than (len_b, spread_b)".
bool longer_or_more_even(std::size_t len_a, double spread_a, std::size_t len_b, double spread_b) {
  return len_a != len_b ? len_a > len_b : spread_a > spread_b;
}

/// The best run n, n+1, n+2, … among one family's candidates, in file order: the longest, and among
/// equally long runs the one whose headings divide the text most evenly (the largest sum of
/// log(bytes between consecutive headings)): essays are long, list items inside them short.
/// A candidate right after one numbered one less ("3、" just after "2、") continues that list and
/// can follow nothing else: a run never jumps into the middle of a list nested in an essay.
chain best_chain(std::vector<candidate>& cands, std::vector<std::size_t> const& nonblank_before,
                 std::vector<std::size_t> const& bytes_before, std::size_t content_end) {
  auto log_gap = [&](std::size_t from_line, std::size_t to_line) {  // text strictly between
    return std::log(static_cast<double>(bytes_before[to_line] - bytes_before[from_line + 1]) + 1.0);
  };
  // Predecessors looked at per candidate: enough for any real file, bounded for pathological ones.
  constexpr std::size_t max_predecessors = 32;
  std::unordered_map<int, std::vector<std::size_t>> by_number;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    candidate& c = cands[i];
    c.start = i;
    bool const continues_list = i > 0 && cands[i - 1].number == c.number - 1;
    std::size_t const just_before = i - 1;
    if (auto it = by_number.find(c.number - 1); it != by_number.end()) {
      std::span<std::size_t const> const preds =
          continues_list ? std::span<std::size_t const>(&just_before, 1) : std::span<std::size_t const>(it->second);
      std::size_t const from = preds.size() > max_predecessors ? preds.size() - max_predecessors : 0;
      for (std::size_t k = from; k < preds.size(); ++k) {
        candidate const& p = cands[preds[k]];
        std::size_t const length = p.length + 1;
        double const spread = p.spread + log_gap(p.line, c.line);
        if (c.prev == none || longer_or_more_even(length, spread, c.length, c.spread)) {
          c.prev = preds[k];
          c.length = length;
          c.spread = spread;
          c.start = p.start;
        }
      }
    }
    by_number[c.number].push_back(i);
  }
  chain best;
  std::size_t best_end = none;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    candidate const& first = cands[cands[i].start];
    bool const unheaded_first = first.number == 2 && nonblank_before[first.line] > 0;
    std::size_t const score = cands[i].length + (unheaded_first ? 1 : 0);
    double const spread = cands[i].spread + log_gap(cands[i].line, std::max(content_end, cands[i].line + 1));
    if (best_end == none || longer_or_more_even(score, spread, best.score, best.spread)) {
      best_end = i;
      best.score = score;
      best.spread = spread;
      best.first_number = first.number;
    }
  }
  for (std::size_t i = best_end; i != none; i = cands[i].prev) {
    best.lines.push_back(cands[i].line);
    best.titles.push_back(cands[i].title);
  }
  std::reverse(best.lines.begin(), best.lines.end());
  std::reverse(best.titles.begin(), best.titles.end());
  return best;
}

std::size_t body_bytes(std::vector<line_info> const& lines, std::size_t first, std::size_t last) {
  std::size_t n = 0;
  for (std::size_t i = first; i < last; ++i) {
    if (!lines[i].blank) n += lines[i].end - lines[i].begin;
  }
  return n;
}

split_result split_automatic(std::string_view text) {
  std::vector<line_info> const lines = split_lines(text, true);
  builder out(lines, true);

  // Buttons and links after the last essay are furniture; taking them out first also keeps a
  // "下一篇:…篇二" link from posing as a heading.
  std::size_t content_end = lines.size();
  while (content_end > 0) {
    line_info const& li = lines[content_end - 1];
    if (!li.blank) {
      if (!is_button_line(li.trimmed)) break;
      out.mark(content_end - 1, reason::trailing_furniture);
    }
    --content_end;
  }

  std::vector<std::size_t> nonblank_before(lines.size() + 1, 0);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    nonblank_before[i + 1] = nonblank_before[i] + (lines[i].blank ? 0 : 1);
  }

  std::array<std::vector<candidate>, family_count> cands;
  for (std::size_t i = 0; i < content_end; ++i) {
    std::u32string_view const t = lines[i].trimmed;
    if (!title_shaped(t)) continue;
    // A line may fit two families ("1、心得篇一"); each family judges it on its own.
    for (std::optional<heading_match> const& m : {match_arabic(t), match_pian(t)}) {
      if (!m) continue;
      candidate c;
      c.line = i;
      c.number = m->number;
      c.title = m->title.empty() ? t : m->title;
      cands[static_cast<std::size_t>(m->fam)].push_back(c);
    }
  }
  std::vector<std::size_t> bytes_before(lines.size() + 1, 0);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bytes_before[i + 1] = bytes_before[i] + (lines[i].blank ? 0 : lines[i].end - lines[i].begin);
  }
  chain best;
  for (std::size_t f = 0; f < family_count; ++f) {
    chain c = best_chain(cands[f], nonblank_before, bytes_before, content_end);
    if (c.score < 2) continue;
    // 篇 names an essay outright, while "1、" also numbers lists inside essays: a 篇 run wins.
    c.rank = static_cast<family>(f) == family::arabic ? 0 : 1;
    bool better = true;
    if (best.score >= 2) {
      better = c.rank != best.rank ? c.rank > best.rank
                                   : longer_or_more_even(c.score, c.spread, best.score, best.spread);
    }
    if (better) best = std::move(c);
  }

  if (best.score < 2) {
    // No numbered headings: one essay, headed by a short title-like first line.
    std::size_t first = 0;
    while (first < content_end && lines[first].blank) ++first;
    if (first == content_end) return std::move(out).finish();
    bool const more = nonblank_before[content_end] - nonblank_before[first + 1] > 0;
    if (title_shaped(lines[first].trimmed) && more) {
      out.add_essay(first, first + 1, content_end, to_utf8(lines[first].trimmed));
    } else {
      out.add_essay(none, first, content_end, {});
    }
    return std::move(out).finish();
  }

  // Text before the first heading.
  std::size_t const first_heading = best.lines.front();
  if (nonblank_before[first_heading] > 0) {
    std::vector<std::size_t> sizes;
    for (std::size_t k = 0; k < best.lines.size(); ++k) {
      std::size_t const next = k + 1 < best.lines.size() ? best.lines[k + 1] : content_end;
      sizes.push_back(body_bytes(lines, best.lines[k] + 1, next));
    }
    std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                     sizes.end());
    std::size_t const median = sizes[sizes.size() / 2];
    std::size_t const pre_bytes = body_bytes(lines, 0, first_heading);
    // Essays in one collection differ in length by about 2x; a preamble is a paragraph or two.
    bool const is_essay = best.first_number == 2 || 2 * pre_bytes >= median;
    std::size_t first = 0;
    while (lines[first].blank) ++first;
    if (is_essay) {
      bool const more = nonblank_before[first_heading] - nonblank_before[first + 1] > 0;
      std::u32string_view const t = lines[first].trimmed;
      if (more && title_shaped(t) && announces_essay_count(t)) {
        out.mark(first, reason::collection_title);
        out.add_essay(none, first + 1, first_heading, {});
      } else if (more && title_shaped(t)) {
        out.add_essay(first, first + 1, first_heading, to_utf8(t));
      } else {
        out.add_essay(none, first, first_heading, {});
      }
    } else {
      for (std::size_t i = first; i < first_heading; ++i) {
        if (lines[i].blank) continue;
        out.mark(i, title_shaped(lines[i].trimmed) ? reason::collection_title : reason::preamble);
      }
    }
  }

  for (std::size_t k = 0; k < best.lines.size(); ++k) {
    std::size_t const h = best.lines[k];
    std::size_t const next = k + 1 < best.lines.size() ? best.lines[k + 1] : content_end;
    out.add_essay(h, h + 1, next, to_utf8(best.titles[k]));
  }
  return std::move(out).finish();
}

// ---------------------------------------------------------------------------------------------
// explicit modes

split_result split_whole(std::string_view text) {
  std::vector<line_info> const lines = split_lines(text, false);
  builder out(lines, false);
  out.add_essay(none, 0, lines.size(), {});
  return std::move(out).finish();
}

split_result split_blank_line(std::string_view text) {
  std::vector<line_info> const lines = split_lines(text, false);
  builder out(lines, false);
  std::size_t i = 0;
  while (i < lines.size()) {
    while (i < lines.size() && lines[i].blank) ++i;
    std::size_t const first = i;
    while (i < lines.size() && !lines[i].blank) ++i;
    if (i > first) out.add_essay(none, first, i, {});
  }
  return std::move(out).finish();
}

split_result split_regex(std::string_view text, std::string const& pattern) {
  if (pattern.empty()) {
    throw error(errc::invalid_argument, "split mode regex needs a pattern");
  }
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error{};
  std::unique_ptr<icu::RegexPattern> const compiled(icu::RegexPattern::compile(
      icu::UnicodeString::fromUTF8(icu::StringPiece(pattern.data(),
                                                    static_cast<int32_t>(pattern.size()))),
      0, parse_error, status));
  if (U_FAILURE(status) || !compiled) {
    throw error(errc::invalid_argument, "invalid split pattern '" + pattern + "': " +
                                            u_errorName(status) + " at offset " +
                                            std::to_string(parse_error.offset));
  }
  std::unique_ptr<icu::RegexMatcher> const matcher(compiled->matcher(status));
  if (U_FAILURE(status) || !matcher) {
    throw error(errc::invalid_argument,
                "cannot use split pattern '" + pattern + "': " + u_errorName(status));
  }

  std::vector<line_info> const lines = split_lines(text, false);
  std::vector<std::size_t> headings;
  icu::UnicodeString line_text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank) continue;  // a blank line cannot head an essay
    std::string_view const s = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
    line_text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    matcher->reset(line_text);
    UErrorCode st = U_ZERO_ERROR;
    if (matcher->find(st) && U_SUCCESS(st)) headings.push_back(i);
  }

  builder out(lines, false);
  std::size_t const first_heading = headings.empty() ? lines.size() : headings.front();
  out.add_essay(none, 0, first_heading, {});  // dropped when blank
  for (std::size_t k = 0; k < headings.size(); ++k) {
    std::size_t const h = headings[k];
    std::size_t const next = k + 1 < headings.size() ? headings[k + 1] : lines.size();
    out.add_essay(h, h + 1, next, trimmed_line(text, lines[h]));
  }
  return std::move(out).finish();
}

}  // namespace

namespace {

constexpr std::array<split_mode, 4> split_modes = {split_mode::automatic, split_mode::whole_file,
                                                   split_mode::blank_line, split_mode::regex};

}  // namespace

std::string_view split_mode_name(split_mode mode) noexcept {
  switch (mode) {
    case split_mode::whole_file: return "file";
    case split_mode::blank_line: return "blank-line";
    case split_mode::regex: return "regex";
    case split_mode::automatic: break;
  }
  return "auto";
}

split_mode split_mode_from_name(std::string_view name) {
  for (split_mode const mode : split_modes) {
    if (split_mode_name(mode) == name) return mode;
  }
  throw error(errc::invalid_argument, "unknown split mode '" + std::string(name) +
                                          "' (auto, file, blank-line or regex)");
}

split_result split_essays(std::string_view utf8_text, split_options const& options) {
  switch (options.mode) {
    case split_mode::whole_file: return split_whole(utf8_text);
    case split_mode::blank_line: return split_blank_line(utf8_text);
    case split_mode::regex: return split_regex(utf8_text, options.pattern);
    case split_mode::automatic: break;
  }
  return split_automatic(utf8_text);
}

}  // namespace neardup
