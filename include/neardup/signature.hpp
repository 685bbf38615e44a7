// signature — one document's text in, its MinHash signature out: normalize → shingle → minhash.
//
// Computed independently per document, so it runs in parallel, on another machine, or ahead of time
// for a persistent index; nothing here depends on other documents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/minhash.hpp"
#include "neardup/normalize.hpp"
#include "neardup/shingle.hpp"

namespace neardup {

/// What a shingle is made of.
enum class shingle_unit {
  character,  ///< character n-grams of the normalized text (Chinese, Japanese, any script)
  word,       ///< word n-grams through ICU's word breaks (space-separated languages); keep white space
};

/// Everything that decides a document's signature.
struct signature_options {
  normalize_options normalize;
  shingle_options shingle;
  shingle_unit unit = shingle_unit::character;
  minhash_options minhash;
};

/// What signing one document saw.
struct signature_info {
  std::size_t normalized_chars = 0;  ///< code points after normalization
  std::size_t shingles = 0;          ///< shingles hashed (0: the document is empty after normalization)
  normalize_stats normalize;
};

/// Reusable per-thread buffers for document_signer; keep one per thread to avoid allocations.
struct signer_scratch {
  signer_scratch();
  ~signer_scratch();
  signer_scratch(signer_scratch&&) noexcept;
  signer_scratch& operator=(signer_scratch&&) noexcept;

  std::u32string text;
  std::vector<std::uint64_t> shingles;
  std::unique_ptr<word_shingler> words;  // created on first use in word mode
};

/// Signs documents. Immutable after construction: one signer serves all threads, each with its own
/// signer_scratch.
///
///   neardup::document_signer signer;                     // k = 128, one-permutation hashing
///   auto a = signer.sign("疫情防控要坚持全国一盘棋");
///   auto b = signer.sign("疫情防控要堅持全國一盤棋。");
///   double j = neardup::estimate_jaccard(a, b);            // 1.0: same text after normalization
class document_signer {
 public:
  /// Throws neardup::error(errc::invalid_argument) for bad shingle or minhash options.
  explicit document_signer(signature_options const& options = {});

  /// Writes the signature of `text` into `out` (size num_perm()). An empty document (nothing left
  /// after normalization) gets the all-empty_slot signature and info.shingles == 0.
  signature_info sign(std::string_view text, std::span<std::uint32_t> out, signer_scratch& scratch) const;
  [[nodiscard]] std::vector<std::uint32_t> sign(std::string_view text) const;

  /// The exact shingle set of `text` (sorted, unique), for verifying candidate pairs.
  void shingle_set(std::string_view text, std::vector<std::uint64_t>& out, signer_scratch& scratch) const;
  [[nodiscard]] std::vector<std::uint64_t> shingle_set(std::string_view text) const;

  [[nodiscard]] unsigned num_perm() const noexcept { return minhasher_.num_perm(); }
  [[nodiscard]] signature_options const& options() const noexcept { return options_; }

 private:
  void shingle(std::string_view text, shingle_options const& shingling, signer_scratch& scratch,
               signature_info& info) const;

  signature_options options_;
  shingle_options signing_shingle_;  // the shingle hashes that signatures are made of
  normalizer normalizer_;
  minhasher minhasher_;
};

}  // namespace neardup
