// short_gen — deterministic short texts (20–100 characters: poem-like lines, titles, one-sentence
// answers) with planted near-duplicates and hard negatives, for neardup_eval_short.
//
// The text comes from corpus_gen's model of the bundled essays (text_source); variants are made
// as a second edition or a careless copy would: the other script (ICU "Simplified-Traditional")
// with a variant character or two, other punctuation, a character or two changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace neardup::bench {

/// What generate_short_texts makes.
struct short_gen_options {
  std::uint64_t seed = 1;
  std::size_t bases = 2000;  ///< short texts made first; variants and negatives come on top
  std::size_t essays = 0;  ///< long essays (1,000–3,000 characters) mixed in, a fifth with a copy
  std::string essays_dir;  ///< the bundled essays: the source of the text model
  unsigned max_changes = 2;     ///< script and edit variants change 1..max_changes characters
  unsigned stock_percent = 40;  ///< a hard negative shares 25..stock_percent % of its base (>= 25)
};

/// One generated text: its text, planted group ("" for none) and kind:
///   "original"     a group's first text (its pairs are scored under the variant's kind);
///   "script"       the original in Traditional script with one or two characters replaced
///                  (max_changes);
///   "punctuation"  the original with its punctuation changed (and spaces);
///   "edit"         one or two characters (max_changes) replaced, inserted or deleted, in
///                  Simplified;
///   "essay_copy"   a long essay's copy with 2% of its characters changed;
///   "stock"        a hard negative: another text on the same topic, sharing a stock phrase or
///                  opening (25% to stock_percent of its length) with a base text;
///   "unique"       none of these (bases without variants, long essays without a copy).
/// `form` says what the text looks like: "poem", "title", "answer" or "essay".
struct short_text {
  std::string id;
  std::string text;
  std::string group;
  std::string kind;
  std::string form;
};

/// The texts in a shuffled order, the same for the same options on every platform. Throws
/// std::runtime_error when the bundled essays cannot be read or ICU has no transliterator.
[[nodiscard]] std::vector<short_text> generate_short_texts(short_gen_options const& options);

}  // namespace neardup::bench
