// normalize_block: the AVX-512 and AVX2 block paths of normalization (see normalize_block.hpp),
// and the choice between them. Written with intrinsics for each target, chosen at run time:
// Highway 1.0 (Debian 12) has no 8-bit Compress below AVX-512, and the AVX2 path needs exactly
// that (the characters' offsets), so it is done here with a table of lane orders (HACKING.md).

#include "text/normalize_block.hpp"

#include "text/fold_table.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NEARDUP_HAVE_AVX512_BLOCKS 1
#define NEARDUP_HAVE_AVX2_BLOCKS 1
#include <immintrin.h>
#endif

namespace neardup::detail {
namespace {

bool cpu_runs(block_target target) noexcept {
  switch (target) {
    case block_target::scalar:
      return true;
    case block_target::avx2:
#ifdef NEARDUP_HAVE_AVX2_BLOCKS
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
             __builtin_cpu_supports("bmi");
#else
      return false;
#endif
    case block_target::avx512:
#ifdef NEARDUP_HAVE_AVX512_BLOCKS
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2");
#else
      return false;
#endif
  }
  return false;
}

block_target strongest_at_most(block_target limit) noexcept {
  for (auto t = static_cast<int>(limit); t > 0; --t) {
    if (cpu_runs(static_cast<block_target>(t))) return static_cast<block_target>(t);
  }
  return block_target::scalar;
}

/// avx512, or NEARDUP_SIMD's target when it names one: read once, at first use.
block_target initial_limit() noexcept {
  block_target limit = block_target::avx512;
  if (char const* const forced = std::getenv("NEARDUP_SIMD"); forced != nullptr) {
    std::string_view const name(forced);
    for (auto const t : {block_target::scalar, block_target::avx2, block_target::avx512}) {
      if (name == block_target_name(t)) limit = t;
    }
  }
  return limit;
}

std::atomic<block_target>& allowed() noexcept {
  static std::atomic<block_target> target{initial_limit()};
  return target;
}

std::atomic<block_target>& active() noexcept {
  static std::atomic<block_target> target{strongest_at_most(allowed().load())};
  return target;
}

}  // namespace

std::string_view block_target_name(block_target target) noexcept {
  switch (target) {
    case block_target::scalar:
      return "scalar";
    case block_target::avx2:
      return "avx2";
    case block_target::avx512:
      return "avx512";
  }
  return "scalar";
}

bool block_target_supported(block_target target) noexcept {
  return cpu_runs(target);
}

block_target active_block_target() noexcept {
  return active().load(std::memory_order_relaxed);
}

block_target allowed_block_target() noexcept {
  return allowed().load(std::memory_order_relaxed);
}

bool set_block_target(block_target target) noexcept {
  if (!cpu_runs(target)) return false;
  allowed().store(target, std::memory_order_relaxed);
  active().store(target, std::memory_order_relaxed);
  return true;
}

void set_normalize_blocks(bool enabled) noexcept {
  block_target const limit = enabled ? block_target::avx512 : block_target::scalar;
  allowed().store(limit, std::memory_order_relaxed);
  active().store(strongest_at_most(limit), std::memory_order_relaxed);
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

#ifdef NEARDUP_HAVE_AVX2_BLOCKS

#define NEARDUP_AVX2_TARGET __attribute__((target("avx2,popcnt,bmi")))

namespace {

/// For each 8-bit mask, the numbers of its set bits in order, a byte each: the lane order that
/// compacts 8 lanes (AVX2 has no compress instruction) and the offsets of a mask's characters.
constexpr std::array<std::uint64_t, 256> set_bit_lanes = [] {
  std::array<std::uint64_t, 256> table{};
  for (unsigned m = 0; m < 256; ++m) {
    std::uint64_t lanes = 0;
    int k = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((m >> bit & 1) != 0) lanes |= std::uint64_t{bit} << (8 * k++);
    }
    table[m] = lanes;
  }
  return table;
}();

NEARDUP_AVX2_TARGET inline std::uint64_t byte_mask(__m256i lo, __m256i hi) noexcept {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(lo)) |
         std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))} << 32;
}

NEARDUP_AVX2_TARGET inline unsigned lane_mask(__m256i v) noexcept {
  return static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(v)));
}

}  // namespace

