// normalize_block: the AVX-512 block path of normalization (see normalize_block.hpp). Written with
// intrinsics for one target, chosen at run time, because what it needs (byte compress and 64-byte
// byte permutes) is what makes it fast; every other CPU runs the scalar loop.

#include "text/normalize_block.hpp"

#include "text/fold_table.hpp"

#include <atomic>
#include <bit>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NEARDUP_HAVE_AVX512_BLOCKS 1
#include <immintrin.h>
#endif

namespace neardup::detail {
namespace {

bool cpu_has_blocks() noexcept {
#ifdef NEARDUP_HAVE_AVX512_BLOCKS
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2");
#else
  return false;
#endif
}

std::atomic<bool>& blocks_switch() noexcept {
  static std::atomic<bool> enabled{cpu_has_blocks()};
  return enabled;
}

}  // namespace

bool normalize_blocks_enabled() noexcept {
  return blocks_switch().load(std::memory_order_relaxed);
}

void set_normalize_blocks(bool enabled) noexcept {
  blocks_switch().store(enabled && cpu_has_blocks(), std::memory_order_relaxed);
}

#ifdef NEARDUP_HAVE_AVX512_BLOCKS

// GCC 12's AVX-512 headers start some intrinsics from a self-initialized "undefined" vector, which
// -Wmaybe-uninitialized reports where they are inlined.
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#define NEARDUP_BLOCK_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt,bmi")))

namespace {

/// One group of up to 16 characters of a block (`first` is the number of the group's first, `n` the
/// block's count); returns the lane of the first slow one, or 16.
NEARDUP_BLOCK_TARGET int normalize_group(__m128i b0, __m128i b1, __m128i b2, int first, int n,
                                         std::uint32_t const* bmp, std::uint32_t slow_mask,
                                         std::uint32_t drop_mask, char32_t*& w,
                                         std::uint32_t& prev) noexcept {
  __m512i const slow_flags = _mm512_set1_epi32(static_cast<int>(slow_mask));
  __m512i const drop_flags = _mm512_set1_epi32(static_cast<int>(drop_mask));
  __m512i const value_bits = _mm512_set1_epi32(static_cast<int>(fold::value_mask));
  int const count = n - first;
  __mmask16 const lanes =
      count >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1U << count) - 1);
  __m512i const c0 = _mm512_cvtepu8_epi32(b0);
  __m512i const c1 = _mm512_cvtepu8_epi32(b1);
  __m512i const c2 = _mm512_cvtepu8_epi32(b2);
  __mmask16 const three = _mm512_cmpge_epu32_mask(c0, _mm512_set1_epi32(0xE0));
  __m512i const cp3 = _mm512_or_si512(
      _mm512_or_si512(_mm512_slli_epi32(_mm512_and_si512(c0, _mm512_set1_epi32(0x0F)), 12),
                      _mm512_slli_epi32(_mm512_and_si512(c1, _mm512_set1_epi32(0x3F)), 6)),
      _mm512_and_si512(c2, _mm512_set1_epi32(0x3F)));
  __m512i const cp = _mm512_mask_blend_epi32(three, c0, cp3);
  __m512i const entry = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, cp, bmp, 4);
  __mmask16 const slow = _mm512_mask_test_epi32_mask(lanes, entry, slow_flags);
  // Up to the first slow character, if any: the scalar loop takes it and what follows.
  __mmask16 const done =
      slow != 0 ? static_cast<__mmask16>((1U << std::countr_zero(slow)) - 1) : lanes;
  __mmask16 const keep = static_cast<__mmask16>(done & ~_mm512_test_epi32_mask(entry, drop_flags));
  __m512i const mapped = _mm512_and_si512(entry, value_bits);
  __m512i const value = _mm512_mask_blend_epi32(_mm512_test_epi32_mask(mapped, mapped), cp, mapped);
  // Compressed in a register and stored whole: the store form of compress is slow on some CPUs.
  _mm512_storeu_si512(w, _mm512_maskz_compress_epi32(keep, value));
  w += std::popcount(static_cast<unsigned>(keep));
  if (done != 0) {
    alignas(64) std::uint32_t cps[16];
    _mm512_store_si512(cps, cp);
    prev = cps[15 - std::countl_zero(static_cast<std::uint16_t>(done))];
  }
  return slow != 0 ? std::countr_zero(slow) : 16;
}

}  // namespace

