#include "report/format.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

#include <unicode/utf8.h>

namespace neardup::detail {

unsigned report_threads(report_context const& ctx) noexcept {
  return ctx.options != nullptr ? resolve_threads(ctx.options->threads) : 1u;
}

std::string fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string plural(std::size_t n, std::string_view word) {
  return std::string(word) + (n == 1 ? "" : "s");
}

void append_json_quoted(std::string& out, std::string_view s) {
  out += '"';
  // Runs of characters that need no escape are copied whole; eight bytes at a time are checked
  // for a control character, a quote or a backslash (a zero byte in x - 0x20.., x ^ '"'.., x ^ '\\'..).
  auto needs_escape = [](std::uint64_t x) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    return ((x - ones * 0x20) & ~x & highs) | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'));
  };
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 8 <= s.size()) {
      std::uint64_t x = 0;
      std::memcpy(&x, s.data() + i, 8);
      if (needs_escape(x) == 0) {
        i += 7;
        continue;
      }
    }
    auto const c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_quoted(out, s);
  return out;
}

std::string make_excerpt(std::string_view text, std::size_t chars) {
  std::string out;
  std::size_t taken = 0;
  bool space = false;
  std::int32_t i = 0;
  auto const length = static_cast<std::int32_t>(std::min<std::size_t>(text.size(), INT32_MAX));
  while (i < length) {
    std::int32_t const start = i;
    UChar32 c;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"  // inside ICU's macro
    U8_NEXT(text.data(), i, length, c);
#pragma GCC diagnostic pop
    bool const is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
    if (c < 0 || (c < 0x20 && !is_space)) continue;  // no broken or control bytes in a report
    if (is_space) {
      space = !out.empty();
      continue;
    }
    if (taken == chars) {
      out += "…";
      return out;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    ++taken;
  }
  return out;
}

}  // namespace neardup::detail
