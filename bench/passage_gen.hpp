// passage_gen — essays with planted copied passages and their byte spans, for
// neardup_eval_passages; and PAN's text-alignment measures (Potthast et al. 2010: byte precision
// and recall over cases, granularity, plagdet).
//
// Host essays are corpus_gen's (text_source: the model of the bundled essays, so every host is on
// the same topic and full of its stock phrases). A case copies 1–3 runs of whole sentences of a
// source essay (40–400 characters each) into another essay at sentence boundaries, disguised by
// kind. On top, every Chinese host quotes stock sentences that hundreds of essays quote, and small
// groups of essays quote the same short slogans: neither is copying.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup::bench {

/// The kinds of cases, in the order reports list them. Copies: "verbatim", "script" (Traditional,
/// by ICU), "punctuation" (changed, dropped and added), "edit" (a character in about 40 changed),
/// "pinyin" (converter annotations such as 復(fù) after some characters), "english" (English
/// sentences, half verbatim, half with a word in about 15 changed and punctuation changed).
/// Negatives (no planted pair): "stock" (essays that share only the stock sentences), "slogan"
/// (groups of 4 essays quoting the same two slogans of 8–20 characters).
inline constexpr std::string_view passage_kinds[] = {"verbatim", "punctuation", "script", "edit",
                                                     "pinyin",   "english",     "stock",  "slogan"};

struct passage_gen_options {
  std::uint64_t seed = 1;
  std::size_t cases_per_kind = 80;  ///< source–copy pairs of each copying kind
  std::size_t negatives = 200;      ///< essays of each negative kind
  std::string essays_dir;           ///< the bundled essays: the host text's model
};

/// One planted passage: bytes [start, end) of the copy's text and of the source's.
struct planted_passage {
  std::uint32_t copy = 0, source = 0;  ///< essay numbers
  std::size_t copy_start = 0, copy_end = 0;
  std::size_t source_start = 0, source_end = 0;
  int kind = 0;  ///< index into passage_kinds
};

struct passage_corpus {
  std::vector<std::string> texts;  ///< essays: a title line, then paragraphs, one a line
  std::vector<int> kind;           ///< per essay: its case's kind (index into passage_kinds)
  std::vector<planted_passage> truth;
};

/// The same corpus for the same options on every platform. Throws std::runtime_error when the
/// bundled essays cannot be read or ICU has no Simplified-Traditional transliterator.
[[nodiscard]] passage_corpus generate_passage_corpus(passage_gen_options const& options);

/// A detected passage of a pair (essay numbers, spans as in planted_passage).
struct detected_passage {
  std::uint32_t copy = 0, source = 0;
  std::size_t copy_start = 0, copy_end = 0;
  std::size_t source_start = 0, source_end = 0;
};

/// PAN's measures over cases and detections, bytes of both essays counted.
struct pan_score {
  double precision = 1, recall = 1, granularity = 1;
  std::size_t cases = 0, detections = 0, detected_cases = 0;
  [[nodiscard]] double f1() const noexcept {
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  }
  [[nodiscard]] double plagdet() const noexcept;
};

/// Scores `detections` against `cases` (a detection detects a case when it overlaps it in both
/// essays of the same pair, in either orientation).
[[nodiscard]] pan_score score_pan(std::vector<planted_passage> const& cases,
                                  std::vector<detected_passage> const& detections);

}  // namespace neardup::bench
