// report — clusters in, what people and tools read out: a text report, JSON Lines, CSV, and the
// summary that accounts for every input file.
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
/// pair's similarity.
void write_jsonl_report(std::ostream& out, dedup_result const& result, report_context const& context);

/// One CSV row per cluster member (RFC 4180 quoting), with a header row: cluster, size, id, file,
/// index, title, line, similarity, estimated, relation, linked_to, link_similarity, link_estimated
/// (the JSON Lines report's fields).
void write_csv_report(std::ostream& out, dedup_result const& result, report_context const& context);

/// The run's summary: files read and skipped (each skipped file with its reason), essays, clusters,
/// duplicate essays, bytes, seconds, MB/s, and the lines left out as page furniture.
void write_summary(std::ostream& out, dedup_result const& result, report_context const& context);

/// Writes every essay except the later members of each cluster to `path`, in input order: for text
/// input the title line (if any), the text and a blank line; for JSON Lines input {"id", "text"}
/// records. Written to a temporary file and renamed into place, so an interrupted run leaves no half
/// file. Essays are read back on `threads` threads (0 = all) and written in order. Throws
/// neardup::error(errc::io_error) naming the path, and lets through what `text` throws; either
/// way no file is left behind.
void write_deduplicated(std::string const& path, dedup_result const& result, std::span<const essay_info> essays,
                        std::function<std::string(std::uint32_t)> const& text, bool jsonl, unsigned threads = 1);

}  // namespace neardup
