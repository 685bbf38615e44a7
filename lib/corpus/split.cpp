// split — cutting a decoded file into essays, and telling page furniture apart.
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

#include "neardup/error.hpp"
#include "common/utf8.hpp"

namespace neardup {
namespace {

// ---------------------------------------------------------------------------------------------
// Characters

constexpr std::size_t max_heading_chars = 40;  // headings are short; list items and sentences longer
constexpr std::size_t max_nav_chars = 60;      // "下一篇:<a title>" navigation links
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

using detail::is_white_space;

std::u32string_view trim(std::u32string_view s) noexcept {
  while (!s.empty() && is_white_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_white_space(s.back())) s.remove_suffix(1);
  return s;
}

bool contains(std::u32string_view set, char32_t c) noexcept {
  return set.find(c) != std::u32string_view::npos;
}

constexpr std::u32string_view openers = U"【[(（〔《〈「『“‘\"'";
constexpr std::u32string_view closers = U"】])）〕》〉」』”’\"'";
constexpr std::u32string_view separators = U":：、.．-—–·";
// A line ending in one of these is (part of) a sentence, not a heading. Commas too: a line ending
// in one continues on the next.
constexpr std::u32string_view sentence_ends = U"。！？；…!?;.．，,";

/// True when the line ends like a sentence, looking past closing quotes and brackets (“…。”).
bool ends_like_sentence(std::u32string_view s) noexcept {
  while (!s.empty() && (contains(closers, s.back()) || is_white_space(s.back()))) s.remove_suffix(1);
  return !s.empty() && contains(sentence_ends, s.back());
}

/// Short and not a sentence: the shape of any heading or title line.
bool title_shaped(std::u32string_view trimmed) noexcept {
  return !trimmed.empty() && trimmed.size() <= max_heading_chars && !ends_like_sentence(trimmed);
}

// ---------------------------------------------------------------------------------------------
// Numbers: 1 2 3, １２３, 一 二 … 十 十一 … 九十九 … 一百零五

int arabic_digit(char32_t c) noexcept {
  if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
  if (c >= 0xFF10 && c <= 0xFF19) return static_cast<int>(c - 0xFF10);
  return -1;
}

int chinese_digit(char32_t c) noexcept {
  switch (c) {
    case U'零': case U'〇': return 0;
    case U'一': return 1;
    case U'二': case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}

int chinese_multiplier(char32_t c) noexcept {
  if (c == U'十') return 10;
  if (c == U'百') return 100;
  return 0;
}

bool is_number_char(char32_t c) noexcept {
  return arabic_digit(c) >= 0 || chinese_digit(c) >= 0 || chinese_multiplier(c) > 0;
}

/// Parses a whole run of digits of one script; nullopt for mixed scripts or malformed numerals.
std::optional<int> parse_number(std::u32string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  if (arabic_digit(s.front()) >= 0) {
    if (s.size() > 4) return std::nullopt;
    int v = 0;
    for (char32_t const c : s) {
      int const d = arabic_digit(c);
      if (d < 0) return std::nullopt;
      v = v * 10 + d;
    }
    return v;
  }
  int total = 0;
  int current = -1;  // the pending digit, -1 when none
  int last_multiplier = 1000;
  for (char32_t const c : s) {
    if (int const d = chinese_digit(c); d >= 0) {
      if (current > 0) return std::nullopt;  // "一二": a digit list, not a numeral
      current = d;
    } else if (int const m = chinese_multiplier(c); m > 0) {
      if (m >= last_multiplier || current == 0) return std::nullopt;
      total += (current < 0 ? 1 : current) * m;  // "十一": a bare 十 means 10
      current = -1;
      last_multiplier = m;
    } else {
      return std::nullopt;
    }
  }
  if (current > 0) total += current;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Headings

enum class family : std::uint8_t {
  arabic,   // "1、title", "1. title"
  pian,     // "title篇一", "title 篇1:", "篇一: title"
  di_pian,  // "第1篇 title", "title 第一篇"
};
constexpr std::size_t family_count = 3;

struct heading_match {
  family fam = family::arabic;
  int number = 0;
  std::u32string_view title;  // inside the trimmed line
};

/// Strips brackets and separators around a title ("】疫情心得", "疫情心得(").
std::u32string_view clean_title(std::u32string_view t) noexcept {
  for (;;) {
    t = trim(t);
    if (!t.empty() && (contains(closers, t.front()) || contains(separators, t.front()))) {
      t.remove_prefix(1);
    } else if (!t.empty() && (contains(openers, t.back()) || contains(separators, t.back()))) {
      t.remove_suffix(1);
    } else {
      return t;
    }
  }
}

std::optional<heading_match> match_arabic(std::u32string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && arabic_digit(s[i]) >= 0) ++i;
  if (i == 0 || i > 3) return std::nullopt;
  auto const number = parse_number(s.substr(0, i));
  std::size_t j = i;
  while (j < s.size() && is_white_space(s[j])) ++j;
  if (j >= s.size()) return std::nullopt;
  char32_t const sep = s[j];
  if (sep != U'、' && sep != U'.' && sep != U'．') return std::nullopt;
  // "3.5亿": a decimal number, not a list number.
  if (sep != U'、' && j + 1 < s.size() && arabic_digit(s[j + 1]) >= 0) return std::nullopt;
  std::u32string_view const title = clean_title(s.substr(j + 1));
  if (title.empty() || !number) return std::nullopt;
  return heading_match{family::arabic, *number, title};
}

/// "…篇<n>", "…第<n>篇" at the end of the line, or "篇<n>…", "第<n>篇…" at its start.
std::optional<heading_match> match_pian(std::u32string_view s) noexcept {
  // At the end, past a trailing colon or closing bracket.
  std::size_t e = s.size();
  while (e > 0 && (is_white_space(s[e - 1]) || contains(closers, s[e - 1]) ||
                   contains(separators, s[e - 1]))) {
    --e;
  }
  std::size_t k = e;
  while (k > 0 && is_number_char(s[k - 1])) --k;
  if (k < e) {
    std::size_t j = k;
    while (j > 0 && is_white_space(s[j - 1])) --j;
    if (j > 0 && s[j - 1] == U'篇') {
      if (auto const n = parse_number(s.substr(k, e - k))) {
        return heading_match{family::pian, *n, clean_title(s.substr(0, j - 1))};
      }
    }
  } else if (e > 0 && s[e - 1] == U'篇') {
    std::size_t const num_end = e - 1;
    std::size_t num_begin = num_end;
    while (num_begin > 0 && is_number_char(s[num_begin - 1])) --num_begin;
    if (num_begin < num_end && num_begin > 0 && s[num_begin - 1] == U'第') {
      if (auto const n = parse_number(s.substr(num_begin, num_end - num_begin))) {
        return heading_match{family::di_pian, *n, clean_title(s.substr(0, num_begin - 1))};
      }
    }
  }
  // At the start, past an opening bracket.
  std::size_t b = 0;
  while (b < s.size() && (is_white_space(s[b]) || contains(openers, s[b]))) ++b;
  if (b >= s.size()) return std::nullopt;
  bool const di = s[b] == U'第';
  if (!di && s[b] != U'篇') return std::nullopt;
  std::size_t i = b + 1;
  while (!di && i < s.size() && is_white_space(s[i])) ++i;
  std::size_t const num_begin = i;
  while (i < s.size() && is_number_char(s[i])) ++i;
  auto const n = parse_number(s.substr(num_begin, i - num_begin));
  if (!n) return std::nullopt;
  if (di) {
    if (i >= s.size() || s[i] != U'篇') return std::nullopt;
    ++i;
  }
  return heading_match{di ? family::di_pian : family::pian, *n, clean_title(s.substr(i))};
}

// ---------------------------------------------------------------------------------------------
// Page furniture

/// Short web buttons and links that pages scatter around an essay.
constexpr std::array<std::u32string_view, 34> button_words = {
    U"一键复制", U"复制",   U"复制全文", U"复制本文", U"全文复制", U"收藏",     U"加入收藏",
    U"收藏本文", U"下载",   U"下载文档", U"下载本文", U"免费下载", U"打印",     U"打印本文",
    U"返回顶部", U"回到顶部", U"返回",   U"返回列表", U"返回首页", U"分享",     U"分享到",
    U"举报",     U"点赞",   U"评论",     U"上一篇",   U"下一篇",   U"展开全文", U"阅读全文",
    U"查看全文", U"更多",   U"相关推荐", U"相关文章", U"热门推荐", U"推荐阅读"};

bool is_button_word(std::u32string_view w) noexcept {
  return std::find(button_words.begin(), button_words.end(), w) != button_words.end();
}

/// "一键复制", "收藏 | 打印", "下一篇:疫情防控心得": a line made of buttons or a navigation link.
bool is_button_line(std::u32string_view s) noexcept {
  if (s.empty() || s.size() > max_nav_chars) return false;
  for (std::u32string_view const nav : {std::u32string_view(U"上一篇"), std::u32string_view(U"下一篇")}) {
    if (s.starts_with(nav)) {
      std::u32string_view const rest = s.substr(nav.size());
      if (rest.empty() || rest.front() == U':' || rest.front() == U'：' || is_white_space(rest.front())) {
        return true;
      }
    }
  }
  if (s.size() > max_heading_chars) return false;
  constexpr std::u32string_view token_breaks = U"|｜/·•丨";
  std::size_t tokens = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_white_space(s[i]) || contains(token_breaks, s[i]))) ++i;
    std::size_t const start = i;
    while (i < s.size() && !is_white_space(s[i]) && !contains(token_breaks, s[i])) ++i;
    if (i > start) {
      if (!is_button_word(s.substr(start, i - start))) return false;
      ++tokens;
    }
  }
  return tokens > 0;
}

/// "新冠疫情防控总结心得7篇", "心得体会(精选十篇)": a title announcing a number of essays.
bool announces_essay_count(std::u32string_view s) noexcept {
  for (std::size_t p = 1; p < s.size(); ++p) {
    if (s[p] != U'篇' || !is_number_char(s[p - 1])) continue;
    std::size_t b = p - 1;
    while (b > 0 && is_number_char(s[b - 1])) --b;
    if (b == 0 || s[b - 1] != U'第') return true;
  }
  return false;
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
