// --keep-one: the input again, file by file, with exactly the later members of each cluster left
// out (their lines), everything else as it was.
#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "common/parallel.hpp"
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

bool blank_line(std::string_view text, std::size_t at) {
  std::size_t const end = std::min(text.find('\n', at), text.size());
  return text.find_first_not_of(" \t", at) >= end;
}

std::size_t next_line(std::string_view text, std::size_t at) {
  std::size_t const nl = text.find('\n', at);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

/// `text_bytes` without the lines of the dropped essays [first, last) of `essays` (in line order):
/// each from its first line through its last, and the blank lines after it.
void cut_duplicates(std::string&& text_bytes, std::span<const essay_info> essays,
                    std::vector<std::uint8_t> const& drop, std::size_t first, std::size_t last,
                    std::string& out) {
  if (std::none_of(drop.begin() + static_cast<std::ptrdiff_t>(first),
                   drop.begin() + static_cast<std::ptrdiff_t>(last),
                   [](std::uint8_t d) { return d != 0; })) {
    out = std::move(text_bytes);  // nothing to leave out: the text as it is
    if (!out.empty() && out.back() != '\n') out += '\n';
    return;
  }
  std::string_view const text(text_bytes);
  out.reserve(text.size());
  std::size_t at = 0, line = 1, kept_from = 0;
  auto advance_to = [&](std::size_t want) {
    for (; line < want && at < text.size(); ++line) at = next_line(text, at);
  };
  for (std::size_t doc = first; doc < last; ++doc) {
    if (!drop[doc]) continue;
    advance_to(essays[doc].line);
    out.append(text.substr(kept_from, at - kept_from));
    advance_to(essays[doc].last_line + 1);
    for (; at < text.size() && blank_line(text, at); ++line) at = next_line(text, at);
    kept_from = at;
  }
  out.append(text.substr(kept_from));
  if (!out.empty() && out.back() != '\n') out += '\n';
}

struct text_file_output {
  std::string text;
  bool written = false;  // false: the file changed, or could not be read again
};

void write_text_files(std::ostream& out, essay_index const& index,
                      std::span<const essay_info> essays, load_summary const& load,
                      load_options const& options, unsigned threads, keep_one_stats& stats) {
  std::size_t const window = 4 * static_cast<std::size_t>(threads);
  std::vector<text_file_output> outputs(window);
  bool any = false;
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
        if (f.verbatim) {
          cut_duplicates(std::move(bytes), essays, index.drop, first, last, o.text);
        } else {
          decode_options forced = options.decode;
          forced.encoding = f.encoding;
          cut_duplicates(decode_to_utf8(bytes, forced).utf8, essays, index.drop, first, last,
                         o.text);
        }
        o.written = true;
      },
      [&](std::size_t i) {
        auto const& f = load.files[i];
        auto& o = outputs[i % window];
        if (!o.written) {
          stats.changed.push_back(f.path);
          return;
        }
        if (any) out << '\n';
        out.write(o.text.data(), static_cast<std::streamsize>(o.text.size()));
        any = true;
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
