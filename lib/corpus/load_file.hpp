// detail: loading one file, and what load_essays and the pipeline share about it: the walk's
// extensions, the essay limit, a JSON Lines record taken as an essay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "corpus/spool.hpp"
#include "neardup/jsonl.hpp"
#include "neardup/load.hpp"

namespace neardup::detail {

/// Loads the essays of one file already chosen (by walk_paths, say), adding its account to
/// `summary`: read → decode → split (or, for JSON Lines, read in chunks of
/// options.jsonl_chunk_bytes and parsed), with no walking, so no second look at the file system.
/// Never throws for bad input; the file then lands in summary.skipped.
void load_file(std::string const& path, load_options const& options, essay_sink const& sink,
               load_summary& summary);

/// read_file, also giving the version of the file (file_account::version) taken before reading.
[[nodiscard]] std::string read_file(std::string const& path, std::uint64_t max_bytes,
                                    file_version& version);

/// The walk load_essays makes: options.walk, with jsonl_extensions() for JSON Lines when the
/// extensions were left at their default.
[[nodiscard]] walk_options walk_options_for(load_options const& options);

/// Where a JSON Lines file is read from: the file itself when it is UTF-8, else its UTF-8 copy
/// (LF line ends) in a temporary file, removed when the last copy of `copy` goes. The records'
/// offsets are then offsets in the copy, which read-back and --keep-one read (file_account::
/// stored_at).
struct jsonl_source {
  std::string path;      ///< to read: the file, or its decoded copy
  decoded_text decoded;  ///< encoding, detected, guessed, replaced; `utf8` is left empty
  file_version version;  ///< of `path`, taken before it is read
  std::shared_ptr<spooled_input const> copy;
};

/// Looks at a JSON Lines file's first 64 KiB (or its whole, when decode rules or the forced
/// encoding name something other than UTF-8 for it): a BOM, UTF-16 or bytes that are not UTF-8
/// send the whole file (up to options.walk.max_file_bytes) through decode_to_utf8 into a copy.
/// Throws neardup::error (io_error, limit_exceeded, encoding_error) as read_file and
/// decode_to_utf8 do.
[[nodiscard]] jsonl_source open_jsonl_source(std::string const& path, load_options const& options);

/// The account of the file `source` was opened for: its encoding, and where it is stored.
void account_for_source(jsonl_source const& source, file_account& account);

/// Fills summary.unused_encoding_rules: the rules of options.decode.rules that are the first to
/// match none of the paths in summary.files and summary.skipped.
void note_unused_encoding_rules(load_options const& options, load_summary& summary);

/// Encodings in which a line break is always the byte LF or CR, so that the bytes of whole lines
/// decode on their own to the same text: UTF-8, GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR and the
/// single-byte windows-*, ISO-8859-* and KOI8-* (UTF-16 and stateful encodings are not).
[[nodiscard]] bool byte_oriented(std::string_view encoding) noexcept;

/// The problem of an essay over load_options::max_essay_bytes: "<which> skipped: N bytes, over the
/// essay limit", `which` being e.g. `essay 3`.
[[nodiscard]] std::string essay_limit_message(std::string_view which, std::size_t bytes);

/// Record `number` (1-based, in its file) of JSON Lines file `path`, whose text has `text_bytes`
/// bytes, as an essay into `out`; false, with a problem in `summary`, when it is over the essay
/// limit. `record.id` is moved from.
bool jsonl_essay(std::string const& path, jsonl_record& record, std::uint32_t number,
                 std::size_t text_bytes, load_options const& options, load_summary& summary,
                 essay_info& out);

/// A JSON Lines file with lines but no record in them (a CSV, say, or records without the text
/// field asked for) is not read as JSON Lines: unless `records` (lines parsed into a record, taken
/// or not) is above 0, its problems (those from `problems_from` on in summary.problems) give way to
/// one skip naming the first. True when the file was skipped so.
bool skip_if_no_record(std::string const& path, std::size_t records, std::size_t problems_from,
                       load_summary& summary);

}  // namespace neardup::detail
