#include "corpus/read_back.hpp"

#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "common/recent_cache.hpp"
#include "common/utf8.hpp"
#include "corpus/load_file.hpp"
#include "corpus/posix_file.hpp"
#include "neardup/error.hpp"

namespace neardup::detail {

// The files read last stay open, shared by all threads; each is opened outside the lock.
struct range_reader::state {
  explicit state(std::size_t open_files) : open(open_files) {}
  recent_cache<std::string, posix_file> open;
};

range_reader::range_reader(std::size_t open_files) : state_(std::make_unique<state>(open_files)) {}

range_reader::~range_reader() = default;

std::string range_reader::read(std::string const& path, std::uint64_t expected_size,
                               file_version const& version, std::uint64_t offset,
                               std::uint64_t bytes) {
  auto const file =
      state_->open.get(path, [&] { return std::make_shared<posix_file const>(path); });
  // Checked on every read (an fstat is far cheaper than an open): a file rewritten in place since,
  // of another size or not.
  if (!file->unchanged(expected_size, version) || offset + bytes > expected_size)
    throw error(errc::io_error, path + ": the file changed since it was read");
  std::string text;
  file->read(offset, bytes, text);  // pread: safe on a descriptor shared by threads
  if (text.size() != bytes)
    throw error(errc::io_error, path + ": the file changed since it was read");
  return text;
}

// The last files decoded, shared by all threads. Verification asks for both essays of a pair,
// often in two files, and for neighbours of the previous ones. Decoding happens outside the lock;
// two threads may now and then decode one file twice, which is harmless.
struct essay_reloader::state {
  using file_texts = std::vector<std::string>;  // texts by index - 1
  static constexpr std::size_t cached_files = 64;
  recent_cache<std::string, file_texts> decoded{cached_files};
  std::map<std::string, std::string, std::less<>> encodings;  // of legacy-encoded files, by path
  struct range_file {
    std::uint64_t size;
    file_version version;
    std::string encoding;  // empty for a verbatim file: no decoding needed
  };
  std::map<std::string, range_file, std::less<>>
      by_range;  // files whose essays are read by byte range
  // Every file of the load, by path, as read: a file decoded and split again is checked after.
  std::map<std::string, std::pair<std::uint64_t, file_version>, std::less<>> as_read;
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
        state_->by_range.emplace(
            f.path, state::range_file{f.bytes, f.version, f.verbatim ? std::string() : f.encoding});
  // (A file read from a copy is decoded into a new copy, of another version: not checked.)
  for (auto const& f : files)
    if (f.stored_at.empty()) state_->as_read.emplace(f.path, std::pair{f.bytes, f.version});
  options_.progress = nullptr;
  options_.walk.extensions.clear();  // the file was taken once; take it again whatever its name
}

essay_reloader::~essay_reloader() = default;

std::string essay_reloader::text_start(essay_info const& essay, std::size_t bytes) const {
  auto const found = state_->by_range.find(essay.file);
  if (found == state_->by_range.end() || essay.source_bytes <= bytes) return text(essay);
  std::string start = state_->ranges.read(essay.file, found->second.size, found->second.version,
                                          essay.offset, bytes);
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
  if (auto found = state_->by_range.find(essay.file);
      found != state_->by_range.end() && essay.source_bytes > 0) {
    std::string bytes = state_->ranges.read(essay.file, found->second.size, found->second.version,
                                            essay.offset, essay.source_bytes);
    if (found->second.encoding.empty()) return bytes;
    decode_options forced = options_.decode;
    forced.encoding = found->second.encoding;
    decoded_text text = decode_to_utf8(bytes, forced);
    if (text.utf8.size() == essay.bytes) return std::move(text.utf8);
    // Not what the load gave: fall through to decoding the whole file again.
  }
  auto const file = state_->decoded.get(essay.file, [&] {
    auto loaded = std::make_shared<state::file_texts>();
    load_options one = options_;
    if (auto found = state_->encodings.find(essay.file); found != state_->encodings.end())
      one.decode.encoding = found->second;  // read-only after construction: no lock needed
    load_summary again;
    load_file(
        essay.file, one,
        [&](essay_info&& e, std::string_view t) {
          if (loaded->size() < e.index) loaded->resize(e.index);
          (*loaded)[e.index - 1] = std::string(t);
        },
        again);
    // The same essays from another version of the file would be wrong texts, not errors.
    if (auto was = state_->as_read.find(essay.file); was != state_->as_read.end()) {
      if (again.files.size() != 1 || !difference({again.files[0].bytes, again.files[0].version},
                                                 was->second.first, was->second.second)
                                          .empty())
        throw error(errc::io_error, essay.file + ": the file changed since it was read");
    }
    return loaded;
  });
  if (essay.index == 0 || essay.index > file->size())
    throw error(errc::io_error, essay.file + ": essay " + std::to_string(essay.index) +
                                    " is no longer there (the file changed?)");
  return (*file)[essay.index - 1];
}

}  // namespace neardup::detail
