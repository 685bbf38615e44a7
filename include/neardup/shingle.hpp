// shingle — normalized code points in, hashed n-grams out.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

/// Shingle size and hash seed.
struct shingle_options {
  unsigned n = 5;          ///< code points (or words) per shingle; >= 1
  std::uint64_t seed = 0;  ///< seed of XXH3
};

/// Character n-grams of `text`, each hashed with XXH3_64bits_withSeed over its UTF-32 code units.
/// Clears `out`. An empty text gives no shingle; a text shorter than n gives one shingle of the
/// whole text, so short texts do not all collapse into the same empty signature. Duplicates are
/// kept. Throws neardup::error(invalid_argument) when n == 0.
///
///   auto hashes = neardup::char_shingles(U"疫情防控要坚持", {.n = 5});   // 3 shingles
void char_shingles(std::u32string_view text, shingle_options const& options, std::vector<std::uint64_t>& out);
[[nodiscard]] std::vector<std::uint64_t> char_shingles(std::u32string_view text, shingle_options const& options);

/// Word n-grams through ICU's word break iterator, for space-separated languages. Words are the
/// tokens whose rule status is not "none" (white space and punctuation are skipped); a text of
/// fewer than n words gives one shingle of all its words. Not thread-safe: one per thread.
class word_shingler {
 public:
  /// Throws neardup::error(icu_error) when ICU cannot make a word break iterator for `locale`.
  explicit word_shingler(std::string_view locale = "");
  ~word_shingler();
  word_shingler(word_shingler&&) noexcept;
  word_shingler& operator=(word_shingler&&) noexcept;

  void shingles(std::u32string_view text, shingle_options const& options, std::vector<std::uint64_t>& out);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Sorts and removes duplicates in place: the exact set used for exact Jaccard.
void make_shingle_set(std::vector<std::uint64_t>& hashes);

/// |A ∩ B| / |A ∪ B| of two sorted, duplicate-free sets; 0.0 when both are empty.
[[nodiscard]] double exact_jaccard(std::span<const std::uint64_t> sorted_a,
                                   std::span<const std::uint64_t> sorted_b) noexcept;

}  // namespace neardup
