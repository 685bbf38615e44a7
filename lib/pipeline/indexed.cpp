// run_indexed: the pipeline against a persistent index. The loaded essays are signed as in a run;
// their band keys find the stored candidates, which join the same deduplicator by signature, so
// new-vs-stored and new-vs-new pairs are verified alike; then the new essays are stored in one
// write transaction.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <unordered_set>

#include "corpus/posix_file.hpp"
#include "corpus/read_back.hpp"
#include "neardup/error.hpp"
#include "neardup/pipeline.hpp"
#include "pipeline/run.hpp"

namespace neardup {
namespace {

// The stored candidates of one check, to read back (where their files are unchanged) and report.
struct stored_texts {
  std::vector<stored_essay> essays;  // signatures and keys let go once added
  std::vector<std::uint8_t> readable;
  std::unique_ptr<detail::essay_reloader> reloader;

  [[nodiscard]] std::string text(std::uint32_t j) const {
    if (j >= essays.size() || readable[j] == 0) return {};
    auto const& e = essays[j];
    try {
      if (e.jsonl) {
        jsonl_options fields;
        fields.id_field = e.id_field;
        fields.text_field = e.text_field;
        jsonl_record r = read_jsonl_record_at(e.info.file, e.info.offset, fields);
        return r.id == e.info.id ? std::move(r.text) : std::string();
      }
      return reloader->text(e.info);
    } catch (error const&) {
      return {};  // changed since it was looked at: it joins nothing it would need its text for
    }
  }
};

// Whether a stored essay's text can still be read back from where it was: the file is the one
// read then (size, modification time, inode), and the essay has a byte range in it.
bool still_there(stored_essay const& e) {
  if (e.encoding.empty() || (!e.jsonl && e.info.source_bytes == 0)) return false;
  struct stat st {};
  if (::stat(e.info.file.c_str(), &st) != 0) return false;
  return detail::difference(detail::status_of(st), e.file_bytes, e.version).empty();
}

}  // namespace

index_settings index_settings_for(dedup_options const& options) {
  deduplicator const d(options);
  index_settings s;
  s.signature = options.signature;
  s.lsh = d.lsh();
  s.templates = options.templates;
  if (s.templates) s.sentence_lsh = d.sentence_lsh();
  return s;
}

pipeline_result run_indexed(std::span<const std::string> paths, pipeline_options const& options,
                            index& idx, index_check_options const& check, index_check& out) {
  out = index_check{};
  index_settings const wanted = index_settings_for(options.dedup);
  if (index_settings_text(wanted) != index_settings_text(idx.settings()))
    throw error(errc::invalid_argument,
                "index " + idx.path() + " was opened with other settings than this run's options");
  out.stored_before = idx.stats().essays;
  auto const texts = std::make_shared<stored_texts>();
  std::size_t const k = wanted.signature.minhash.num_perm;
  std::size_t const sb = wanted.templates ? wanted.sentence_lsh.bands : 0;
  detail::signed_batch kept_batch;

  auto hook = [&](deduplicator& dedup, pipeline_result& result, detail::signed_batch& batch,
                  detail::text_route& route) {
    auto const start = std::chrono::steady_clock::now();
    std::size_t const n = result.essays.size();
    out.loaded = n;
    std::unordered_set<std::string> new_ids;
    for (std::size_t i = 0; i < n; ++i) {
      if (idx.find(result.essays[i].id))
        out.already_stored.push_back(static_cast<std::uint32_t>(i));
      new_ids.insert(result.essays[i].id);
    }
    for (std::uint32_t c : idx.candidates(batch.keys, batch.sentence_keys)) {
      stored_essay e = idx.essay(c);
      if (new_ids.contains(e.info.id)) continue;  // the same essay, stored by an earlier run
      bool const readable = still_there(e);
      std::uint32_t doc = 0;
      if (sb == 0) {
        doc = dedup.add_signature(std::string(), e.signature, e.keys, e.signed_info, e.info.bytes);
      } else {
        std::vector<std::uint64_t> sentence_keys = e.sentence_keys;
        sentence_keys.resize(sb);
        doc =
            dedup.add_signature(std::string(), e.signature, e.keys, sentence_keys,
                                e.filter.value_or(sentence_filter{}), e.signed_info, e.info.bytes);
      }
      if (!readable) {
        try {
          dedup.estimate_only(doc);
        } catch (error const&) {
          throw error(
              errc::invalid_argument,
              "stored essay " + e.info.id + ": its file " + e.info.file +
                  " changed or is gone, and --verify exact needs its text; use hybrid or estimate");
        }
        ++out.estimated_stored;
      }
      e.signature = {};
      e.keys = {};
      e.sentence_keys = {};
      essay_info shown = e.info;
      shown.stored = true;
      result.essays.push_back(std::move(shown));
      texts->essays.push_back(std::move(e));
      texts->readable.push_back(readable ? 1 : 0);
    }
    out.candidates = texts->essays.size();
    // One reloader for the stored files, each decoded with the encoding found when it was read.
    std::vector<file_account> accounts;
    std::set<std::string> seen;
    for (std::size_t j = 0; j < texts->essays.size(); ++j) {
      auto const& e = texts->essays[j];
      if (texts->readable[j] == 0 || e.jsonl || !seen.insert(e.info.file).second) continue;
      file_account a;
      a.path = e.info.file;
      a.encoding = e.encoding;
      a.encoding_detected = false;
      a.bytes = e.file_bytes;
      a.version = e.version;
      a.verbatim = e.verbatim;
      accounts.push_back(std::move(a));
    }
    texts->reloader = std::make_unique<detail::essay_reloader>(options.load, accounts);
    route.stored = [texts](std::uint32_t j) { return texts->text(j); };
    kept_batch = std::move(batch);
    out.seconds_query = detail::seconds_since(start);
  };
  pipeline_result result = detail::run_pipeline_with(paths, options, hook);
  std::size_t const n = out.loaded;

  // Only the clusters that hold a new essay are this check's.
  auto& clusters = result.dedup.clusters;
  clusters.erase(std::remove_if(clusters.begin(), clusters.end(),
                                [&](cluster const& c) {
                                  return std::none_of(c.members.begin(), c.members.end(),
                                                      [&](auto const& m) { return m.doc < n; });
                                }),
                 clusters.end());
  auto& stats = result.dedup.stats;
  stats.documents = n;  // the new essays; the stored candidates are counted in `out`
  stats.clusters = clusters.size();
  stats.duplicates = 0;
  for (auto const& c : clusters) stats.duplicates += c.members.size() - 1;

  // What is stored: every new essay not stored already, not of a file that changed during the
  // run; with keep_one only those that duplicate nothing (of a cluster of new essays, its first).
  std::vector<std::uint8_t> store(n, 1);
  for (auto i : out.already_stored) store[i] = 0;
  std::set<std::string> changed;
  for (auto const& s : result.load.skipped)
    if (s.reason == skip_reason::changed) changed.insert(s.path);
  for (std::size_t i = 0; i < n; ++i)
    if (changed.contains(result.essays[i].file)) store[i] = 0;
  std::vector<std::uint8_t> duplicate(n, 0);
  for (auto const& c : clusters) {
    bool const has_stored =
        std::any_of(c.members.begin(), c.members.end(), [&](auto const& m) { return m.doc >= n; });
    for (std::size_t m = 0; m < c.members.size(); ++m)
      if (c.members[m].doc < n && (has_stored || m > 0)) duplicate[c.members[m].doc] = 1;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (duplicate[i] == 0 && out.already_stored.end() ==
                                 std::find(out.already_stored.begin(), out.already_stored.end(), i))
      out.kept.push_back(static_cast<std::uint32_t>(i));
  if (check.keep_one)
    for (std::size_t i = 0; i < n; ++i)
      if (duplicate[i]) store[i] = 0;

  if (check.add) {
    auto const start = std::chrono::steady_clock::now();
    std::map<std::string_view, file_account const*> account_of;
    for (auto const& f : result.load.files) account_of.emplace(f.path, &f);
    std::vector<stored_essay> batch;
    std::size_t const b = wanted.lsh.bands;
    for (std::size_t i = 0; i < n; ++i) {
      if (store[i] == 0) continue;
      stored_essay e;
      e.info = result.essays[i];
      e.jsonl = options.load.jsonl;
      e.id_field = options.load.jsonl_fields.id_field;
      e.text_field = options.load.jsonl_fields.text_field;
      auto const a = account_of.find(e.info.file);
      // Read from standard input, a pipe or a UTF-8 copy: there is nothing to read back later.
      if (a != account_of.end() && a->second->stored_at.empty() && e.info.file != "-") {
        e.encoding = a->second->encoding;
        e.verbatim = a->second->verbatim;
        e.file_bytes = a->second->bytes;
        e.version = a->second->version;
      }
      e.signed_info = kept_batch.infos[i];
      e.signed_info.normalize = {};
      e.empty = e.signed_info.shingles == 0;
      e.signature.assign(kept_batch.signatures.begin() + static_cast<std::ptrdiff_t>(i * k),
                         kept_batch.signatures.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
      e.keys.assign(kept_batch.keys.begin() + static_cast<std::ptrdiff_t>(i * b),
                    kept_batch.keys.begin() + static_cast<std::ptrdiff_t>((i + 1) * b));
      if (sb > 0) {
        e.sentence_keys.assign(
            kept_batch.sentence_keys.begin() + static_cast<std::ptrdiff_t>(i * sb),
            kept_batch.sentence_keys.begin() + static_cast<std::ptrdiff_t>((i + 1) * sb));
        e.filter = kept_batch.filters[i];
      }
      batch.push_back(std::move(e));
    }
    index_add_result const added = idx.add(batch);
    out.added = added.added;
    // Another run may have stored some of them since this one looked.
    if (!added.already_stored.empty()) {
      std::set<std::string> const late(added.already_stored.begin(), added.already_stored.end());
      for (std::size_t i = 0; i < n; ++i)
        if (late.contains(result.essays[i].id) &&
            std::find(out.already_stored.begin(), out.already_stored.end(), i) ==
                out.already_stored.end())
          out.already_stored.push_back(static_cast<std::uint32_t>(i));
      std::sort(out.already_stored.begin(), out.already_stored.end());
    }
    out.seconds_add = detail::seconds_since(start);
  }
  out.after = idx.stats();
  return result;
}

}  // namespace neardup
