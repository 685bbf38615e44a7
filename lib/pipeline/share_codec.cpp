#include "pipeline/share_codec.hpp"

#include <algorithm>

#include "neardup/error.hpp"
#include "neardup/pipeline_share.hpp"

namespace neardup {

unsigned share_of(std::uint64_t at, std::uint64_t total, unsigned count) noexcept {
  if (count <= 1 || total == 0) return 0;
  std::uint64_t const width = total / count + (total % count != 0);  // never overflows
  return static_cast<unsigned>(std::min<std::uint64_t>(count - 1, at / width));
}

namespace detail {

void byte_writer::io(file_account const& f) {
  if (f.stored_keep)
    throw error(errc::invalid_argument,
                f.path + ": a temporary copy cannot be shipped to another share");
  transfer(*this, f);
}

char const* byte_reader::take(std::size_t n) {
  if (n > rest_.size()) throw error(errc::parse_error, "a share's message is cut short");
  char const* p = rest_.data();
  rest_.remove_prefix(n);
  return p;
}

std::size_t byte_reader::count(std::size_t each) {
  std::uint64_t n = 0;
  io(n);
  if (n > rest_.size() / each) throw error(errc::parse_error, "a share's message is cut short");
  return static_cast<std::size_t>(n);
}

void byte_reader::finish() const {
  if (!rest_.empty()) throw error(errc::parse_error, "a share's message has bytes left over");
}

}  // namespace detail
}  // namespace neardup
