// Builds the normalize stage's code point table with ICU (fold_table_store.cpp keeps the process's
// tables; the build runs this for the default options too, through neardup_fold_table_gen).

#include "text/fold_table.hpp"

#include <neardup/error.hpp>
#include <neardup/normalize.hpp>

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <limits>
#include <memory>
#include <string>
#include <unordered_map>

namespace neardup::detail {
namespace {

constexpr std::uint32_t max_code_point = 0x10FFFF;
constexpr std::size_t block_size = 256;
// A fixed point is normally reached after one or two rounds; the bound only guards against a
// mapping cycle in the data, which would otherwise loop forever.
constexpr int max_fold_rounds = 8;

/// punct/space flags of a folded code point.
std::uint32_t class_flags(UChar32 c) {
  std::uint32_t const gc = U_GET_GC_MASK(c);
  std::uint32_t flags = 0;
  if ((gc & (U_GC_P_MASK | U_GC_S_MASK)) != 0) flags |= fold::punct;
  if ((gc & (U_GC_Z_MASK | U_GC_CC_MASK)) != 0) flags |= fold::space;
  return flags;
}

class table_builder {
 public:
  table_builder(bool nfkc_casefold, bool t2s) {
    UErrorCode status = U_ZERO_ERROR;
    if (nfkc_casefold) {
      nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
      if (U_FAILURE(status) || nfkc_cf_ == nullptr) {
        throw error(errc::icu_error, std::string("normalize: ICU NFKC_Casefold data unavailable: ") +
                                         u_errorName(status));
      }
    }
    if (t2s) {
      t2s_.reset(icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
      if (U_FAILURE(status) || !t2s_) {
        throw error(errc::icu_error,
                    std::string("normalize: ICU transliterator Traditional-Simplified unavailable: ") +
                        u_errorName(status));
      }
      // Characters outside the source set are never changed: transliterate only the ~3,500 inside.
      t2s_->getSourceSet(t2s_source_);
    }
    han_.applyIntPropertyValue(UCHAR_SCRIPT, USCRIPT_HAN, status);
    if (U_FAILURE(status)) {
      throw error(errc::icu_error, std::string("normalize: ICU script data unavailable: ") +
                                       u_errorName(status));
    }
  }

  fold_table build() {
    std::vector<std::uint32_t> flat(max_code_point + 1);
    for (std::uint32_t c = 0; c <= max_code_point; ++c) flat[c] = entry(static_cast<UChar32>(c));
    for (std::int32_t r = 0; r < han_.getRangeCount(); ++r) {
      for (UChar32 c = han_.getRangeStart(r); c <= han_.getRangeEnd(r); ++c) flat[c] |= fold::han;
    }
    for (char const c : {'<', '&', 'h', 'H', 'w', 'W'}) flat[static_cast<unsigned char>(c)] |= fold::web;
    flat['('] |= fold::paren;
    flat[0xFF08] |= fold::paren;  // FULLWIDTH LEFT PARENTHESIS

    table_.nfkc_casefold = nfkc_cf_ != nullptr;
    table_.traditional_to_simplified = t2s_ != nullptr;
    // Identical blocks (unassigned planes, most ideograph blocks) are stored once.
    std::unordered_map<std::string, std::uint16_t> seen;
    table_.stage1.resize((max_code_point + 1) / block_size);
    for (std::size_t b = 0; b < table_.stage1.size(); ++b) {
      std::string key(reinterpret_cast<char const*>(flat.data() + b * block_size),
                      block_size * sizeof(std::uint32_t));
      auto [it, inserted] =
          seen.try_emplace(std::move(key), static_cast<std::uint16_t>(table_.stage2.size() / block_size));
      if (inserted) {
        table_.stage2.insert(table_.stage2.end(), flat.begin() + static_cast<std::ptrdiff_t>(b * block_size),
                             flat.begin() + static_cast<std::ptrdiff_t>((b + 1) * block_size));
      }
      table_.stage1[b] = it->second;
    }
    table_.stage2.shrink_to_fit();
    table_.bmp.assign(flat.begin(), flat.begin() + 0x10000);
    table_.pool.shrink_to_fit();
    return std::move(table_);
  }

 private:
  /// nfkc_cf then Traditional->Simplified, repeated until nothing changes, so that folding a
  /// folded string changes nothing (normalization is idempotent).
  icu::UnicodeString fold_string(icu::UnicodeString s) const {
    for (int round = 0; round < max_fold_rounds; ++round) {
      icu::UnicodeString const before = s;
      if (nfkc_cf_ != nullptr) {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString normalized = nfkc_cf_->normalize(s, status);
        if (U_SUCCESS(status)) s = std::move(normalized);
      }
      if (t2s_ && t2s_source_.containsSome(s)) t2s_->transliterate(s);
      if (s == before) break;
    }
    return s;
  }

  /// Whether `c` starts a new normalization segment whatever precedes it.
  [[nodiscard]] bool boundary_before(UChar32 c) const {
    return nfkc_cf_ == nullptr || nfkc_cf_->hasBoundaryBefore(c);
  }

  std::uint32_t entry(UChar32 c) {
    // Surrogates never come out of the UTF-8 decoder nor out of entity decoding.
    if (U_IS_SURROGATE(c)) return 0;
    bool const changes = (nfkc_cf_ != nullptr && !nfkc_cf_->isInert(c)) ||
                         (t2s_ && t2s_source_.contains(c));
    if (!changes) return class_flags(c);
    std::u32string const folded = to_u32(fold_string(icu::UnicodeString(c)));
    std::uint32_t compose = boundary_before(c) ? 0 : fold::compose;
    // Any combining character in the result counts, not only a first one: dropping what comes
    // before it (U+00B8 folds to space + U+0327) leaves it next to earlier text.
    for (char32_t const m : folded)
      if (!boundary_before(static_cast<UChar32>(m))) compose = fold::compose;
    if (folded.size() == 1) {
      auto const m = static_cast<std::uint32_t>(folded[0]);
      return (m == static_cast<std::uint32_t>(c) ? 0 : m) | class_flags(static_cast<UChar32>(m)) | compose;
    }
    auto const offset = static_cast<std::uint32_t>(table_.pool.size());
    table_.pool.push_back(static_cast<std::uint32_t>(folded.size()));
    for (char32_t const m : folded) {
      table_.pool.push_back(static_cast<std::uint32_t>(m) | class_flags(static_cast<UChar32>(m)));
    }
    return offset | fold::expand | compose;
  }

  icu::Normalizer2 const* nfkc_cf_ = nullptr;
  std::unique_ptr<icu::Transliterator> t2s_;
  icu::UnicodeSet t2s_source_;
  icu::UnicodeSet han_;
  fold_table table_;
};

}  // namespace

fold_table build_fold_table(bool nfkc_casefold, bool traditional_to_simplified) {
  return table_builder(nfkc_casefold, traditional_to_simplified).build();
}

bool icu_nfkc_casefold(std::u32string_view text, std::u32string& out) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Normalizer2 const* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_SUCCESS(status) && nfkc_cf != nullptr) {
    icu::UnicodeString src;
    for (char32_t const c : text) src.append(static_cast<UChar32>(c));
    icu::UnicodeString const normalized = nfkc_cf->normalize(src, status);
    if (U_SUCCESS(status)) {
      for (std::int32_t i = 0; i < normalized.length();) {
        UChar32 const c = normalized.char32At(i);
        out.push_back(static_cast<char32_t>(c));
        i += U16_LENGTH(c);
      }
      return true;
    }
  }
  out.append(text);
  return false;
}

