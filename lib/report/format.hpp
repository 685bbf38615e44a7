// detail:: the pieces every report is made of: numbers and fields as text, JSON string quoting,
// excerpts, and blocks formatted on every thread but written in order.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/parallel.hpp"
#include "neardup/report.hpp"

namespace neardup::detail {

/// The threads the run used (the report is formatted on as many), or one.
[[nodiscard]] unsigned report_threads(report_context const& ctx) noexcept;

/// Calls format(block, text) for blocks [0, blocks) on `threads` threads and writes each block's
/// text to `out` in order: reports of large corpora run to hundreds of megabytes.
template <class Format>
void write_blocks_in_order(std::ostream& out, std::size_t blocks, unsigned threads, Format const& format) {
  std::size_t const window = 4 * static_cast<std::size_t>(threads);
  std::vector<std::string> formatted(window);
  ordered_parallel_for(
      blocks, threads, window,
      [&](std::size_t block, unsigned) {
        std::string& text = formatted[block % window];
        text.clear();
        format(block, text);
      },
      [&](std::size_t block) {
        std::string const& text = formatted[block % window];
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
      });
}

/// `value` with `digits` decimals ("0.500").
[[nodiscard]] std::string fixed(double value, int digits);

/// 1234567 -> "1,234,567": byte counts a person can read at a glance.
[[nodiscard]] std::string grouped(std::size_t n);

/// One CSV field, quoted as RFC 4180 asks when it holds a comma, a quote or a line end (and when it
/// holds another control character or starts or ends with white space).
[[nodiscard]] std::string csv_field(std::string_view s);

/// "pair" or "pairs", as `n` asks.
[[nodiscard]] std::string plural(std::size_t n, std::string_view word);

/// Appends `s` as a JSON string literal (quotes included) to `out`: always valid JSON, whatever the
/// bytes. Quotes, backslashes and every control character (C0, DEL, C1) are escaped; ill-formed
/// UTF-8 becomes U+FFFD.
void append_json_quoted(std::string& out, std::string_view s);

/// A name (a path, a title, an id) for a line of the text report or the summary: control
/// characters as \n, \r, \t or \xHH, and bytes that are not UTF-8 as \xHH, so that a name
/// cannot break a line or the terminal; the name itself when it needs none.
[[nodiscard]] std::string printable(std::string_view s);

/// `s` as a JSON string literal (quotes included).
[[nodiscard]] std::string json_quote(std::string_view s);

/// The first `chars` code points of `text` on one line (white space runs folded to one space),
/// with "…" when cut; broken and control bytes left out.
[[nodiscard]] std::string make_excerpt(std::string_view text, std::size_t chars = 60);

/// make_excerpt of the texts of `docs` (sorted, distinct) from ctx.text, read on the report's
/// threads, each taking a run of neighbouring documents (the same files, read in file order); a
/// text that cannot be read again (its file changed) says so.
[[nodiscard]] std::vector<std::string> read_excerpts(report_context const& ctx,
                                                     std::span<const std::uint32_t> docs);

/// Refuses (neardup::error(invalid_argument), naming `writer`) a result whose clusters name an
/// essay or a linking member beyond the `essays` given: a report of another run's result would
/// otherwise read and write past the essays.
void check_members(dedup_result const& result, std::size_t essays, std::string_view writer);

/// The same for copied-passage pairs: each names two essays given, the earlier first.
void check_pairs(passage_result const& result, std::size_t essays, std::string_view writer);

/// Appends `value` in decimal (std::to_chars: no locale, no stream).
template <class Number>
void number_to(std::string& out, Number value) {
  char buf[32];
  auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

/// Appends `value` with `digits` digits after the point.
inline void ratio_to(std::string& out, double value, int digits = 4) {
  char buf[64];
  auto const [end, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, digits);
  out.append(buf, end);
}

}  // namespace neardup::detail
