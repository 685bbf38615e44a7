// index — a persistent, incremental index of signed essays on LMDB: each batch is checked against
// everything stored before and then added in one write transaction, so a run killed at any moment
// leaves the index as it was or with the whole batch.
//
//   neardup::index idx("essays.idx", settings, neardup::index_mode::create);
//   auto stored = idx.candidates(keys, sentence_keys);        // doc numbers meeting these band
//   keys for (auto doc : stored) use(idx.essay(doc));              // what the estimate and the
//   report need idx.add(new_essays);                                      // one transaction
//
// An index object reads one snapshot (LMDB read transaction) from its opening until add() or
// refresh(): a check running beside an add sees the state before it. One writer at a time: a second
// add waits for LMDB's writer lock. Not for use by several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/load.hpp"
#include "neardup/lsh.hpp"
#include "neardup/signature.hpp"

namespace neardup {

/// Bumped whenever an essay record or the meta layout changes; an index of another version is
/// refused.
inline constexpr unsigned index_format_version = 1;

/// What decides the stored signatures and band keys: an index opened with other settings is
/// refused (its essays could never be candidates of the new ones).
struct index_settings {
  signature_options signature;  ///< normalization, shingles, MinHash (short_text is not stored)
  lsh_params lsh;               ///< bands × rows of the main sketch
  bool templates = true;        ///< sentence sketches and their band keys are stored
  lsh_params sentence_lsh;      ///< bands × rows of the sentence sketch (with templates)
};

/// One stored essay: where it came from (to read it back and to report it), the file as it was
/// (to tell whether reading back still gives the same text), and its signature and band keys.
struct stored_essay {
  essay_info info;                   ///< id, file, index, title, lines, bytes, offset, source_bytes
  bool jsonl = false;                ///< a JSON Lines record (info.offset is its line's offset)
  std::string id_field, text_field;  ///< JSON Lines: the fields it was read with
  std::string encoding;              ///< of the file, as the load found it
  bool verbatim = false;         ///< the file's bytes are its text (no decoding to read it back)
  std::uint64_t file_bytes = 0;  ///< size of the file when read
  file_version version;          ///< of the file when read
  signature_info signed_info;  ///< normalized_chars, shingles, sentences (normalize stats not kept)
  bool empty = false;          ///< nothing left after normalization
  std::vector<std::uint32_t> signature;      ///< num_perm values
  std::vector<std::uint64_t> keys;           ///< lsh.bands band keys
  std::vector<std::uint64_t> sentence_keys;  ///< sentence_lsh.bands keys (templates), or none
  std::optional<sentence_filter> filter;     ///< templates
};

/// What is stored, and how much room it takes.
struct index_stats {
  std::size_t essays = 0;
  std::uint64_t file_bytes = 0;  ///< data file size on disk
  std::uint64_t used_bytes = 0;  ///< pages in use × page size
  std::size_t postings = 0;      ///< (band key, essay) entries
};

/// What add() did.
struct index_add_result {
  std::size_t added = 0;
  std::vector<std::string> already_stored;  ///< ids found stored (not added again)
};

enum class index_mode {
  create,     ///< open, or create (the directory too) when there is none
  open,       ///< open an existing index for reading and adding; error when there is none
  read_only,  ///< open an existing index that is only read (no lock on writers)
};

class index {
 public:
  /// Opens (or creates) the index in directory `path` (LMDB's data.mdb and lock.mdb). Throws
  /// neardup::error: io_error when it cannot be opened or created, invalid_argument when its
  /// settings differ from `settings` (the message names each difference), parse_error when its
  /// meta record is not one this version wrote.
  index(std::string const& path, index_settings const& settings,
        index_mode mode = index_mode::create);
  ~index();
  index(index&&) noexcept;
  index& operator=(index&&) noexcept;
  index(index const&) = delete;
  index& operator=(index const&) = delete;

  /// The settings stored in an index, without opening it for use: what a caller that did not
  /// choose (b, r) itself should use. Throws like the constructor; std::nullopt when no index is
  /// at `path`.
  [[nodiscard]] static std::optional<index_settings> stored_settings(std::string const& path);

  /// The stored essays (sorted doc numbers) that share a band key with any of these: `keys` are
  /// lsh.bands per essay, `sentence_keys` sentence_lsh.bands per essay (or empty). Costs a lookup
  /// per key, whatever the index's size.
  [[nodiscard]] std::vector<std::uint32_t> candidates(
      std::span<const std::uint64_t> keys, std::span<const std::uint64_t> sentence_keys) const;
  /// A stored essay; throws neardup::error(parse_error) when its record is damaged,
  /// invalid_argument for a doc number not stored.
  [[nodiscard]] stored_essay essay(std::uint32_t doc) const;
  /// The doc number of a stored id.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view id) const;

  /// Adds essays in one write transaction (all or nothing), waiting for another writer to finish;
  /// those whose id is stored (or repeated within `essays`) are skipped and named. Validates each
  /// essay's sizes against the settings (invalid_argument). Then reads the new state.
  index_add_result add(std::span<const stored_essay> essays);

  /// Reads the latest committed state (a new snapshot).
  void refresh();

  [[nodiscard]] index_stats stats() const;
  [[nodiscard]] index_settings const& settings() const noexcept;
  [[nodiscard]] std::string const& path() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// The settings' lines as stored ("key=value\n" each), for messages and the fuzz target.
[[nodiscard]] std::string index_settings_text(index_settings const& settings);

}  // namespace neardup
