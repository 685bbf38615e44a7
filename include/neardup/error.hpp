// Errors at neardup's boundary: a typed code plus a message that names what failed.
#pragma once

#include <stdexcept>
#include <string>

namespace neardup {

/// What went wrong, for callers that branch on it.
enum class errc {
  invalid_argument,  ///< an option is out of range (e.g. threshold outside (0, 1])
  io_error,          ///< a file or folder could not be opened, read or written
  encoding_error,    ///< bytes could not be decoded in the requested encoding
  parse_error,       ///< malformed structured input (e.g. a JSON Lines record)
  limit_exceeded,    ///< input larger than a configured limit
  icu_error,         ///< ICU failed to provide a service (missing data, ...)
};

/// Thrown at neardup's boundary; the hot inner loops never throw.
///
///   try { neardup::dedup_options o; o.threshold = 2; neardup::deduplicator d(o); }
///   catch (neardup::error const& e) { if (e.code() == neardup::errc::invalid_argument) ... }
class error : public std::runtime_error {
 public:
  error(errc code, std::string const& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] errc code() const noexcept { return code_; }

 private:
  errc code_;
};

}  // namespace neardup
