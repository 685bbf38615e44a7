// output — where a report or a --keep-one corpus goes, resolved before any work and written so
// that nothing there is lost: a regular file (or a new path) is written to a temporary file beside
// it and renamed into place, keeping the old file's mode (and owner, as root); a symbolic link is
// written through to its target; devices, FIFOs and "-" (standard output) are written straight.
//
//   neardup::output_file report("out/report.txt");     // throws here if it cannot be written
//   ... the run ...
//   neardup::write_text_report(report.open(), result, context);
//   report.commit();                                   // renamed into place
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "neardup/corpus.hpp"

namespace neardup {

class output_file {
 public:
  /// How the output is written.
  enum class kind {
    standard_output,  ///< "-": std::cout
    new_file,         ///< nothing there yet: a temporary file beside it, renamed into place
    regular_file,     ///< an existing file: the same, the file's mode (and owner as root) kept
    special,          ///< a device or FIFO: written straight into
  };

  /// Resolves `path` ("-": standard output), following symbolic links to their target. Throws
  /// neardup::error(io_error, "<path>: <why>") when it cannot be written: a folder, a folder
  /// that does not exist or is not writable, a file that is not writable, a link loop.
  explicit output_file(std::string path);
  /// Removes the temporary file of an output opened but not committed.
  ~output_file();
  output_file(output_file&&) noexcept;
  output_file& operator=(output_file&&) noexcept;
  output_file(output_file const&) = delete;
  output_file& operator=(output_file const&) = delete;

  [[nodiscard]] std::string const& path() const noexcept;    ///< as given
  [[nodiscard]] std::string const& target() const noexcept;  ///< what is written: links followed
  [[nodiscard]] kind what() const noexcept;
  /// The file there now (none for a new path or standard output).
  [[nodiscard]] std::optional<file_identity> identity() const noexcept;
  /// Both would write the same file (or both standard output).
  [[nodiscard]] bool same_as(output_file const& other) const noexcept;

  /// The stream to write to: a temporary file made now, the device itself, or std::cout. Throws
  /// neardup::error(io_error) when it cannot be opened.
  std::ostream& open();
  /// Flushes; a temporary file gets the mode (and owner) of the file it replaces and is renamed
  /// over it. Throws neardup::error(io_error) naming the path when a write failed (the temporary
  /// file is then removed, and what was there before is untouched).
  void commit();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Refuses outputs that would destroy an input or each other: throws
/// neardup::error(invalid_argument) naming both paths when an output is one of `inputs` (the same
/// file by device and inode, a link to it included), when two outputs are one file, or when two are
/// standard output. An output inside an input folder is not refused: give walk_outputs() to the
/// walk (walk_options::outputs) and it is left out.
void check_outputs(std::span<const std::string> inputs,
                   std::span<output_file const* const> outputs);

/// The files of `outputs` that exist now, for walk_options::outputs.
[[nodiscard]] std::vector<file_identity> walk_outputs(std::span<output_file const* const> outputs);

}  // namespace neardup
