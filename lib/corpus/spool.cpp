#include "corpus/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "neardup/error.hpp"

namespace neardup::detail {
namespace {

/// A new temporary file in $TMPDIR, else /tmp, named from `prefix`: its descriptor; `path` set.
int make_temporary(char const* prefix, std::string const& what, std::string& path) {
  char const* const tmp = std::getenv("TMPDIR");
  std::string name =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  int const out = ::mkstemp(name.data());
  if (out < 0)
    throw error(errc::io_error,
                what + ": cannot make a temporary file: " + std::string(std::strerror(errno)));
  path = name;
  return out;
}

/// Writes all of [data, data + size) to `fd`; false (errno set) when a write fails.
bool write_all(int fd, char const* data, std::size_t size) {
  for (std::size_t done = 0; done < size;) {
    ssize_t const put = ::write(fd, data + done, size - done);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return false;
    done += static_cast<std::size_t>(put);
  }
  return true;
}

}  // namespace

spooled_input::spooled_input(std::string_view bytes, std::string const& what) {
  int const out = make_temporary("neardup-decoded", what, path_);
  if (!write_all(out, bytes.data(), bytes.size()) || ::close(out) != 0) {
    int const e = errno;
    ::unlink(path_.c_str());
    throw error(errc::io_error, what + ": cannot keep its decoded copy: " + std::strerror(e));
  }
}

spooled_input::spooled_input(int fd, std::uint64_t max_bytes, std::string const& shown) {
  int const out = make_temporary("neardup-stdin", shown, path_);
  auto fail = [&](char const* what) {
    int const e = errno;
    ::close(out);
    ::unlink(path_.c_str());
    throw error(errc::io_error, shown + ": " + what + ": " + std::strerror(e));
  };
  std::vector<char> buffer(1u << 20);
  std::uint64_t total = 0;
  for (;;) {
    ssize_t const got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("cannot read");
    if (got == 0) break;
    total += static_cast<std::uint64_t>(got);
    if (total > max_bytes) {  // the rest is not read: the file is skipped as too large
      too_large_ = true;
      break;
    }
    if (!write_all(out, buffer.data(), static_cast<std::size_t>(got)))
      fail("cannot keep it in a temporary file");
  }
  if (::close(out) != 0) fail("cannot keep it in a temporary file");
}

spooled_input::~spooled_input() {
  ::unlink(path_.c_str());
}

}  // namespace neardup::detail