NEARDUP_AVX2_TARGET block_step normalize_block_avx2(unsigned char const* p,
                                                    std::uint32_t const* bmp,
                                                    std::uint32_t slow_mask,
                                                    std::uint32_t drop_mask, char32_t* w,
                                                    std::uint32_t prev) noexcept {
  // The same classification as the AVX-512 block, on two halves.
  __m256i const lo = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(p));
  __m256i const hi = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(p + 32));
  __m256i const c0 = _mm256_set1_epi8(static_cast<char>(0xC0));
  __m256i const f0 = _mm256_set1_epi8(static_cast<char>(0xF0));
  __m256i const x80 = _mm256_set1_epi8(static_cast<char>(0x80));
  __m256i const xe0 = _mm256_set1_epi8(static_cast<char>(0xE0));
  __m256i const xed = _mm256_set1_epi8(static_cast<char>(0xED));
  std::uint64_t const ascii = ~byte_mask(lo, hi);
  std::uint64_t const cont = byte_mask(_mm256_cmpeq_epi8(_mm256_and_si256(lo, c0), x80),
                                       _mm256_cmpeq_epi8(_mm256_and_si256(hi, c0), x80));
  std::uint64_t const lead3 = byte_mask(_mm256_cmpeq_epi8(_mm256_and_si256(lo, f0), xe0),
                                        _mm256_cmpeq_epi8(_mm256_and_si256(hi, f0), xe0));
  std::uint64_t const narrow =
      byte_mask(_mm256_or_si256(_mm256_cmpeq_epi8(lo, xe0), _mm256_cmpeq_epi8(lo, xed)),
                _mm256_or_si256(_mm256_cmpeq_epi8(hi, xe0), _mm256_cmpeq_epi8(hi, xed)));
  std::uint64_t const other = ~(ascii | cont | lead3) | narrow;
  if (other != 0) return {0, static_cast<std::size_t>(std::countr_zero(other)) + 1, w, prev};
  if (cont != ((lead3 << 1) | (lead3 << 2))) return {0, block_input_bytes, w, prev};

  // Each character is read as the 4 bytes from its start, so those starting at bytes 61 to 63 are
  // left to the next block.
  std::uint64_t const leads = ascii | lead3;
  std::uint64_t const late = leads >> 61;
  std::size_t const consumed =
      late != 0 ? 61 + static_cast<std::size_t>(std::countr_zero(late)) : 64;
  std::uint64_t const taken = leads & ((std::uint64_t{1} << 61) - 1);
  int const n = std::popcount(taken);

  // The byte offset of each character, in order: 8 offsets stored per 8 input bytes, the next 8
  // from where the kept ones end.
  alignas(16) unsigned char at[64 + 8];
  int k = 0;
  for (int i = 0; i < 8; ++i) {
    unsigned const bits = static_cast<unsigned>(taken >> (8 * i)) & 0xFF;
    std::uint64_t const offsets =
        set_bit_lanes[bits] + 0x0808080808080808ULL * static_cast<unsigned>(i);
    std::memcpy(at + k, &offsets, 8);
    k += std::popcount(bits);
  }
  // The lanes past the last character read these (and are masked off): defined values.
  std::memset(at + k, 0, 8);

  __m256i const slow_flags = _mm256_set1_epi32(static_cast<int>(slow_mask));
  __m256i const drop_flags = _mm256_set1_epi32(static_cast<int>(drop_mask));
  __m256i const value_bits = _mm256_set1_epi32(static_cast<int>(fold::value_mask));
  __m256i const low_byte = _mm256_set1_epi32(0xFF);
  __m256i const six_bits = _mm256_set1_epi32(0x3F);
  __m256i const zero = _mm256_setzero_si256();
  __m256i const lane_numbers = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int first = 0; first < n; first += 8) {
    int const count = n - first;
    unsigned const lanes = count >= 8 ? 0xFFU : (1U << count) - 1;
    __m256i const lane_on = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lane_numbers);
    std::uint64_t offsets8 = 0;
    std::memcpy(&offsets8, at + first, 8);
    __m256i const offsets =
        _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(offsets8)));
    // The character's first bytes, then its code point (3-byte when the lead has its top bit).
    // Each lane's first 4 bytes, by byte shuffles from a 32-byte window rather than a gather (AVX2
    // gathers are slow on AMD before Zen 4). Eight characters span at most 24 bytes, and a window
    // starting at byte 32 reaches every character up to byte 60, so it never leaves the block.
    int const base = std::min(static_cast<int>(at[first]), 32);
    __m256i const within =
        _mm256_add_epi8(_mm256_mullo_epi32(_mm256_sub_epi32(offsets, _mm256_set1_epi32(base)),
                                           _mm256_set1_epi32(0x01010101)),
                        _mm256_set1_epi32(0x03020100));
    __m128i const* const window = reinterpret_cast<__m128i const*>(p + base);
    __m256i const low_half = _mm256_broadcastsi128_si256(_mm_loadu_si128(window));
    __m256i const high_half = _mm256_broadcastsi128_si256(_mm_loadu_si128(window + 1));
    __m256i const bytes = _mm256_blendv_epi8(_mm256_shuffle_epi8(low_half, within),
                                             _mm256_shuffle_epi8(high_half, within),
                                             _mm256_cmpgt_epi8(within, _mm256_set1_epi8(15)));
    __m256i const b0 = _mm256_and_si256(bytes, low_byte);
    __m256i const b1 = _mm256_and_si256(_mm256_srli_epi32(bytes, 8), six_bits);
    __m256i const b2 = _mm256_and_si256(_mm256_srli_epi32(bytes, 16), six_bits);
    __m256i const cp3 = _mm256_or_si256(
        _mm256_or_si256(_mm256_slli_epi32(_mm256_and_si256(b0, _mm256_set1_epi32(0x0F)), 12),
                        _mm256_slli_epi32(b1, 6)),
        b2);
    __m256i const three = _mm256_cmpgt_epi32(b0, _mm256_set1_epi32(0x7F));
    __m256i const cp = _mm256_blendv_epi8(b0, cp3, three);
    // Eight loads rather than a gather: a little faster here (Zen 4), and AVX2 gathers are slower
    // still on older CPUs.
    alignas(32) std::uint32_t cps[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(cps), _mm256_and_si256(cp, lane_on));
    __m128i e_lo = _mm_cvtsi32_si128(static_cast<int>(bmp[cps[0]]));
    __m128i e_hi = _mm_cvtsi32_si128(static_cast<int>(bmp[cps[4]]));
    e_lo = _mm_insert_epi32(e_lo, static_cast<int>(bmp[cps[1]]), 1);
    e_hi = _mm_insert_epi32(e_hi, static_cast<int>(bmp[cps[5]]), 1);
    e_lo = _mm_insert_epi32(e_lo, static_cast<int>(bmp[cps[2]]), 2);
    e_hi = _mm_insert_epi32(e_hi, static_cast<int>(bmp[cps[6]]), 2);
    e_lo = _mm_insert_epi32(e_lo, static_cast<int>(bmp[cps[3]]), 3);
    e_hi = _mm_insert_epi32(e_hi, static_cast<int>(bmp[cps[7]]), 3);
    __m256i const entry = _mm256_and_si256(_mm256_set_m128i(e_hi, e_lo), lane_on);
    unsigned const slow =
        ~lane_mask(_mm256_cmpeq_epi32(_mm256_and_si256(entry, slow_flags), zero)) & lanes;
    // Up to the first slow character, if any: the scalar loop takes it and what follows.
    unsigned const done = slow != 0 ? (1U << std::countr_zero(slow)) - 1 : lanes;
    unsigned const dropped =
        ~lane_mask(_mm256_cmpeq_epi32(_mm256_and_si256(entry, drop_flags), zero));
    unsigned const keep = done & ~dropped & 0xFF;
    __m256i const mapped = _mm256_and_si256(entry, value_bits);
    __m256i const value = _mm256_blendv_epi8(mapped, cp, _mm256_cmpeq_epi32(mapped, zero));
    __m256i const order =
        _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(set_bit_lanes[keep])));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w), _mm256_permutevar8x32_epi32(value, order));
    w += std::popcount(keep);
    if (done != 0) {
      __m256i const last = _mm256_set1_epi32(std::popcount(done) - 1);
      prev =
          static_cast<std::uint32_t>(_mm256_cvtsi256_si32(_mm256_permutevar8x32_epi32(cp, last)));
    }
    if (slow != 0) {
      int const character = first + std::countr_zero(slow);
      if (character == 0) return {0, 1, w, prev};
      return {at[character], 0, w, prev};
    }
  }
  return {consumed, 0, w, prev};
}

#else

block_step normalize_block_avx2(unsigned char const*, std::uint32_t const*, std::uint32_t,
                                std::uint32_t, char32_t* w, std::uint32_t prev) noexcept {
  return {0, block_input_bytes, w, prev};
}

#endif

}  // namespace neardup::detail
