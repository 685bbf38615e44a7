#include "neardup/load.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <tuple>
#include <utility>

#include "corpus/jsonl_chunks.hpp"
#include "corpus/load_file.hpp"
#include "corpus/posix_file.hpp"
#include "neardup/error.hpp"

namespace neardup {
namespace detail {

std::string essay_limit_message(std::string_view which, std::size_t bytes) {
  return std::string(which) + " skipped: " + std::to_string(bytes) + " bytes, over the essay limit";
}

bool jsonl_essay(std::string const& path, jsonl_record& record, std::uint32_t number,
                 std::size_t text_bytes, load_options const& options, load_summary& summary,
                 essay_info& out) {
  if (text_bytes > options.max_essay_bytes) {
    summary.problems.push_back(
        {path, record.line, essay_limit_message("record \"" + record.id + "\"", text_bytes)});
    return false;
  }
  out = essay_info{};
  out.id = std::move(record.id);
  out.file = path;
  out.index = number;
  out.line = out.last_line = record.line;
  out.bytes = text_bytes;
  out.offset = record.offset;
  return true;
}

bool byte_oriented(std::string_view encoding) noexcept {
  // Multi-byte encodings whose trail bytes are never LF or CR, and the single-byte ones.
  for (std::string_view const e : {"UTF-8", "GB18030", "Big5", "Shift_JIS", "EUC-JP", "EUC-KR"})
    if (encoding == e) return true;
  return encoding.starts_with("windows-") || encoding.starts_with("ISO-8859-") ||
         encoding.starts_with("KOI8-");
}

bool skip_if_no_record(std::string const& path, std::size_t records, std::size_t problems_from,
                       load_summary& summary) {
  auto& problems = summary.problems;
  if (records > 0 || problems_from >= problems.size()) return false;
  std::size_t const bad = problems.size() - problems_from;
  auto const& first = problems[problems_from];
  std::string detail = "no line is a record: " + std::to_string(bad) +
                       (bad == 1 ? " line" : " lines") + " that gave none; line " +
                       std::to_string(first.line) + ": " + first.message;
  problems.resize(problems_from);
  summary.skipped.push_back({path, skip_reason::not_jsonl, std::move(detail)});
  return true;
}

void note_unused_encoding_rules(load_options const& options, load_summary& summary) {
  auto const& rules = options.decode.rules;
  if (rules.empty()) return;
  std::vector<bool> used(rules.size(), false);
  auto const mark = [&](std::string const& path) {
    for (std::size_t r = 0; r < rules.size(); ++r)
      if (rule_matches(rules[r], path)) {
        used[r] = true;
        return;
      }
  };
  for (auto const& f : summary.files) mark(f.path);
  for (auto const& s : summary.skipped) mark(s.path);
  summary.unused_encoding_rules.clear();
  for (std::size_t r = 0; r < rules.size(); ++r)
    if (!used[r]) summary.unused_encoding_rules.push_back(rules[r]);
}

jsonl_source open_jsonl_source(std::string const& path, load_options const& options) {
  jsonl_source source;
  source.path = path;
  source.decoded.encoding = "UTF-8";
  decode_options const decode = decode_options_for(options.decode, path);
  source.decoded.detected = decode.encoding.empty();
  bool whole = false;
  {
    posix_file const file(path);
    source.version = file.status().version;
    if (!decode.encoding.empty()) {
      whole = decode.encoding != "UTF-8" && decode.encoding != "utf-8" && decode.encoding != "utf8";
    } else {
      constexpr std::size_t prefix_bytes = 64 * 1024;
      std::string prefix;
      file.read(0, prefix_bytes, prefix);
      whole = decode_to_utf8(prefix).encoding != "UTF-8";
    }
  }
  if (!whole) return source;
  decoded_text decoded =
      decode_to_utf8(neardup::read_file(path, options.walk.max_file_bytes), decode);
  source.copy = std::make_shared<spooled_input const>(decoded.utf8, path);
  source.path = source.copy->path();
  source.version = posix_file(source.path).status().version;  // the copy is what is read again
  decoded.utf8 = std::string();
  source.decoded = std::move(decoded);
  return source;
}

void account_for_source(jsonl_source const& source, file_account& account) {
  account.encoding = source.decoded.encoding;
  account.encoding_detected = source.decoded.detected;
  account.encoding_guessed = source.decoded.guessed;
  account.encoding_confidence = source.decoded.confidence;
  account.replaced = source.decoded.replaced;
  account.version = source.version;
  if (source.copy) {
    account.stored_at = source.path;
    account.stored_keep = source.copy;
  }
}

walk_options walk_options_for(load_options const& options) {
  walk_options walk = options.walk;
  if (options.jsonl && walk.extensions == walk_options{}.extensions)
    walk.extensions = jsonl_extensions();
  return walk;
}

}  // namespace detail

namespace {

// A file's essay is known as "path#index".
std::string essay_id(std::string const& file, std::uint32_t index) {
  return file + "#" + std::to_string(index);
}

// The number of records parsed (taken or not).
std::size_t load_jsonl_file(std::string const& path, std::string const& source,
                            load_options const& options, load_summary& summary,
                            essay_sink const& sink, file_account& account) {
  std::uint32_t number = 0;
  essay_info e;
  detail::read_jsonl_chunks(
      source, options.jsonl_fields, options.jsonl_chunk_bytes,
      [&](jsonl_record&& r) {
        if (!detail::jsonl_essay(path, r, ++number, r.text.size(), options, summary, e)) return;
        ++account.essays;
        ++summary.essays;
        sink(std::move(e), r.text);
      },
      [&](jsonl_problem&& p) {
        summary.problems.push_back({path, p.line, std::move(p.message)});
      });
  return number;
}

/// Maps an essay's body (whole lines of the decoded text) to the file's own bytes: decoding keeps
/// the lines (LF, CRLF and a lone CR each become one LF), so decoded line i is stored line i.
class source_ranges {
 public:
  source_ranges(std::string_view raw, std::string_view decoded, bool verbatim, bool byte_oriented)
      : raw_(raw), decoded_(decoded), verbatim_(verbatim) {
    if (verbatim || !byte_oriented) return;
    decoded_starts_.push_back(0);
    for (std::size_t i = decoded.find('\n'); i != std::string_view::npos; i = decoded.find('\n', i + 1))
      decoded_starts_.push_back(i + 1);
    raw_starts_.push_back(0);
    // Line breaks found with memchr; a CR is looked at only where there is one.
    char const* const base = raw.data();
    char const* const end = base + raw.size();
    char const* p = base;
    while (p < end) {
      auto const* lf = static_cast<char const*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      char const* const stop = lf != nullptr ? lf : end;
      for (char const* cr = p; (cr = static_cast<char const*>(std::memchr(cr, '\r', static_cast<std::size_t>(stop - cr)))) != nullptr;) {
        if (cr + 1 == lf) break;  // CRLF: one break, at the LF
        raw_starts_.push_back(static_cast<std::size_t>(cr + 1 - base));  // a lone CR
        ++cr;
      }
      if (lf == nullptr) break;
      raw_starts_.push_back(static_cast<std::size_t>(lf + 1 - base));
      p = lf + 1;
    }
    if (raw_starts_.size() != decoded_starts_.size()) raw_starts_.clear();  // not the same lines
  }

