// detail: standard input (or a named pipe, /dev/stdin, a process substitution) kept in a
// temporary file, so that the pipeline reads it (in chunks, on every thread) and reads its essays
// back (verification, excerpts, --keep-one) like any file; and the UTF-8 copy of a JSON Lines file
// in another encoding, for the same reasons.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace neardup::detail {

class spooled_input {
 public:
  /// Copies file descriptor `fd` to its end into a new temporary file (in $TMPDIR, else /tmp),
  /// stopping once it is over `max_bytes` (then too_large()). Throws neardup::error(io_error),
  /// naming the input as `shown`.
  spooled_input(int fd, std::uint64_t max_bytes, std::string const& shown = "standard input");
  /// Writes `bytes` into a new temporary file: a file's decoded copy. `what` names the file in
  /// errors. Throws neardup::error(io_error).
  spooled_input(std::string_view bytes, std::string const& what);
  /// Removes the file.
  ~spooled_input();
  spooled_input(spooled_input const&) = delete;
  spooled_input& operator=(spooled_input const&) = delete;

  [[nodiscard]] std::string const& path() const noexcept { return path_; }
  [[nodiscard]] bool too_large() const noexcept { return too_large_; }

 private:
  std::string path_;
  bool too_large_ = false;
};

}  // namespace neardup::detail
