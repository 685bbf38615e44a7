// detail: reading essays back after the load, for exact verification and report excerpts of
// corpora too large to keep in memory (pipeline_result::text and text_start are made of these).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "neardup/load.hpp"

namespace neardup::detail {

/// Reads essays back by byte range, keeping the last few files open: verification and the report's
/// excerpts read thousands of short ranges, often several from one file in a row, and opening the
/// file for each costs more than the read. Thread-safe.
class range_reader {
 public:
  explicit range_reader(std::size_t open_files = 16);
  ~range_reader();
  range_reader(range_reader const&) = delete;
  range_reader& operator=(range_reader const&) = delete;

  /// Bytes [offset, offset + bytes) of a file that had `expected_size` bytes and `version` when it
  /// was read. Throws neardup::error(io_error) when the file cannot be read or changed since (its
  /// size or version: see detail::difference).
  [[nodiscard]] std::string read(std::string const& path, std::uint64_t expected_size,
                                 file_version const& version, std::uint64_t offset,
                                 std::uint64_t bytes);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Reads essays again from their files by essay_info (file, index; offset, source_bytes and bytes
/// too). An essay with a known byte range is read alone and decoded (verbatim files need no
/// decoding); other files are decoded and split again whole, the last 64 of them kept. Safe to
/// call from several threads.
class essay_reloader {
 public:
  /// `files`, when given, are the accounts of the load being read back: each file is then decoded
  /// with the encoding found the first time, without detecting it again.
  explicit essay_reloader(load_options options, std::span<const file_account> files = {});
  ~essay_reloader();
  essay_reloader(essay_reloader const&) = delete;
  essay_reloader& operator=(essay_reloader const&) = delete;

  /// The essay's text as load_essays gave it. Throws neardup::error(io_error) when the file changed
  /// (its size or version, when `files` were given) or can no longer be read.
  [[nodiscard]] std::string text(essay_info const& essay) const;

  /// The start of the essay's text, for an excerpt: from a file read back by byte range only its
  /// first `bytes` bytes as stored are read (a character they cut is left out); otherwise, or when
  /// the essay is shorter, the whole text.
  [[nodiscard]] std::string text_start(essay_info const& essay, std::size_t bytes) const;

 private:
  struct state;
  load_options options_;
  std::unique_ptr<state> state_;
};

}  // namespace neardup::detail
