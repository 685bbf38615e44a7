// Private to the normalize stage: 64 bytes of plain text at a time with AVX-512, where the CPU has
// it.
//
// Chinese text mixes 3-byte characters with ASCII and drops every punctuation mark, so the scalar
// loop mispredicts a branch at each switch and each drop. A block decodes, looks up and compacts up
// to 62 characters with no data-dependent branch. Anything unusual in a block (2- or 4-byte
// sequences, ill-formed bytes, a character whose table entry takes the slow path) hands it back to
// the scalar loop, which stays the reference: the output is the same either way.
#pragma once

#include <cstddef>
#include <cstdint>

namespace neardup::detail {

/// What normalize_block() did. The output position and the previous code point come back by value,
/// not through references, so that the caller's loop can keep them in registers.
struct block_step {
  std::size_t consumed = 0;  ///< input bytes done; 0 when the scalar loop must take over
  std::size_t scalar = 0;    ///< when consumed == 0: bytes the scalar loop takes before the next try
  char32_t* w = nullptr;     ///< where the next kept code point goes
  std::uint32_t prev = 0;    ///< the last code point taken (the one passed in when none was)
};

/// The bytes the block reads (its input must have this many from `p`) and the output slots it may
/// write past the kept code points (the output must have this many free).
inline constexpr std::size_t block_input_bytes = 64;
inline constexpr std::size_t block_output_slots = 80;

/// Whether this CPU runs normalize_block() (AVX-512 F, BW, VBMI and VBMI2), and the blocks are not
/// switched off by set_normalize_blocks(false).
[[nodiscard]] bool normalize_blocks_enabled() noexcept;

/// Switches the block path off (or back on where supported): for tests that compare it with the
/// scalar loop. Process-wide; not for use while another thread normalizes.
void set_normalize_blocks(bool enabled) noexcept;

/// Normalizes the characters that start in the first 62 bytes at `p` (a character boundary), if
/// every one is ASCII or a well-formed 3-byte sequence and none has a `slow_mask` flag in `bmp`
/// (the flat BMP fold table); writes the kept ones from `w` on. Stops early before a character with
/// a slow flag. Only call when normalize_blocks_enabled().
block_step normalize_block(unsigned char const* p, std::uint32_t const* bmp, std::uint32_t slow_mask,
                           std::uint32_t drop_mask, char32_t* w, std::uint32_t prev) noexcept;

}  // namespace neardup::detail
