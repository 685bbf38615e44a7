// --keep-one: the input again, file by file, with exactly the later members of each cluster left
// out (their lines), everything else as it was.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/parallel.hpp"
#include "corpus/load_file.hpp"
#include "corpus/posix_file.hpp"
#include "neardup/error.hpp"
#include "neardup/report.hpp"
#include "report/format.hpp"

namespace neardup {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// Where each file's essays are in `essays` (they come file by file), and which are duplicates.
struct essay_index {
  std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> of_file;
  std::vector<std::uint8_t> drop;
  std::unordered_map<std::string_view, std::size_t> unread;  // problems on a line, by file

  essay_index(dedup_result const& result, std::span<const essay_info> essays,
              load_summary const& load)
      : drop(essays.size(), 0) {
    detail::check_members(result, essays.size(), "write_deduplicated");
    for (auto const& c : result.clusters)
      for (std::size_t m = 1; m < c.members.size(); ++m) drop[c.members[m].doc] = 1;
    for (std::size_t i = 0; i < essays.size();) {
      std::size_t j = i + 1;
      while (j < essays.size() && essays[j].file == essays[i].file) ++j;
      of_file.try_emplace(essays[i].file, i, j);
      i = j;
    }
    for (auto const& p : load.problems)
      if (p.line > 0) ++unread[p.path];
  }
  [[nodiscard]] std::pair<std::size_t, std::size_t> range(std::string const& file) const {
    auto const found = of_file.find(file);
    return found == of_file.end() ? std::pair<std::size_t, std::size_t>{0, 0} : found->second;
  }
  [[nodiscard]] std::size_t unread_in(std::string const& file) const {
    auto const found = unread.find(file);
    return found == unread.end() ? 0 : found->second;
  }
};

/// A file's bytes, or nothing when its size or version is no longer what the load found.
bool read_unchanged(file_account const& f, std::string& bytes) {
  detail::posix_file const file(f.source());
  if (!file.unchanged(f.bytes, f.version)) return false;
  file.read(0, f.bytes, bytes);
  return bytes.size() == f.bytes;
}

/// One line of a file as it is written: its text and its own line break (empty for a last line
/// without one).
struct out_line {
  std::string_view text;
  std::string_view ending;
};

constexpr std::string_view crlf = "\r\n", lf = "\n", cr = "\r";

/// The lines of bytes in which a line break is LF, CRLF or a lone CR (as decoding counts them).
void byte_lines(std::string_view bytes, std::vector<out_line>& lines) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t const brk = bytes.find_first_of("\r\n", at);
    if (brk == std::string_view::npos) {
      lines.push_back({bytes.substr(at), {}});
      return;
    }
    bool const pair = bytes[brk] == '\r' && brk + 1 < bytes.size() && bytes[brk + 1] == '\n';
    lines.push_back({bytes.substr(at, brk - at), pair ? crlf : bytes[brk] == '\r' ? cr : lf});
    at = brk + (pair ? 2 : 1);
  }
}

/// The line breaks of UTF-16 bytes, in order (code units LF, CRLF, lone CR).
void utf16_endings(std::string_view bytes, bool big_endian,
                   std::vector<std::string_view>& endings) {
  auto unit = [&](std::size_t i) {
    auto const a = static_cast<unsigned char>(bytes[i]),
               b = static_cast<unsigned char>(bytes[i + 1]);
    return big_endian ? (a << 8 | b) : (b << 8 | a);
  };
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    int const u = unit(i);
    if (u == '\r' && i + 3 < bytes.size() && unit(i + 2) == '\n') {
      endings.push_back(crlf);
      i += 2;
    } else if (u == '\r' || u == '\n') {
      endings.push_back(u == '\r' ? cr : lf);
    }
  }
}

