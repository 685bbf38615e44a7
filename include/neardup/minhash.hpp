// minhash — a set of shingle hashes in, a fixed-length signature out, whose slot-wise agreement
// estimates the Jaccard similarity of two sets.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace neardup {

/// How signatures are made.
enum class minhash_scheme {
  classic,          ///< k independent hash functions (multiply-shift), the minimum of each: O(k) a shingle
  one_permutation,  ///< one hash, k bins, optimal densification (Shrivastava 2017): O(1) a shingle
};

/// "classic" or "oph" (one-permutation): the names the command-line programs take.
[[nodiscard]] std::string_view minhash_scheme_name(minhash_scheme scheme) noexcept;
/// The scheme of a minhash_scheme_name(); throws neardup::error(errc::invalid_argument) for any
/// other name.
[[nodiscard]] minhash_scheme minhash_scheme_from_name(std::string_view name);

struct minhash_options {
  unsigned num_perm = 128;  ///< k, the signature length, in [1, 8192]
  minhash_scheme scheme = minhash_scheme::one_permutation;
  /// Seeds the hash functions (classic: splitmix64 from it; both: mixed with a fixed salt, see
  /// signature_format_version). Another seed gives independent signatures.
  std::uint64_t seed = 1;
};

/// Every slot of the signature of an empty set.
inline constexpr std::uint32_t empty_slot = 0xFFFFFFFFu;

/// Makes signatures. Immutable after construction: share one across threads.
///
///   neardup::minhasher mh;                         // k = 128, one-permutation
///   auto sig = mh.sign(neardup::char_shingles(text, {}));
class minhasher {
 public:
  /// Throws neardup::error(invalid_argument) when num_perm is not in [1, 8192].
  explicit minhasher(minhash_options const& options = {});

  /// Writes the signature of `shingles` (duplicates allowed) into `out`, which must have num_perm()
  /// slots: another size is neardup::error(errc::invalid_argument).
  void sign(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const;
  [[nodiscard]] std::vector<std::uint32_t> sign(std::span<const std::uint64_t> shingles) const;

  /// Like sign(), for values that are already uniform 64-bit hashes whose hash function the caller
  /// seeded itself (document_signer's XXH3 shingles): one-permutation hashing uses them as they
  /// are, saving sign()'s mixing step; classic MinHash, which needs the mixing, is the same as
  /// sign(). The signature is then a function of the caller's seed, not of options().seed. `out`
  /// must have num_perm() slots, as for sign().
  void sign_uniform(std::span<const std::uint64_t> hashes, std::span<std::uint32_t> out) const;

  [[nodiscard]] unsigned num_perm() const noexcept { return options_.num_perm; }
  [[nodiscard]] minhash_options const& options() const noexcept { return options_; }

 private:
  minhash_options options_;
  std::vector<std::uint64_t> multipliers_;  // classic: odd a_i of h_i(x) = (a_i x + b_i) >> 32
  std::vector<std::uint64_t> increments_;   // classic: b_i
  // One-permutation: the first densification_probes bins of each bin's probe sequence.
  std::vector<std::uint16_t> probes_;
};

/// The fraction of equal slots of two signatures of equal length (0.0 for empty or unequal ones):
/// an unbiased estimate of the Jaccard similarity, with standard error about sqrt(J(1-J)/k).
[[nodiscard]] double estimate_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) noexcept;

/// The lowest 16 bits of each slot: half the memory of a signature, kept for estimates
/// (b-bit minwise hashing, Li and König 2010). out.size() == signature.size().
void truncate_signature(std::span<const std::uint32_t> signature, std::span<std::uint16_t> out) noexcept;

/// The Jaccard estimate from two truncated signatures. Two slots of different full values agree in
/// their low 16 bits with probability 2^-16, so the fraction p of equal slots is J + (1 - J) 2^-16;
/// this returns (p - 2^-16) / (1 - 2^-16), clamped to [0, 1]: unbiased, with the standard error of the
/// full signature's estimate within a fraction of a percent.
[[nodiscard]] double estimate_jaccard_truncated(std::span<const std::uint16_t> a,
                                                std::span<const std::uint16_t> b) noexcept;

}  // namespace neardup
