#include "pipeline/share_codec.hpp"

#include <algorithm>
#include <cmath>

#include "neardup/error.hpp"
#include "neardup/pipeline_share.hpp"

namespace neardup {

unsigned share_of(std::uint64_t at, std::uint64_t total, unsigned count,
                  double first_weight) noexcept {
  if (count <= 1 || total == 0) return 0;
  if (!(first_weight < 1.0)) {  // equal ranges (and a NaN weight) in integers, as they always were
    std::uint64_t const width = total / count + (total % count != 0);  // never overflows
    return static_cast<unsigned>(std::min<std::uint64_t>(count - 1, at / width));
  }
  // Share 0 ends at total · w / (w + count - 1), the others split the rest evenly.
  double const w = std::max(first_weight, 0.0);
  auto const first = static_cast<std::uint64_t>(static_cast<double>(total) * w / (w + count - 1));
  if (at < first) return 0;
  std::uint64_t const rest = total - first, others = count - 1;
  std::uint64_t const width = rest / others + (rest % others != 0);
  return static_cast<unsigned>(std::min<std::uint64_t>(count - 1, 1 + (at - first) / width));
}

double first_share_weight(unsigned count, double merge_cost) noexcept {
  if (count <= 1) return 1.0;
  // Share 0 takes a part f of the bytes, each other share (1 - f) / (count - 1); share 0 costs
  // f + merge_cost · (1 - f), another share (1 - f) / (count - 1). Equal when
  // f = (1 - merge_cost · (count - 1)) / (1 + (1 - merge_cost) · (count - 1)).
  double const m = std::isfinite(merge_cost) ? std::clamp(merge_cost, 0.0, 1.0) : 0.0;
  double const others = count - 1;
  double const f = std::max(0.0, (1 - m * others) / (1 + (1 - m) * others));
  return std::min(1.0, f * others / (1 - f));
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
