// detail::append_utf8 — one code point to UTF-8, shared by the stages that write UTF-8.
#pragma once

#include <string>

namespace neardup::detail {

/// Appends the UTF-8 form of `c` (a Unicode scalar value) to `out`.
inline void append_utf8(std::string& out, char32_t c) {
  auto byte = [](char32_t v) { return static_cast<char>(static_cast<unsigned char>(v)); };
  if (c < 0x80) {
    out.push_back(byte(c));
  } else if (c < 0x800) {
    out.push_back(byte(0xC0 | (c >> 6)));
    out.push_back(byte(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(byte(0xE0 | (c >> 12)));
    out.push_back(byte(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(byte(0x80 | (c & 0x3F)));
  } else {
    out.push_back(byte(0xF0 | (c >> 18)));
    out.push_back(byte(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(byte(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(byte(0x80 | (c & 0x3F)));
  }
}

}  // namespace neardup::detail
