// The passage reports: the pairs of essays that share a copied passage, as text, JSON Lines and
// CSV.
#include <algorithm>
#include <charconv>

#include "neardup/error.hpp"
#include "neardup/report.hpp"
#include "report/format.hpp"

namespace neardup {

using namespace detail;

namespace {

// Passages up to twice this many characters are quoted whole; longer ones keep both ends.
constexpr std::size_t quote_chars = 40;

/// The line in the file where a passage starting on line `text_line` of the essay's text is. The
/// text starts after the heading line when the essay has one (essay_info::line is the heading's;
/// blank lines between a heading and its text are not known here and not counted).
std::size_t file_line(essay_info const& e, std::size_t text_line, bool jsonl) {
  if (jsonl) return e.line;
  return e.line + (e.title.empty() ? 0 : 1) + text_line - 1;
}

/// `text` on one line, shortened in the middle: its first and last quote_chars characters.
std::string quote_middle(std::string_view text) {
  std::string const whole = make_excerpt(text, 2 * quote_chars);
  if (whole.size() < 3 || whole.compare(whole.size() - 3, 3, "…") != 0) return whole;
  // The start of the last quote_chars characters: count code point starts from the end.
  std::size_t at = text.size(), seen = 0;
  while (at > 0 && seen < quote_chars) {
    --at;
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) ++seen;
  }
  std::string head = make_excerpt(text, quote_chars);
  head.erase(head.size() - 3);  // its "…"
  return head + " … " + make_excerpt(text.substr(at), quote_chars);
}

void essay_json(std::string& out, essay_info const& e) {
  out += "{\"id\": ";
  append_json_quoted(out, e.id);
  out += ", \"file\": ";
  append_json_quoted(out, e.file);
  out += ", \"index\": ";
  number_to(out, e.index);
  out += ", \"line\": ";
  number_to(out, e.line);
  out += '}';
}

void essay_line(std::string& out, char const* which, essay_info const& e) {
  out += "  ";
  out += which;
  out += ": " + printable(e.file) + "  essay " + std::to_string(e.index) + ", line " +
         std::to_string(e.line);
  if (!e.title.empty()) out += "  「" + printable(e.title) + "」";
  out += '\n';
}

}  // namespace

void write_passages_text(std::ostream& out, passage_result const& result, report_context const& ctx,
                         passage_report_context const& texts) {
  check_pairs(result, ctx.essays.size(), "write_passages_text");
  constexpr std::size_t pairs_per_block = 64;
  std::size_t const blocks = (result.pairs.size() + pairs_per_block - 1) / pairs_per_block;
  out << "Copied passages · " << result.pairs.size() << " " << plural(result.pairs.size(), "pair")
      << " of essays\n\n";
  write_blocks_in_order(out, blocks, report_threads(ctx), [&](std::size_t block, std::string& s) {
    std::size_t const last = std::min(result.pairs.size(), (block + 1) * pairs_per_block);
    for (std::size_t n = block * pairs_per_block; n < last; ++n) {
      passage_pair const& p = result.pairs[n];
      essay_info const &a = ctx.essays[p.a], &b = ctx.essays[p.b];
      s += "Pair " + std::to_string(n + 1) + " · " + std::to_string(p.passages.size()) + " " +
           plural(p.passages.size(), "passage") + " · covering " + fixed(p.containment_a, 3) +
           " of a, " + fixed(p.containment_b, 3) + " of b\n";
      essay_line(s, "a", a);
      essay_line(s, "b", b);
      std::string text_a, text_b;
      bool quoted = false;
      if (texts.text) {
        try {
          text_a = texts.text(p.a);
          text_b = texts.text(p.b);
          quoted = true;
        } catch (error const&) {
          s += "      (could not be read again: the file changed during the run)\n";
        }
      }
      for (passage const& q : p.passages) {
        s += "    " + std::to_string(q.chars) + " characters, line " +
             std::to_string(file_line(a, q.a_line, texts.jsonl)) + " of a and line " +
             std::to_string(file_line(b, q.b_line, texts.jsonl)) + " of b\n";
        if (quoted && q.a_end <= text_a.size() && q.b_end <= text_b.size()) {
          s += "      a: " +
               quote_middle(std::string_view(text_a).substr(q.a_start, q.a_end - q.a_start)) + "\n";
          s += "      b: " +
               quote_middle(std::string_view(text_b).substr(q.b_start, q.b_end - q.b_start)) + "\n";
        }
      }
      s += '\n';
    }
  });
}