std::u32string icu_fold_reference(std::string_view utf8, bool nfkc_casefold,
                                  bool traditional_to_simplified, bool drop_punctuation,
                                  bool drop_whitespace) {
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw error(errc::limit_exceeded, "normalize: ICU reference path takes at most 2 GiB of text");
  }
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  if (nfkc_casefold) {
    icu::Normalizer2 const* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_SUCCESS(status)) text = nfkc_cf->normalize(text, status);
    if (U_FAILURE(status)) {
      throw error(errc::icu_error, std::string("normalize: ICU NFKC_Casefold failed: ") + u_errorName(status));
    }
  }
  if (traditional_to_simplified) {
    thread_local std::unique_ptr<icu::Transliterator> const t2s(
        icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
    if (!t2s) {
      throw error(errc::icu_error,
                  std::string("normalize: ICU transliterator Traditional-Simplified unavailable: ") +
                      u_errorName(status));
    }
    t2s->transliterate(text);
  }
  std::uint32_t drop = 0;
  if (drop_punctuation) drop |= fold::punct;
  if (drop_whitespace) drop |= fold::space;
  std::u32string out;
  for (std::int32_t i = 0; i < text.length();) {
    UChar32 const c = text.char32At(i);
    i += U16_LENGTH(c);
    if ((class_flags(c) & drop) == 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::u32string to_u32(icu::UnicodeString const& s) {
  std::u32string out;
  for (std::int32_t i = 0; i < s.length();) {
    UChar32 const c = s.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

}  // namespace neardup::detail
