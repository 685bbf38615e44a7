// detail hashing helpers shared by the sketch stages.
#pragma once

#include <cstdint>

namespace neardup::detail {

/// splitmix64's step: a fixed, portable generator for hash-function parameters.
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// A strong 64-bit finalizer (splitmix64's output function): a bijection, so no two shingles collide.
inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// floor(x * n / 2^64): maps a uniform 64-bit value to [0, n) without division or modulo bias.
inline std::uint32_t scale_to(std::uint64_t x, std::uint32_t n) noexcept {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint32_t>((static_cast<u128>(x) * n) >> 64);
}

}  // namespace neardup::detail
