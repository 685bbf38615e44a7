#include "neardup/minhash.hpp"

#include <algorithm>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common/enum_names.hpp"
#include "common/hash_mix.hpp"
#include "neardup/error.hpp"
#include "text/normalize_block.hpp"

namespace neardup {
namespace {

/// How many bins of each empty bin's probe sequence are computed once per minhasher rather than on
/// every signature (the sequence is shared by all documents). A bin whose first ones are all empty
/// goes on computing (rare unless most bins are empty: few values, the sentence sketch).
constexpr unsigned densification_probes = 16;

std::uint64_t signature_seed(minhash_options const& options) noexcept;

/// The bin probed at `attempt` (1, 2, ...) for empty bin `j` of `k`.
std::uint32_t probe_bin(std::uint64_t seed, std::uint32_t j, std::uint64_t attempt,
                        std::uint32_t k) noexcept {
  return detail::scale_to(detail::mix64(seed ^ (std::uint64_t{j} << 32) ^ attempt), k);
}

}  // namespace

std::string_view minhash_scheme_name(minhash_scheme scheme) noexcept {
  return scheme == minhash_scheme::classic ? "classic" : "oph";
}

minhash_scheme minhash_scheme_from_name(std::string_view name) {
  return detail::enum_from_name(name, {minhash_scheme::classic, minhash_scheme::one_permutation},
                                minhash_scheme_name, "MinHash scheme");
}

minhasher::minhasher(minhash_options const& options) : options_(options) {
  if (options.num_perm == 0 || options.num_perm > 8192)
    throw error(errc::invalid_argument,
                "num_perm must be in [1, 8192], got " + std::to_string(options.num_perm));
  std::uint64_t state = options.seed;
  if (options.scheme == minhash_scheme::classic) {
    multipliers_.resize(options.num_perm);
    increments_.resize(options.num_perm);
    for (unsigned i = 0; i < options.num_perm; ++i) {
      multipliers_[i] = detail::splitmix64(state) | 1u;  // odd: multiply-shift needs it
      increments_[i] = detail::splitmix64(state);
    }
  } else {
    std::uint64_t const seed = signature_seed(options);
    probes_.resize(std::size_t{options.num_perm} * densification_probes);
    for (std::uint32_t j = 0; j < options.num_perm; ++j)
      for (unsigned a = 0; a < densification_probes; ++a)
        probes_[std::size_t{j} * densification_probes + a] =
            static_cast<std::uint16_t>(probe_bin(seed, j, a + 1, options.num_perm));
  }
}

namespace {

/// The seed the hash functions of a signature are derived from (mixed, so that nearby seeds
/// differ). The salt is SHA-512's first initial value H0 with its low bit set (a constant with
/// nothing up its sleeve). Part of the signature format (signature_format_version): changing it
/// changes every stored signature.
std::uint64_t signature_seed(minhash_options const& options) noexcept {
  return detail::mix64(options.seed ^ 0x6a09e667f3bcc909ull);
}

/// The size check of every signing call: once per signature, never per value.
void check_signature_size(std::size_t size, unsigned num_perm) {
  if (size != num_perm)
    throw error(errc::invalid_argument,
                "signature buffer of " + std::to_string(size) +
                    " values, expected num_perm = " + std::to_string(num_perm));
}

/// k bins of scratch: on the stack up to 512 (every signature and sketch at the defaults), else on
/// the heap.
class scratch_bins {
 public:
  explicit scratch_bins(std::uint32_t k) {
    if (k > on_stack) heap_.resize(k);
  }
  std::uint32_t* data() noexcept { return heap_.empty() ? stack_ : heap_.data(); }