/// The lines of a file in another encoding, decoded (`utf8`, LF line ends) but each with the line
/// break it has in `raw`: decoding turns each LF, CRLF and lone CR into one LF, so decoded line i
/// is stored line i. In an encoding whose line breaks cannot be told from its bytes, or when the
/// counts disagree, every line ends in LF.
void decoded_lines(std::string_view raw, std::string_view utf8, std::string_view encoding,
                   std::vector<out_line>& lines) {
  std::vector<out_line> decoded;
  byte_lines(utf8, decoded);
  std::vector<std::string_view> endings;
  if (detail::byte_oriented(encoding)) {
    // (Trail bytes of the multi-byte ones are never LF or CR.)
    std::vector<out_line> stored;
    byte_lines(raw, stored);
    for (auto const& l : stored)
      if (!l.ending.empty()) endings.push_back(l.ending);
  } else if (encoding.starts_with("UTF-16")) {
    bool const big = encoding == "UTF-16BE" ||
                     (encoding == "UTF-16" && !raw.starts_with("\xFF\xFE"));  // ICU's default
    utf16_endings(raw, big, endings);
  }
  std::size_t breaks = 0;
  for (auto const& l : decoded) breaks += !l.ending.empty();
  if (breaks == endings.size())
    for (std::size_t i = 0, e = 0; i < decoded.size(); ++i)
      if (!decoded[i].ending.empty()) decoded[i].ending = endings[e++];
  lines = std::move(decoded);
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

/// `lines` without the lines of the dropped essays [first, last) of `essays` (in line order): each
/// from its first line through its last, and the blank lines after it. Each line is written with
/// its own line break; a last line without one gets the file's last one (LF when it has none).
void cut_duplicates(std::vector<out_line> const& lines, std::span<const essay_info> essays,
                    std::vector<std::uint8_t> const& drop, std::size_t first, std::size_t last,
                    std::string& out, std::string_view& ending) {
  std::vector<std::uint8_t> cut(lines.size() + 1, 0);  // by 1-based line
  for (std::size_t doc = first; doc < last; ++doc) {
    if (!drop[doc]) continue;
    std::size_t line = essays[doc].line;
    for (; line <= essays[doc].last_line && line <= lines.size(); ++line) cut[line] = 1;
    for (; line <= lines.size() && blank(lines[line - 1].text); ++line) cut[line] = 1;
  }
  ending = lf;
  for (auto const& l : lines)
    if (!l.ending.empty()) ending = l.ending;
  std::string_view written;  // the last line break written
  for (std::size_t line = 1; line <= lines.size(); ++line) {
    if (cut[line]) continue;
    out.append(lines[line - 1].text);
    out.append(lines[line - 1].ending);
    written = lines[line - 1].ending;
    if (written.empty() && !lines[line - 1].text.empty()) {
      out.append(ending);
      written = ending;
    }
  }
  if (!written.empty()) ending = written;
}

struct text_file_output {
  std::string text;
  bool written = false;  // false: the file changed, or could not be read again
  bool bom = false;      // the text starts with the file's own UTF-8 BOM
  std::string_view ending = lf;  // the line break the text ends with: the blank line after it
};

void write_text_files(std::ostream& out, essay_index const& index,
                      std::span<const essay_info> essays, load_summary const& load,
                      load_options const& options, unsigned threads, keep_one_stats& stats) {
  std::size_t const window = 4 * static_cast<std::size_t>(threads);
  std::vector<text_file_output> outputs(window);
  bool any = false;
  std::string_view ending = lf;
  detail::ordered_parallel_for(
      load.files.size(), threads, window,
      [&](std::size_t i, unsigned) {
        auto const& f = load.files[i];
        auto& o = outputs[i % window];
        o = text_file_output{};
        std::string bytes;
        try {
          if (!read_unchanged(f, bytes)) return;
        } catch (error const&) {
          return;
        }
        auto const [first, last] = index.range(f.path);
        bool const none = std::none_of(index.drop.begin() + static_cast<std::ptrdiff_t>(first),
                                       index.drop.begin() + static_cast<std::ptrdiff_t>(last),
                                       [](std::uint8_t d) { return d != 0; });
        o.written = true;
        if (f.verbatim && none) {  // nothing to leave out: the file as it is
          o.text = std::move(bytes);
          if (!o.text.empty() && o.text.back() != '\n') o.text += '\n';
          return;
        }
        // UTF-8 lines are written as stored (CRLF, a BOM, bytes that are not UTF-8); lines in
        // another encoding decoded, each with its own line break.
        std::vector<out_line> lines;
        std::string utf8;
        if (f.encoding == "UTF-8") {
          byte_lines(bytes, lines);
        } else {
          decode_options forced = options.decode;
          forced.encoding = f.encoding;
          utf8 = decode_to_utf8(bytes, forced).utf8;
          decoded_lines(bytes, utf8, f.encoding, lines);
        }
        o.text.reserve(bytes.size());
        cut_duplicates(lines, essays, index.drop, first, last, o.text, o.ending);
        o.bom = f.encoding == "UTF-8" && !lines.empty() && lines[0].text.starts_with(utf8_bom) &&
                std::string_view(o.text).starts_with(lines[0].text);
      },
      [&](std::size_t i) {
        auto const& f = load.files[i];
        auto& o = outputs[i % window];
        if (!o.written) {
          stats.changed.push_back(f.path);
          return;
        }
        // One blank line between files, in the line break the previous one ended with; a UTF-8
        // BOM only at the very start of the output.
        if (any) out << ending;
        std::string_view text(o.text);
        if (any && o.bom) text.remove_prefix(utf8_bom.size());
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        any = true;
        ending = o.ending;
        auto const [first, last] = index.range(f.path);
        for (std::size_t doc = first; doc < last; ++doc)
          ++(index.drop[doc] ? stats.duplicates : stats.essays);
        stats.unread += index.unread_in(f.path);
        ++stats.files;
        o = text_file_output{};
      });
}

/// A JSON Lines file as stored, without the lines that start at `dropped` (sorted offsets), in
/// pieces of a megabyte. False when the file's size or version is no longer what the load found.
bool copy_jsonl_file(std::ostream& out, file_account const& f,
                     std::vector<std::uint64_t> const& dropped, bool strip_bom) {
  detail::posix_file const file(f.source());
  if (!file.unchanged(f.bytes, f.version)) return false;
  constexpr std::size_t piece = 1u << 20;
  std::string buffer;
  std::size_t next_drop = 0;
  bool skipping = false;  // inside a dropped line, until its newline
  char last = '\n';
  for (std::uint64_t at = 0; at < f.bytes;) {
    file.read(at, static_cast<std::size_t>(std::min<std::uint64_t>(piece, f.bytes - at)), buffer);
    if (buffer.empty()) return false;  // shorter than it was
    std::string_view rest(buffer);
    if (at == 0 && strip_bom && rest.starts_with(utf8_bom)) rest.remove_prefix(utf8_bom.size());
    std::uint64_t const end = at + buffer.size();
    std::uint64_t position = end - rest.size();
    while (!rest.empty()) {
      if (skipping) {
        std::size_t const nl = rest.find('\n');
        std::size_t const skip = nl == std::string_view::npos ? rest.size() : nl + 1;
        skipping = nl == std::string_view::npos;
        rest.remove_prefix(skip);
        position += skip;
        continue;
      }
      std::uint64_t const drop_at = next_drop < dropped.size() ? dropped[next_drop] : end;
      // (A dropped first line may start before `position`, at a BOM left out.)
      auto const keep =
          static_cast<std::size_t>(drop_at > position ? std::min(drop_at, end) - position : 0);
      out.write(rest.data(), static_cast<std::streamsize>(keep));
      if (keep > 0) last = rest[keep - 1];
      rest.remove_prefix(keep);
      position += keep;
      if (position >= drop_at && next_drop < dropped.size()) {
        ++next_drop;
        skipping = true;
      }
    }
    at = end;
  }
  if (last != '\n') out << '\n';
  return true;
}

void write_jsonl_files(std::ostream& out, essay_index const& index,
                       std::span<const essay_info> essays, load_summary const& load,
                       keep_one_stats& stats) {
  bool any = false;
  for (auto const& f : load.files) {
    auto const [first, last] = index.range(f.path);
    std::vector<std::uint64_t> dropped;
    std::size_t kept = 0;
    for (std::size_t doc = first; doc < last; ++doc) {
      if (index.drop[doc])
        dropped.push_back(essays[doc].offset);
      else
        ++kept;
    }
    std::sort(dropped.begin(), dropped.end());
    bool copied = false;
    try {
      copied = copy_jsonl_file(out, f, dropped, any);
    } catch (error const&) {
      copied = false;
    }
    // A file that changed may have been written in part: the summary says it is not to be trusted.
    if (!copied) {
      stats.changed.push_back(f.path);
      continue;
    }
    any = true;
    stats.essays += kept;
    stats.duplicates += dropped.size();
    stats.unread += index.unread_in(f.path);
    ++stats.files;
  }
}

}  // namespace

