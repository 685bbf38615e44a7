// split, page furniture: web buttons ("一键复制", "收藏 | 打印"), navigation links ("下一篇:…") and
// titles that announce a number of essays.
#include "corpus/split_furniture.hpp"

#include <algorithm>
#include <array>

#include "corpus/split_headings.hpp"

namespace neardup::detail::essay_split {
namespace {

/// Short web buttons and links that pages scatter around an essay.
constexpr std::array<std::u32string_view, 34> button_words = {
    U"一键复制", U"复制",     U"复制全文", U"复制本文", U"全文复制", U"收藏",     U"加入收藏",
    U"收藏本文", U"下载",     U"下载文档", U"下载本文", U"免费下载", U"打印",     U"打印本文",
    U"返回顶部", U"回到顶部", U"返回",     U"返回列表", U"返回首页", U"分享",     U"分享到",
    U"举报",     U"点赞",     U"评论",     U"上一篇",   U"下一篇",   U"展开全文", U"阅读全文",
    U"查看全文", U"更多",     U"相关推荐", U"相关文章", U"热门推荐", U"推荐阅读"};

bool is_button_word(std::u32string_view w) noexcept {
  return std::find(button_words.begin(), button_words.end(), w) != button_words.end();
}

}  // namespace

bool is_button_line(std::u32string_view s) noexcept {
  if (s.empty() || s.size() > max_nav_chars) return false;
  for (std::u32string_view const nav :
       {std::u32string_view(U"上一篇"), std::u32string_view(U"下一篇")}) {
    if (s.starts_with(nav)) {
      std::u32string_view const rest = s.substr(nav.size());
      if (rest.empty() || rest.front() == U':' || rest.front() == U'：' ||
          is_white_space(rest.front())) {
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

std::u32string_view after_buttons(std::u32string_view s) noexcept {
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::u32string_view const w : button_words) {
      if (s.size() > w.size() && s.starts_with(w)) {
        s = trim(s.substr(w.size()));
        stripped = true;
      }
    }
  }
  return s;
}

bool reads_like_preamble(std::string_view line) noexcept {
  // An editor's note is a sentence or two; a paragraph of an essay that happens to say 小编 is not
  // one.
  constexpr std::size_t max_preamble_bytes = 450;
  if (line.size() > max_preamble_bytes) return false;
  constexpr std::string_view cues[] = {"以下是",     "欢迎阅读",   "仅供参考", "供大家参考",
                                       "欢迎大家",   "希望对你",   "希望对您", "希望对大家",
                                       "为大家收集", "为大家整理", "精心整理", "帮大家整理"};
  // "小编" names the editor of a note when the reader is spoken to right after it
  // ("小编为大家整理", "小编今天就为您带来了"); a sentence of an essay that happens to say 小编
  // does not.
  constexpr std::size_t reader_within_bytes = 30;  // about ten characters
  for (std::size_t at = line.find("小编"); at != std::string_view::npos;
       at = line.find("小编", at + 1)) {
    std::string_view const after = line.substr(at, reader_within_bytes);
    for (std::string_view const reader : {"大家", "您", "你"}) {
      if (after.find(reader) != std::string_view::npos) return true;
    }
  }
  for (std::string_view const c : cues) {
    if (line.find(c) != std::string_view::npos) return true;
  }
  return false;
}

bool announces_essay_count(std::u32string_view s) noexcept {
  for (std::size_t p = 1; p < s.size(); ++p) {
    if (s[p] != U'篇' || !is_number_char(s[p - 1])) continue;
    std::size_t b = p - 1;
    while (b > 0 && is_number_char(s[b - 1])) --b;
    if (b == 0 || s[b - 1] != U'第') return true;
  }
  return false;
}

}  // namespace neardup::detail::essay_split
