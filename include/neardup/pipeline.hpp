// pipeline — a corpus on disk in, clusters out, fast: files (or chunks of JSON Lines files) are
// read, decoded, split and signed on every thread and merged in order; each essay's text is let go
// once signed. Verification reads back, by its byte range, only the essays whose candidate pairs
// the signature estimate cannot decide.
//
//   neardup::pipeline_options options;                      // defaults: see dedup_options
//   auto run = neardup::run_pipeline(paths, options);
//   for (auto const& c : run.dedup.clusters)
//     for (auto const& m : c.members) std::cout << run.essays[m.doc].id << '\n';
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neardup/deduplicator.hpp"
#include "neardup/index.hpp"
#include "neardup/load.hpp"
#include "neardup/passages.hpp"
#include "neardup/pipeline_share.hpp"

namespace neardup {

struct pipeline_options {
  load_options load;
  dedup_options dedup;
  /// Also find the pairs of essays that share a copied passage (pipeline_result::passages), with
  /// `passage`'s settings; its threads and normalization are dedup's, except that punctuation and
  /// white space are always dropped.
  bool passages = false;
  passage_options passage;
  /// Reading and signing spread over processes (pipeline_share.hpp); by default this one does all.
  pipeline_share share;
};

/// Where the time went, in seconds of wall time.
struct pipeline_timing {
  double load_and_sign = 0;  ///< read + decode + split + normalize + shingle + minhash, all threads
  double dedup = 0;          ///< candidates + verify + cluster (details in dedup_stats)
  double passages = 0;  ///< with pipeline_options::passages: index and alignment (each essay is
                        ///< fingerprinted as it is signed, in load_and_sign)
};

struct pipeline_result {
  std::vector<essay_info> essays;  ///< by document index
  load_summary load;
  dedup_result dedup;
  pipeline_timing timing;
  /// With pipeline_options::passages: the pairs sharing a passage (documents by index, a < b).
  passage_result passages;
  /// An essay's text by document index, read back from its file (by byte range where it can,
  /// by offset for JSON Lines); safe to call from several threads. Throws neardup::error(io_error)
  /// if a file changed.
  std::function<std::string(std::uint32_t)> text;
  /// The same, but only the start of long essays (about 2 KB as stored): what a report's excerpt
  /// needs, for a fraction of the reading and decoding.
  std::function<std::string(std::uint32_t)> text_start;
  /// Standard input ("-") and named pipes or devices given as inputs, kept in temporary files that
  /// text, text_start and --keep-one read again; they are removed when this goes (reset it before
  /// leaving with std::_Exit).
  std::shared_ptr<void const> temporaries;
};

/// Runs the whole pipeline over files and folders (or JSON Lines files with options.load.jsonl);
/// "-" is standard input (once), shown as "-". The result is the same whatever
/// options.dedup.threads is. Throws neardup::error only for bad options (or when standard input
/// cannot be kept); bad files are accounted for in `load`, and a file that changes during the run
/// is skipped as skip_reason::changed and left out of the clusters it would have joined.
/// With options.share.count > 1, share 0 returns the whole result (the same as one process's) and
/// the other shares return once their items are sent, with only timing.load_and_sign set; standard
/// input and pipes cannot be shared (neardup::error(invalid_argument)).
[[nodiscard]] pipeline_result run_pipeline(std::span<const std::string> paths, pipeline_options const& options);

/// The index settings a run's options give (the LSH bands and rows as the deduplicator chooses
/// them). Throws neardup::error(invalid_argument) for bad options.
[[nodiscard]] index_settings index_settings_for(dedup_options const& options);

/// How run_indexed() checks and stores.
struct index_check_options {
  bool add = true;  ///< store the new essays (false: --no-add, only check)
  /// Store only the new essays that duplicate nothing (stored or new; of a cluster of new essays
  /// alone, its first): the index stays free of near-duplicates.
  bool keep_one = false;
};

/// What run_indexed() found and did, besides the clusters.
struct index_check {
  std::size_t loaded = 0;         ///< new essays: documents [0, loaded) of the result
  std::size_t stored_before = 0;  ///< essays in the index before
  std::size_t candidates = 0;     ///< stored essays taken as candidates (documents loaded…)
  std::vector<std::uint32_t> already_stored;  ///< new essays whose id is stored: not stored again
  /// Stored candidates whose source changed or is gone: their pairs were estimated from the
  /// stored sketch; the rest were read back from their files by byte range.
  std::size_t estimated_stored = 0;
  std::vector<std::uint32_t> kept;  ///< new essays written with keep_one (all others duplicate)
  std::size_t added = 0;            ///< new essays stored
  index_stats after;                ///< the index once the batch is stored (or as it was)
  double seconds_query = 0;         ///< looking up candidates and reading their records
  double seconds_add = 0;           ///< the write transaction
};

/// run_pipeline() against a persistent index: the new essays are checked against each other and
/// against the stored essays that share a band key with one of them, with the same verification
/// (stored texts read back from their files where they are unchanged, their stored sketches
/// where not), and then stored in one transaction (check.add). The result's essays are the new
/// ones, then the stored candidates (essay_info::stored); only clusters holding a new essay are
/// kept. Throws neardup::error for bad options or an index it cannot read or write.
[[nodiscard]] pipeline_result run_indexed(std::span<const std::string> paths,
                                          pipeline_options const& options, index& idx,
                                          index_check_options const& check, index_check& out);

}  // namespace neardup
