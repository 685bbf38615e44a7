// report — clusters in, what people and tools read out: a text report, JSON Lines, CSV, an HTML
// page, and the summary that accounts for every input file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/deduplicator.hpp"
#include "neardup/load.hpp"
#include "neardup/passages.hpp"

namespace neardup {

/// What a report needs besides the clusters.
struct report_context {
  std::span<const essay_info> essays;      ///< by document index
  /// An essay's text by document index, or its start (the excerpt takes 60 characters), for
  /// excerpts of cluster members; may be empty (no excerpts).
  std::function<std::string(std::uint32_t)> text;
  load_summary const* load = nullptr;      ///< for the file accounting; may be null
  dedup_options const* options = nullptr;  ///< for the settings line; may be null
  double seconds = 0;                      ///< wall time of the whole run
  double seconds_read_and_sign = 0;        ///< of which reading, decoding, splitting and signing
  /// Checked against an index (dedup --index): the CSV report gets a `stored` column (stored
  /// members are marked in every format: essay_info::stored).
  bool indexed = false;
};

/// Clusters as a person reads them: members with file, essay number, title, lines, similarity to
/// the cluster's first member, relation (duplicate or template), the member that linked it when
/// that is not the first, and an excerpt; then the summary.
void write_text_report(std::ostream& out, dedup_result const& result, report_context const& context);

/// One JSON object per cluster:
/// {"cluster": N, "size": M, "members": [{"id", "file", "index", "title", "line", "similarity",
/// "estimated", "relation", "linked_to", "link_similarity", "link_estimated"}, ...]}; "estimated"
/// is true when the similarity (to the first member) is the MinHash estimate; "relation" is
/// "duplicate" or "template" (member_relation_name); "linked_to" is the id of the member whose
/// verified pair brought this one in (its own id for the first member) and "link_similarity" that
/// pair's similarity. A member stored in an index (essay_info::stored) has "stored": true.
void write_jsonl_report(std::ostream& out, dedup_result const& result, report_context const& context);

/// One CSV row per cluster member (RFC 4180 quoting), with a header row: cluster, size, id, file,
/// index, title, line, similarity, estimated, relation, linked_to, link_similarity, link_estimated
/// (the JSON Lines report's fields).
void write_csv_report(std::ostream& out, dedup_result const& result, report_context const& context);

/// What the passage reports need besides report_context: the essays' whole texts (a passage may lie
/// past an excerpt's start; may be empty: no quotes) and whether the essays are JSON Lines records
/// (a record is one line of its file, so a passage's line in the file is the record's).
struct passage_report_context {
  std::function<std::string(std::uint32_t)> text;
  bool jsonl = false;
};

/// The pairs of essays that share a copied passage, as a person reads them: both essays (file,
/// essay number, line, title), how much of each the passages cover, and each passage quoted
/// (shortened in the middle when long) with its lines in both files; then a line of counts.
void write_passages_text(std::ostream& out, passage_result const& passages,
                         report_context const& context, passage_report_context const& texts);

/// One line of what the passage search saw: pairs, candidates, stock fingerprints, seconds.
void write_passages_summary(std::ostream& out, passage_result const& passages, double seconds);

/// One JSON object per pair: {"pair": N, "a": {"id", "file", "index", "line"}, "b": {...},
/// "containment_a", "containment_b", "passages": [{"a_start", "a_end", "b_start", "b_end",
/// "a_line", "b_line", "chars"}]}: `a` the earlier essay in input order; offsets are bytes of each
/// essay's text in UTF-8 (from its first line, LF line ends; a JSON Lines record's decoded text),
/// lines are of the files.
void write_passages_jsonl(std::ostream& out, passage_result const& passages,
                          report_context const& context, passage_report_context const& texts);

/// One CSV row per passage, with a header row: pair, a_id, a_file, a_index, a_essay_line, b_id,
/// b_file, b_index, b_essay_line, containment_a, containment_b, a_start, a_end, b_start, b_end,
/// a_line, b_line, chars.
void write_passages_csv(std::ostream& out, passage_result const& passages,
                        report_context const& context, passage_report_context const& texts);

/// What the HTML report shows in full, and how it finds the passages a cluster's members share.
struct html_report_options {
  /// Clusters (by size) and passage pairs (by containment) shown with their whole texts side by
  /// side and the shared passages marked: the first `full_texts` of each. A run with no more of
  /// either is whole in the page (the browser's find and print see all of it); beyond, clusters
  /// and pairs are listed (paged) with excerpts, rendered when opened.
  std::size_t full_texts = 300;
  /// Members of a cluster shown beside its representative; later members are only listed.
  std::size_t compare_members = 8;
  /// Longest text shown whole, in bytes; a longer one is cut there (at a character) with a note.
  std::size_t max_text_bytes = 256 * 1024;
  /// How the passages a representative and a member share are found (neardup::passages on the
  /// two texts; normalization is the run's, without punctuation and white space).
  passage_options passage;
  /// The passage search's seconds, for the summary (pipeline_timing::passages).
  double passage_seconds = 0;
};

/// One self-contained HTML page (CSS, script and data inline; nothing is fetched): the run's
/// settings and summary, histograms of similarities and containments, a filter, the clusters by
/// size and the passage pairs by containment (`passages` may be null), and each cluster (its
/// members, the representative's text beside each member's) and pair with the shared passages
/// marked in one colour per passage on both sides. Every text, title, id and file name is escaped;
/// the data is JSON in a `<script type="application/json">` element with every `<` written as
/// \u003c. Texts come from `texts.text` (whole texts; when empty only excerpts are shown).
void write_html_report(std::ostream& out, dedup_result const& result,
                       passage_result const* passages, report_context const& context,
                       passage_report_context const& texts,
                       html_report_options const& options = {});

/// The run's summary: files read and skipped (each skipped file with its reason), essays, clusters,
/// duplicate essays, bytes, seconds, MB/s, and the lines left out as page furniture.
void write_summary(std::ostream& out, dedup_result const& result, report_context const& context);

/// Why nothing was read, for a run that read no file: every path skipped and its reason, and
/// what the folders held instead — files with other extensions by extension ("no file ends in
/// .txt, but 12 .md"), text files given to --jsonl, or nothing at all.
void write_nothing_read(std::ostream& out, load_summary const& load, load_options const& options);

/// What write_deduplicated wrote, and what of the input is not in it.
struct keep_one_stats {
  std::size_t files = 0;       ///< input files written (without their duplicates)
  std::size_t essays = 0;      ///< essays (records) written
  std::size_t duplicates = 0;  ///< left out: the later members of the clusters
  /// Written through as they were, not read as essays: JSON lines that gave no record (broken, a
  /// field missing, a repeated id, over a limit) and essays over the essay limit.
  std::size_t unread = 0;
  bool lines = false;                 ///< `unread` counts JSON lines (else essays)
  std::vector<std::string> not_read;  ///< input files the load skipped: not in the output
  std::vector<std::string> changed;   ///< files that changed since they were read: not in it either
};

/// Writes the input with exactly the later members of each cluster left out, file by file in input
/// order (the files of `load`, read again from disk):
/// - JSON Lines: every line as it is stored (any fields, escapes and id types; blank lines; lines
///   that gave no record, written through unread) except the lines of the duplicate records. A
///   file that does not end with a newline gets one; a UTF-8 BOM is kept only at the very start.
/// - Text files: the file's text as decoded (UTF-8 with LF line ends: byte for byte for UTF-8 files
///   without CR or BOM) without each duplicate's lines, its heading through its last line and the
///   blank lines after it. Titles, numbering, page furniture, blank lines and essays over the limit
///   are kept. Each file ends with a newline, and files are separated by a blank line.
/// So the output and the duplicates' lines are the input, line for line. A file whose size changed
/// since the load is left out (keep_one_stats::changed); files the load skipped are listed in
/// not_read. Text files are read and decoded on `threads` threads (0 = all), written in order.
/// Throws neardup::error(io_error) when writing fails.
keep_one_stats write_deduplicated(std::ostream& out, dedup_result const& result,
                                  std::span<const essay_info> essays, load_summary const& load,
                                  load_options const& options, unsigned threads = 1);

/// One paragraph for standard error about what write_deduplicated wrote to `path`: counts, what was
/// written unread, and the input files that are not in it, by name.
void write_keep_one_summary(std::ostream& out, keep_one_stats const& stats, std::string_view path);

/// One file's split, for `dedup --show-split`: a header line (path, encoding, lines, essays), then
/// per essay its index, line range, characters, title and why it starts there, the furniture left
/// out with its reason, and the split's warnings. A skipped file is one line with why.
void write_split_listing(std::ostream& out, file_split const& file);

/// The same as one JSON object on one line: {"file", "encoding", "lines", "essays": [{"index",
/// "line", "last_line", "chars", "bytes", "title", "reason"}], "furniture": [{"first", "last",
/// "reason"}], "warnings": [{"essay", "line", "message"}]}, or {"file", "skipped"}.
void write_split_jsonl(std::ostream& out, file_split const& file);

}  // namespace neardup