  /// (offset, bytes) in the file of the decoded range [begin, end); (0, 0) when unknown.
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> of(std::size_t begin, std::size_t end) const {
    if (verbatim_) return {begin, end - begin};
    if (raw_starts_.empty() || end <= begin) return {0, 0};
    auto const first = std::lower_bound(decoded_starts_.begin(), decoded_starts_.end(), begin);
    if (first == decoded_starts_.end() || *first != begin) return {0, 0};  // not at a line start
    if (end != decoded_.size() && decoded_[end] != '\n') return {0, 0};   // not at a line end
    auto const i = static_cast<std::size_t>(first - decoded_starts_.begin());
    auto const j = static_cast<std::size_t>(std::upper_bound(decoded_starts_.begin(), decoded_starts_.end(), end - 1) -
                                            decoded_starts_.begin()) - 1;
    std::size_t raw_end = raw_.size();
    if (j + 1 < raw_starts_.size()) {
      raw_end = raw_starts_[j + 1] - 1;  // the line break: LF, or a lone CR
      if (raw_[raw_end] == '\n' && raw_end > raw_starts_[j] && raw_[raw_end - 1] == '\r') --raw_end;
    }
    return {raw_starts_[i], raw_end - raw_starts_[i]};
  }

 private:
  std::string_view raw_;
  std::string_view decoded_;
  bool verbatim_;
  std::vector<std::size_t> decoded_starts_;
  std::vector<std::size_t> raw_starts_;
};

}  // namespace

void detail::load_file(std::string const& path, load_options const& options, essay_sink const& sink,
                       load_summary& summary) {
  file_account account;
  account.path = path;
  decode_options const decode = decode_options_for(options.decode, path);
  account.encoding_detected = decode.encoding.empty();
  if (options.jsonl) {
    std::size_t const problems_from = summary.problems.size();
    try {
      jsonl_source const source = open_jsonl_source(path, options);
      account_for_source(source, account);
      std::size_t const records =
          load_jsonl_file(path, source.path, options, summary, sink, account);
      if (detail::skip_if_no_record(path, records, problems_from, summary)) return;
      std::error_code ec;
      auto const size = std::filesystem::file_size(source.path, ec);
      account.bytes = ec ? 0 : static_cast<std::size_t>(size);
      summary.bytes += account.bytes;
    } catch (error const& e) {
      summary.skipped.push_back(
          {path,
           e.code() == errc::limit_exceeded ? skip_reason::too_large : skip_reason::not_readable,
           e.what()});
      return;
    }
    summary.files.push_back(std::move(account));
    return;
  }

  std::string bytes;
  try {
    bytes = detail::read_file(path, options.walk.max_file_bytes, account.version);
  } catch (error const& e) {
    summary.skipped.push_back({path, e.code() == errc::limit_exceeded ? skip_reason::too_large
                                                                       : skip_reason::not_readable,
                               e.what()});
    return;
  }
  summary.bytes += bytes.size();
  account.bytes = bytes.size();
  if (bytes.empty()) {
    summary.skipped.push_back({path, skip_reason::empty, "the file is empty"});
    return;
  }
  if (decode.encoding.empty() && looks_binary(bytes)) {
    summary.skipped.push_back({path, skip_reason::binary, "binary content (NUL or control bytes)"});
    return;
  }
  decoded_text decoded = decode_to_utf8(bytes, decode);
  account.encoding_guessed = decoded.guessed;
  account.encoding_confidence = decoded.confidence;
  account.verbatim = decoded.verbatim;
  account.encoding = decoded.encoding;
  account.replaced = decoded.replaced;
  split_result split = split_essays(decoded.utf8, options.split);
  account.furniture = std::move(split.furniture);
  account.warnings = std::move(split.warnings);
  if (split.essays.empty()) {
    summary.skipped.push_back({path, skip_reason::empty, "no text in the file"});
    return;
  }
  source_ranges const ranges(bytes, decoded.utf8, account.verbatim, detail::byte_oriented(account.encoding));
  bytes = std::string();  // the raw bytes are no longer needed
  std::uint32_t index = 0;
  for (auto& span : split.essays) {
    ++index;
    std::string_view const text = std::string_view(decoded.utf8).substr(span.begin, span.end - span.begin);
    if (text.size() > options.max_essay_bytes) {
      summary.problems.push_back(
          {path, span.line, detail::essay_limit_message("essay " + std::to_string(index), text.size())});
      continue;
    }
    essay_info e;
    e.id = essay_id(path, index);
    e.file = path;
    e.index = index;
    e.title = std::move(span.title);
    e.line = span.line;
    e.last_line = span.last_line;
    e.bytes = text.size();
    std::tie(e.offset, e.source_bytes) = ranges.of(span.begin, span.end);
    ++account.essays;
    ++summary.essays;
    sink(std::move(e), text);
  }
  summary.files.push_back(std::move(account));
}

load_summary load_essays(std::span<const std::string> paths, load_options const& options,
                         essay_sink const& sink) {
  load_summary summary;
  walk_result walked = walk_paths(paths, detail::walk_options_for(options));
  summary.skipped = std::move(walked.skipped);
  summary.filtered_by_extension = walked.filtered_by_extension;
  summary.filtered_extensions = std::move(walked.filtered_extensions);

  std::size_t done = 0;
  for (auto const& path : walked.files) {
    if (options.progress && done > 0) options.progress(done, walked.files.size(), summary.bytes);
    ++done;
    detail::load_file(path, options, sink, summary);
  }
  detail::note_unused_encoding_rules(options, summary);
  return summary;
}

void split_files(std::span<const std::string> paths, load_options const& options,
                 std::function<void(file_split&&)> const& sink) {
  walk_result const walked = walk_paths(paths, detail::walk_options_for(options));
  for (auto const& path : walked.files) {
    file_split f;
    f.path = path;
    if (options.jsonl) {
      f.skipped = "JSON Lines: one essay per record, not split";
      sink(std::move(f));
      continue;
    }
    std::string bytes;
    try {
      bytes = read_file(path, options.walk.max_file_bytes);
    } catch (error const& e) {
      f.skipped = e.what();
      sink(std::move(f));
      continue;
    }
    if (bytes.empty()) {
      f.skipped = "the file is empty";
    } else if (options.decode.encoding.empty() && looks_binary(bytes)) {
      f.skipped = "binary content (NUL or control bytes)";
    }
    if (!f.skipped.empty()) {
      sink(std::move(f));
      continue;
    }
    decoded_text const decoded = decode_to_utf8(bytes, options.decode);
    f.encoding = decoded.encoding;
    std::string_view const text = decoded.utf8;
    f.lines = text.empty() ? 0
                           : static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
                                 (text.back() == '\n' ? 0 : 1);
    f.split = split_essays(text, options.split);
    for (essay_span const& e : f.split.essays) {
      std::size_t n = 0;
      for (std::size_t i = e.begin; i < e.end; ++i)
        n += (static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u;
      f.chars.push_back(n);
    }
    sink(std::move(f));
  }
}

}  // namespace neardup
