#include "corpus/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "neardup/error.hpp"

namespace neardup::detail {

spooled_input::spooled_input(int fd, std::uint64_t max_bytes, std::string const& shown) {
  char const* const tmp = std::getenv("TMPDIR");
  std::string name =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/neardup-stdin-XXXXXX";
  int const out = ::mkstemp(name.data());
  if (out < 0)
    throw error(errc::io_error, shown + ": cannot make a temporary file: " +
                                    std::string(std::strerror(errno)));
  path_ = name;
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
    for (ssize_t done = 0; done < got;) {
      ssize_t const put = ::write(out, buffer.data() + done, static_cast<std::size_t>(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) fail("cannot keep it in a temporary file");
      done += put;
    }
  }
  if (::close(out) != 0) fail("cannot keep it in a temporary file");
}

spooled_input::~spooled_input() {
  ::unlink(path_.c_str());
}

}  // namespace neardup::detail
