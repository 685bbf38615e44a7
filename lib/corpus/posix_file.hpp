// detail::posix_file — a file opened for pread, closed when it goes: POSIX calls rather than a
// stream, since the pipeline reads whole files, JSON Lines chunks and thousands of short ranges
// (essays read back), from several threads at once.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "neardup/error.hpp"
#include "neardup/load.hpp"

namespace neardup::detail {

/// A file's size and version (file_account::bytes and version) from its stat.
struct file_status {
  std::uint64_t size = 0;
  file_version version;
};

[[nodiscard]] inline file_status status_of(struct stat const& st) noexcept {
  file_status s;
  s.size = static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0));
  s.version.modified_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.version.inode = static_cast<std::uint64_t>(st.st_ino);
  s.version.device = static_cast<std::uint64_t>(st.st_dev);
  return s;
}

/// Why a file whose size and version were `then` is not the same now; empty when it is. A version
/// left unknown (all zero: an account made by hand) compares the size alone.
[[nodiscard]] inline std::string difference(file_status const& now, std::uint64_t size_then,
                                            file_version const& then) {
  if (now.size != size_then)
    return std::to_string(now.size) + " bytes, " + std::to_string(size_then) + " when read";
  if (then == file_version{}) return {};
  if (now.version.inode != then.inode || now.version.device != then.device)
    return "replaced by another file since it was read";
  if (now.version.modified_ns != then.modified_ns) return "modified since it was read";
  return {};
}

class posix_file {
 public:
  /// Throws neardup::error(io_error, "<path>: <strerror>") when the file cannot be opened.
  explicit posix_file(std::string const& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw error(errc::io_error, path + ": " + std::strerror(errno));
  }
  ~posix_file() {
    if (fd_ >= 0) ::close(fd_);
  }
  posix_file(posix_file&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
  posix_file& operator=(posix_file&&) = delete;
  posix_file(posix_file const&) = delete;
  posix_file& operator=(posix_file const&) = delete;

  /// The size now (fstat).
  [[nodiscard]] std::uint64_t size() const { return status().size; }

  /// The size and version now (fstat).
  [[nodiscard]] file_status status() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw error(errc::io_error, path_ + ": " + std::strerror(errno));
    return status_of(st);
  }

  /// True when the file is still the one read with `size` bytes and `version` (see difference()).
  [[nodiscard]] bool unchanged(std::uint64_t size, file_version const& version) const {
    return difference(status(), size, version).empty();
  }

  /// Reads up to `bytes` at `offset` into `out`; returns how many were read (fewer only where the
  /// file ends). pread: safe on one descriptor shared by threads.
  std::size_t read(std::uint64_t offset, std::size_t bytes, char* out) const {
    std::size_t done = 0;
    while (done < bytes) {
      ssize_t const got = ::pread(fd_, out + done, bytes - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw error(errc::io_error, path_ + ": " + std::strerror(errno));
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

  /// The same into a string, resized to what was read.
  void read(std::uint64_t offset, std::size_t bytes, std::string& out) const {
    out.resize(bytes);
    out.resize(read(offset, bytes, out.data()));
  }

 private:
  std::string path_;  // for error messages
  int fd_;
};

}  // namespace neardup::detail
