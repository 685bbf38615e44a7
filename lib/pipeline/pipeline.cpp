#include "neardup/pipeline.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/parallel.hpp"
#include "corpus/jsonl_chunks.hpp"
#include "corpus/load_file.hpp"
#include "corpus/posix_file.hpp"
#include "corpus/read_back.hpp"
#include "corpus/spool.hpp"
#include "match/template_search.hpp"
#include "match/verify_policy.hpp"
#include "neardup/error.hpp"
#include "pipeline/run.hpp"
#include "pipeline/share_codec.hpp"

namespace neardup {
namespace detail {

// The templates' search request as it travels (pipeline_share::post to share 1).
template <class A, class V>
void transfer(A& a, V& r) requires std::same_as<std::remove_const_t<V>, template_search_request> {
  a.io(r.band_docs);
  a.io(r.band_columns);
  a.io(r.max_bucket);
  a.io(r.sketch_k);
  a.io(r.sketches);
  a.io(r.filters);
  a.io(r.short_below);
  a.io(r.lengths);
  a.io(r.min_similarity);
  a.io(r.share);
}

}  // namespace detail
namespace {

// What signing gave a run of essays (a file's, or a chunk of JSON Lines'), essay by essay.
struct signed_essays {
  std::vector<std::uint32_t> signatures;  // k per essay
  std::vector<std::uint64_t> keys;        // LSH band keys, bands per essay
  std::vector<std::uint64_t> sentence_keys;  // the sentence sketch's band keys (templates)
  std::vector<sentence_filter> sentence_filters;  // templates: one per essay
  std::vector<signature_info> signed_info;  // per essay: what signing saw (no shingles: empty)
  // With passages: each essay's fingerprints, essay e's at [fingerprint_ends[e - 1], ends[e]).
  std::vector<std::uint32_t> fingerprints;
  std::vector<std::size_t> fingerprint_ends;
  /// Emptied for the next run of essays. The room is kept (a file's dozen essays would otherwise
  /// grow five vectors from nothing, a few times each), unless it is more than a large file needs.
  void clear() {
    std::size_t const room = signatures.capacity() * sizeof(std::uint32_t) +
                             keys.capacity() * sizeof(std::uint64_t) +
                             sentence_keys.capacity() * sizeof(std::uint64_t) +
                             sentence_filters.capacity() * sizeof(sentence_filter) +
                             signed_info.capacity() * sizeof(signature_info) +
                             fingerprints.capacity() * sizeof(std::uint32_t);
    if (room > (std::size_t{1} << 20)) {
      *this = signed_essays{};
      return;
    }
    signatures.clear();
    keys.clear();
    sentence_keys.clear();
    sentence_filters.clear();
    signed_info.clear();
    fingerprints.clear();
    fingerprint_ends.clear();
  }
};

// What travels of a run of signed essays from the share that signed them to share 0: all of it.
template <class A, class V>
void transfer(A& a, V& out) requires std::same_as<std::remove_const_t<V>, signed_essays> {
  a.io(out.signatures);
  a.io(out.keys);
  a.io(out.sentence_keys);
  a.io(out.sentence_filters);
  a.io(out.signed_info);
  a.io(out.fingerprints);
  a.io(out.fingerprint_ends);
}

// What one file gave: its account and its essays' metadata and signatures, merged in file order.
struct file_output {
  load_summary summary;  // of this one file
  std::vector<essay_info> essays;
  signed_essays signed_;
  /// Emptied for the next file, keeping the signatures' room (signed_essays::clear).
  void clear() {
    summary = load_summary{};
    essays.clear();
    signed_.clear();
  }
};

// What travels of a file's output from the share that read it to share 0: all of it.
template <class A, class V>
void transfer(A& a, V& out) requires std::same_as<std::remove_const_t<V>, file_output> {
  a.io(out.summary);
  a.io(out.essays);
  a.io(out.signed_);
}

/// A batch of whole lines of a JSON Lines file: taken in order (where its file and its bytes are
/// fixed), produced on any thread (or share), merged in order.
struct line_batch {
  std::size_t file = 0;  // in walked.files
  bool first = false;    // the file's first batch
  bool last = false;     // its last
  std::string failure;   // the file could not be read
  detail::jsonl_chunker::chunk chunk;
  std::size_t lines = 0;  // in the chunk, blank ones included
  // What its lines gave, in line order: records (signed, their texts let go) and problems, with
  // line numbers within the chunk (the merge knows where the chunk starts).
  std::vector<jsonl_record> records;
  std::vector<std::size_t> text_bytes;
  std::vector<jsonl_problem> problems;
  std::vector<std::uint8_t> is_record;  // per line that was not blank
  std::vector<std::size_t> line_in_chunk;
  signed_essays signed_;
  unsigned share = 0;  // the share that produces it (an end-of-file batch: 0, nothing to do)
};

// What travels of a batch from the share that produced it to share 0: what produce() made.
template <class A, class V>
void transfer(A& a, V& b) requires std::same_as<std::remove_const_t<V>, line_batch> {
  a.io(b.failure);
  a.io(b.lines);
  a.io(b.records);
  a.io(b.text_bytes);
  a.io(b.problems);
  a.io(b.is_record);
  a.io(b.line_in_chunk);
  a.io(b.signed_);
}

/// Each input's start in the inputs' bytes (sizes now; 0 for one that cannot be read), and their
/// total last: what every share computes alike to know which items are its own.
std::vector<std::uint64_t> starts_of(std::span<const std::string> files) {
  std::vector<std::uint64_t> starts;
  starts.reserve(files.size() + 1);
  std::uint64_t at = 0;
  for (auto const& f : files) {
    starts.push_back(at);
    std::error_code ec;
    auto const size = std::filesystem::file_size(f, ec);
    if (!ec) at += size;
  }
  starts.push_back(at);
  return starts;
}

void merge(load_summary& into, load_summary&& from) {
  for (auto& f : from.files) into.files.push_back(std::move(f));
  for (auto& s : from.skipped) into.skipped.push_back(std::move(s));
  for (auto& p : from.problems) into.problems.push_back(std::move(p));
  into.essays += from.essays;
  into.bytes += from.bytes;
}

/// Files whose essays could not be read back during the run, with why; shared by the threads.
struct read_failures {
  std::mutex lock;
  std::map<std::string, std::string> files;
  void add(std::string const& path, std::string const& why) {
    std::lock_guard<std::mutex> const hold(lock);
    files.try_emplace(path, why);
  }
};

/// The text source the deduplicator gets: `text` (which throws when a file changed), but a file
/// that cannot be read back is noted and its essay read as empty (so it joins nothing) rather than
/// ending the run; leave_out_changed() then takes it out of the clusters.
std::function<std::string(std::uint32_t)> noting_failures(
    std::function<std::string(std::uint32_t)> text,
    std::function<std::string(std::uint32_t)> file_of, std::shared_ptr<read_failures> failures) {
  return [text = std::move(text), file_of = std::move(file_of),
          failures = std::move(failures)](std::uint32_t doc) {
    try {
      return text(doc);
    } catch (error const& e) {
      failures->add(file_of(doc), e.what());
      return std::string();
    }
  };
}

/// Where the other shares read back the essays whose sets they make for share 0
/// (pipeline_share::post): each essay's place as bytes, its file (for a failure to read it), and
/// what a helper needs before any place (folders: the files' accounts, with their encodings).
struct remote_places {
  std::function<std::string(std::uint32_t doc)> describe;
  std::function<std::string(std::uint32_t doc)> file_of;
  std::string setup;
  /// False when some text is read back from a copy only share 0 has (a JSON Lines file decoded
  /// to UTF-8 into a temporary file): then share 0 makes every set itself.
  bool usable = true;
};

// A JSON Lines record's place: the file it is read from and its line's offset.
struct record_place {
  std::string path;
  std::uint64_t offset = 0;
};
template <class A, class V>
void transfer(A& a, V& p) requires std::same_as<std::remove_const_t<V>, record_place> {
  a.io(p.path);
  a.io(p.offset);
}

// A request as it travels: for sets (kind 0: shingles, 1: sentences), detail::set_request with
// each document's place; for the templates' search (kind 2), its request (encoded).
constexpr std::uint64_t search_kind = 2;
struct request_message {
  std::uint64_t kind = 0;
  std::vector<std::uint32_t> docs;
  std::vector<std::string> places;
  std::string search;
};
template <class A, class V>
void transfer(A& a, V& m) requires std::same_as<std::remove_const_t<V>, request_message> {
  a.io(m.kind);
  a.io(m.docs);
  a.io(m.places);
  a.io(m.search);
}

// What a template search found, as it travels: millions of pairs where essays share paragraphs,
// on share 0's way while it verifies, so packed — each first document once with its count, each
// second as 4 bytes, the settled flags as bits — and unpacked in one pass: 4 bytes and a bit a
// pair, where a pair and its flag take 9 in memory.
std::string encode_found(detail::template_candidates const& found) {
  std::vector<std::uint32_t> runs;  // (first document, pairs) after one another
  std::vector<std::uint32_t> seconds;
  std::vector<std::uint64_t> settled((found.pairs.size() + 63) / 64, 0);
  seconds.reserve(found.pairs.size());
  for (std::size_t i = 0; i < found.pairs.size(); ++i) {
    auto const [a, b] = found.pairs[i];
    if (runs.empty() || runs[runs.size() - 2] != a) {
      runs.push_back(a);
      runs.push_back(0);
    }
    ++runs.back();
    seconds.push_back(b);
    if (found.settled[i] != 0) settled[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  detail::byte_writer w;
  w.io(runs);
  w.io(seconds);
  w.io(settled);
  w.io(found.stats);
  return w.take();
}

detail::template_candidates decode_found(std::string const& bytes, std::size_t documents) {
  std::vector<std::uint32_t> runs, seconds;
  std::vector<std::uint64_t> settled;
  detail::template_candidates found;
  detail::byte_reader r(bytes);
  r.io(runs);
  r.io(seconds);
  r.io(settled);
  r.io(found.stats);
  r.finish();
  auto const malformed = [] {
    return error(errc::parse_error, "a helper's template search is malformed");
  };
  if (runs.size() % 2 != 0 || settled.size() != (seconds.size() + 63) / 64) throw malformed();
  found.pairs.resize(seconds.size());
  found.settled.resize(seconds.size());
  std::size_t i = 0;
  for (std::size_t k = 0; k < runs.size(); k += 2) {
    std::uint32_t const a = runs[k];
    std::uint32_t last = a;  // the seconds of a run rise, each above its first
    if (runs[k + 1] > seconds.size() - i || (k > 0 && a <= runs[k - 2])) throw malformed();
    for (std::uint32_t n = 0; n < runs[k + 1]; ++n, ++i) {
      std::uint32_t const b = seconds[i];
      if (b <= last || b >= documents) throw malformed();
      last = b;
      found.pairs[i] = {a, b};
      found.settled[i] = static_cast<std::uint8_t>(settled[i / 64] >> (i % 64) & 1U);
    }
  }
  if (i != seconds.size()) throw malformed();
  return found;
}

// A helper's reply: the sets, one after another with where each ends, and the documents
// (indices into the request) whose texts it could not read, with why.
struct reply_message {
  std::vector<std::uint32_t> shingles;
  std::vector<std::uint64_t> sentences;
  std::vector<std::uint64_t> ends;
  std::vector<std::uint32_t> failed;
  std::vector<std::string> why;
};
template <class A, class V>
void transfer(A& a, V& m) requires std::same_as<std::remove_const_t<V>, reply_message> {
  a.io(m.shingles);
  a.io(m.sentences);
  a.io(m.ends);
  a.io(m.failed);
  a.io(m.why);
}

/// The sets of a reply, flattened (`flat`) and back (`split`), with a check of every end.
template <class T>
void flatten(std::vector<std::vector<T>> const& sets, std::vector<T>& flat,
             std::vector<std::uint64_t>& ends) {
  for (auto const& set : sets) {
    flat.insert(flat.end(), set.begin(), set.end());
    ends.push_back(flat.size());
  }
}
template <class T>
std::vector<std::vector<T>> split_sets(std::vector<T> const& flat,
                                       std::vector<std::uint64_t> const& ends) {
  std::vector<std::vector<T>> sets;
  std::uint64_t from = 0;
  for (std::uint64_t const end : ends) {
    if (end < from || end > flat.size()) throw error(errc::parse_error, "a helper's sets are malformed");
    sets.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(from),
                      flat.begin() + static_cast<std::ptrdiff_t>(end));
    from = end;
  }
  if (from != flat.size()) throw error(errc::parse_error, "a helper's sets are malformed");
  return sets;
}

/// A helper's reader of the places share 0 describes, made from its setup message.
std::function<std::string(std::string const&)> place_reader(pipeline_options const& options,
                                                            std::string const& setup) {
  if (options.load.jsonl) {
    jsonl_options const fields = options.load.jsonl_fields;
    return [fields](std::string const& bytes) {
      record_place p;
      detail::decode(bytes, p);
      return read_jsonl_record_at(p.path, p.offset, fields).text;
    };
  }
  // As load_and_sign_files() makes share 0's reloader.
  std::vector<file_account> files;
  detail::decode(setup, files);
  load_options per_file = options.load;
  per_file.progress = nullptr;
  per_file.walk.extensions.clear();
  auto const reloader = std::make_shared<detail::essay_reloader>(per_file, files);
  return [reloader](std::string const& bytes) {
    essay_info e;
    detail::decode(bytes, e);
    return reloader->text(e);
  };
}

/// A share other than 0, once loaded: makes the sets share 0 asks for until it sends nothing.
void serve_set_requests(deduplicator& dedup, pipeline_options const& options,
                        pipeline_share const& share) {
  auto const read = place_reader(options, share.take(0));
  for (;;) {
    std::string const bytes = share.take(0);
    if (bytes.empty()) return;
    request_message m;
    detail::decode(bytes, m);
    if (m.kind == search_kind) {  // the templates' candidates, while share 0 verifies
      detail::template_search_request request;
      detail::decode(m.search, request);
      share.post(0,
                 encode_found(detail::search_templates(std::move(request), options.dedup.threads)));
      continue;
    }
    if (m.places.size() != m.docs.size() || m.kind > 1)
      throw error(errc::parse_error, "a request for sets is malformed");
    detail::set_request request;
    request.kind = m.kind == 0 ? detail::set_kind::shingles
                               : detail::set_kind::sentences;
    request.docs = std::move(m.docs);
    reply_message reply;
    // As share 0's text source (noting_failures): a text that cannot be read is empty, and its
    // file is reported so that share 0 leaves it out.
    detail::set_reply const sets =
        detail::make_requested_sets(dedup.signer(), request, [&](std::size_t i) {
          try {
            return read(m.places[i]);
          } catch (error const& e) {
            reply.failed.push_back(static_cast<std::uint32_t>(i));
            reply.why.emplace_back(e.what());
            return std::string();
          }
        });
    if (request.kind == detail::set_kind::shingles)
      flatten(sets.shingle_sets, reply.shingles, reply.ends);
    else
      flatten(sets.sentence_sets, reply.sentences, reply.ends);
    share.post(0, detail::encode(reply));
  }
}

/// Share 0's side: the other shares as the deduplicator's set makers.
class share_set_makers {
 public:
  share_set_makers(pipeline_share const& share, remote_places const& places,
                std::shared_ptr<read_failures> failures)
      : share_(share), places_(places), failures_(std::move(failures)), sent_(share.count - 1) {
    makers_.count = share.count - 1;
    makers_.send = [this](unsigned h, detail::set_request const& r) { send(h, r); };
    makers_.receive = [this](unsigned h) { return receive(h); };
    // Share 1 searches the templates' candidates (detail::template_searchers).
    searchers_.helper = 0;
    searchers_.min_pairs_per_document = share.search_templates_from;
    searchers_.send = [this](detail::template_search_request const& r) {
      request_message m;
      m.kind = search_kind;
      documents_ = r.filters.size();
      m.search = detail::encode(r);
      share_.post(1, detail::encode(m));
    };
    searchers_.receive = [this] { return take_search(); };
    if (share_.ready) searchers_.ready = [this] { return share_.ready(1); };
  }
  /// Sets made by the other shares (share_set_making).
  [[nodiscard]] detail::set_makers const* makers() const noexcept { return &makers_; }
  /// The templates' search by share 1 (share_template_search).
  [[nodiscard]] detail::template_searchers const* searchers() const noexcept { return &searchers_; }

 private:
  void send(unsigned h, detail::set_request const& r) {
    request_message m;
    m.kind = r.kind == detail::set_kind::shingles ? 0 : 1;
    m.docs = r.docs;
    for (std::uint32_t const doc : r.docs) m.places.push_back(places_.describe(doc));
    sent_[h] = {r.docs, r.kind};
    share_.post(h + 1, detail::encode(m));
  }
  detail::set_reply receive(unsigned h) {
    reply_message m;
    detail::decode(share_.take(h + 1), m);
    auto const& [docs, kind] = sent_[h];
    if (m.failed.size() != m.why.size() || m.ends.size() != docs.size())
      throw error(errc::parse_error, "a helper's reply is malformed");
    for (std::size_t i = 0; i < m.failed.size(); ++i) {
      if (m.failed[i] >= docs.size())
        throw error(errc::parse_error, "a helper's reply names a document it was not sent");
      failures_->add(places_.file_of(docs[m.failed[i]]), m.why[i]);
    }
    detail::set_reply reply;
    if (kind == detail::set_kind::shingles)
      reply.shingle_sets = split_sets(m.shingles, m.ends);
    else
      reply.sentence_sets = split_sets(m.sentences, m.ends);
    return reply;
  }

  detail::template_candidates take_search() { return decode_found(share_.take(1), documents_); }

  pipeline_share const& share_;
  remote_places const& places_;
  std::shared_ptr<read_failures> failures_;
  // Each helper's last request: its documents and the kind of their sets.
  std::vector<std::pair<std::vector<std::uint32_t>, detail::set_kind>> sent_;
  detail::set_makers makers_;
  detail::template_searchers searchers_;
  std::size_t documents_ = 0;  // of the search sent
};

/// What both readers need: the deduplicator to add to, its signer and LSH bands, the threads,
/// and with passages the passage finder, which takes each essay's fingerprints as it is signed
/// (so that no essay is read back for them).
struct signing {
  deduplicator& dedup;
  document_signer const& signer;
  std::size_t k;
  lsh_params lsh;  // band keys are computed with the signatures, on every thread
  unsigned threads;
  std::shared_ptr<read_failures> failures;
  detail::text_route* route;      // where the deduplicator's text source reads the loaded essays
  detail::signed_batch* capture;  // null, or where each added essay's signature is kept too
  pipeline_share const& share;
  passage_finder* passages = nullptr;
  // The signer normalizes as the passages do: its normalized text is fingerprinted as it stands.
  bool passages_share_normalization = false;
  // Where the other shares read back what they make sets of for share 0 (set by the readers).
  remote_places* places = nullptr;

  /// Signs one essay and appends what it gave to `out`: its signature (k values), band keys and,
  /// when templates are looked for, its sentence sketch's band keys and sentence filter; with
  /// passages, its fingerprints.
  void operator()(std::string_view text, signed_essays& out, signer_scratch& scratch) const {
    std::size_t const at = out.keys.size();
    out.keys.resize(at + lsh.bands);
    std::size_t const s_at = out.signatures.size();
    out.signatures.resize(s_at + k);
    std::span<std::uint32_t> const signature(out.signatures.data() + s_at, k);
    if (dedup.options().templates) {
      std::vector<std::uint32_t>& sentences = scratch_sentences();
      sentences.resize(signer.options().sentences.num_perm);
      out.signed_info.push_back(
          signer.sign(text, signature, sentences, out.sentence_filters.emplace_back(), scratch));
      lsh_params const sl = dedup.sentence_lsh();
      std::size_t const sk_at = out.sentence_keys.size();
      out.sentence_keys.resize(sk_at + sl.bands);
      band_keys(sentences, sl,
                std::span<std::uint64_t>(out.sentence_keys.data() + sk_at, sl.bands));
    } else {
      out.signed_info.push_back(signer.sign(text, signature, scratch));
    }
    band_keys(signature, lsh, std::span<std::uint64_t>(out.keys.data() + at, lsh.bands));
    if (passages != nullptr) {
      std::vector<std::uint32_t>& fps = scratch_fingerprints();
      if (passages_share_normalization)
        passages->fingerprint_normalized(scratch.text, fps);
      else
        passages->fingerprint(text, fps);
      out.fingerprints.insert(out.fingerprints.end(), fps.begin(), fps.end());
      out.fingerprint_ends.push_back(out.fingerprints.size());
    }
  }
  /// Room in `out` for `n` essays more, so that signing them grows none of its vectors.
  void reserve(signed_essays& out, std::size_t n) const {
    out.signatures.reserve(out.signatures.size() + n * k);
    out.keys.reserve(out.keys.size() + n * lsh.bands);
    out.signed_info.reserve(out.signed_info.size() + n);
    if (!dedup.options().templates) return;
    out.sentence_keys.reserve(out.sentence_keys.size() + n * dedup.sentence_lsh().bands);
    out.sentence_filters.reserve(out.sentence_filters.size() + n);
  }
  /// Room in the passage finder for the essays of `bytes` of text, so that its table of
  /// fingerprints never grows by copying: at most one fingerprint per 6 bytes at the default
  /// window (one byte a character, English).
  void reserve_passages(std::size_t essays, std::uint64_t bytes) const {
    if (passages == nullptr) return;
    passages->reserve(essays,
                      static_cast<std::size_t>(bytes * 2 / (passages->options().window + 1)));
  }
  /// Adds essay `e` of `from` (signed by operator()), whose text has `bytes` bytes.
  void add(signed_essays const& from, std::size_t e, std::size_t bytes) const {
    std::span<const std::uint32_t> const signature(from.signatures.data() + e * k, k);
    std::span<const std::uint64_t> const own(from.keys.data() + e * lsh.bands, lsh.bands);
    signature_info const& info = from.signed_info[e];
    if (passages != nullptr) {
      std::size_t const begin = e == 0 ? 0 : from.fingerprint_ends[e - 1];
      passages->add_fingerprints(std::span<const std::uint32_t>(from.fingerprints.data() + begin,
                                                                from.fingerprint_ends[e] - begin));
    }
    if (capture)
      capture->add(signature, own, dedup.options().templates ? dedup.sentence_lsh().bands : 0,
                   from.sentence_keys, from.sentence_filters, e, info);
    if (!dedup.options().templates) {
      dedup.add_signature(std::string(), signature, own, info, bytes);
      return;
    }
    std::size_t const sb = dedup.sentence_lsh().bands;
    dedup.add_signature(std::string(), signature, own,
                        std::span<const std::uint64_t>(from.sentence_keys.data() + e * sb, sb),
                        from.sentence_filters[e], info, bytes);
  }

  /// Throws neardup::error(parse_error) unless another share's item holds what its `n` essays
  /// need, so that a malformed message is never read past its end.
  void check_received(std::size_t n, signed_essays const& got) const {
    bool const templates = dedup.options().templates;
    bool const fingerprints = passages != nullptr;
    if (got.signatures.size() != n * k || got.keys.size() != n * lsh.bands ||
        got.signed_info.size() != n ||
        got.sentence_keys.size() != (templates ? n * dedup.sentence_lsh().bands : 0) ||
        got.sentence_filters.size() != (templates ? n : 0) ||
        got.fingerprint_ends.size() != (fingerprints ? n : 0) ||
        !std::is_sorted(got.fingerprint_ends.begin(), got.fingerprint_ends.end()) ||
        (n > 0 && fingerprints && got.fingerprint_ends.back() != got.fingerprints.size()) ||
        (!fingerprints && !got.fingerprints.empty()))
      throw error(errc::parse_error, "a share's item does not hold what its essays need");
  }

 private:
  static std::vector<std::uint32_t>& scratch_sentences() {
    thread_local std::vector<std::uint32_t> sentences;
    return sentences;
  }
  static std::vector<std::uint32_t>& scratch_fingerprints() {
    thread_local std::vector<std::uint32_t> fingerprints;
    return fingerprints;
  }
};

/// JSON Lines files: each is one stream, cut into chunks of whole lines, in order, by whichever
/// thread takes the next chunk; every thread reads, parses and signs chunks; they are merged in
/// order (where duplicate ids are found), so the result does not depend on the thread count. Exact
/// verification reads a candidate's line again by its byte offset.
void load_and_sign_jsonl(std::span<const std::string> paths, pipeline_options const& options,
                         signing const& sign, pipeline_result& result) {
  unsigned const threads = sign.threads;
  // A JSON Lines file is one stream: it is cut into batches of lines, in order, by whichever
  // thread takes the next batch; every thread parses and signs batches; they are merged in order
  // (where duplicate ids are found), so the result does not depend on the thread count. Exact
  // verification reads a candidate's line again by its byte offset.
  struct jsonl_texts {
    std::vector<std::string> files;  // where the records are read back: the file, or its UTF-8 copy
    std::vector<std::string> names;  // the files as walked
    std::vector<std::pair<std::uint32_t, std::uint64_t>> records;  // (file number, offset)
    jsonl_options fields;
  };
  auto texts = std::make_shared<jsonl_texts>();
  texts->fields = options.load.jsonl_fields;
  result.text = [texts](std::uint32_t doc) {
    auto const [file, offset] = texts->records.at(doc);
    return read_jsonl_record_at(texts->files[file], offset, texts->fields).text;
  };
  result.text_start = result.text;  // a record is read whole to parse it
  sign.route->loaded = noting_failures(
      result.text,
      [texts](std::uint32_t doc) { return texts->names[texts->records.at(doc).first]; },
      sign.failures);
  if (sign.places) {
    sign.places->describe = [texts](std::uint32_t doc) {
      auto const [file, offset] = texts->records.at(doc);
      return detail::encode(record_place{texts->files[file], offset});
    };
    sign.places->file_of = [texts](std::uint32_t doc) {
      return texts->names[texts->records.at(doc).first];
    };
    sign.places->setup = detail::encode(std::vector<file_account>{});
  }

  walk_result walked = walk_paths(paths, detail::walk_options_for(options.load));
  // The files' bytes bound their texts' (JSON escapes only lengthen a text).
  sign.reserve_passages(
      static_cast<std::size_t>(std::min<std::uint64_t>(walked.bytes / 2048, 8u << 20)),
      walked.bytes);
  result.load.skipped = std::move(walked.skipped);
  result.load.filtered_by_extension = walked.filtered_by_extension;
  result.load.filtered_extensions = std::move(walked.filtered_extensions);

  pipeline_share const& share = sign.share;
  std::vector<std::uint64_t> const starts =
      share.count > 1 ? starts_of(walked.files) : std::vector<std::uint64_t>();
  std::size_t const window = std::max<std::size_t>(8, 4 * threads);
  std::vector<line_batch> batches(window);
  std::size_t next_file = 0;
  std::optional<detail::jsonl_chunker> chunker;
  // Each file as it is read: itself, or its UTF-8 copy (opened by `take`, before its first chunk).
  std::vector<detail::jsonl_source> sources(walked.files.size());
  // Only cuts the file (reading a little around each cut): the one part done by one thread at a time.
  auto take = [&](std::size_t i) {
    if (next_file == walked.files.size()) return false;
    line_batch& b = batches[i % window];
    b = line_batch{};
    b.file = next_file;
    try {
      if (!chunker) {
        b.first = true;
        sources[next_file] = detail::open_jsonl_source(walked.files[next_file], options.load);
        chunker.emplace(sources[next_file].path, options.load.jsonl_fields.max_line_bytes);
      }
      if (chunker->next(options.load.jsonl_chunk_bytes, b.chunk)) {
        if (share.count > 1)
          b.share = share_of(starts[b.file] + b.chunk.begin, starts.back(), share.count,
                             share.first_weight);
        return true;
      }
      b.chunk = {};
    } catch (error const& e) {
      b.failure = e.what();
    }
    // The file ended or failed: this batch says so to the merge, with no lines.
    b.last = true;
    chunker.reset();
    ++next_file;
    return true;
  };
  std::vector<detail::jsonl_line_parser> parsers;
  for (unsigned w = 0; w < threads; ++w) parsers.emplace_back(options.load.jsonl_fields);
  std::vector<signer_scratch> scratch(threads);
  std::vector<detail::jsonl_lines> lines(threads);
  auto produce = [&](std::size_t i, unsigned w) {
    line_batch& b = batches[i % window];
    if (b.last || b.share != share.index) return;
    try {
      detail::read_jsonl_chunk(sources[b.file].path, b.chunk, lines[w]);
    } catch (error const& e) {
      b.failure = e.what();
      return;
    }
    b.lines = lines[w].lines.size();
    jsonl_record record;
    jsonl_problem problem;
    std::size_t local = 0;
    for (auto const& l : lines[w].lines) {
      ++local;
      switch (parsers[w].parse(lines[w].bytes, l, local, record, problem)) {
        case detail::jsonl_line_parser::outcome::blank: continue;
        case detail::jsonl_line_parser::outcome::problem:
          b.problems.push_back(std::move(problem));
          b.is_record.push_back(0);
          break;
        case detail::jsonl_line_parser::outcome::record:
          b.records.push_back(std::move(record));
          b.is_record.push_back(1);
          break;
      }
      b.line_in_chunk.push_back(local);
    }
    sign.reserve(b.signed_, b.records.size());
    for (std::size_t r = 0; r < b.records.size(); ++r) {
      auto& rec = b.records[r];
      b.text_bytes.push_back(rec.text.size());
      // Larger ones are reported by the merge (and signed as empty, to keep the keys in step).
      bool const fits = rec.text.size() <= options.load.max_essay_bytes;
      sign(fits ? std::string_view(rec.text) : std::string_view(), b.signed_, scratch[w]);
      rec.text = std::string();
    }
  };
  detail::jsonl_duplicates ids;
  file_account account;
  std::uint32_t record_number = 0;  // in the current file, as load_essays numbers them
  std::size_t records_parsed = 0;   // in the current file, taken or not
  std::size_t problems_from = 0;    // where the current file's problems start
  std::size_t lines_before = 0;     // in the current file, before this batch
  std::string failure;              // of the current file
  auto consume = [&](std::size_t i) {
    line_batch& b = batches[i % window];
    if (share.index != 0) {  // a share's own batches go to share 0, which merges them all
      if (!b.last && b.share == share.index) share.send(i, detail::encode(b));
      if (b.last) sources[b.file] = detail::jsonl_source{};
      b = line_batch{};
      return;
    }
    if (!b.last && b.share != 0) {
      detail::decode(share.receive(b.share, i), b);
      std::size_t const n = b.records.size();
      sign.check_received(n, b.signed_);
      if (b.text_bytes.size() != n || b.problems.size() + n != b.is_record.size() ||
          b.line_in_chunk.size() != b.is_record.size())
        throw error(errc::parse_error, "a share's batch of lines does not add up");
    }
    std::string const& path = walked.files[b.file];
    if (b.first) {
      account = file_account{};
      account.path = path;
      detail::account_for_source(sources[b.file], account);
      record_number = 0;
      records_parsed = 0;
      problems_from = result.load.problems.size();
      lines_before = 0;
      failure.clear();
    }
    if (failure.empty()) failure = b.failure;
    std::size_t r = 0, p = 0;
    jsonl_problem duplicate;
    for (std::size_t o = 0; o < b.is_record.size() && failure.empty(); ++o) {
      std::size_t const line = lines_before + b.line_in_chunk[o];
      if (b.is_record[o] == 0) {
        result.load.problems.push_back({path, line, std::move(b.problems[p++].message)});
        continue;
      }
      std::size_t const at = r++;
      ++records_parsed;
      auto& rec = b.records[at];
      rec.line = line;
      if (!ids.first(rec, duplicate)) {
        result.load.problems.push_back({path, line, std::move(duplicate.message)});
        continue;
      }
      essay_info e;
      if (!detail::jsonl_essay(path, rec, ++record_number, b.text_bytes[at], options.load,
                               result.load, e))
        continue;
      sign.add(b.signed_, at, b.text_bytes[at]);
      if (texts->names.empty() || texts->names.back() != path) {
        texts->files.push_back(sources[b.file].path);
        texts->names.push_back(path);
      }
      texts->records.emplace_back(static_cast<std::uint32_t>(texts->files.size() - 1), e.offset);
      result.essays.push_back(std::move(e));
      ++account.essays;
      ++result.load.essays;
    }
    lines_before += b.lines;
    if (b.last) {
      if (!failure.empty()) {
        result.load.skipped.push_back({path, skip_reason::not_readable, failure});
      } else if (!detail::skip_if_no_record(path, records_parsed, problems_from, result.load)) {
        std::error_code ec;
        auto const size = std::filesystem::file_size(sources[b.file].path, ec);
        account.bytes = ec ? 0 : static_cast<std::size_t>(size);
        result.load.bytes += account.bytes;
        result.load.files.push_back(std::move(account));
      }
      sources[b.file] = detail::jsonl_source{};  // the account keeps a copy alive
      if (options.load.progress) options.load.progress(b.file + 1, walked.files.size(), result.load.bytes);
    }
    b = line_batch{};
  };
  detail::ordered_stream_for(threads, window, take, produce, consume);
  if (sign.places)
    for (std::size_t f = 0; f < texts->files.size(); ++f)
      if (texts->files[f] != texts->names[f]) sign.places->usable = false;  // a decoded copy
}

/// Text files: read, decoded, split and signed one file at a time on every thread, merged in file
/// order; texts are read back by byte range when verification or a report needs them.
void load_and_sign_files(std::span<const std::string> paths, pipeline_options const& options,
                         std::future<walk_result>& walk_ahead, signing const& sign, pipeline_result& result) {
  auto& dedup = sign.dedup;
  unsigned const threads = sign.threads;

  load_options per_file = options.load;
  per_file.progress = nullptr;
  walk_result walked = walk_ahead.valid() ? walk_ahead.get() : walk_paths(paths, options.load.walk);
  // Room for as many essays as the bytes could hold at 2 KB each (capped): growing the per-essay
  // tables by doubling would copy them and touch twice the memory, which costs as much as the copy
  // on a machine where first-touched pages are slow. Untouched capacity costs nothing.
  std::size_t const expected = static_cast<std::size_t>(std::min<std::uint64_t>(walked.bytes / 2048, 8u << 20));
  result.load.skipped = std::move(walked.skipped);
  result.load.filtered_by_extension = walked.filtered_by_extension;
  result.load.filtered_extensions = std::move(walked.filtered_extensions);
  per_file.walk.extensions.clear();  // already chosen by the walk above

  // What reading an essay back needs, compactly: its file (by number) and its index in the file;
  // the reloader is made once the load has found each file's encoding. Set as the text source
  // before any document is added, so the deduplicator keeps no texts.
  struct text_state {
    std::vector<std::string> files;
    struct essay_place {
      std::uint64_t offset;        // in the file as stored
      std::uint32_t file;          // number in `files`
      std::uint32_t index;         // in the file
      std::uint32_t bytes;         // of text; 0 when over 4 GiB (then read back by index alone)
      std::uint32_t source_bytes;  // in the file; 0 when unknown or over 4 GiB
    };
    std::vector<essay_place> essays;
    std::unique_ptr<detail::essay_reloader> reloader;
  };
  auto state = std::make_shared<text_state>();
  state->essays.reserve(expected);
  result.essays.reserve(expected);
  dedup.reserve(expected);
  sign.reserve_passages(expected, walked.bytes);
  auto const place_of = [state](std::uint32_t doc) {
    auto const& place = state->essays.at(doc);
    essay_info e;
    e.file = state->files[place.file];
    e.index = place.index;
    e.offset = place.offset;
    e.bytes = place.bytes;
    e.source_bytes = place.bytes > 0 ? place.source_bytes : 0;
    return e;
  };
  auto reload = [state, place_of](std::uint32_t doc, std::size_t start_bytes) {
    essay_info const e = place_of(doc);
    return start_bytes > 0 ? state->reloader->text_start(e, start_bytes) : state->reloader->text(e);
  };
  if (sign.places) {
    sign.places->describe = [place_of](std::uint32_t doc) { return detail::encode(place_of(doc)); };
    sign.places->file_of = [state](std::uint32_t doc) {
      return state->files[state->essays.at(doc).file];
    };
  }
  result.text = [reload](std::uint32_t doc) { return reload(doc, 0); };
  result.text_start = [reload](std::uint32_t doc) { return reload(doc, 2048); };
  sign.route->loaded = noting_failures(
      result.text, [state](std::uint32_t doc) { return state->files[state->essays.at(doc).file]; },
      sign.failures);

  // Files are handed out one at a time; their outputs are merged strictly in file order so the
  // document numbering never depends on scheduling, by whichever thread finishes the next file in
  // line, while the others go on reading and signing. A window bounds how many outputs wait.
  std::vector<signer_scratch> scratch(threads);
  std::size_t const window = std::max<std::size_t>(64, 8 * threads);
  std::vector<file_output> outputs(window);
  pipeline_share const& share = sign.share;
  std::vector<std::uint64_t> const starts =
      share.count > 1 ? starts_of(walked.files) : std::vector<std::uint64_t>();
  auto share_of_file = [&](std::size_t i) {
    return share.count > 1 ? share_of(starts[i], starts.back(), share.count, share.first_weight)
                           : 0u;
  };
  auto const small = [](std::uint64_t n) { return n <= UINT32_MAX ? static_cast<std::uint32_t>(n) : 0u; };
  detail::ordered_parallel_for(
      walked.files.size(), threads, window,
      [&](std::size_t i, unsigned w) {
        if (share_of_file(i) != share.index) return;
        file_output& out = outputs[i % window];
        detail::load_file(
            walked.files[i], per_file,
            [&](essay_info&& e, std::string_view text) {
              sign(text, out.signed_, scratch[w]);
              out.essays.push_back(std::move(e));
            },
            out.summary);
      },
      [&](std::size_t i) {
        file_output& out = outputs[i % window];
        unsigned const from = share_of_file(i);
        if (share.index != 0) {  // a share's own files go to share 0, which merges them all
          if (from == share.index) share.send(i, detail::encode(out));
          out.clear();
          return;
        }
        if (from != 0) {
          detail::decode(share.receive(from, i), out);
          sign.check_received(out.essays.size(), out.signed_);
        }
        for (std::size_t e = 0; e < out.essays.size(); ++e) {
          // The id lives in result.essays; the deduplicator need not keep a second copy.
          sign.add(out.signed_, e, out.essays[e].bytes);
          if (state->files.empty() || state->files.back() != out.essays[e].file)
            state->files.push_back(out.essays[e].file);
          auto const& info = out.essays[e];
          state->essays.push_back({info.offset, static_cast<std::uint32_t>(state->files.size() - 1), info.index,
                                   small(info.bytes), small(info.source_bytes)});
          result.essays.push_back(std::move(out.essays[e]));
        }
        merge(result.load, std::move(out.summary));
        out.clear();
        if (options.load.progress) options.load.progress(i + 1, walked.files.size(), result.load.bytes);
      });
  // The reloader needs each file's encoding, known now.
  state->reloader = std::make_unique<detail::essay_reloader>(per_file, result.load.files);
  if (sign.places && share.count > 1 && share.index == 0) {
    try {
      sign.places->setup = detail::encode(result.load.files);
    } catch (error const&) {
      sign.places->usable = false;  // an account that keeps a temporary copy: share 0 alone
    }
  }
}

/// Takes the files that changed since they were read out of the clusters: those whose essays
/// could not be read back (`failures`) and those holding a cluster member whose size is no longer
/// what the load found. A cluster that lost a member is measured again, exactly, against its first
/// remaining member; the members at or above the threshold stay. The files are then skipped as
/// changed during the run, so the report and --keep-one leave them out.
void leave_out_changed(pipeline_result& result, read_failures& failures,
                       document_signer const& signer, double threshold, unsigned threads) {
  std::map<std::string, std::string> changed;
  {
    std::lock_guard<std::mutex> const hold(failures.lock);
    changed = failures.files;
  }
  // The account by path: a decoded JSON Lines file is read from its copy (source()).
  std::map<std::string_view, file_account const*> account_of;
  for (auto const& f : result.load.files) account_of.emplace(f.path, &f);
  std::set<std::string_view> holding;  // files that hold a cluster member, each once, sorted
  for (auto const& c : result.dedup.clusters)
    for (auto const& m : c.members)
      if (!result.essays[m.doc].stored) holding.insert(result.essays[m.doc].file);
  // Looked at on every thread (tens of thousands of paths on a large corpus), each file's verdict
  // in its own slot, gathered in path order.
  std::vector<std::string_view> const member_files(holding.begin(), holding.end());
  std::vector<std::string> verdicts(member_files.size());
  auto look = [&](std::size_t begin, std::size_t end, unsigned) {
    for (std::size_t i = begin; i < end; ++i) {
      std::string const file(member_files[i]);
      if (changed.contains(file)) continue;
      struct stat st {};
      auto const was = account_of.find(member_files[i]);
      std::string const stored = was != account_of.end() ? was->second->source() : file;
      if (::stat(stored.c_str(), &st) != 0) {
        verdicts[i] = file + ": " + std::error_code(errno, std::generic_category()).message();
      } else if (was != account_of.end()) {
        // Its size, modification time or inode: a rewrite of the same size is a change too.
        std::string why =
            detail::difference(detail::status_of(st), was->second->bytes, was->second->version);
        if (!why.empty()) verdicts[i] = file + ": " + why;
      }
    }
  };
  detail::parallel_for(member_files.size(), threads, 256, look);
  for (std::size_t i = 0; i < member_files.size(); ++i)
    if (!verdicts[i].empty()) changed.emplace(std::string(member_files[i]), std::move(verdicts[i]));
  if (changed.empty()) return;
  // An indexed essay is not of this run's files (its own file was checked when it was taken).
  auto is_changed = [&](std::uint32_t doc) {
    return !result.essays[doc].stored && changed.contains(result.essays[doc].file);
  };
  // Measuring again may find more files gone; then the clusters are looked at once more.
  for (std::size_t known = 0; known != changed.size();) {
    known = changed.size();
    std::vector<cluster> kept;
    for (auto& c : result.dedup.clusters) {
      if (std::none_of(c.members.begin(), c.members.end(),
                       [&](auto const& m) { return is_changed(m.doc); })) {
        kept.push_back(std::move(c));
        continue;
      }
      std::vector<std::vector<std::uint64_t>> sets;
      std::vector<std::uint32_t> docs;
      for (auto const& m : c.members) {
        if (is_changed(m.doc)) continue;
        try {
          sets.push_back(signer.shingle_set(result.text(m.doc)));
          docs.push_back(m.doc);
        } catch (error const& e) {
          changed.emplace(result.essays[m.doc].file, e.what());
        }
      }
      cluster again;
      for (std::size_t i = 0; i < docs.size(); ++i) {
        double const similarity = i == 0 ? 1.0 : exact_jaccard(sets[0], sets[i]);
        if (similarity >= threshold) again.members.push_back({docs[i], similarity, false});
      }
      if (again.members.size() >= 2) kept.push_back(std::move(again));
    }
    result.dedup.clusters = std::move(kept);
  }
  std::sort(result.dedup.clusters.begin(), result.dedup.clusters.end(),
            [](cluster const& a, cluster const& b) { return a.members[0].doc < b.members[0].doc; });
  result.dedup.stats.clusters = result.dedup.clusters.size();
  result.dedup.stats.duplicates = 0;
  for (auto const& c : result.dedup.clusters) result.dedup.stats.duplicates += c.members.size() - 1;
  auto& files = result.load.files;
  for (auto const& entry : changed) {
    // Named, not a structured binding: clang 14 cannot capture those in a lambda.
    std::string const& path = entry.first;
    std::string const& why = entry.second;
    auto const f = std::find_if(files.begin(), files.end(),
                                [&](file_account const& a) { return a.path == path; });
    if (f == files.end()) continue;
    files.erase(f);
    // The message names the file already: only its reason is kept as the detail.
    std::string detail = why.starts_with(path + ": ") ? why.substr(path.size() + 2) : why;
    result.load.skipped.push_back({path, skip_reason::changed, std::move(detail)});
  }
}

/// Standard input kept in `stored` is shown as `shown` ("-") in everything the caller sees; the
/// essays are read back from `stored` (file_account::stored_at).
void show_as(pipeline_result& result, std::string const& stored, std::string const& shown,
             bool jsonl) {
  for (auto& e : result.essays) {
    if (e.file != stored) continue;
    e.file = shown;
    if (!jsonl) e.id = shown + e.id.substr(stored.size());
  }
  for (auto& f : result.load.files)
    if (f.path == stored) {
      f.path = shown;
      if (f.stored_at.empty()) f.stored_at = stored;  // a decoded copy is read instead
    }
  for (auto& s : result.load.skipped)
    if (s.path == stored) s.path = shown;
  for (auto& p : result.load.problems)
    if (p.path == stored) p.path = shown;
}

}  // namespace

namespace detail {

void signed_batch::add(std::span<const std::uint32_t> signature, std::span<const std::uint64_t> own,
                       std::size_t sentence_bands,
                       std::vector<std::uint64_t> const& sentence_keys_of,
                       std::vector<sentence_filter> const& filters_of, std::size_t e,
                       signature_info const& info) {
  signatures.insert(signatures.end(), signature.begin(), signature.end());
  keys.insert(keys.end(), own.begin(), own.end());
  if (sentence_bands > 0) {
    auto const from = sentence_keys_of.begin() + static_cast<std::ptrdiff_t>(e * sentence_bands);
    sentence_keys.insert(sentence_keys.end(), from,
                         from + static_cast<std::ptrdiff_t>(sentence_bands));
    filters.push_back(filters_of[e]);
  }
  infos.push_back(info);
}

std::string text_route::operator()(std::uint32_t doc) const {
  if (doc < loaded_count || !stored) return loaded(doc);
  return stored(doc - static_cast<std::uint32_t>(loaded_count));
}

pipeline_result run_pipeline_with(std::span<const std::string> paths,
                                  pipeline_options const& options, after_load const& hook) {
  pipeline_result result;
  auto start = std::chrono::steady_clock::now();
  unsigned const threads = detail::resolve_threads(options.dedup.threads);
  // "-" is standard input; a named pipe or character device named as an input (/dev/stdin,
  // <(zcat …)) is read the same way: each is kept in a temporary file so that it is read (and
  // read back) as a file, and shown under the name it was given.
  std::vector<std::string> inputs;
  std::vector<std::pair<std::shared_ptr<detail::spooled_input>, std::string>> spools;
  if (std::count(paths.begin(), paths.end(), "-") > 1)
    throw error(errc::invalid_argument, "standard input (-) can be read only once");
  pipeline_share const& share = options.share;
  if (share.count == 0 || share.index >= share.count)
    throw error(errc::invalid_argument, "pipeline_share: share " + std::to_string(share.index) +
                                            " of " + std::to_string(share.count));
  if (share.count > 1 && (share.index == 0 ? !share.receive : !share.send))
    throw error(errc::invalid_argument,
                share.index == 0 ? "pipeline_share: share 0 needs a receive function"
                                 : "pipeline_share: a share other than 0 needs a send function");
  for (std::string const& path : paths) {
    struct stat st {};
    bool const dash = path == "-";
    if (!dash && (::stat(path.c_str(), &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))) {
      inputs.push_back(path);
      continue;
    }
    if (share.count > 1)
      throw error(
          errc::invalid_argument,
          (dash ? std::string("standard input") : path) +
              ": standard input and pipes cannot be shared between processes (give a file)");
    int const fd = dash ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      inputs.push_back(path);  // the walk reports why it cannot be read
      continue;
    }
    auto spool = std::make_shared<detail::spooled_input>(
        fd, options.load.walk.max_file_bytes, dash ? std::string("standard input") : path);
    if (!dash) ::close(fd);
    std::string const shown = dash ? "-" : path;
    if (spool->too_large()) {
      result.load.skipped.push_back(
          {shown, skip_reason::too_large,
           "over " + std::to_string(options.load.walk.max_file_bytes) + " bytes"});
      continue;
    }
    inputs.push_back(spool->path());
    spools.emplace_back(std::move(spool), shown);
  }
  if (!spools.empty()) result.temporaries = std::make_shared<decltype(spools)>(spools);
  // With threads to spare, the folders are walked while the normalization table is built.
  std::future<walk_result> walk_ahead;
  if (!options.load.jsonl && threads > 1)
    walk_ahead =
        std::async(std::launch::async, [&] { return walk_paths(inputs, options.load.walk); });
  deduplicator dedup(options.dedup);
  auto const failures = std::make_shared<read_failures>();
  // The loaded essays are read back by the load's reader, stored ones (hook) by the hook's.
  auto const route = std::make_shared<text_route>();
  dedup.set_text_source([route](std::uint32_t doc) { return (*route)(doc); });
  signed_batch batch;
  signing sign{dedup,    dedup.signer(), dedup.signer().num_perm(), dedup.lsh(), threads,
               failures, route.get(),    hook ? &batch : nullptr, share};
  bool const helping = share.count > 1 && share.post && share.take;
  remote_places places;
  if (helping) sign.places = &places;
  // Passages: each essay's fingerprints are taken as it is signed; the pairs the finder's index
  // finds are read back to be aligned (result.text, set by the reader before any essay is added).
  std::optional<passage_finder> passages;
  if (options.passages) {
    passage_options settings =
        with_run_normalization(options.passage, options.dedup.signature.normalize);
    settings.threads = options.dedup.threads;
    passages.emplace(settings);
    passages->set_text_source([&result](std::uint32_t doc) { return result.text(doc); });
    sign.passages = &*passages;
    sign.passages_share_normalization = settings.normalize == options.dedup.signature.normalize &&
                                        options.dedup.signature.unit == shingle_unit::character;
  }
  std::vector<skipped_path> before = std::move(result.load.skipped);
  if (options.load.jsonl)
    load_and_sign_jsonl(inputs, options, sign, result);
  else
    load_and_sign_files(inputs, options, walk_ahead, sign, result);
  result.load.skipped.insert(result.load.skipped.begin(), before.begin(), before.end());
  result.timing.load_and_sign = detail::seconds_since(start);
  if (share.loaded) share.loaded();
  if (share.index != 0) {  // share 0 has its items and does the rest, perhaps with our help
    if (helping) serve_set_requests(dedup, options, share);
    return result;
  }

