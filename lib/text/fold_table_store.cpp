// The process's fold tables, one per option pair, made on first use. The default pair's table was
// computed when the library was built (neardup_fold_table_gen, fold_table_gen.cpp), from the ICU it
// links: building it here took ~80 ms of every run, most of it ICU's transliterator registry and
// rule parser, as long as the rest of a run over 10 MB. It is used only when the ICU this process
// runs with is the one it was computed from; otherwise, and for the other pairs, ICU builds it.

#include "text/fold_table.hpp"

#include <neardup/normalize.hpp>

#include <unicode/uversion.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace neardup::detail {
namespace {

/// This process's ICU version, as U_ICU_VERSION spells it ("72.1").
[[nodiscard]] bool running_icu_is(std::string_view version) {
  UVersionInfo info{};
  u_getVersion(info);
  std::array<char, U_MAX_VERSION_STRING_LENGTH> text{};
  u_versionToString(info, text.data());
  return version == std::string_view(text.data());
}

fold_table default_table() {
  if (running_icu_is(built_fold_table_icu_version())) return built_fold_table();
  return build_fold_table(true, true);
}

fold_table with_sentence_marks(fold_table const& plain) {
  fold_table table = plain;
  for (char32_t const c : {U'!', U'?', U';', U'\u3002', U'\uFF01', U'\uFF1F', U'\uFF1B'})
    table.bmp[c] = static_cast<std::uint32_t>(sentence_end_mark);
  table.bmp['\n'] = static_cast<std::uint32_t>(line_end_mark);
  return table;
}

}  // namespace

fold_table const& get_fold_table(bool nfkc_casefold, bool traditional_to_simplified) {
  // One function-local static per option pair: made on first use, thread-safe, and only the
  // pairs a process actually uses cost anything.
  if (nfkc_casefold) {
    if (traditional_to_simplified) {
      static fold_table const table = default_table();
      return table;
    }
    static fold_table const table = build_fold_table(true, false);
    return table;
  }
  if (traditional_to_simplified) {
    static fold_table const table = build_fold_table(false, true);
    return table;
  }
  static fold_table const table = build_fold_table(false, false);
  return table;
}

fold_table const& get_sentence_fold_table(bool nfkc_casefold, bool traditional_to_simplified) {
  if (nfkc_casefold) {
    if (traditional_to_simplified) {
      static fold_table const table = with_sentence_marks(get_fold_table(true, true));
      return table;
    }
    static fold_table const table = with_sentence_marks(get_fold_table(true, false));
    return table;
  }
  if (traditional_to_simplified) {
    static fold_table const table = with_sentence_marks(get_fold_table(false, true));
    return table;
  }
  static fold_table const table = with_sentence_marks(get_fold_table(false, false));
  return table;
}

}  // namespace neardup::detail