NEARDUP_BLOCK_TARGET block_step normalize_block(unsigned char const* p, std::uint32_t const* bmp,
                                                std::uint32_t slow_mask, std::uint32_t drop_mask,
                                                char32_t* w, std::uint32_t prev) noexcept {
  __m512i const v = _mm512_loadu_si512(p);
  __mmask64 const ascii = ~_mm512_movepi8_mask(v);
  __mmask64 const cont =
      _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, _mm512_set1_epi8(static_cast<char>(0xC0))),
                             _mm512_set1_epi8(static_cast<char>(0x80)));
  __mmask64 const lead3 =
      _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, _mm512_set1_epi8(static_cast<char>(0xF0))),
                             _mm512_set1_epi8(static_cast<char>(0xE0)));
  // E0 and ED lead 3-byte sequences with narrower second bytes (no overlongs, no surrogates): rare
  // in text, left to the scalar loop with 2- and 4-byte sequences and stray bytes.
  __mmask64 const narrow = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(static_cast<char>(0xE0))) |
                           _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(static_cast<char>(0xED)));
  __mmask64 const other = ~(ascii | cont | lead3) | narrow;
  if (other != 0) return {0, static_cast<std::size_t>(std::countr_zero(other)) + 1, w, prev};
  // Well-formed exactly when the continuation bytes are the two after each 3-byte lead.
  if (cont != ((lead3 << 1) | (lead3 << 2))) return {0, block_input_bytes, w, prev};

  // Characters starting at bytes 62 and 63 may end past the block: left to the next block.
  __mmask64 const leads = ascii | lead3;
  std::uint64_t const late = static_cast<std::uint64_t>(leads) >> 62;
  std::size_t const consumed =
      late != 0 ? 62 + static_cast<std::size_t>(std::countr_zero(late)) : 64;
  __mmask64 const taken = leads & ((std::uint64_t{1} << 62) - 1);
  int const n = std::popcount(static_cast<std::uint64_t>(taken));

  // The byte offset of each character, in order, then its first three bytes side by side.
  alignas(64) static constexpr unsigned char offsets[64] = {
      0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
      22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
      44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
  __m512i const at = _mm512_maskz_compress_epi8(taken, _mm512_load_si512(offsets));
  __m512i const byte0 = _mm512_permutexvar_epi8(at, v);
  __m512i const byte1 = _mm512_permutexvar_epi8(_mm512_add_epi8(at, _mm512_set1_epi8(1)), v);
  __m512i const byte2 = _mm512_permutexvar_epi8(_mm512_add_epi8(at, _mm512_set1_epi8(2)), v);

  for (int first = 0; first < n; first += 16) {
    int const lane = first / 16;
    __m128i b0, b1, b2;
    switch (lane) {  // the extract takes its lane as an immediate
      case 0:
        b0 = _mm512_extracti32x4_epi32(byte0, 0), b1 = _mm512_extracti32x4_epi32(byte1, 0),
        b2 = _mm512_extracti32x4_epi32(byte2, 0);
        break;
      case 1:
        b0 = _mm512_extracti32x4_epi32(byte0, 1), b1 = _mm512_extracti32x4_epi32(byte1, 1),
        b2 = _mm512_extracti32x4_epi32(byte2, 1);
        break;
      case 2:
        b0 = _mm512_extracti32x4_epi32(byte0, 2), b1 = _mm512_extracti32x4_epi32(byte1, 2),
        b2 = _mm512_extracti32x4_epi32(byte2, 2);
        break;
      default:
        b0 = _mm512_extracti32x4_epi32(byte0, 3), b1 = _mm512_extracti32x4_epi32(byte1, 3),
        b2 = _mm512_extracti32x4_epi32(byte2, 3);
        break;
    }
    if (int const slow = normalize_group(b0, b1, b2, first, n, bmp, slow_mask, drop_mask, w, prev);
        slow < 16) {
      // Done up to the slow character; the scalar loop takes it (and whatever it starts).
      int const character = first + slow;
      if (character == 0) return {0, 1, w, prev};
      alignas(64) unsigned char offset_of[64];
      _mm512_store_si512(offset_of, at);
      return {offset_of[character], 0, w, prev};
    }
  }
  return {consumed, 0, w, prev};
}

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#else

block_step normalize_block(unsigned char const*, std::uint32_t const*, std::uint32_t, std::uint32_t,
                           char32_t* w, std::uint32_t prev) noexcept {
  return {0, block_input_bytes, w, prev};
}

#endif

}  // namespace neardup::detail
