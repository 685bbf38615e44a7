// corpus_gen — a deterministic synthetic corpus with planted near-duplicates and its ground truth,
// plus the scoring of clusters against that truth. Shared by the three corpus programs:
//   neardup_gen_corpus   writes a corpus (folder of multi-essay .txt files and/or JSON Lines);
//   neardup_eval_accuracy  precision / recall / F1 of the library over a grid of settings;
//   neardup_run_corpus   the whole-pipeline benchmark (with --truth, its accuracy too).
//
// The generator needs nothing from the library (only ICU), so it stays usable while stages change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace neardup::bench {

/// The ICU transliterator `id` (e.g. "Simplified-Traditional"); throws std::runtime_error, naming
/// ICU's error, when ICU has none.
std::unique_ptr<icu::Transliterator> make_transliterator(char const* id);

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// splitmix64: a tiny, fully specified generator, so a seed gives the same corpus on every
/// platform and standard library (std::uniform_int_distribution and std::shuffle are not
/// specified bit-for-bit).
class det_rng {
 public:
  explicit det_rng(std::uint64_t seed) noexcept : state_(seed) {}

  /// The next 64 random bits.
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) (bound > 0), without modulo bias (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t bound) noexcept;
  /// Uniform in [lo, hi] (lo <= hi).
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) noexcept { return lo + below(hi - lo + 1); }
  /// Uniform in [0, 1) with 53 random bits.
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// True with probability p.
  bool chance(double p) noexcept { return unit() < p; }
  /// Fisher-Yates shuffle of `items` (deterministic, unlike std::shuffle across libraries).
  template <class T>
  void shuffle(std::vector<T>& items) noexcept {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }
  /// A derived, independent generator (for per-essay streams).
  det_rng fork() noexcept { return det_rng(next() ^ 0xD1B54A32D192ED03ull); }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// The generator

/// Output formats of the generator.
enum class corpus_format { folder, jsonl, both };

/// What to generate. Shares are probabilities per base essay.
struct corpus_gen_options {
  std::uint64_t seed = 1;
  std::uint64_t target_bytes = 10'000'000;  ///< UTF-8 bytes of essay text (titles + paragraphs)
  std::string essays_dir;                   ///< the bundled essays: the source of the paragraph model
  std::string out_dir;                      ///< created if missing; see generate_corpus for layout
  corpus_format format = corpus_format::folder;
  double group_share = 0.2;                 ///< base essays that get 1..max_variants variants
  unsigned max_variants = 5;
  double hard_negative_share = 0.05;        ///< base essays whose title is reused by an unrelated essay
  double related_share = 0.05;              ///< base essays quoted in part (1..half of their paragraphs)
                                            ///< by another, otherwise new, essay: a negative of Jaccard ~0.05-0.33
  double gb18030_share = 0.15;              ///< files written in GB18030 instead of UTF-8
  double crlf_share = 0.15;                 ///< files written with CRLF line ends
  std::size_t shuffle_buffer = 512;         ///< essays held back and emitted in random order
  /// Paragraph-pool mode (as essay sites assemble essays): every essay is 4..12 paragraphs drawn
  /// from its topic's shared pool of pool_topic_paragraphs, about pool_topic_essays essays per
  /// topic, so unrelated essays of a topic share paragraphs often (many candidate pairs near the
  /// threshold); repost_share of them are re-posted with one paragraph changed (kind "edit").
  /// The other shares are not used in this mode.
  bool paragraph_pool = false;
  std::size_t pool_topic_paragraphs = 60;
  std::size_t pool_topic_essays = 3000;
  double repost_share = 0.1;
};

/// What generate_corpus wrote.
struct corpus_gen_summary {
  std::size_t files = 0;            ///< .txt files (folder format)
  std::size_t essays = 0;
  std::size_t groups = 0;           ///< planted near-duplicate groups
  std::size_t variants = 0;         ///< essays that are variants of a group's original
  std::size_t hard_negatives = 0;
  std::size_t related = 0;
  std::uint64_t text_bytes = 0;     ///< UTF-8 bytes of essay text
  std::uint64_t folder_bytes = 0;   ///< bytes written to .txt files (after encoding)
  std::uint64_t jsonl_bytes = 0;    ///< bytes written to corpus.jsonl
  std::size_t paragraph_pool = 0;   ///< paragraphs taken from the bundled essays to train the model
  std::unordered_map<std::string, std::size_t> variants_by_kind;
  double seconds = 0;
};

