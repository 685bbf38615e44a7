#include "neardup/shingle.hpp"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>
#include <algorithm>
#include <cstring>

#include "common/hash_sort.hpp"
#include "neardup/error.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {
namespace {

void check(shingle_options const& options) {
  if (options.n == 0) throw error(errc::invalid_argument, "shingle size n must be at least 1");
}

std::uint64_t hash_code_points(char32_t const* p, std::size_t count, std::uint64_t seed) noexcept {
  return XXH3_64bits_withSeed(p, count * sizeof(char32_t), seed);
}

/// XXH3_64bits_withSeed() of 17 to 32 bytes, written out (XXH3_len_17to128_64b with its two
/// 16-byte mixes) where it can be: through the library, GCC 12 took each 128-bit product through
/// the stack. The values are the library's (tested against it); elsewhere, the library's call.
[[gnu::always_inline]] inline std::uint64_t xxh3_17to32(unsigned char const* p, std::size_t len,
                                                        std::uint64_t seed) noexcept {
#if defined(__x86_64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  auto const read64 = [](unsigned char const* q) {
    std::uint64_t v;
    std::memcpy(&v, q, sizeof v);
    return v;  // XXH_readLE64 on a little-endian CPU
  };
  auto const mix16 = [&](unsigned char const* in, unsigned char const* secret) {
    std::uint64_t const a = read64(in) ^ (read64(secret) + seed);
    std::uint64_t const b = read64(in + 8) ^ (read64(secret + 8) - seed);
    // One MUL gives both halves of the product (XXH3_mul128_fold64).
    std::uint64_t low, high;
    asm("mulq %3" : "=a"(low), "=d"(high) : "a"(a), "rm"(b) : "cc");
    return low ^ high;
  };
  std::uint64_t acc = len * XXH_PRIME64_1;
  acc += mix16(p, XXH3_kSecret);
  acc += mix16(p + len - 16, XXH3_kSecret + 16);
  acc ^= acc >> 37;  // XXH3_avalanche
  acc *= 0x165667919E3779F9ULL;
  return acc ^ (acc >> 32);
#else
  return XXH3_64bits_withSeed(p, len, seed);
#endif
}

/// The shingles of a text at least N code points long: N known at compile time lets XXH3 take its
/// branch for that input length once, not per shingle (the values are the same).
template <std::size_t N>
void fixed_shingles(std::u32string_view text, std::uint64_t seed, std::uint64_t* out) noexcept {
  std::size_t const count = text.size() - N + 1;
  constexpr std::size_t bytes = N * sizeof(char32_t);
  if constexpr (bytes > 16 && bytes <= 32) {
    auto const* const p = reinterpret_cast<unsigned char const*>(text.data());
    for (std::size_t i = 0; i < count; ++i)
      out[i] = xxh3_17to32(p + i * sizeof(char32_t), bytes, seed);
  } else {
    for (std::size_t i = 0; i < count; ++i)
      out[i] = XXH3_64bits_withSeed(text.data() + i, bytes, seed);
  }
}

}  // namespace

void char_shingles(std::u32string_view text, shingle_options const& options, std::vector<std::uint64_t>& out) {
  check(options);
  if (text.empty()) {
    out.clear();
    return;
  }
  if (text.size() < options.n) {
    out.assign(1, hash_code_points(text.data(), text.size(), options.seed));
    return;
  }
  std::size_t const count = text.size() - options.n + 1;
  // From the size the (reused) vector has: only slots beyond it are zeroed, and every one is
  // written below (a clear first zeroed the whole text's worth at each call).
  out.resize(count);
  switch (options.n) {
    case 3: fixed_shingles<3>(text, options.seed, out.data()); break;
    case 4: fixed_shingles<4>(text, options.seed, out.data()); break;
    case 5: fixed_shingles<5>(text, options.seed, out.data()); break;
    case 6: fixed_shingles<6>(text, options.seed, out.data()); break;
    case 7: fixed_shingles<7>(text, options.seed, out.data()); break;
    default:
      for (std::size_t i = 0; i < count; ++i) out[i] = hash_code_points(text.data() + i, options.n, options.seed);
  }
}

std::vector<std::uint64_t> char_shingles(std::u32string_view text, shingle_options const& options) {
  std::vector<std::uint64_t> out;
  char_shingles(text, options, out);
  return out;
}

struct word_shingler::impl {
  std::unique_ptr<icu::BreakIterator> words;
  std::vector<std::uint64_t> word_hashes;
};

word_shingler::word_shingler(std::string_view locale) : impl_(std::make_unique<impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale(std::string(locale).c_str()), status));
  if (U_FAILURE(status) || !impl_->words)
    throw error(errc::icu_error, std::string("cannot create ICU's word break iterator: ") + u_errorName(status));
}

word_shingler::~word_shingler() = default;
word_shingler::word_shingler(word_shingler&&) noexcept = default;
word_shingler& word_shingler::operator=(word_shingler&&) noexcept = default;

void word_shingler::shingles(std::u32string_view text, shingle_options const& options,
                             std::vector<std::uint64_t>& out) {
  check(options);
  out.clear();
  auto const s = icu::UnicodeString::fromUTF32(reinterpret_cast<UChar32 const*>(text.data()),
                                               static_cast<int32_t>(text.size()));
  auto& hashes = impl_->word_hashes;
  hashes.clear();
  impl_->words->setText(s);
  for (int32_t start = impl_->words->first(), end = impl_->words->next(); end != icu::BreakIterator::DONE;
       start = end, end = impl_->words->next()) {
    if (impl_->words->getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces and punctuation
    hashes.push_back(XXH3_64bits_withSeed(s.getBuffer() + start, static_cast<std::size_t>(end - start) * 2,
                                          options.seed));
  }
  if (hashes.empty()) return;
  // A shingle is the hash of its words' hashes, so word boundaries stay part of the shingle.
  std::size_t const n = std::min<std::size_t>(options.n, hashes.size());
  for (std::size_t i = 0; i + n <= hashes.size(); ++i)
    out.push_back(XXH3_64bits_withSeed(hashes.data() + i, n * sizeof(std::uint64_t), options.seed));
}

void make_shingle_set(std::vector<std::uint64_t>& hashes) {
  // Verification sorts one set per candidate document; the values are hashes, which
  // detail::sort_hashes sorts in expected linear time.
  thread_local std::vector<std::uint64_t> scratch;
  detail::sort_hashes(hashes, scratch);
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
}

double exact_jaccard(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) noexcept {
  if (a.empty() && b.empty()) return 0.0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace neardup