  start = std::chrono::steady_clock::now();
  if (hook) {
    route->loaded_count = result.essays.size();
    hook(dedup, result, batch, *route);
    // The report's readers route the stored essays as the deduplicator's source does.
    if (route->stored) {
      result.text = text_route{result.text, route->stored, route->loaded_count};
      result.text_start = text_route{result.text_start, route->stored, route->loaded_count};
    }
  }
  if (helping) {
    // Every other share waits for a setup and then for requests until an empty message.
    std::optional<share_set_makers> makers;
    bool const helped = places.usable && !hook;
    for (unsigned h = 1; h < share.count; ++h)
      share.post(h, std::string(helped ? places.setup : detail::encode(std::vector<file_account>{})));
    auto const release = [&] {
      for (unsigned h = 1; h < share.count; ++h) share.post(h, std::string());
    };
    // The templates' search needs no texts: share 1 does it whether or not sets can be made.
    makers.emplace(share, places, failures);
    if (helped) dedup.share_set_making(makers->makers());
    dedup.share_template_search(makers->searchers());
    try {
      result.dedup = dedup.run();
    } catch (...) {
      release();
      throw;
    }
    dedup.share_set_making(nullptr);
    dedup.share_template_search(nullptr);
    release();
  } else {
    result.dedup = dedup.run();
  }
  leave_out_changed(result, *failures, dedup.signer(), options.dedup.threshold, threads);
  result.timing.dedup = detail::seconds_since(start);
  if (options.passages) {
    start = std::chrono::steady_clock::now();
    // Stored essays an index run brought in (after the loaded ones) were not signed here: their
    // fingerprints come from their texts read back (none when a text is gone).
    std::vector<std::uint32_t> fps;
    for (std::size_t doc = passages->size(); doc < result.essays.size(); ++doc) {
      fps.clear();
      try {
        passages->fingerprint(result.text(static_cast<std::uint32_t>(doc)), fps);
      } catch (error const&) {
      }
      passages->add_fingerprints(fps);
    }
    // The clusters' members share most of their fingerprints: the finder counts their pairs
    // by list, not fingerprint by fingerprint (the same result, a fraction of the time).
    std::vector<std::uint32_t> cluster_of(result.essays.size(), passage_finder::no_group);
    for (std::size_t c = 0; c < result.dedup.clusters.size(); ++c)
      for (auto const& member : result.dedup.clusters[c].members)
        cluster_of[member.doc] = static_cast<std::uint32_t>(c);
    result.passages = passages->run(cluster_of);
    result.timing.passages = detail::seconds_since(start);
  }
  for (auto const& [spool, shown] : spools) show_as(result, spool->path(), shown, options.load.jsonl);
  detail::note_unused_encoding_rules(options.load, result.load);
  return result;
}

}  // namespace detail

pipeline_result run_pipeline(std::span<const std::string> paths, pipeline_options const& options) {
  return detail::run_pipeline_with(paths, options, nullptr);
}

}  // namespace neardup
