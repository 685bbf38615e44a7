#include "neardup/signature.hpp"

#include "common/hash_mix.hpp"
#include "neardup/error.hpp"

namespace neardup {

signer_scratch::signer_scratch() = default;
signer_scratch::~signer_scratch() = default;
signer_scratch::signer_scratch(signer_scratch&&) noexcept = default;
signer_scratch& signer_scratch::operator=(signer_scratch&&) noexcept = default;

document_signer::document_signer(signature_options const& options)
    : options_(options), normalizer_(options.normalize), minhasher_(options.minhash) {
  // Validate the shingle options once here rather than on every document.
  (void)char_shingles(std::u32string_view(U"x"), options_.shingle);
  // Word shingles need the white space between words: dropped, a whole text is one word.
  if (options_.unit == shingle_unit::word && options_.normalize.drop_whitespace)
    throw error(errc::invalid_argument,
                "word shingles need normalize.drop_whitespace = false (dropped white space makes a "
                "whole text one word)");
  // One-permutation signatures take XXH3 shingle hashes as they are, seeded with both seeds (so
  // another MinHash seed still gives an independent signature), instead of mixing each hash again.
  // The salt is SHA-512's last initial value H7; it is part of the signature format
  // (signature_format_version): changing it changes every stored signature.
  signing_shingle_ = options_.shingle;
  if (options_.minhash.scheme == minhash_scheme::one_permutation)
    signing_shingle_.seed = detail::mix64(options_.shingle.seed ^ detail::mix64(options_.minhash.seed ^ 0x5be0cd19137e2179ull));
}

void document_signer::shingle(std::string_view text, shingle_options const& shingling, signer_scratch& scratch,
                              signature_info& info) const {
  info.normalize = normalizer_.normalize(text, scratch.text);
  info.normalized_chars = scratch.text.size();
  if (options_.unit == shingle_unit::word) {
    if (!scratch.words) scratch.words = std::make_unique<word_shingler>();
    scratch.words->shingles(scratch.text, shingling, scratch.shingles);
  } else {
    char_shingles(scratch.text, shingling, scratch.shingles);
  }
  info.shingles = scratch.shingles.size();
}

signature_info document_signer::sign(std::string_view text, std::span<std::uint32_t> out,
                                     signer_scratch& scratch) const {
  signature_info info;
  shingle(text, signing_shingle_, scratch, info);
  minhasher_.sign_uniform(scratch.shingles, out);  // checks out.size() before writing to it
  return info;
}

std::vector<std::uint32_t> document_signer::sign(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint32_t> out(num_perm());
  sign(text, out, scratch);
  return out;
}

void document_signer::shingle_set(std::string_view text, std::vector<std::uint64_t>& out,
                                  signer_scratch& scratch) const {
  signature_info info;
  shingle(text, options_.shingle, scratch, info);
  out.assign(scratch.shingles.begin(), scratch.shingles.end());
  make_shingle_set(out);
}

std::vector<std::uint64_t> document_signer::shingle_set(std::string_view text) const {
  signer_scratch scratch;
  std::vector<std::uint64_t> out;
  shingle_set(text, out, scratch);
  return out;
}

}  // namespace neardup
