// corpus — which files to read, and an account of every path given: read, or skipped and why.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

struct walk_options {
  std::vector<std::string> extensions = {".txt"};   // matched case-insensitively; empty = every regular file
  std::uint64_t max_file_bytes = 1ull << 30;         // larger files are skipped (reported), default 1 GiB
  bool follow_symlinks = true;                       // symlink loops are detected and skipped, never followed twice
};
enum class skip_reason { not_found, not_readable, symlink_loop, not_regular_file, too_large,
                         extension_filtered, binary, empty, undecodable, other };
[[nodiscard]] std::string_view to_string(skip_reason r) noexcept;   // short human text for the summary
struct skipped_path { std::string path; skip_reason reason; std::string detail; };
struct walk_result {
  std::vector<std::string> files;      // regular files to read, sorted (byte order of the path) and unique
                                       // (the same file reached twice via links/overlapping args: once)
  std::vector<skipped_path> skipped;   // everything not read, with why (extension_filtered only for files
                                       // named explicitly on the command line, or counted — see below)
  std::size_t filtered_by_extension = 0;   // files inside folders skipped for their extension (counted, not listed)
  std::uint64_t bytes = 0;                 // total size of `files` when walked
};
// Walks files and folders (folders recursively, sorted so the result is deterministic). Never throws for a
// bad path: it is reported in `skipped`. An explicitly named file is taken whatever its extension.
[[nodiscard]] walk_result walk_paths(std::span<const std::string> paths, walk_options const& options = {});
// Reads a whole file (binary-safe). Throws error(io_error, "<path>: <strerror>") when it cannot, and
// error(limit_exceeded) past max_bytes.
[[nodiscard]] std::string read_file(std::string const& path, std::uint64_t max_bytes = 1ull << 30);

/// Reads essays back by byte range, keeping the last few files open: verification and the report's
/// excerpts read thousands of short ranges, often several from one file in a row, and opening the
/// file for each costs more than the read. Thread-safe.
class range_reader {
 public:
  explicit range_reader(std::size_t open_files = 16);
  ~range_reader();
  range_reader(range_reader const&) = delete;
  range_reader& operator=(range_reader const&) = delete;

  /// Bytes [offset, offset + bytes) of a file that had `expected_size` bytes when it was read.
  /// Throws neardup::error(io_error) when the file cannot be read or changed size.
  [[nodiscard]] std::string read(std::string const& path, std::uint64_t expected_size, std::uint64_t offset,
                                 std::uint64_t bytes);

 private:
  struct state;
  std::unique_ptr<state> state_;
};
}