/// The variant kinds, in the order reports list them.
inline constexpr std::string_view variant_kinds[] = {"script",      "punctuation", "shuffle", "template",
                                                     "boilerplate", "title",       "edit"};

/// Writes a corpus into options.out_dir:
///   folder format: OUT/folder/txt/NNN/fNNNNNN.txt and OUT/folder/truth.tsv
///                  (columns: file index group kind; file relative to OUT/folder);
///   jsonl format:  OUT/jsonl/corpus.jsonl and OUT/jsonl/truth.tsv (columns: id group kind).
/// kind is "original" (a group's first essay), one of variant_kinds, "hard_negative" (an unrelated
/// essay that reuses another's title), "related" (an essay that quotes some paragraphs of another but
/// is otherwise its own: not a near-duplicate) or "unique". Writes are streamed: memory does not grow with
/// the size. `progress` (may be null) gets a line now and then. Throws std::runtime_error when
/// the bundled essays cannot be read or an output cannot be written.
corpus_gen_summary generate_corpus(corpus_gen_options const& options, std::ostream* progress);

/// The generator's text on its own, for other generators (bench/layout_gen.cpp): paragraphs and
/// titles made as generate_corpus makes them, from the same model of the bundled essays.
class text_source {
 public:
  /// Throws std::runtime_error when the bundled essays cannot be read.
  explicit text_source(std::string const& essays_dir);
  ~text_source();
  text_source(text_source const&) = delete;
  text_source& operator=(text_source const&) = delete;
  /// One paragraph (one line, UTF-8) of the model's length distribution, at most `max_chars`.
  [[nodiscard]] std::string paragraph(det_rng& rng, std::size_t max_chars = 1200) const;
  /// A title such as "2023年疫情防控心得体会".
  [[nodiscard]] static std::string title(det_rng& rng);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// 1..99 in Chinese numerals ("十二"), as headings write them.
[[nodiscard]] std::string chinese_numeral(unsigned n);

/// `text` with CRLF line ends.
[[nodiscard]] std::string to_crlf(std::string_view text);

/// `utf8` in GB18030 (by ICU). Throws std::runtime_error when ICU cannot.
[[nodiscard]] std::string utf8_to_gb18030(std::string_view utf8);

/// Parses "10MB", "1GB", "512KiB", "1000" (bytes). KB/MB/GB are powers of 10, KiB/MiB/GiB of 2.
/// Throws std::invalid_argument for anything else.
[[nodiscard]] std::uint64_t parse_size(std::string_view text);

/// The numbers of a comma-separated list ("1,2,3"); throws std::invalid_argument on a bad one.
[[nodiscard]] std::vector<std::uint64_t> parse_seeds(std::string const& list);

// ---------------------------------------------------------------------------------------------
// Templated essays among same-topic essays

/// What generate_template_corpus makes.
struct template_gen_options {
  std::uint64_t seed = 1;
  std::uint64_t target_bytes = 10'000'000;  ///< UTF-8 bytes of essay text
  std::string essays_dir;                   ///< the bundled essays: the source of the text model
  /// Essays laid out as a page of one of three sites (a head with scripts and styles, navigation,
  /// a footer; generated_essay::page), whatever their kind.
  double web_page_share = 0.0;
};

/// One generated essay: its text (title line, then paragraphs, one a line), its planted group
/// ("" for none) and kind:
///   "template"    a member of a templated family: a shared skeleton of sentences whose blanks
///                 (names, places, numbers, dates, whole clauses) each member fills differently,
///                 sentences swapped a little, some added or removed (5-gram Jaccard ~0.2–0.6);
///   "duplicate"   a member of a near-duplicate group (5–10% of the sentences edited);
///   "distractor"  the title and the stock phrases and sentences of a family, its own sentences;
///   "quoting"     an essay of its own with one or two paragraphs of another essay copied in;
///   "unique"      none of these.
struct generated_essay {
  std::string id;
  std::string text;
  std::string group;
  std::string kind;
  bool page = false;  ///< laid out as a site's web page (template_gen_options::web_page_share)
};

/// A corpus of template families, near-duplicate groups and their hard negatives, in a shuffled
/// order, the same for the same options on every platform. Throws std::runtime_error when the
/// bundled essays cannot be read.
[[nodiscard]] std::vector<generated_essay> generate_template_corpus(
    template_gen_options const& options);

// ---------------------------------------------------------------------------------------------
// Ground truth and scoring

/// Pair precision, recall and F1 of one kind: planted pairs, of them found, and the clustered
/// pairs that involve one of the kind's essays.
struct pair_score {
  std::uint64_t planted = 0, found = 0, predicted = 0;
  [[nodiscard]] double precision() const {
    return predicted ? static_cast<double>(found) / static_cast<double>(predicted) : 1.0;
  }
  [[nodiscard]] double recall() const {
    return planted ? static_cast<double>(found) / static_cast<double>(planted) : 1.0;
  }
  [[nodiscard]] double f1() const {
    double const p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};

/// Counts one clustered pair into the scores of its essays' kinds (`kx`, `ky`: indices into
/// `kinds`, -1 for an essay in no planted group): found and predicted for the kind when the pair is
/// `correct` (one planted group), else predicted for each kind it involves.
template <class Score>
void count_clustered_pair(Score* kinds, bool correct, int kx, int ky) {
  if (correct) {
    ++kinds[kx].found;
    ++kinds[kx].predicted;
    return;
  }
  if (kx >= 0) ++kinds[kx].predicted;
  if (ky >= 0 && ky != kx) ++kinds[ky].predicted;
}

/// One row of a truth.tsv: key is "file#index" (folder) or the record id (jsonl).
struct truth_row {
  std::string key;
  std::string group;  ///< empty: in no planted group
  std::string kind;
};

/// Reads a truth.tsv written by generate_corpus (either layout, told apart by its header).
/// Throws std::runtime_error naming the path when it cannot be read or parsed.
[[nodiscard]] std::vector<truth_row> read_truth(std::string const& path);

/// The truth key of an essay of a folder corpus: its file relative to the truth file's folder and
/// its 1-based index, e.g. "txt/000/f000001.txt#3".
[[nodiscard]] std::string folder_truth_key(std::string_view relative_file, std::uint32_t index);

/// Ground truth per document of a run (by document index).
struct doc_labels {
  std::vector<std::int32_t> group;  ///< planted group number, -1 for none
  std::vector<std::int8_t> kind;    ///< index into variant_kinds, -1 original, -2 hard negative,
                                    ///< -3 unique, -4 not in the truth file, -5 related
  std::size_t unmatched_docs = 0;   ///< loaded documents with no truth row
  std::size_t missing_rows = 0;     ///< truth rows with no loaded document
};

/// Labels documents by their truth keys (keys[doc]).
[[nodiscard]] doc_labels label_documents(std::span<const truth_row> truth, std::span<const std::string> keys);

/// Pairwise accuracy of clusters against planted groups.
struct accuracy {
  std::uint64_t true_pairs = 0;       ///< pairs of documents in one planted group
  std::uint64_t predicted_pairs = 0;  ///< pairs of documents in one cluster
  std::uint64_t correct_pairs = 0;    ///< pairs in both
  double precision = 0, recall = 0, f1 = 0;
  /// Per variant kind: (original, variant) pairs planted and found in one cluster.
  std::uint64_t kind_pairs[std::size(variant_kinds)] = {};
  std::uint64_t kind_found[std::size(variant_kinds)] = {};
  std::size_t hard_negatives = 0;           ///< hard negatives in the corpus
  std::size_t hard_negatives_clustered = 0;  ///< ... that ended up in some cluster
  std::size_t related = 0;                   ///< related (partly quoting) essays in the corpus
  std::size_t related_clustered = 0;         ///< ... that ended up in some cluster
  [[nodiscard]] double kind_recall(std::size_t kind) const noexcept {
    return kind_pairs[kind] ? static_cast<double>(kind_found[kind]) / static_cast<double>(kind_pairs[kind]) : 0.0;
  }
};

/// Scores `clusters` (lists of document indices) against `labels`. Precision is 1 when nothing
/// is clustered, recall 1 when nothing is planted (empty ratios), and F1 their harmonic mean.
[[nodiscard]] accuracy score_clusters(doc_labels const& labels,
                                      std::span<const std::vector<std::uint32_t>> clusters);

}  // namespace neardup::bench
