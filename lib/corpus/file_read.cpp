#include "neardup/corpus.hpp"

#include <string>

#include "corpus/load_file.hpp"
#include "corpus/posix_file.hpp"
#include "neardup/error.hpp"

namespace neardup {

std::string read_file(std::string const& path, std::uint64_t max_bytes) {
  file_version ignored;
  return detail::read_file(path, max_bytes, ignored);
}

std::string detail::read_file(std::string const& path, std::uint64_t max_bytes,
                              file_version& version) {
  detail::posix_file const file(path);
  // Taken before the read: a change while reading shows later as a different version.
  auto const [size, now] = file.status();
  version = now;
  if (size > max_bytes)
    throw error(errc::limit_exceeded, path + ": " + std::to_string(size) +
                                          " bytes, over the limit of " + std::to_string(max_bytes));
  std::string bytes;
  file.read(0, size, bytes);  // fewer bytes when the file shrank since
  return bytes;
}

}  // namespace neardup
