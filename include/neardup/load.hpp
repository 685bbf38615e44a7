// load — paths in, essays out: walk → read → detect and decode → split, with an account of every
// file (read, or skipped and why) and every line left out of the essays.
//
// Essays are handed to a sink one at a time, so a caller can sign them and let the text go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/corpus.hpp"
#include "neardup/encoding.hpp"
#include "neardup/jsonl.hpp"
#include "neardup/split.hpp"

namespace neardup {

/// Where an essay came from: enough to report it and to read it again.
struct essay_info {
  std::string id;              ///< "file#index" for files, the record's own id for JSON Lines
  std::string file;            ///< path of the file it was read from
  std::uint32_t index = 0;     ///< 1-based essay number within its file (record number for JSON Lines)
  std::string title;           ///< heading line, empty when the essay has none
  std::size_t line = 0;        ///< 1-based line where the essay starts
  std::size_t last_line = 0;   ///< 1-based last line
  std::size_t bytes = 0;       ///< UTF-8 bytes of the essay's text
  /// Byte offset, to read the essay again: of the record's line for JSON Lines; of the essay's
  /// first byte in the file as stored otherwise (meaningful when source_bytes > 0).
  std::uint64_t offset = 0;
  /// Files: how many bytes of the file, from `offset`, decode to exactly this essay's text; 0 when
  /// it can only be read back by decoding and splitting the whole file again (UTF-16 and other
  /// encodings that are not byte-oriented, or a body that does not span whole lines).
  std::uint64_t source_bytes = 0;
  /// From a persistent index (dedup --index): stored by an earlier run, not read in this one.
  bool stored = false;
};

/// How to find and read essays.
struct load_options {
  walk_options walk;
  decode_options decode;
  split_options split;
  /// Inputs are JSON Lines files (one essay per record); folders then give the files with
  /// jsonl_extensions() when walk.extensions is left at its default.
  bool jsonl = false;
  jsonl_options jsonl_fields;
  /// JSON Lines files are read in chunks of about this many bytes of whole lines: by load_essays
  /// one after another, by run_pipeline parsed and signed on every thread. The essays, problems
  /// and accounts are the same for any chunk size.
  std::uint64_t jsonl_chunk_bytes = default_jsonl_chunk_bytes;
  std::uint64_t max_essay_bytes = 64u << 20;  ///< larger essays are skipped and reported
  /// Called after each file with (files done, files in all, bytes read so far); may be empty.
  std::function<void(std::size_t, std::size_t, std::size_t)> progress;
};

/// Which version of a file was read, besides its size: a rewrite in place changes the
/// modification time (as finely as the file system keeps it: a rewrite within its clock's tick
/// goes unseen), a new file renamed over it the inode.
struct file_version {
  std::int64_t modified_ns = 0;  ///< modification time (st_mtim), nanoseconds since the epoch
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  friend bool operator==(file_version const&, file_version const&) = default;
};

/// A file that was read.
struct file_account {
  std::string path;
  std::string encoding;            ///< e.g. "UTF-8", "GB18030"
  bool encoding_detected = true;   ///< false when forced with decode.encoding or a decode rule
  /// Detected without confidence (decoded_text::guessed): the encoding is a best guess.
  bool encoding_guessed = false;
  int encoding_confidence = 0;     ///< ICU's detector's confidence (0-100) when it was asked
  std::size_t bytes = 0;           ///< size on disk
  /// Of the file read (stored_at when set), taken before reading it: read-back, --keep-one and the
  /// check after clustering take a file whose size or version differs as changed during the run.
  file_version version;
  std::size_t essays = 0;
  std::size_t replaced = 0;        ///< byte sequences that could not be decoded
  /// The decoded text is the file's bytes (valid UTF-8 without BOM or CR): an essay read back by its
  /// byte range needs no decoding.
  bool verbatim = false;
  std::vector<line_range> furniture;  ///< lines left out (collection title, preamble, buttons)
  std::vector<split_warning> warnings;  ///< essays worth a look: multi-megabyte or outsized
  /// Where the bytes are when not at `path`: standard input ("-") and named pipes are kept in a temporary file, and
  /// a JSON Lines file not in UTF-8 is read from its UTF-8 copy (its records' offsets are in the
  /// copy, and --keep-one copies its lines from there: in UTF-8).
  std::string stored_at;
  /// Keeps the temporary file at stored_at while the account lives (empty when not one's own).
  std::shared_ptr<void const> stored_keep;
  /// The file to read again: stored_at, or path.
  [[nodiscard]] std::string const& source() const noexcept {
    return stored_at.empty() ? path : stored_at;
  }
};

/// Something in a file that was read but not taken: a bad JSON line, an essay over the limit.
struct load_problem {
  std::string path;
  std::size_t line = 0;  ///< 1-based; 0 when it concerns the whole file
  std::string message;
};

/// The account of a load: every input path is in `files` or in `skipped` (or counted in
/// filtered_by_extension when a folder held it).
struct load_summary {
  std::vector<file_account> files;
  std::vector<skipped_path> skipped;
  std::size_t filtered_by_extension = 0;
  std::map<std::string, std::size_t> filtered_extensions;  ///< by extension (walk_result's)
  std::vector<load_problem> problems;
  std::size_t essays = 0;
  std::size_t bytes = 0;  ///< bytes read from disk
  /// Rules of decode_options::rules that decided the encoding of no file (none matched, or only
  /// paths an earlier rule took), in their order.
  std::vector<encoding_rule> unused_encoding_rules;
};

/// Called once per essay, in a deterministic order (files sorted, essays in file order).
using essay_sink = std::function<void(essay_info&&, std::string_view text)>;

/// Loads every essay under `paths`. Never throws for bad input: unreadable, binary or empty files
/// are skipped with a reason in the summary (bytes that cannot be decoded are replaced and counted
/// in file_account::replaced). Throws neardup::error only for bad options (an unknown forced
/// encoding, an invalid split pattern).
///
///   auto summary = neardup::load_essays(paths, {}, [&](neardup::essay_info&& e, std::string_view t) {
///     dedup.add(e.id, t);
///   });
load_summary load_essays(std::span<const std::string> paths, load_options const& options,
                         essay_sink const& sink);

/// One file as split_essays() cut it, for a person to check before trusting a report.
struct file_split {
  std::string path;
  std::string encoding;            ///< as detected (or forced); empty when skipped
  std::size_t lines = 0;           ///< lines of the decoded text
  split_result split;              ///< essays (with their reasons), furniture, warnings
  std::vector<std::size_t> chars;  ///< characters (code points) of each essay's body
  std::string skipped;             ///< why the file was not split (unreadable, binary, empty)
};

/// Walks `paths` as load_essays does and hands each file's split to `sink`, in file order: the
/// essays' line ranges, characters, titles and reasons, and the furniture left out. JSON Lines
/// inputs (options.jsonl) are not split: each is reported as skipped. Throws neardup::error only
/// for bad options (an unknown forced encoding, an invalid split pattern).
void split_files(std::span<const std::string> paths, load_options const& options,
                 std::function<void(file_split&&)> const& sink);

}  // namespace neardup
