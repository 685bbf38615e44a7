// Private to split: the heading grammar — the numbered lines that head essays ("1、…", "…篇一",
// "第2篇 …"), the numerals in them, and what a title line looks like — and the small text helpers
// the split stages share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/utf8.hpp"

namespace neardup::detail::essay_split {

inline constexpr std::size_t max_heading_chars = 40;  // headings are short; list items longer
inline constexpr std::size_t max_nav_chars = 60;      // "下一篇:<a title>" navigation links

/// `s` without white space (detail::is_white_space) at either end.
[[nodiscard]] inline std::u32string_view trim(std::u32string_view s) noexcept {
  while (!s.empty() && is_white_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_white_space(s.back())) s.remove_suffix(1);
  return s;
}

[[nodiscard]] inline bool contains(std::u32string_view set, char32_t c) noexcept {
  return set.find(c) != std::u32string_view::npos;
}

/// Short (at most max_heading_chars) and not a sentence: the shape of any heading or title line.
[[nodiscard]] bool title_shaped(std::u32string_view trimmed) noexcept;

/// A digit of either script or a Chinese multiplier (十, 百): what numbers in headings are made of.
[[nodiscard]] bool is_number_char(char32_t c) noexcept;

/// The numbering styles of headings; a collection numbers its essays in one of them.
enum class family : std::uint8_t {
  arabic,   // "1、title", "1. title"
  pian,     // "title篇一", "title 篇1:", "篇一: title"
  di_pian,  // "第1篇 title", "title 第一篇"
};
inline constexpr std::size_t family_count = 3;

struct heading_match {
  family fam = family::arabic;
  int number = 0;
  std::u32string_view title;  // inside the trimmed line
  bool dot = false;           // arabic: "1." or "1．" rather than "1、"
};

/// "<arabic>、title" or "<arabic>. title" (not a decimal number such as "3.5亿"), in a trimmed
/// line.
[[nodiscard]] std::optional<heading_match> match_arabic(std::u32string_view s) noexcept;

/// "…篇<n>", "…第<n>篇" at the end of the line, or "篇<n>…", "第<n>篇…" at its start.
[[nodiscard]] std::optional<heading_match> match_pian(std::u32string_view s) noexcept;

/// The title of a heading line without any of its numbering: a collection's "1、" and the title's
/// own "篇七", "第2篇" ("1、疫情心得体会篇七:" gives "疫情心得体会"); `trimmed` itself when that
/// would leave nothing.
[[nodiscard]] std::u32string_view bare_title(std::u32string_view trimmed) noexcept;

/// The title names a kind of essay (心得, 体会, 总结, 感悟, 演讲稿, 读后感, 范文, 作文, …): what
/// the headings of a collection say and the points of a list ("1、按时完成作业") do not. Kinds that
/// are verbs too (总结, 计划, 汇报, …) count only at the end of the title or before another kind
/// ("工作总结", "总结范文"; not "及时总结经验").
[[nodiscard]] bool names_essay_kind(std::u32string_view title) noexcept;

}  // namespace neardup::detail::essay_split
