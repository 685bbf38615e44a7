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
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "common/enum_names.hpp"
#include "common/utf8.hpp"
#include "corpus/split_furniture.hpp"
#include "corpus/split_headings.hpp"
#include "corpus/split_runs.hpp"
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

/// Decodes `s` into `out`, replacing what it held (a buffer reused line after line).
void decode_into(std::string_view s, std::u32string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size();) out += next_code_point(s, i);
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  decode_into(s, out);
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
  std::u32string u;  // the short lines decoded, one after another
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
      decode_into(s, u);
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
  void add_essay(std::size_t heading, std::size_t first, std::size_t last, std::string title,
                 std::string why) {
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
    e.reason = std::move(why);
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

std::size_t body_bytes(std::vector<line_info> const& lines, std::size_t first, std::size_t last) {
  std::size_t n = 0;
  for (std::size_t i = first; i < last; ++i) {
    if (!lines[i].blank) n += lines[i].end - lines[i].begin;
  }
  return n;
}

std::string line_numbers(std::size_t first, std::size_t last) {  // 0-based in, 1-based out
  return first == last ? "line " + std::to_string(first + 1)
                       : "lines " + std::to_string(first + 1) + "-" + std::to_string(last + 1);
}

/// The runs turned down inside lines [first, last), for the reason of the essay holding them.
std::string rejected_inside(std::vector<rejected_run> const& rejected, std::size_t first,
                            std::size_t last) {
  std::string s;
  for (rejected_run const& r : rejected) {
    if (r.first_line < first || r.first_line >= last) continue;
    s += "; " + numbering_text(r.fam, r.first_number) + "…" + numbering_text(r.fam, r.last_number) +
         " at " + line_numbers(r.first_line, r.last_line) + " kept in the text (" + r.why + ")";
  }
  return s;
}

/// No run of headings: essays separated by blank lines when every block between blank lines has
/// several lines (paragraphs are then not what blank lines separate) and at most one block starts
/// like a section of one essay ("一、…", "(一)…", "1、…"); else the whole file. False when not
/// blocks.
bool add_blocks(builder& out, std::vector<line_info> const& lines, std::size_t content_end) {
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  for (std::size_t i = 0; i < content_end;) {
    while (i < content_end && lines[i].blank) ++i;
    std::size_t const first = i;
    while (i < content_end && !lines[i].blank) ++i;
    if (i > first) blocks.emplace_back(first, i);
  }
  if (blocks.size() < 2) return false;
  // Sections come in numbered order: one block that starts with a number ("15、…", a paragraph
  // that happens to) does not make the blocks sections of one essay; two do.
  std::size_t sections = 0;
  for (auto const& [first, last] : blocks) {
    if (last - first < 2) return false;
    std::u32string_view const t = lines[first].trimmed;
    bool const section =
        t.size() >= 2 && ((is_number_char(t[0]) && (t[1] == U'、' || t[1] == U'.')) ||
                          ((t[0] == U'(' || t[0] == U'（') && is_number_char(t[1])));
    if (section || match_arabic(t)) ++sections;
  }
  if (sections >= 2) return false;
  for (auto const& [first, last] : blocks) {
    std::string const why = "no numbered headings; text between blank lines, " +
                            std::to_string(blocks.size()) + " blocks of several lines each";
    if (title_shaped(lines[first].trimmed)) {
      out.add_essay(first, first + 1, last, to_utf8(lines[first].trimmed), why);
    } else {
      out.add_essay(none, first, last, {}, why);
    }
  }
  return true;
}

/// The heading that ends a line of essay text, past its last sentence ("…取得最后胜利。1、平凡英雄
/// 事迹个人学习心得", as `cat` leaves files that do not end with a line break), decoded and
/// trimmed; empty when there is none.
std::u32string glued_heading(std::string_view line) {
  // Only the end of the line is looked at: a heading is short.
  constexpr std::size_t look_back = max_heading_chars * 4;
  std::size_t const from = line.size() > look_back ? line.size() - look_back : 0;
  // The last sentence end (。！？!?), found byte by byte from the end: most lines end with one.
  std::size_t cut = std::string_view::npos;
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(line[i]); };
  for (std::size_t i = line.size(); i > from && cut == std::string_view::npos; --i) {
    unsigned char const c = byte(i - 1);
    bool const ascii = c == '!' || c == '?';
    bool const wide =
        i >= 3 && ((byte(i - 3) == 0xE3 && byte(i - 2) == 0x80 && c == 0x82) ||
                   (byte(i - 3) == 0xEF && byte(i - 2) == 0xBC && (c == 0x81 || c == 0x9F)));
    if (ascii || wide) cut = i;
  }
  if (cut == std::string_view::npos || cut >= line.size()) return {};
  std::u32string tail = to_u32(line.substr(cut));
  std::size_t skip = 0;  // closing quotes end the sentence
  while (skip < tail.size() && contains(U"”’」』)）\"'", tail[skip])) ++skip;
  std::u32string_view const t = trim(std::u32string_view(tail).substr(skip));
  if (!title_shaped(t) || (!match_arabic(t) && !match_pian(t))) return {};
  return std::u32string(t);
}

