// passages: the offset-keeping normalization gives normalize()'s output with ordered spans inside
// the text; every passage of two texts lies inside both, in order, without overlaps, its matched
// characters no more than its span holds; the corpus finder gives the pairwise passages. The first
// byte picks gram, window and minimum; the texts are split at the first zero byte.
#include <neardup/normalize.hpp>
#include <neardup/passages.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"

namespace {

/// The normalized code points whose source lies within bytes [begin, end).
std::size_t inside(std::vector<neardup::source_span> const& spans, std::size_t begin,
                   std::size_t end) {
  return static_cast<std::size_t>(
      std::count_if(spans.begin(), spans.end(),
                    [&](neardup::source_span s) { return s.begin >= begin && s.end <= end; }));
}

std::vector<neardup::source_span> check_offsets(neardup::normalizer const& n,
                                                std::string_view text) {
  std::u32string out, expected;
  std::vector<neardup::source_span> spans;
  auto const stats = n.normalize_with_offsets(text, out, spans);
  auto const expected_stats = n.normalize(text, expected);
  FUZZ_CHECK(out == expected);
  FUZZ_CHECK(stats == expected_stats);
  FUZZ_CHECK(spans.size() == out.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    FUZZ_CHECK(spans[i].begin < spans[i].end && spans[i].end <= text.size());
    if (i > 0) FUZZ_CHECK(spans[i - 1].begin <= spans[i].begin && spans[i - 1].end <= spans[i].end);
  }
  return spans;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t const flags = data[0];
  std::string_view const rest(reinterpret_cast<char const*>(data + 1), size - 1);
  std::size_t const cut = std::min(rest.find('\0'), rest.size());
  std::string_view const a = rest.substr(0, cut);
  std::string_view const b = cut < rest.size() ? rest.substr(cut + 1) : std::string_view();
  neardup::passage_options o;
  o.gram = 2 + (flags & 7);
  o.window = 1 + ((flags >> 3) & 7);
  o.min_chars = 1 + ((flags >> 6) & 3) * 8;
  o.min_words = 1 + ((flags >> 6) & 3) * 3;
  o.threads = 1;
  static neardup::normalizer const norm;
  auto const spans_a = check_offsets(norm, a);
  auto const spans_b = check_offsets(norm, b);
  auto const pair = neardup::passages(a, b, o);
  FUZZ_CHECK(pair.containment_a >= 0 && pair.containment_a <= 1.0 + 1e-9);
  FUZZ_CHECK(pair.containment_b >= 0 && pair.containment_b <= 1.0 + 1e-9);
  std::size_t last_a_end = 0;
  for (auto const& p : pair.passages) {
    FUZZ_CHECK(p.a_start < p.a_end && p.a_end <= a.size());
    FUZZ_CHECK(p.b_start < p.b_end && p.b_end <= b.size());
    FUZZ_CHECK(p.a_start >= last_a_end);
    last_a_end = p.a_end;
    FUZZ_CHECK(p.chars >= 1);
    // Matched characters are normalized characters of the span (counted in the whole text's
    // normalization: a slice normalized alone may lose context, as "awww.x" cut to "www.x").
    FUZZ_CHECK(p.chars <= inside(spans_a, p.a_start, p.a_end));
    FUZZ_CHECK(p.chars <= inside(spans_b, p.b_start, p.b_end));
    FUZZ_CHECK(p.a_line ==
               1 + static_cast<std::size_t>(std::count(
                       a.begin(), a.begin() + static_cast<std::ptrdiff_t>(p.a_start), '\n')));
    FUZZ_CHECK(p.b_line ==
               1 + static_cast<std::size_t>(std::count(
                       b.begin(), b.begin() + static_cast<std::ptrdiff_t>(p.b_start), '\n')));
  }
  // The corpus finder over the two (no stock at this size) finds what the pairwise call finds.
  neardup::passage_finder finder(o);
  finder.add(a);
  finder.add(b);
  auto const corpus = finder.run();
  FUZZ_CHECK(corpus.pairs.size() <= 1);
  if (!corpus.pairs.empty()) FUZZ_CHECK(corpus.pairs[0].passages == pair.passages);
  return 0;
}
