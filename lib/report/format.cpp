#include "report/format.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

#include "common/utf8.hpp"
#include "neardup/error.hpp"

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
  // RFC 4180 quotes a field with a comma, a quote or a line end; fields with other control
  // characters or with white space at either end are quoted too, so no reader trims or splits them.
  bool const edge_space =
      !s.empty() && (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t');
  bool const special = std::any_of(s.begin(), s.end(), [](char ch) {
    auto const c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F || c == '"' || c == ',';
  });
  if (!edge_space && !special) return std::string(s);
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

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// The code point at s[i] (advancing i past it), or -1 for an ill-formed sequence (i then past its
// maximal subpart, as the one decoder defines it).
std::int32_t next_code_point(std::string_view s, std::size_t& i) {
  utf8_sequence const d = decode_utf8(s, i);
  i += d.length;
  return d.status == utf8_status::ok ? static_cast<std::int32_t>(d.cp) : -1;
}

}  // namespace

void append_json_quoted(std::string& out, std::string_view s) {
  out += '"';
  // Runs of characters that need nothing are copied whole; eight bytes at a time are checked for
  // a control character, a quote, a backslash or a byte over 0x7F (a zero byte in x - 0x20..,
  // x ^ '"'.., x ^ '\\'.., or a high bit), which the byte loop looks at: UTF-8 is checked there,
  // ill-formed sequences become U+FFFD and C1 controls and DEL are escaped, so the output is
  // always valid JSON.
  auto needs_look = [](std::uint64_t x) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    return ((x - ones * 0x20) & ~x & highs) | has_zero(x ^ (ones * '"')) |
           has_zero(x ^ (ones * '\\')) | has_zero(x ^ (ones * 0x7F)) | (x & highs);
  };
  auto escape = [&out](unsigned c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", c);
    out += buf;
  };
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (i + 8 <= s.size()) {
      std::uint64_t x = 0;
      std::memcpy(&x, s.data() + i, 8);
      if (needs_look(x) == 0) {
        i += 8;
        continue;
      }
    }
    auto const c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t const start = i;
      std::int32_t const cp = next_code_point(s, i);
      if (cp >= 0xA0) continue;  // well-formed, printable: part of the run
      out.append(s, run, start - run);
      run = i;
      if (cp < 0)
        out += replacement;
      else
        escape(static_cast<unsigned>(cp));  // U+0080..U+009F
      continue;
    }
    ++i;
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) continue;
    out.append(s, run, i - 1 - run);
    run = i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        escape(c);
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

std::string printable(std::string_view s) {
  // Most names need nothing: returned as they are.
  bool plain = true;
  for (std::size_t i = 0; i < s.size() && plain;) {
    auto const c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      plain = c >= 0x20 && c != 0x7F;
      ++i;
    } else {
      std::int32_t const cp = next_code_point(s, i);
      plain = cp >= 0xA0;
    }
  }
  if (plain) return std::string(s);
  std::string out;
  auto hex = [&out](unsigned c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", c);
    out += buf;
  };
  for (std::size_t i = 0; i < s.size();) {
    auto const c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t const start = i;
      std::int32_t const cp = next_code_point(s, i);
      if (cp >= 0xA0) {
        out.append(s.substr(start, i - start));
      } else {
        for (std::size_t b = start; b < i; ++b) hex(static_cast<unsigned char>(s[b]));
      }
      continue;
    }
    ++i;
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F)
          hex(c);
        else
          out += static_cast<char>(c);
    }
  }
  return out;
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
  for (std::size_t i = 0; i < text.size();) {
    utf8_sequence const d = decode_utf8(text, i);
    std::size_t const start = i;
    i += d.length;
    bool const is_space = d.cp == U'\n' || is_white_space(d.cp);
    // No broken or control bytes in a report.
    if (d.status != utf8_status::ok || (d.cp < 0x20 && !is_space)) continue;
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
    out.append(text.substr(start, d.length));
    ++taken;
  }
  return out;
}

std::vector<std::string> read_excerpts(report_context const& ctx,
                                       std::span<const std::uint32_t> docs) {
  std::vector<std::string> excerpts(docs.size());
  parallel_for(docs.size(), report_threads(ctx), 256,
               [&](std::size_t begin, std::size_t end, unsigned) {
                 for (std::size_t i = begin; i < end; ++i) {
                   try {
                     excerpts[i] = make_excerpt(ctx.text(docs[i]));
                   } catch (error const&) {
                     excerpts[i] = "(could not be read again: the file changed during the run)";
                   }
                 }
               });
  return excerpts;
}

void check_members(dedup_result const& result, std::size_t essays, std::string_view writer) {
  for (auto const& c : result.clusters)
    for (auto const& m : c.members)
      if (m.doc >= essays || m.linked_to >= essays)
        throw error(errc::invalid_argument,
                    std::string(writer) + ": a cluster member (essay " +
                        std::to_string(std::max(m.doc, m.linked_to)) + ") is not among the " +
                        std::to_string(essays) + " essays given");
}

void check_pairs(passage_result const& result, std::size_t essays, std::string_view writer) {
  for (auto const& p : result.pairs)
    if (p.a >= essays || p.b >= essays || p.a >= p.b)
      throw error(errc::invalid_argument,
                  std::string(writer) + ": a pair names an essay the report was not given");
}

}  // namespace neardup::detail