/// What a line just before a collection's first heading is when it is not essay text: the
/// collection's title ("…7篇"), an editor's note ("以下是小编…") or a button ending the page
/// before.
std::optional<reason> furniture_before_collection(std::string_view text, line_info const& li) {
  if (title_shaped(li.trimmed) && announces_essay_count(li.trimmed))
    return reason::collection_title;
  if (reads_like_preamble(text.substr(li.begin, li.end - li.begin))) return reason::preamble;
  if (is_button_line(li.trimmed)) return reason::trailing_furniture;
  return std::nullopt;
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
  std::vector<std::size_t> bytes_before(lines.size() + 1, 0);
  std::vector<std::size_t> prev_nonblank(lines.size() + 1, no_line);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool const nb = !lines[i].blank;
    nonblank_before[i + 1] = nonblank_before[i] + (nb ? 1 : 0);
    bytes_before[i + 1] = bytes_before[i] + (nb ? lines[i].end - lines[i].begin : 0);
    prev_nonblank[i + 1] = nb ? i : prev_nonblank[i];
  }

  std::vector<heading_candidate> cands;
  std::deque<std::u32string> glued;  // the glued headings' text (stable: the titles view it)
  for (std::size_t i = 0; i < content_end; ++i) {
    if (lines[i].blank) continue;
    std::u32string_view t = lines[i].trimmed;
    bool const is_glued = !title_shaped(t);
    if (is_glued) {
      std::u32string g = glued_heading(text.substr(lines[i].begin, lines[i].end - lines[i].begin));
      if (g.empty()) continue;
      t = glued.emplace_back(std::move(g));
    }
    // A line may carry two numberings ("1、心得篇七"); each is a candidate of its family.
    std::optional<heading_match> arabic = match_arabic(t), pian = match_pian(t);
    if (!arabic && !pian && !is_glued) {
      // "一键复制1、…": the button that ended the file before, then this one's heading.
      std::u32string_view const rest = after_buttons(t);
      if (rest.size() == t.size() || !title_shaped(rest)) continue;
      t = rest;
      arabic = match_arabic(t);
      pian = match_pian(t);
    }
    if (!arabic && !pian) continue;
    std::u32string_view const title = bare_title(t);
    bool const kind = names_essay_kind(title);
    for (std::optional<heading_match> const& m : {arabic, pian}) {
      if (m) cands.push_back({i, m->fam, m->number, m->dot, title, kind, is_glued});
    }
  }
  // Asked only of the lines before the runs chosen: a sentence or a paragraph, not a note.
  auto const essay_text = [&](std::size_t p) {
    line_info const& pl = lines[p];
    return !title_shaped(pl.trimmed) && !is_button_line(pl.trimmed) &&
           !reads_like_preamble(text.substr(pl.begin, pl.end - pl.begin));
  };
  line_facts const facts{nonblank_before, bytes_before, prev_nonblank, essay_text, content_end};
  run_choice const choice = choose_runs(cands, facts);

  if (choice.runs.empty()) {
    std::size_t first = 0;
    while (first < content_end && lines[first].blank) ++first;
    if (first == content_end) return std::move(out).finish();
    if (add_blocks(out, lines, content_end)) return std::move(out).finish();
    // One essay, headed by a short title-like first line.
    std::string const why = "no run of numbered headings: the whole file" +
                            rejected_inside(choice.rejected, 0, content_end);
    bool const more = nonblank_before[content_end] - nonblank_before[first + 1] > 0;
    if (title_shaped(lines[first].trimmed) && more) {
      out.add_essay(first, first + 1, content_end, to_utf8(lines[first].trimmed), why);
    } else {
      out.add_essay(none, first, content_end, {}, why);
    }
    return std::move(out).finish();
  }

  // The headings in file order, and where each essay's text ends.
  struct heading {
    std::size_t line;
    bool glued;       // ends line `line`, which stays with the essay before
    std::size_t end;  // one past the essay's last line
    std::string title, why;
  };
  // Where an essay before heading `c` ends: at its line, or after it when glued.
  auto end_before = [](heading_candidate const& c) { return c.glued ? c.line + 1 : c.line; };
  std::vector<heading> heads;
  for (heading_run const& run : choice.runs) {
    heading_candidate const& a = cands[run.members.front()];
    heading_candidate const& b = cands[run.members.back()];
    std::string const of_run =
        run.members.size() == 1
            ? std::string(run.restart ? " after another collection: the numbering starts again at "
                                        "2 (its essay 1 has no heading and stays with the essay "
                                        "before)"
                                      : " after an unheaded essay 1")
            : " of the run " + numbering_text(a.fam, a.number) + "…" +
                  numbering_text(b.fam, b.number) + " (" + std::to_string(run.members.size()) +
                  " headings" + (run.restart ? "; the numbering starts again" : "") + ")";
    if (run.restart && !heads.empty() && !a.glued) {
      // A collection after another: its title and editor's note end the essay before it.
      std::size_t cut = a.line;
      for (std::size_t q = prev_nonblank[a.line]; q != no_line && q > heads.back().line;
           q = prev_nonblank[q]) {
        std::optional<reason> const r = furniture_before_collection(text, lines[q]);
        if (!r) break;
        out.mark(q, *r);
        cut = q;
      }
      heads.back().end = cut;
    }
    for (std::size_t const k : run.members) {
      heading_candidate const& c = cands[k];
      if (!heads.empty() && heads.back().end > end_before(c)) heads.back().end = end_before(c);
      heads.push_back({c.line, c.glued, content_end, to_utf8(c.title),
                       "heading " + numbering_text(c.fam, c.number) + of_run +
                           (c.glued ? "; it ends the line before, after a sentence" : "")});
    }
  }

  // Text before the first heading.
  std::size_t const first_heading =
      heads.front().glued ? heads.front().line + 1 : heads.front().line;
  if (nonblank_before[first_heading] > 0) {
    std::vector<std::size_t> sizes;
    for (heading const& h : heads) sizes.push_back(body_bytes(lines, h.line + 1, h.end));
    std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                     sizes.end());
    std::size_t const median = sizes[sizes.size() / 2];
    std::size_t first = 0;
    while (lines[first].blank) ++first;
    // An unheaded essay before a collection (files joined) keeps the collection's title and
    // editor's note out of it, as before a collection that starts again.
    std::size_t pre_end = first_heading;
    std::vector<std::pair<std::size_t, reason>> peeled;
    if (!heads.front().glued) {
      for (std::size_t q = prev_nonblank[first_heading]; q != no_line && q > first;
           q = prev_nonblank[q]) {
        std::optional<reason> const r = furniture_before_collection(text, lines[q]);
        if (!r) break;
        peeled.emplace_back(q, *r);
        pre_end = q;
      }
    }
    std::size_t const pre_bytes = body_bytes(lines, 0, pre_end);
    heading_candidate const& a = cands[choice.runs.front().members.front()];
    // Essays in one collection differ in length by about 2x; a preamble is a paragraph or two of
    // the site's own words; two paragraphs of text that is not a note are an essay.
    bool const numbered_two = a.number == 2;
    auto const two_text_lines = [&] {  // sentences or paragraphs, not notes
      std::size_t n = 0;
      for (std::size_t i = first; i < pre_end && n < 2; ++i) n += !lines[i].blank && essay_text(i);
      return n >= 2;
    };
    bool const is_essay = numbered_two || 2 * pre_bytes >= median || two_text_lines();
    if (is_essay) {
      for (auto const& [q, r] : peeled) out.mark(q, r);
      std::string const why =
          (numbered_two ? "text before the first heading (" + numbering_text(a.fam, 2) +
                              "): essay 1, without a numbered heading"
           : 2 * pre_bytes >= median
               ? std::string("text before the first heading, as long as an essay")
               : std::string("text before the first heading, paragraphs of essay text "
                             "rather than an editor's note")) +
          rejected_inside(choice.rejected, 0, pre_end);
      bool const more = nonblank_before[pre_end] - nonblank_before[first + 1] > 0;
      std::u32string_view const t = lines[first].trimmed;
      if (more && title_shaped(t) && announces_essay_count(t)) {
        out.mark(first, reason::collection_title);
        out.add_essay(none, first + 1, pre_end, {}, why);
      } else if (more && title_shaped(t)) {
        out.add_essay(first, first + 1, pre_end, to_utf8(t), why);
      } else {
        out.add_essay(none, first, pre_end, {}, why);
      }
    } else {
      for (std::size_t i = first; i < first_heading; ++i) {
        if (lines[i].blank) continue;
        out.mark(i, title_shaped(lines[i].trimmed) ? reason::collection_title : reason::preamble);
      }
    }
  }

  for (heading& h : heads) {
    h.why += rejected_inside(choice.rejected, h.line, h.end);
    out.add_essay(h.glued ? none : h.line, h.line + 1, h.end, std::move(h.title), std::move(h.why));
  }
  return std::move(out).finish();
}