keep_one_stats write_deduplicated(std::ostream& out, dedup_result const& result,
                                  std::span<const essay_info> essays, load_summary const& load,
                                  load_options const& options, unsigned threads) {
  keep_one_stats stats;
  stats.lines = options.jsonl;
  for (auto const& s : load.skipped)
    if (s.reason == skip_reason::changed)
      stats.changed.push_back(s.path);
    else if (s.reason != skip_reason::output)
      stats.not_read.push_back(s.path);
  essay_index const index(result, essays, load);
  if (options.jsonl)
    write_jsonl_files(out, index, essays, load, stats);
  else
    write_text_files(out, index, essays, load, options, detail::resolve_threads(threads), stats);
  out.flush();
  if (!out) throw error(errc::io_error, "writing the kept essays failed");
  return stats;
}

void write_keep_one_summary(std::ostream& out, keep_one_stats const& stats, std::string_view path) {
  using detail::plural;
  out << "kept one:  " << stats.essays << plural(stats.essays, " essay") << " of " << stats.files
      << plural(stats.files, " file") << " written to " << detail::printable(path) << ", without "
      << stats.duplicates << plural(stats.duplicates, " duplicate") << "\n";
  if (stats.unread > 0)
    out << "  kept unread: " << stats.unread
        << plural(stats.unread, stats.lines ? " line" : " essay")
        << (stats.lines ? " that gave no record" : " over the essay limit")
        << ", written as they were\n";
  auto list = [&](std::vector<std::string> const& files, std::string_view why) {
    if (files.empty()) return;
    out << "  not in it: " << files.size() << plural(files.size(), " file") << " " << why << ":\n";
    constexpr std::size_t listed_at_most = 20;
    for (std::size_t i = 0; i < files.size() && i < listed_at_most; ++i)
      out << "    " << detail::printable(files[i]) << "\n";
    if (files.size() > listed_at_most)
      out << "    … and " << files.size() - listed_at_most << " more\n";
  };
  list(stats.not_read, "that could not be read (see the summary)");
  list(stats.changed, "that changed during the run");
}

}  // namespace neardup
