#include "neardup/load.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>

#include "common/utf8.hpp"
#include "neardup/error.hpp"

namespace neardup {
namespace {

// Lines spanned by an essay: the heading line (when any) is reported but not compared, so the same
// text under a new title is still found.
std::string essay_id(std::string const& file, std::uint32_t index) {
  return file + "#" + std::to_string(index);
}

void load_jsonl_file(std::string const& path, load_options const& options, load_summary& summary,
                     essay_sink const& sink, file_account& account) {
  std::uint32_t record = 0;
  read_jsonl_file(
      path, options.jsonl_fields,
      [&](jsonl_record&& r) {
        ++record;
        if (r.text.size() > options.max_essay_bytes) {
          summary.problems.push_back({path, r.line, "record \"" + r.id + "\" skipped: " +
                                                         std::to_string(r.text.size()) +
                                                         " bytes, over the essay limit"});
          return;
        }
        essay_info e;
        e.id = std::move(r.id);
        e.file = path;
        e.index = record;
        e.line = e.last_line = r.line;
        e.bytes = r.text.size();
        e.offset = r.offset;
        ++account.essays;
        ++summary.essays;
        sink(std::move(e), r.text);
      },
      [&](jsonl_problem&& p) { summary.problems.push_back({path, p.line, std::move(p.message)}); });
}

/// Encodings in which a line break is always the byte LF or CR, so that the bytes of whole lines
/// decode on their own to the same text (UTF-16 and stateful encodings are not).
bool byte_oriented(std::string_view encoding) noexcept {
  return encoding == "UTF-8" || encoding == "GB18030" || encoding == "Big5";
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

void load_file(std::string const& path, load_options const& options, essay_sink const& sink,
               load_summary& summary) {
  file_account account;
  account.path = path;
  account.encoding_detected = options.decode.encoding.empty();
  if (options.jsonl) {
    account.encoding = "UTF-8";
    try {
      load_jsonl_file(path, options, summary, sink, account);
      std::error_code ec;
      auto const size = std::filesystem::file_size(path, ec);
      account.bytes = ec ? 0 : static_cast<std::size_t>(size);
      summary.bytes += account.bytes;
    } catch (error const& e) {
      summary.skipped.push_back({path, skip_reason::not_readable, e.what()});
      return;
    }
    summary.files.push_back(std::move(account));
    return;
  }

  std::string bytes;
  try {
    bytes = read_file(path, options.walk.max_file_bytes);
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
  if (options.decode.encoding.empty() && looks_binary(bytes)) {
    summary.skipped.push_back({path, skip_reason::binary, "binary content (NUL or control bytes)"});
    return;
  }
  decoded_text decoded = decode_to_utf8(bytes, options.decode);
  account.verbatim = decoded.verbatim;
  account.encoding = decoded.encoding;
  account.replaced = decoded.replaced;
  split_result split = split_essays(decoded.utf8, options.split);
  account.furniture = std::move(split.furniture);
  if (split.essays.empty()) {
    summary.skipped.push_back({path, skip_reason::empty, "no text in the file"});
    return;
  }
  source_ranges const ranges(bytes, decoded.utf8, account.verbatim, byte_oriented(account.encoding));
  bytes = std::string();  // the raw bytes are no longer needed
  std::uint32_t index = 0;
  for (auto& span : split.essays) {
    ++index;
    std::string_view const text = std::string_view(decoded.utf8).substr(span.begin, span.end - span.begin);
    if (text.size() > options.max_essay_bytes) {
      summary.problems.push_back({path, span.line, "essay " + std::to_string(index) + " skipped: " +
                                                       std::to_string(text.size()) +
                                                       " bytes, over the essay limit"});
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
  walk_options walk = options.walk;
  if (options.jsonl && walk.extensions == walk_options{}.extensions) walk.extensions = {".jsonl", ".json"};
  walk_result walked = walk_paths(paths, walk);
  summary.skipped = std::move(walked.skipped);
  summary.filtered_by_extension = walked.filtered_by_extension;

  std::size_t done = 0;
  for (auto const& path : walked.files) {
    if (options.progress && done > 0) options.progress(done, walked.files.size(), summary.bytes);
    ++done;
    load_file(path, options, sink, summary);
  }
  return summary;
}

// The last files decoded, shared by all threads (most recently used last). Verification asks for
// both essays of a pair, often in two files, and for neighbours of the previous ones. Decoding
// happens outside the lock; two threads may now and then decode one file twice, which is harmless.
struct essay_reloader::state {
  struct file_texts {
    std::string path;
    std::vector<std::string> essays;  // texts by index - 1
  };
  static constexpr std::size_t cached_files = 64;
  std::mutex mutex;
  std::vector<std::shared_ptr<file_texts const>> recent;
  std::map<std::string, std::string, std::less<>> encodings;  // of legacy-encoded files, by path
  struct range_file {
    std::uint64_t size;
    std::string encoding;  // empty for a verbatim file: no decoding needed
  };
  std::map<std::string, range_file, std::less<>> by_range;  // files whose essays are read by byte range
  range_reader ranges;
};


essay_reloader::essay_reloader(load_options options, std::span<const file_account> files)
    : options_(std::move(options)), state_(std::make_unique<state>()) {
  if (options_.decode.encoding.empty()) {
    for (auto const& f : files)
      if (f.encoding != "UTF-8") state_->encodings.emplace(f.path, f.encoding);
  }
  if (!options_.jsonl)
    for (auto const& f : files)
      if (f.verbatim || byte_oriented(f.encoding))
        state_->by_range.emplace(f.path, state::range_file{f.bytes, f.verbatim ? std::string() : f.encoding});
  options_.progress = nullptr;
  options_.walk.extensions.clear();  // the file was taken once; take it again whatever its name
}

essay_reloader::~essay_reloader() = default;

std::string essay_reloader::text_start(essay_info const& essay, std::size_t bytes) const {
  auto const found = state_->by_range.find(essay.file);
  if (found == state_->by_range.end() || essay.source_bytes <= bytes) return text(essay);
  std::string start = state_->ranges.read(essay.file, found->second.size, essay.offset, bytes);
  if (found->second.encoding.empty()) {
    // Verbatim UTF-8: leave out a sequence the cut left incomplete.
    start.resize(start.size() - detail::truncated_utf8_tail(start));
    return start;
  }
  decode_options forced = options_.decode;
  forced.encoding = found->second.encoding;
  std::string utf8 = decode_to_utf8(start, forced).utf8;
  constexpr std::string_view replacement = "\xEF\xBF\xBD";  // what the cut character decodes to
  if (std::string_view(utf8).ends_with(replacement)) utf8.resize(utf8.size() - replacement.size());
  return utf8;
}

std::string essay_reloader::text(essay_info const& essay) const {
  // Read-only after construction: no lock needed.
  if (auto found = state_->by_range.find(essay.file); found != state_->by_range.end() && essay.source_bytes > 0) {
    std::string bytes = state_->ranges.read(essay.file, found->second.size, essay.offset, essay.source_bytes);
    if (found->second.encoding.empty()) return bytes;
    decode_options forced = options_.decode;
    forced.encoding = found->second.encoding;
    decoded_text text = decode_to_utf8(bytes, forced);
    if (text.utf8.size() == essay.bytes) return std::move(text.utf8);
    // Not what the load gave: fall through to decoding the whole file again.
  }
  std::shared_ptr<state::file_texts const> file;
  {
    std::lock_guard lock(state_->mutex);
    auto& recent = state_->recent;
    auto hit = std::find_if(recent.begin(), recent.end(), [&](auto const& f) { return f->path == essay.file; });
    if (hit != recent.end()) {
      std::rotate(hit, hit + 1, recent.end());
      file = recent.back();
    }
  }
  if (!file) {
    auto loaded = std::make_shared<state::file_texts>();
    std::string const* only = &essay.file;
    load_options one = options_;
    if (auto found = state_->encodings.find(essay.file); found != state_->encodings.end())
      one.decode.encoding = found->second;  // read-only after construction: no lock needed
    load_summary ignored;
    load_file(*only, one, [&](essay_info&& e, std::string_view t) {
      if (loaded->essays.size() < e.index) loaded->essays.resize(e.index);
      loaded->essays[e.index - 1] = std::string(t);
    }, ignored);
    loaded->path = essay.file;
    file = loaded;
    std::lock_guard lock(state_->mutex);
    if (state_->recent.size() == state::cached_files) state_->recent.erase(state_->recent.begin());
    state_->recent.push_back(file);
  }
  if (essay.index == 0 || essay.index > file->essays.size())
    throw error(errc::io_error, essay.file + ": essay " + std::to_string(essay.index) +
                                    " is no longer there (the file changed?)");
  return file->essays[essay.index - 1];
}

}  // namespace neardup
