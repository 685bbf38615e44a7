// Private to the normalize stage: 64 bytes of plain text at a time with AVX-512 or AVX2, where the
// CPU has one of them.
//
// Chinese text mixes 3-byte characters with ASCII and drops every punctuation mark, so the scalar
// loop mispredicts a branch at each switch and each drop. A block decodes, looks up and compacts up
// to 62 characters with no data-dependent branch. Anything unusual in a block (2- or 4-byte
// sequences, ill-formed bytes, a character whose table entry takes the slow path) hands it back to
// the scalar loop, which stays the reference: the output is the same either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace neardup::detail {

/// What normalize_block() did. The output position and the previous code point come back by value,
/// not through references, so that the caller's loop can keep them in registers.
struct block_step {
  std::size_t consumed = 0;  ///< input bytes done; 0 when the scalar loop must take over
  std::size_t scalar = 0;    ///< when consumed == 0: bytes the scalar loop takes before the next try
  char32_t* w = nullptr;     ///< where the next kept code point goes
  std::uint32_t prev = 0;    ///< the last code point taken (the one passed in when none was)
};

/// The bytes a block reads (its input must have this many from `p`) and the output slots it may
/// write past the kept code points (the output must have this many free), for every target.
inline constexpr std::size_t block_input_bytes = 64;
inline constexpr std::size_t block_output_slots = 80;

/// The instruction sets the block path is written for, from the weakest. `scalar` is no block path:
/// the character loop alone.
enum class block_target : std::uint8_t {
  scalar,
  avx2,    ///< AVX2: 8 characters a step, byte shuffles and a table of lane permutes
  avx512,  ///< AVX-512 F, BW, VBMI and VBMI2 (Ice Lake, Zen 4 and later): 16 a step, byte compress
};

/// "scalar", "avx2", "avx512".
[[nodiscard]] std::string_view block_target_name(block_target target) noexcept;

/// Whether this CPU (and this build) can run `target`; `scalar` always.
[[nodiscard]] bool block_target_supported(block_target target) noexcept;

/// The target normalization uses. Chosen once per process: the strongest this CPU runs, or the one
/// the environment variable NEARDUP_SIMD names (avx512, avx2 or scalar; a target the CPU cannot
/// run gives the strongest one below it, an unknown name is ignored).
[[nodiscard]] block_target active_block_target() noexcept;

/// Makes `target` the active one: for tests and benchmarks that compare targets. Returns false and
/// changes nothing when the CPU cannot run it. Process-wide; not for use while another thread
/// normalizes.
bool set_block_target(block_target target) noexcept;

/// The strongest target allowed: NEARDUP_SIMD's, or the last one set_block_target() or
/// set_normalize_blocks() chose; avx512 when nothing limits it. Other SIMD code (the signer's
/// AVX-512F pass, which CPUs without VBMI2 may still run) stays at or below it, so that a forced
/// target stands for a CPU that has nothing stronger.
[[nodiscard]] block_target allowed_block_target() noexcept;

/// Whether a block path runs (the active target is not `scalar`).
[[nodiscard]] inline bool normalize_blocks_enabled() noexcept {
  return active_block_target() != block_target::scalar;
}

/// Switches the block path off (scalar), or back on to the strongest target this CPU runs: for
/// tests that compare the block path with the scalar loop. Same caveats as set_block_target().
void set_normalize_blocks(bool enabled) noexcept;

/// Normalizes the characters that start in the first 62 bytes at `p` (a character boundary), if
/// every one is ASCII or a well-formed 3-byte sequence and none has a `slow_mask` flag in `bmp`
/// (the flat BMP fold table); writes the kept ones from `w` on. Stops early before a character with
/// a slow flag. Only call when the CPU runs block_target::avx512.
block_step normalize_block(unsigned char const* p, std::uint32_t const* bmp, std::uint32_t slow_mask,
                           std::uint32_t drop_mask, char32_t* w, std::uint32_t prev) noexcept;

/// The same with AVX2, for the characters that start in the first 61 bytes (each is read as 4 bytes
/// from its start). Only call when the CPU runs block_target::avx2.
block_step normalize_block_avx2(unsigned char const* p, std::uint32_t const* bmp,
                                std::uint32_t slow_mask, std::uint32_t drop_mask, char32_t* w,
                                std::uint32_t prev) noexcept;

}  // namespace neardup::detail