// ---------------------------------------------------------------------------------------------
// explicit modes

split_result split_whole(std::string_view text) {
  std::vector<line_info> const lines = split_lines(text, false);
  builder out(lines, false);
  out.add_essay(none, 0, lines.size(), {}, "split mode file: the whole file");
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
    if (i > first)
      out.add_essay(none, first, i, {}, "split mode blank-line: text between blank lines");
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
  out.add_essay(none, 0, first_heading, {},  // dropped when blank
                "split mode regex: the text before the first line that matches");
  for (std::size_t k = 0; k < headings.size(); ++k) {
    std::size_t const h = headings[k];
    std::size_t const next = k + 1 < headings.size() ? headings[k + 1] : lines.size();
    out.add_essay(h, h + 1, next, trimmed_line(text, lines[h]),
                  "split mode regex: the line matches the pattern");
  }
  return std::move(out).finish();
}

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
  return detail::enum_from_name(name,
                                {split_mode::automatic, split_mode::whole_file,
                                 split_mode::blank_line, split_mode::regex},
                                split_mode_name, "split mode");
}

namespace {

std::string megabytes(std::size_t bytes) {
  std::size_t const tenths = (bytes + 50'000) / 100'000;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

/// Essays that are multi-megabyte or far larger than the others of their file: a split gone wrong,
/// most likely (collections run together), and worth a look before the report is trusted.
void add_size_warnings(split_result& r) {
  std::vector<std::size_t> sizes;
  for (essay_span const& e : r.essays) sizes.push_back(e.end - e.begin);
  if (sizes.empty()) return;
  std::vector<std::size_t> sorted = sizes;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                   sorted.end());
  std::size_t const median = std::max<std::size_t>(sorted[sorted.size() / 2], 1);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    bool const huge = sizes[i] >= split_warning_bytes;
    bool const outsized = sizes.size() >= 3 && sizes[i] >= split_outsized_bytes &&
                          sizes[i] >= split_outsized_factor * median;
    if (!huge && !outsized) continue;
    essay_span const& e = r.essays[i];
    std::string message = "essay " + std::to_string(i + 1) + " (lines " + std::to_string(e.line) +
                          "-" + std::to_string(e.last_line) + ") is " + megabytes(sizes[i]);
    if (outsized)
      message += ", " + std::to_string(sizes[i] / median) + "x the median essay of its file";
    r.warnings.push_back({i + 1, e.line, std::move(message) + ": check how the file was split"});
  }
}

}  // namespace

split_result split_essays(std::string_view utf8_text, split_options const& options) {
  split_result r;
  switch (options.mode) {
    case split_mode::whole_file:
      r = split_whole(utf8_text);
      break;
    case split_mode::blank_line:
      r = split_blank_line(utf8_text);
      break;
    case split_mode::regex:
      r = split_regex(utf8_text, options.pattern);
      break;
    case split_mode::automatic:
      r = split_automatic(utf8_text);
      break;
  }
  add_size_warnings(r);
  return r;
}

}  // namespace neardup
