// Catch2 matcher for the code of a neardup::error: CHECK_THROWS_MATCHES(f(), neardup::error,
// has_code(neardup::errc::invalid_argument)).
#pragma once

#include <catch2/catch.hpp>

#include "neardup/error.hpp"

inline Catch::Matchers::Generic::PredicateMatcher<neardup::error> has_code(neardup::errc code) {
  return Catch::Matchers::Predicate<neardup::error>([code](neardup::error const& e) { return e.code() == code; },
                                                    "has the expected neardup::errc");
}
