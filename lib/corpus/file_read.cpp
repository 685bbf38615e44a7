#include "neardup/corpus.hpp"

#include <string>

#include "corpus/posix_file.hpp"
#include "neardup/error.hpp"

namespace neardup {

std::string read_file(std::string const& path, std::uint64_t max_bytes) {
  detail::posix_file const file(path);
  std::uint64_t const size = file.size();
  if (size > max_bytes)
    throw error(errc::limit_exceeded, path + ": " + std::to_string(size) +
                                          " bytes, over the limit of " + std::to_string(max_bytes));
  std::string bytes;
  file.read(0, size, bytes);  // fewer bytes when the file shrank since
  return bytes;
}

}  // namespace neardup
