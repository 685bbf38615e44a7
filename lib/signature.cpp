#include "neardup/signature.hpp"

namespace neardup {

signer_scratch::signer_scratch() = default;
signer_scratch::~signer_scratch() = default;
signer_scratch::signer_scratch(signer_scratch&&) noexcept = default;
signer_scratch& signer_scratch::operator=(signer_scratch&&) noexcept = default;

document_signer::document_signer(signature_options const& options)
    : options_(options), normalizer_(options.normalize), minhasher_(options.minhash) {
  // Validate the shingle options once here rather than on every document.
  (void)char_shingles(std::u32string_view(U"x"), options_.shingle);
}

void document_signer::shingle(std::string_view text, signer_scratch& scratch,
                              signature_info& info) const {
  info.normalize = normalizer_.normalize(text, scratch.text);
  info.normalized_chars = scratch.text.size();
  if (options_.unit == shingle_unit::word) {
    if (!scratch.words) scratch.words = std::make_unique<word_shingler>();
    scratch.words->shingles(scratch.text, options_.shingle, scratch.shingles);
  } else {
    char_shingles(scratch.text, options_.shingle, scratch.shingles);
  }
  info.shingles = scratch.shingles.size();
}

signature_info document_signer::sign(std::string_view text, std::span<std::uint32_t> out,
                                     signer_scratch& scratch) const {
  signature_info info;
  shingle(text, scratch, info);
  minhasher_.sign(scratch.shingles, out);
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
  shingle(text, scratch, info);
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
