#include "neardup/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>

#include <unicode/utf8.h>

#include "neardup/error.hpp"
#include "common/parallel.hpp"

namespace neardup {
namespace {

/// The threads the run used (the report is formatted on as many), or one.
unsigned report_threads(report_context const& ctx) noexcept {
  return ctx.options != nullptr ? detail::resolve_threads(ctx.options->threads) : 1u;
}

/// Calls format(block, text) for blocks [0, blocks) on `threads` threads and writes each block's
/// text to `out` in order: reports of large corpora run to hundreds of megabytes.
template <class Format>
void write_blocks_in_order(std::ostream& out, std::size_t blocks, unsigned threads, Format const& format) {
  std::size_t const window = 4 * static_cast<std::size_t>(threads);
  std::vector<std::string> formatted(window);
  detail::ordered_parallel_for(
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

std::string fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

// 1234567 -> "1,234,567": byte counts a person can read at a glance.
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

std::string_view scheme_name(minhash_scheme s) {
  return s == minhash_scheme::classic ? "classic" : "one-permutation";
}

/// "pair" or "pairs", as `n` asks.
std::string plural(std::size_t n, std::string_view word) {
  return std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

namespace {

/// Appends `s` as a JSON string literal to `out`.
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

}  // namespace

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

void write_text_report(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  // Excerpts are read in document order, which is file order, so that a reader keeping the last
  // files open opens each once rather than once per cluster that lists it.
  std::vector<std::uint32_t> excerpt_docs;
  std::vector<std::string> excerpts;
  if (ctx.text) {
    for (auto const& c : result.clusters)
      for (auto const& member : c.members) excerpt_docs.push_back(member.doc);
    std::sort(excerpt_docs.begin(), excerpt_docs.end());
    excerpt_docs.erase(std::unique(excerpt_docs.begin(), excerpt_docs.end()), excerpt_docs.end());
    excerpts.resize(excerpt_docs.size());
    // Read back on every thread, each taking a run of neighbouring documents (the same files).
    detail::parallel_for(excerpt_docs.size(), report_threads(ctx), 256, [&](std::size_t begin, std::size_t end, unsigned) {
      for (std::size_t i = begin; i < end; ++i) excerpts[i] = make_excerpt(ctx.text(excerpt_docs[i]));
    });
  }
  auto excerpt_of = [&](std::uint32_t doc) -> std::string const& {
    return excerpts[static_cast<std::size_t>(std::lower_bound(excerpt_docs.begin(), excerpt_docs.end(), doc) -
                                             excerpt_docs.begin())];
  };
  std::size_t number = 0;
  for (auto const& c : result.clusters) {
    ++number;
    out << "Cluster " << number << " · " << c.members.size() << " essays\n";
    for (std::size_t m = 0; m < c.members.size(); ++m) {
      auto const& member = c.members[m];
      auto const& e = ctx.essays[member.doc];
      out << "  " << e.file << "  essay " << e.index << ", line" << (e.last_line > e.line ? "s " : " ")
          << e.line;
      if (e.last_line > e.line) out << "-" << e.last_line;
      if (!e.title.empty()) out << "  「" << e.title << "」";
      out << "  similarity " << (member.estimated ? "≈" : "") << fixed(member.similarity, 3)
          << (m == 0 ? " (first)" : "") << "\n";
      if (ctx.text) out << "      " << excerpt_of(member.doc) << "\n";
    }
    out << "\n";
  }
  if (result.clusters.empty()) out << "No near-duplicate essays found.\n\n";
  write_summary(out, result, ctx);
}

void write_summary(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  auto const& s = result.stats;
  out << "Summary\n";
  if (ctx.load) {
    auto const& load = *ctx.load;
    out << "  files:     " << load.files.size() << " read, " << load.skipped.size() << " skipped";
    if (load.filtered_by_extension > 0)
      out << ", " << load.filtered_by_extension << " not taken for their extension";
    out << "\n";
    for (auto const& f : load.skipped)
      out << "    skipped " << f.path << ": " << to_string(f.reason)
          << (f.detail.empty() ? "" : " (") << f.detail << (f.detail.empty() ? "" : ")") << "\n";
    // Files read with replacements and stretches left out are listed up to a limit: on a large
    // corpus they run to thousands of lines (skipped files are always listed, every one).
    constexpr std::size_t listed_at_most = 20;
    std::size_t replaced_files = 0;
    for (auto const& f : load.files) {
      if (f.replaced == 0) continue;
      if (++replaced_files <= listed_at_most)
        out << "    " << f.path << ": " << f.replaced << " undecodable byte sequences replaced ("
            << f.encoding << ")\n";
    }
    if (replaced_files > listed_at_most)
      out << "    … and " << replaced_files - listed_at_most << " more files with undecodable bytes replaced\n";
    for (auto const& p : load.problems) {
      out << "    " << p.path;
      if (p.line > 0) out << ":" << p.line;
      out << ": " << p.message << "\n";
    }
    std::size_t furniture = 0;
    for (auto const& f : load.files) furniture += f.furniture.size();
    if (furniture > 0) {
      out << "  left out:  " << furniture << " stretches of page furniture\n";
      std::size_t listed = 0;
      for (auto const& f : load.files)
        for (auto const& r : f.furniture) {
          if (++listed > listed_at_most) break;
          out << "    " << f.path << (r.last > r.first ? " lines " : " line ") << r.first;
          if (r.last > r.first) out << "-" << r.last;
          out << ": " << r.reason << "\n";
        }
      if (furniture > listed_at_most) out << "    … and " << furniture - listed_at_most << " more\n";
    }
  }
  out << "  essays:    " << s.documents;
  if (s.empty_documents > 0) out << " (" << s.empty_documents << " with no text after normalization)";
  out << "\n";
  out << "  clusters:  " << s.clusters << ", holding " << s.duplicates << " duplicate essay"
      << (s.duplicates == 1 ? "" : "s") << " beyond the first of each\n";
  std::size_t const bytes = ctx.load ? ctx.load->bytes : s.bytes;
  out << "  bytes:     " << grouped(bytes) << " in " << fixed(ctx.seconds, 2) << " s";
  if (ctx.seconds > 0) out << " (" << fixed(static_cast<double>(bytes) / 1e6 / ctx.seconds, 1) << " MB/s)";
  out << "\n";
  out << "  time:      " << fixed(ctx.seconds_read_and_sign > 0 ? ctx.seconds_read_and_sign : s.seconds_sign, 2)
      << " s read and sign, " << fixed(s.seconds_candidates, 2) << " s candidates ("
      << s.candidates.pairs << plural(s.candidates.pairs, " pair") << "), " << fixed(s.seconds_verify, 2) << " s verify ("
      << s.verified_pairs << " kept), " << fixed(s.seconds_cluster, 2) << " s cluster\n";
  if (ctx.options && ctx.options->verify == verify_mode::hybrid)
    out << "  verify:    " << s.accepted_by_estimate << plural(s.accepted_by_estimate, " pair") << " accepted and "
        << s.rejected_by_estimate << " rejected by the estimate, " << s.exact_pairs << " measured exactly ("
        << s.texts_read_back << plural(s.texts_read_back, " text") << " read back), " << s.already_joined
        << " not needed (already joined)\n";
  if (ctx.options) {
    auto const& o = *ctx.options;
    out << "  settings:  threshold " << fixed(o.threshold, 2) << ", " << o.signature.shingle.n << "-"
        << (o.signature.unit == shingle_unit::word ? "word" : "character") << " shingles, "
        << o.signature.minhash.num_perm << " permutations (" << scheme_name(o.signature.minhash.scheme)
        << "), LSH " << s.lsh.bands << " bands × " << s.lsh.rows << " rows, "
        << verify_mode_name(o.verify) << " verification\n";
  }
  if (s.candidates.capped_buckets > 0)
    out << "  note:      " << s.candidates.capped_buckets << " LSH buckets over " << s.candidates.largest_bucket
        << " essays were capped to keep the work linear\n";
}

void write_jsonl_report(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  // Blocks of clusters are formatted on every thread and written in order: a large corpus gives
  // tens of megabytes of lines.
  constexpr std::size_t clusters_per_block = 1024;
  std::size_t const blocks = (result.clusters.size() + clusters_per_block - 1) / clusters_per_block;
  write_blocks_in_order(out, blocks, report_threads(ctx), [&](std::size_t block, std::string& line) {
    auto number_to = [&line](auto value) {
      char buf[32];
      auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
      line.append(buf, end);
    };
    std::size_t const first = block * clusters_per_block;
    std::size_t const last = std::min(result.clusters.size(), first + clusters_per_block);
    for (std::size_t number = first + 1; number <= last; ++number) {
      auto const& c = result.clusters[number - 1];
      line += "{\"cluster\": ";
      number_to(number);
      line += ", \"size\": ";
      number_to(c.members.size());
      line += ", \"members\": [";
      for (std::size_t m = 0; m < c.members.size(); ++m) {
        auto const& member = c.members[m];
        auto const& e = ctx.essays[member.doc];
        line += m ? ", {\"id\": " : "{\"id\": ";
        append_json_quoted(line, e.id);
        line += ", \"file\": ";
        append_json_quoted(line, e.file);
        line += ", \"index\": ";
        number_to(e.index);
        line += ", \"title\": ";
        append_json_quoted(line, e.title);
        line += ", \"line\": ";
        number_to(e.line);
        line += ", \"similarity\": ";
        char buf[32];
        auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, member.similarity, std::chars_format::fixed, 4);
        line.append(buf, end);
        line += member.estimated ? ", \"estimated\": true}" : ", \"estimated\": false}";
      }
      line += "]}\n";
    }
  });
}

void write_csv_report(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  out << "cluster,size,id,file,index,title,line,similarity,estimated\n";
  std::size_t number = 0;
  for (auto const& c : result.clusters) {
    ++number;
    for (auto const& member : c.members) {
      auto const& e = ctx.essays[member.doc];
      out << number << "," << c.members.size() << "," << csv_field(e.id) << "," << csv_field(e.file) << ","
          << e.index << "," << csv_field(e.title) << "," << e.line << "," << fixed(member.similarity, 4)
          << "," << (member.estimated ? "true" : "false") << "\n";
    }
  }
}

void write_deduplicated(std::string const& path, dedup_result const& result, std::span<const essay_info> essays,
                        std::function<std::string(std::uint32_t)> const& text_of, bool jsonl, unsigned threads) {
  std::vector<std::uint8_t> drop(essays.size(), 0);
  for (auto const& c : result.clusters)
    for (std::size_t m = 1; m < c.members.size(); ++m) drop[c.members[m].doc] = 1;

  std::string const temporary = path + ".tmp-" + std::to_string(::getpid());
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw error(errc::io_error, temporary + ": cannot create: " + std::strerror(errno));
  // Blocks of essays are read back and formatted on every thread, and written in order.
  constexpr std::size_t essays_per_block = 256;
  std::size_t const blocks = (essays.size() + essays_per_block - 1) / essays_per_block;
  auto format_block = [&](std::size_t block, std::string& s) {
    std::size_t const last = std::min(essays.size(), (block + 1) * essays_per_block);
    for (std::size_t doc = block * essays_per_block; doc < last; ++doc) {
      if (drop[doc]) continue;
      auto const& e = essays[doc];
      std::string const text = text_of(static_cast<std::uint32_t>(doc));
      if (jsonl) {
        s += "{\"id\": ";
        append_json_quoted(s, e.id);
        s += ", \"text\": ";
        append_json_quoted(s, text);
        s += "}\n";
      } else {
        if (!e.title.empty()) (s += e.title) += '\n';
        s += text;
        if (text.empty() || text.back() != '\n') s += '\n';
        s += '\n';
      }
    }
  };
  try {
    write_blocks_in_order(out, blocks, detail::resolve_threads(threads), format_block);
    out.flush();
    if (!out) throw error(errc::io_error, temporary + ": write failed");
    out.close();
  } catch (...) {
    out.close();
    std::remove(temporary.c_str());  // no half file left behind, whatever failed
    throw;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int const saved = errno;
    std::remove(temporary.c_str());
    throw error(errc::io_error, path + ": cannot rename into place: " + std::strerror(saved));
  }
}

}  // namespace neardup
