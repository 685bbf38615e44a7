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

namespace neardup::detail {

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
  [[nodiscard]] std::uint64_t size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw error(errc::io_error, path_ + ": " + std::strerror(errno));
    return static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0));
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
