// split: essays are in order, inside the text, never overlap; every non-blank line is in exactly
// one essay (heading or body) or one furniture range — in all four modes.
#include <neardup/encoding.hpp>
#include <neardup/split.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  std::string const text = neardup::decode_to_utf8(std::string_view(reinterpret_cast<char const*>(data + 1), size - 1)).utf8;
  neardup::split_options o;
  static neardup::split_mode const modes[] = {neardup::split_mode::automatic, neardup::split_mode::whole_file,
                                              neardup::split_mode::blank_line, neardup::split_mode::regex};
  o.mode = modes[data[0] % 4];
  if (o.mode == neardup::split_mode::regex) o.pattern = "^第.+篇$";
  auto const r = neardup::split_essays(text, o);

  // Line table: start offsets and whether each line is blank.
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  std::size_t const lines = text.empty() ? 0 : (text.back() == '\n' ? starts.size() - 1 : starts.size());
  // Blank as split.hpp defines it: white space only (detail::is_white_space: U+3000, U+00A0, ...).
  auto blank = [&](std::size_t line) {  // 1-based
    std::size_t const b = starts[line - 1];
    std::size_t const e = line < starts.size() ? starts[line] : text.size();
    for (std::size_t i = b; i < e;) {
      neardup::detail::utf8_sequence const d = neardup::detail::decode_utf8(text, i);
      if (d.cp != '\n' && !neardup::detail::is_white_space(d.cp)) return false;
      i += d.length;
    }
    return true;
  };
  std::vector<int> owner(lines + 1, 0);
  std::size_t previous_end = 0, previous_last = 0;
  for (auto const& e : r.essays) {
    FUZZ_CHECK(e.begin <= e.end && e.end <= text.size());
    FUZZ_CHECK(e.begin >= previous_end);
    FUZZ_CHECK(e.line >= 1 && e.line <= e.last_line && e.last_line <= lines);
    FUZZ_CHECK(e.line > previous_last);
    for (std::size_t l = e.line; l <= e.last_line; ++l) ++owner[l];
    previous_end = e.end;
    previous_last = e.last_line;
  }
  for (auto const& f : r.furniture) {
    FUZZ_CHECK(f.first >= 1 && f.first <= f.last && f.last <= lines);
    for (std::size_t l = f.first; l <= f.last; ++l) ++owner[l];
  }
  for (std::size_t l = 1; l <= lines; ++l) {
    if (blank(l)) continue;
    FUZZ_CHECK(owner[l] == 1);  // no line lost, none counted twice
  }
  return 0;
}