void write_passages_summary(std::ostream& out, passage_result const& result, double seconds) {
  passage_stats const& st = result.stats;
  out << "Passages: " << grouped(st.pairs) << " " << plural(st.pairs, "pair")
      << " of essays share a passage, of " << grouped(st.candidate_pairs) << " candidate "
      << plural(st.candidate_pairs, "pair") << "; " << grouped(st.stock_fingerprints) << " stock "
      << plural(st.stock_fingerprints, "fingerprint") << " (" << grouped(st.stock_postings)
      << " postings) left out of " << grouped(st.fingerprints);
  if (st.unreadable > 0) out << "; " << grouped(st.unreadable) << " essays could not be read again";
  out << "; " << fixed(seconds, 2) << " s\n";
}

void write_passages_jsonl(std::ostream& out, passage_result const& result,
                          report_context const& ctx, passage_report_context const& texts) {
  check_pairs(result, ctx.essays.size(), "write_passages_jsonl");
  constexpr std::size_t pairs_per_block = 1024;
  std::size_t const blocks = (result.pairs.size() + pairs_per_block - 1) / pairs_per_block;
  write_blocks_in_order(out, blocks, report_threads(ctx), [&](std::size_t block, std::string& s) {
    std::size_t const last = std::min(result.pairs.size(), (block + 1) * pairs_per_block);
    for (std::size_t n = block * pairs_per_block; n < last; ++n) {
      passage_pair const& p = result.pairs[n];
      essay_info const &a = ctx.essays[p.a], &b = ctx.essays[p.b];
      s += "{\"pair\": ";
      number_to(s, n + 1);
      s += ", \"a\": ";
      essay_json(s, a);
      s += ", \"b\": ";
      essay_json(s, b);
      s += ", \"containment_a\": ";
      ratio_to(s, p.containment_a);
      s += ", \"containment_b\": ";
      ratio_to(s, p.containment_b);
      s += ", \"passages\": [";
      for (std::size_t i = 0; i < p.passages.size(); ++i) {
        passage const& q = p.passages[i];
        s += i ? ", {\"a_start\": " : "{\"a_start\": ";
        number_to(s, q.a_start);
        s += ", \"a_end\": ";
        number_to(s, q.a_end);
        s += ", \"b_start\": ";
        number_to(s, q.b_start);
        s += ", \"b_end\": ";
        number_to(s, q.b_end);
        s += ", \"a_line\": ";
        number_to(s, file_line(a, q.a_line, texts.jsonl));
        s += ", \"b_line\": ";
        number_to(s, file_line(b, q.b_line, texts.jsonl));
        s += ", \"chars\": ";
        number_to(s, q.chars);
        s += '}';
      }
      s += "]}\n";
    }
  });
}

void write_passages_csv(std::ostream& out, passage_result const& result, report_context const& ctx,
                        passage_report_context const& texts) {
  check_pairs(result, ctx.essays.size(), "write_passages_csv");
  out << "pair,a_id,a_file,a_index,a_essay_line,b_id,b_file,b_index,b_essay_line,containment_a,"
         "containment_b,a_start,a_end,b_start,b_end,a_line,b_line,chars\n";
  std::size_t number = 0;
  for (passage_pair const& p : result.pairs) {
    ++number;
    essay_info const &a = ctx.essays[p.a], &b = ctx.essays[p.b];
    for (passage const& q : p.passages)
      out << number << "," << csv_field(a.id) << "," << csv_field(a.file) << "," << a.index << ","
          << a.line << "," << csv_field(b.id) << "," << csv_field(b.file) << "," << b.index << ","
          << b.line << "," << fixed(p.containment_a, 4) << "," << fixed(p.containment_b, 4) << ","
          << q.a_start << "," << q.a_end << "," << q.b_start << "," << q.b_end << ","
          << file_line(a, q.a_line, texts.jsonl) << "," << file_line(b, q.b_line, texts.jsonl)
          << "," << q.chars << "\n";
  }
}

}  // namespace neardup
