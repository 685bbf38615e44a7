// split, heading grammar: numbered heading lines and their numerals (1 2 3, １２３, 一 二 … 十 十一
// … 九十九 … 一百零五).
#include "corpus/split_headings.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace neardup::detail::essay_split {
namespace {

constexpr std::u32string_view openers = U"【[(（〔《〈「『“‘\"'";
constexpr std::u32string_view closers = U"】])）〕》〉」』”’\"'";
constexpr std::u32string_view separators = U":：、.．-—–·";
// A line ending in one of these is (part of) a sentence, not a heading. Commas too: a line ending
// in one continues on the next.
constexpr std::u32string_view sentence_ends = U"。！？；…!?;.．，,";

/// True when the line ends like a sentence, looking past closing quotes and brackets (“…。”).
bool ends_like_sentence(std::u32string_view s) noexcept {
  while (!s.empty() && (contains(closers, s.back()) || is_white_space(s.back())))
    s.remove_suffix(1);
  return !s.empty() && contains(sentence_ends, s.back());
}

int arabic_digit(char32_t c) noexcept {
  if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
  if (c >= 0xFF10 && c <= 0xFF19) return static_cast<int>(c - 0xFF10);
  return -1;
}

int chinese_digit(char32_t c) noexcept {
  switch (c) {
    case U'零':
    case U'〇':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

int chinese_multiplier(char32_t c) noexcept {
  if (c == U'十') return 10;
  if (c == U'百') return 100;
  return 0;
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

}  // namespace

bool title_shaped(std::u32string_view trimmed) noexcept {
  return !trimmed.empty() && trimmed.size() <= max_heading_chars && !ends_like_sentence(trimmed);
}

bool is_number_char(char32_t c) noexcept {
  return arabic_digit(c) >= 0 || chinese_digit(c) >= 0 || chinese_multiplier(c) > 0;
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
  return heading_match{family::arabic, *number, title, sep != U'、'};
}

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

std::u32string_view bare_title(std::u32string_view trimmed) noexcept {
  std::u32string_view t = trimmed;
  if (auto const a = match_arabic(t)) t = a->title;
  if (auto const p = match_pian(t); p && !p->title.empty()) t = p->title;
  return t.empty() ? trimmed : t;
}

namespace {

constexpr std::u32string_view kind_nouns[] = {
    U"心得",   U"体会", U"體會", U"感悟", U"感想", U"感言", U"读后感", U"讀後感", U"观后感",
    U"觀後感", U"范文", U"範文", U"作文", U"征文", U"徵文", U"倡议",   U"倡議",   U"致辞",
    U"致辭",   U"随笔", U"隨筆", U"日记", U"日記", U"散文", U"故事",   U"事迹",   U"事蹟",
    U"评语",   U"評語", U"简报", U"簡報", U"方案", U"材料", U"稿"};
// These are verbs too: "及时总结经验", "认真汇报工作" are points of a list. As the kind of an
// essay they end its title ("工作总结", "思想汇报"), or come before another kind ("总结范文").
constexpr std::u32string_view kind_verbs[] = {U"总结", U"總結", U"演讲", U"演講", U"发言",
                                              U"發言", U"报告", U"報告", U"汇报", U"彙報",
                                              U"计划", U"計劃", U"讲话", U"講話"};

// The first characters of those words, a bit each over the CJK block: a title holding none of them
// (most numbered points) is answered by one lookup a character instead of a search for every word.
constexpr char32_t cjk_first = 0x4E00, cjk_last = 0x9FFF;
constexpr auto kind_first_chars = [] {
  std::array<std::uint64_t, (cjk_last - cjk_first + 64) / 64> bits{};
  auto const set = [&](std::u32string_view w) {
    auto const c = static_cast<std::size_t>(w[0] - cjk_first);
    bits[c / 64] |= std::uint64_t{1} << (c % 64);
  };
  for (std::u32string_view const w : kind_nouns) set(w);
  for (std::u32string_view const w : kind_verbs) set(w);
  return bits;
}();
static_assert([] {
  for (std::u32string_view const w : kind_nouns)
    if (w[0] < cjk_first || w[0] > cjk_last) return false;
  for (std::u32string_view const w : kind_verbs)
    if (w[0] < cjk_first || w[0] > cjk_last) return false;
  return true;
}());

bool may_start_kind(char32_t c) noexcept {
  if (c < cjk_first || c > cjk_last) return false;
  auto const i = static_cast<std::size_t>(c - cjk_first);
  return (kind_first_chars[i / 64] >> (i % 64) & 1) != 0;
}

}  // namespace

bool names_essay_kind(std::u32string_view title) noexcept {
  if (std::none_of(title.begin(), title.end(), may_start_kind)) return false;
  for (std::u32string_view const k : kind_nouns) {
    if (title.find(k) != std::u32string_view::npos) return true;
  }
  for (std::u32string_view const k : kind_verbs) {
    for (std::size_t at = title.find(k); at != std::u32string_view::npos;
         at = title.find(k, at + 1)) {
      std::u32string_view const rest = title.substr(at + k.size());
      if (rest.empty() || names_essay_kind(rest)) return true;
    }
  }
  return false;
}

}  // namespace neardup::detail::essay_split
