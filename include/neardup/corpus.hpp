// corpus — which files to read, and an account of every path given: read, or skipped and why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

/// A file as the system knows it: its device and inode (stat(2)), the same through any path.
struct file_identity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  friend auto operator<=>(file_identity const&, file_identity const&) = default;
};

/// Which files a walk takes.
struct walk_options {
  /// Taken from folders, matched case-insensitively; empty: every regular file. A file named
  /// explicitly is taken whatever its extension.
  std::vector<std::string> extensions = {".txt"};
  std::uint64_t max_file_bytes = 1ull << 30;  ///< larger files are skipped (reported); 1 GiB
  bool follow_symlinks = true;  ///< symlink loops are detected and skipped, never followed twice
  /// Files left out wherever they are found (skipped as skip_reason::output): the run's own
  /// outputs, so that a report or --keep-one file inside an input folder is never read back.
  std::vector<file_identity> outputs;
};

/// Why a path was not read. walk_paths() gives not_found, not_readable, symlink_loop,
/// not_regular_file, too_large, output and other; loading gives not_readable, too_large, binary and
/// empty, and not_jsonl for a JSON Lines file with lines but no record; the pipeline gives changed
/// for a file that changed while the run read it. Files left out of a folder for their extension
/// are not skipped but counted (walk_result::filtered_by_extension).
enum class skip_reason {
  not_found,
  not_readable,
  symlink_loop,
  not_regular_file,
  too_large,
  binary,
  empty,
  output,     ///< one of the run's own outputs (walk_options::outputs)
  not_jsonl,  ///< a JSON Lines input in which no line is a record
  changed,    ///< changed during the run (its size, or what it held where an essay was)
  other
};

/// Short human text for the summary, e.g. "symbolic link loop".
[[nodiscard]] std::string_view to_string(skip_reason r) noexcept;

/// A path not read, and why.
struct skipped_path {
  std::string path;
  skip_reason reason;
  std::string detail;  ///< e.g. the system's error message, or the size
};

/// What a walk found.
struct walk_result {
  /// Regular files to read, sorted (byte order of the path) and unique: the same file reached
  /// twice, through links or overlapping arguments, is listed once.
  std::vector<std::string> files;
  std::vector<skipped_path> skipped;      ///< every path given or found that is not read, with why
  std::size_t filtered_by_extension = 0;  ///< files in folders left out for their extension
  /// The same by extension, lower-case with its dot ("" for none): what a folder held instead.
  std::map<std::string, std::size_t> filtered_extensions;
  std::uint64_t bytes = 0;                ///< total size of `files` when walked
};

/// Walks files and folders (folders recursively, sorted so the result is deterministic). Never
/// throws for a bad path: it is reported in `skipped`. An explicitly named file is taken whatever
/// its extension.
[[nodiscard]] walk_result walk_paths(std::span<const std::string> paths,
                                     walk_options const& options = {});

/// Reads a whole file (binary-safe). Throws error(io_error, "<path>: <strerror>") when it cannot,
/// and error(limit_exceeded) past max_bytes.
[[nodiscard]] std::string read_file(std::string const& path, std::uint64_t max_bytes = 1ull << 30);

}  // namespace neardup
