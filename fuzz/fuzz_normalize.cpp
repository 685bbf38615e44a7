// normalize: output code points are Unicode scalar values; normalization is idempotent; valid UTF-8
// has no invalid bytes counted; the AVX-512 block path (where the CPU has it) gives what the scalar
// loop gives; the output with sentence marks is the output once the marks are taken out. Options come
// from the first byte.
#include <neardup/normalize.hpp>

#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "text/normalize_block.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t const flags = data[0];
  std::string_view const text(reinterpret_cast<char const*>(data + 1), size - 1);
  neardup::normalize_options o;
  o.nfkc_casefold = (flags & 1) == 0;
  o.traditional_to_simplified = (flags & 2) == 0;
  o.strip_pinyin_annotations = (flags & 4) == 0;
  o.strip_web_artifacts = (flags & 8) == 0;
  o.drop_whitespace = (flags & 16) == 0;
  o.drop_punctuation = true;  // idempotence is documented for this case
  neardup::normalizer const n(o);
  std::u32string out;
  auto const stats = n.normalize(text, out);
  for (char32_t c : out) FUZZ_CHECK(c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF));
  std::string const utf8 = n.normalize_to_utf8(text);
  std::u32string again;
  auto const stats2 = n.normalize(utf8, again);
  FUZZ_CHECK(again == out);
  FUZZ_CHECK(stats2.invalid_bytes == 0);
  // Every target this CPU runs gives the scalar loop's output.
  using neardup::detail::block_target;
  block_target const initial = neardup::detail::active_block_target();
  neardup::detail::set_block_target(block_target::scalar);
  std::u32string scalar;
  auto const scalar_stats = n.normalize(text, scalar);
  for (auto const t : {block_target::avx2, block_target::avx512}) {
    if (!neardup::detail::set_block_target(t)) continue;
    std::u32string on_target;
    auto const target_stats = n.normalize(text, on_target);
    FUZZ_CHECK(on_target == scalar);
    FUZZ_CHECK(target_stats == scalar_stats);
  }
  neardup::detail::set_block_target(initial);
  FUZZ_CHECK(scalar == out);
  FUZZ_CHECK(scalar_stats == stats);
  std::u32string marked;
  neardup::normalize_stats marked_stats;
  if (n.normalize_marking_sentences(text, marked, marked_stats)) {
    std::u32string unmarked;
    for (char32_t const c : marked)
      if (c != neardup::sentence_end_mark && c != neardup::line_end_mark) unmarked.push_back(c);
    FUZZ_CHECK(unmarked == out);
    FUZZ_CHECK(marked_stats == stats);
  }
  return 0;
}