 private:
  static constexpr std::uint32_t on_stack = 512;
  std::uint32_t stack_[on_stack];
  std::vector<std::uint32_t> heap_;
};

/// One-permutation hashing of `values` into `out` (all empty_slot on entry): each value, mixed with
/// `seed` first when `mix`, picks its bin with its top bits and competes there with its low 32
/// bits; then empty bins are filled by optimal densification (the first probes of each bin's
/// sequence from `probes`, densification_probes per bin).
void one_permutation(std::span<const std::uint64_t> values, std::span<std::uint32_t> out,
                     std::uint64_t seed, bool mix, std::span<const std::uint16_t> probes) {
  auto const k = static_cast<std::uint32_t>(out.size());
  // Two interleaved copies of the bins, merged by min at the end (the same values: min does not
  // depend on order): in one copy, a value's load waits for the previous value's store whenever
  // the two pick the same bin, and the loop ran at that latency.
  scratch_bins second_bins(k);
  std::uint32_t* const second = second_bins.data();
  std::fill(second, second + k, empty_slot);
  auto fill = [&](auto hash) {
    std::uint32_t* const first = out.data();
    std::size_t const n = values.size();
    std::size_t i = 0;
    for (; i + 2 <= n; i += 2) {
      std::uint64_t const h0 = hash(values[i]), h1 = hash(values[i + 1]);
      std::uint32_t const bin0 = detail::scale_to(h0, k), bin1 = detail::scale_to(h1, k);
      auto const value0 = std::min(static_cast<std::uint32_t>(h0), empty_slot - 1);
      auto const value1 = std::min(static_cast<std::uint32_t>(h1), empty_slot - 1);
      first[bin0] = std::min(first[bin0], value0);
      second[bin1] = std::min(second[bin1], value1);
    }
    if (i < n) {
      std::uint64_t const h = hash(values[i]);
      std::uint32_t const bin = detail::scale_to(h, k);
      first[bin] = std::min(first[bin], std::min(static_cast<std::uint32_t>(h), empty_slot - 1));
    }
    for (std::uint32_t j = 0; j < k; ++j) first[j] = std::min(first[j], second[j]);
  };
  if (mix) {
    fill([seed](std::uint64_t v) { return detail::mix64(v ^ seed); });
  } else {
    fill([](std::uint64_t v) { return v; });
  }
  // Optimal densification (Shrivastava 2017): an empty bin borrows the value of the first
  // non-empty bin along its own probe sequence, a sequence shared by all documents, so that two
  // documents' borrowed values agree with probability J.
  std::uint32_t empty = 0;
  for (std::uint32_t j = 0; j < k; ++j) empty += out[j] == empty_slot ? 1 : 0;
  if (empty == 0) return;
  scratch_bins filled_bins(k);
  std::uint32_t* const filled = filled_bins.data();
  std::copy(out.begin(), out.end(), filled);
  // The first `unrolled` probes of a bin's sequence without a branch (scanning backwards, the
  // last found is the first in order): with few values a probe finds an empty bin about half the
  // time, and each probe's branch was mispredicted about as often.
  constexpr unsigned unrolled = 8;
  auto first_probes = [&](std::uint32_t j) {
    std::uint16_t const* const first = probes.data() + std::size_t{j} * densification_probes;
    std::uint32_t v = empty_slot;
    for (unsigned a = unrolled; a-- > 0;) {
      std::uint32_t const f = filled[first[a]];
      v = f != empty_slot ? f : v;
    }
    return v;
  };
  // The rest of the sequence, for a bin whose first probes all found empty bins (rare).
  auto later_probes = [&](std::uint32_t j) {
    std::uint16_t const* const first = probes.data() + std::size_t{j} * densification_probes;
    for (unsigned a = unrolled; a < densification_probes; ++a)
      if (filled[first[a]] != empty_slot) return filled[first[a]];
    for (std::uint64_t attempt = densification_probes + 1;; ++attempt) {
      std::uint32_t const from = probe_bin(seed, j, attempt, k);
      if (filled[from] != empty_slot) return filled[from];
    }
  };
  if (empty * 8 < k) {
    // Few empty bins (the usual signature): only they are probed.
    for (std::uint32_t j = 0; j < k; ++j) {
      if (filled[j] != empty_slot) continue;
      std::uint32_t const v = first_probes(j);
      out[j] = v != empty_slot ? v : later_probes(j);
    }
    return;
  }
  // Many (the sentence sketch: ~30 values in 64 bins): every bin is probed, whether it is empty
  // chosen without a branch too, and the rare bin left over is probed further.
  bool left_over = false;
  for (std::uint32_t j = 0; j < k; ++j) {
    std::uint32_t const v = first_probes(j);
    bool const own = filled[j] != empty_slot;
    out[j] = own ? filled[j] : v;
    left_over |= !own && v == empty_slot;
  }
  if (left_over)
    for (std::uint32_t j = 0; j < k; ++j)
      if (out[j] == empty_slot) out[j] = later_probes(j);
}

}  // namespace

void minhasher::sign(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const {
  std::uint32_t const k = options_.num_perm;
  check_signature_size(out.size(), k);
  std::fill(out.begin(), out.end(), empty_slot);
  if (shingles.empty()) return;
  std::uint64_t const seed = signature_seed(options_);

  if (options_.scheme == minhash_scheme::classic) {
    std::uint64_t const* a = multipliers_.data();
    std::uint64_t const* b = increments_.data();
    for (std::uint64_t const shingle : shingles) {
      std::uint64_t const x = detail::mix64(shingle ^ seed);
      for (std::uint32_t i = 0; i < k; ++i) {
        auto const h = static_cast<std::uint32_t>((a[i] * x + b[i]) >> 32);
        out[i] = std::min(out[i], std::min(h, empty_slot - 1));
      }
    }
    return;
  }

  one_permutation(shingles, out, seed, true, probes_);
}

void minhasher::sign_uniform(std::span<const std::uint64_t> hashes, std::span<std::uint32_t> out) const {
  if (options_.scheme == minhash_scheme::classic) {
    sign(hashes, out);
    return;
  }
  check_signature_size(out.size(), options_.num_perm);
  std::fill(out.begin(), out.end(), empty_slot);
  if (hashes.empty()) return;
  one_permutation(hashes, out, signature_seed(options_), false, probes_);
}

std::vector<std::uint32_t> minhasher::sign(std::span<const std::uint64_t> shingles) const {
  std::vector<std::uint32_t> out(options_.num_perm);
  sign(shingles, out);
  return out;
}

namespace {

/// The fraction of equal slots of two signatures of equal length; 0.0 for empty or unequal ones.
template <class Slot>
double fraction_equal(std::span<const Slot> a, std::span<const Slot> b) noexcept {
  if (a.empty() || a.size() != b.size()) return 0.0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

}  // namespace

double estimate_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) noexcept {
  return fraction_equal(a, b);
}

void truncate_signature(std::span<const std::uint32_t> signature, std::span<std::uint16_t> out) noexcept {
  for (std::size_t i = 0; i < signature.size() && i < out.size(); ++i) out[i] = static_cast<std::uint16_t>(signature[i]);
}

namespace {

#if defined(__x86_64__)
/// The equal slots of two 16-bit sketches, 32 at a time (the template search estimates millions of
/// candidates, the scalar loop ~40 ns each at k = 128).
__attribute__((target("avx512f,avx512bw,popcnt"))) std::size_t equal_slots_avx512(
    std::uint16_t const* a, std::uint16_t const* b, std::size_t n) noexcept {
  std::size_t equal = 0, i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512i const x = _mm512_loadu_si512(a + i);
    __m512i const y = _mm512_loadu_si512(b + i);
    equal += static_cast<std::size_t>(__builtin_popcount(_mm512_cmpeq_epi16_mask(x, y)));
  }
  for (; i < n; ++i) equal += a[i] == b[i] ? 1 : 0;
  return equal;
}

/// equal_slots_avx512() 16 slots at a time, for CPUs with AVX2 and no AVX-512 BW (the compiler's
/// own vectorization of the scalar loop stops at SSE2 and widens every compare to 32 bits).
__attribute__((target("avx2,popcnt"))) std::size_t equal_slots_avx2(std::uint16_t const* a,
                                                                    std::uint16_t const* b,
                                                                    std::size_t n) noexcept {
  std::size_t equal = 0, i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i const x = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(a + i));
    __m256i const y = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(b + i));
    // Two mask bits per 16-bit slot.
    equal += static_cast<std::size_t>(__builtin_popcount(
                 static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi16(x, y))))) /
             2;
  }
  for (; i < n; ++i) equal += a[i] == b[i] ? 1 : 0;
  return equal;
}
#endif

std::size_t equal_slots(std::span<const std::uint16_t> a,
                        std::span<const std::uint16_t> b) noexcept {
#if defined(__x86_64__)
  // The block target NEARDUP_SIMD allows (normalize.hpp), as for normalization's own blocks.
  static bool const avx512 = __builtin_cpu_supports("avx512f") &&
                             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("popcnt");
  static bool const avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  auto const allowed = detail::allowed_block_target();
  if (avx512 && allowed == detail::block_target::avx512)
    return equal_slots_avx512(a.data(), b.data(), a.size());
  if (avx2 && allowed != detail::block_target::scalar)
    return equal_slots_avx2(a.data(), b.data(), a.size());
#endif
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return equal;
}

}  // namespace

double estimate_jaccard_truncated(std::span<const std::uint16_t> a, std::span<const std::uint16_t> b) noexcept {
  if (a.empty() || a.size() != b.size()) return 0.0;
  constexpr double chance = 1.0 / 65536.0;
  // The fraction as fraction_equal computes it: the same count over the same size.
  double const equal = static_cast<double>(equal_slots(a, b)) / static_cast<double>(a.size());
  return std::clamp((equal - chance) / (1.0 - chance), 0.0, 1.0);
}

}  // namespace neardup
