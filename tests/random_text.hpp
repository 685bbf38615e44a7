// Random essay text for tests that need many distinct essays: lines of CJK characters, so that two
// bodies share no 5-character shingle by chance.
#pragma once

#include <random>
#include <string>

#include "common/utf8.hpp"

namespace test_files {

/// `lines` lines of 30 random CJK characters and a full stop each.
inline std::string random_body(std::mt19937& rng, int lines) {
  std::string body;
  for (int l = 0; l < lines; ++l) {
    for (int c = 0; c < 30; ++c)
      neardup::detail::append_utf8(body, static_cast<char32_t>(0x4E00 + rng() % 3000));
    body += "。\n";
  }
  return body;
}

}  // namespace test_files
