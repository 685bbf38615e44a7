// Private to split: page furniture — the buttons, navigation links and collection titles that
// web pages put around the essays of a collection.
#pragma once

#include <string_view>

namespace neardup::detail::essay_split {

/// "一键复制", "收藏 | 打印", "下一篇:疫情防控心得": a line made of buttons or a navigation link.
[[nodiscard]] bool is_button_line(std::u32string_view trimmed) noexcept;

/// `trimmed` without the buttons it starts with ("一键复制1、平凡英雄事迹": a button glued to the
/// heading after it when files were joined without a final line break).
[[nodiscard]] std::u32string_view after_buttons(std::u32string_view trimmed) noexcept;

/// "以下是小编为大家收集的…，仅供参考，欢迎阅读。": an editor's note introducing a collection
/// (UTF-8 line, any length).
[[nodiscard]] bool reads_like_preamble(std::string_view line) noexcept;

/// "新冠疫情防控总结心得7篇", "心得体会(精选十篇)": a title announcing a number of essays.
[[nodiscard]] bool announces_essay_count(std::u32string_view trimmed) noexcept;

}  // namespace neardup::detail::essay_split
