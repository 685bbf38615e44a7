#include "neardup/deduplicator.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <string>

#include "common/parallel.hpp"
#include "match/cluster_assembly.hpp"
#include "match/shingle_cache.hpp"
#include "match/template_search.hpp"
#include "match/verify_policy.hpp"
#include "neardup/error.hpp"

namespace neardup {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

dedup_options const& validated(dedup_options const& o) {
  if (!(o.threshold > 0.0 && o.threshold <= 1.0))
    throw error(errc::invalid_argument, "threshold must be in (0, 1], got " + std::to_string(o.threshold));
  if (o.max_bucket < 2) throw error(errc::invalid_argument, "max_bucket must be at least 2");
  if (!(o.lsh_false_negative_weight >= 0.0 && o.lsh_false_negative_weight <= 1.0))
    throw error(errc::invalid_argument, "lsh_false_negative_weight must be in [0, 1]");
  if (!(o.verify_sigmas >= 0.0)) throw error(errc::invalid_argument, "verify_sigmas must be non-negative");
  if (o.batch_documents == 0) throw error(errc::invalid_argument, "batch_documents must be positive");
  if (!(o.template_share > 0.0 && o.template_share <= 1.0))
    throw error(errc::invalid_argument, "template_share must be in (0, 1]");
  if (o.sentence_lsh && (o.sentence_lsh->bands == 0 || o.sentence_lsh->rows == 0 ||
                         std::uint64_t{o.sentence_lsh->bands} * o.sentence_lsh->rows >
                             o.signature.sentences.num_perm))
    throw error(errc::invalid_argument,
                "sentence LSH bands × rows must be positive and at most sentences.num_perm");
  if (o.short_lsh &&
      (o.short_lsh->bands == 0 || o.short_lsh->rows == 0 ||
       std::uint64_t{o.short_lsh->bands} * o.short_lsh->rows > o.signature.short_text.num_perm))
    throw error(errc::invalid_argument,
                "short-text LSH bands × rows must be positive and at most short_text.num_perm");
  if (o.lsh) {
    if (o.lsh->bands == 0 || o.lsh->rows == 0)
      throw error(errc::invalid_argument, "LSH bands and rows must be positive");
    if (std::uint64_t{o.lsh->bands} * o.lsh->rows > o.signature.minhash.num_perm)
      throw error(errc::invalid_argument, "LSH bands × rows exceeds the number of permutations");
  }
  return o;
}

// The short-text sketch's bands: the most rows per band with which a pair at the threshold is still
// a candidate with probability 0.98 (fewer rows propose many pairs of texts that share only common
// bigrams; its candidates are measured exactly, so a miss costs more than a candidate).
lsh_params short_text_lsh(double threshold, unsigned num_perm) {
  lsh_params best{std::max(1u, num_perm), 1};
  for (unsigned rows = 2; rows <= num_perm; ++rows) {
    lsh_params const p{num_perm / rows, rows};
    if (candidate_probability(threshold, p) < 0.98) break;
    best = p;
  }
  return best;
}

}  // namespace

deduplicator::deduplicator(dedup_options const& options)
    : options_(validated(options)),
      lsh_(options.lsh
               ? *options.lsh
               : optimal_lsh_params(
                     std::min(options.threshold, 0.999), options.signature.minhash.num_perm,
                     1.0 - options.lsh_false_negative_weight, options.lsh_false_negative_weight)),
      signer_(options.signature),
      bands_(lsh_.bands),
      sentence_lsh_(options.sentence_lsh
                        ? *options.sentence_lsh
                        : lsh_params{std::max(1u, options.signature.sentences.num_perm / 2), 2}),
      sentence_bands_(sentence_lsh_.bands),
      short_lsh_(options.short_lsh
                     ? *options.short_lsh
                     : short_text_lsh(options.threshold, options.signature.short_text.num_perm)),
      short_bands_(short_lsh_.bands) {
  stats_.lsh = lsh_;
}

std::uint32_t deduplicator::new_document(std::string_view id) {
  if (id_ends_.size() >= UINT32_MAX) throw error(errc::limit_exceeded, "more than 2^32-1 documents");
  auto const doc = static_cast<std::uint32_t>(id_ends_.size());
  id_chars_.append(id);
  id_ends_.push_back(id_chars_.size());
  lengths_.push_back(unknown_length);
  if (options_.templates) sentence_filters_.emplace_back();
  return doc;
}

void deduplicator::estimate_only(std::uint32_t doc) {
  if (!keeps_sketches())
    throw error(
        errc::invalid_argument,
        "a document whose text cannot be read back needs estimates, which exact verification "
        "does not keep");
  flush();
  if (doc >= size())
    throw error(errc::invalid_argument, "estimate_only: no document " + std::to_string(doc));
  if (estimate_only_.size() < size()) estimate_only_.resize(size(), 0);
  estimate_only_[doc] = 1;
}

void deduplicator::reserve(std::size_t documents) {
  bands_.reserve(documents);
  id_ends_.reserve(documents);
  lengths_.reserve(documents);
  if (options_.templates) sentence_filters_.reserve(documents);
  sketch_blocks_.reserve(documents / sketch_block_docs + 1);
}

std::string_view deduplicator::id(std::uint32_t doc) const {
  if (doc >= id_ends_.size()) throw error(errc::invalid_argument, "no document " + std::to_string(doc));
  std::size_t const begin = doc == 0 ? 0 : id_ends_[doc - 1];
  return std::string_view(id_chars_).substr(begin, id_ends_[doc] - begin);
}

void deduplicator::store_sketch(std::uint32_t doc, std::span<const std::uint32_t> signature) {
  std::size_t const k = signature.size();
  std::size_t const block = doc / sketch_block_docs;
  while (sketch_blocks_.size() <= block)
    sketch_blocks_.push_back(std::make_unique_for_overwrite<std::uint16_t[]>(sketch_block_docs * k));
  truncate_signature(signature, std::span<std::uint16_t>(sketch_blocks_[block].get() + (doc % sketch_block_docs) * k, k));
}

std::span<const std::uint16_t> deduplicator::sketch(std::uint32_t doc) const {
  std::size_t const k = signer_.num_perm();
  return {sketch_blocks_[doc / sketch_block_docs].get() + (doc % sketch_block_docs) * k, k};
}

std::uint32_t deduplicator::add(std::string_view id, std::string_view text) {
  std::uint32_t const doc = new_document(id);
  pending_.emplace_back(text);
  stats_.bytes += text.size();
  if (pending_.size() >= options_.batch_documents) flush();
  return doc;
}

std::uint32_t deduplicator::add_signature(std::string_view id, std::span<const std::uint32_t> signature,
                                          bool empty) {
  key_scratch_.resize(lsh_.bands);
  // A signature of the wrong size gets no keys; the call below rejects it.
  if (signature.size() == signer_.num_perm()) band_keys(signature, lsh_, key_scratch_);
  return add_signature(id, signature, key_scratch_, empty);
}

std::uint32_t deduplicator::add_signature(std::string_view id, std::span<const std::uint32_t> signature,
                                          std::span<const std::uint64_t> keys, bool empty) {
  flush();  // documents keep their order of addition
  std::size_t const k = signer_.num_perm();
  if (signature.size() != k)
    throw error(errc::invalid_argument, "signature of " + std::to_string(signature.size()) +
                                            " values, expected " + std::to_string(k));
  if (keys.size() != lsh_.bands)
    throw error(errc::invalid_argument, std::to_string(keys.size()) + " band keys, expected " +
                                            std::to_string(lsh_.bands));
  if (!text_source_ && options_.verify != verify_mode::estimate)
    throw error(errc::invalid_argument,
                std::string("add_signature: ") + std::string(verify_mode_name(options_.verify)) +
                    " verification reads texts back, and no text source is set (set_text_source() "
                    "before the first add, or verify_mode::estimate)");
  std::uint32_t const doc = new_document(id);
  if (!text_source_) texts_.emplace_back();
  if (keeps_sketches()) store_sketch(doc, signature);
  index(doc, keys, empty);
  return doc;
}

std::uint32_t deduplicator::add_signature(std::string_view id,
                                          std::span<const std::uint32_t> signature,
                                          std::span<const std::uint64_t> keys,
                                          signature_info const& info, std::size_t bytes) {
  std::uint32_t const doc = add_signature(id, signature, keys, info.shingles == 0);
  count(info, bytes);
  // Without a text source (estimate mode) its text cannot be read back for the short rule.
  if (text_source_) note_length(doc, info.normalized_chars);
  return doc;
}

std::uint32_t deduplicator::add_signature(std::string_view id,
                                          std::span<const std::uint32_t> signature,
                                          std::span<const std::uint64_t> keys,
                                          std::span<const std::uint64_t> sentence_keys,
                                          signature_info const& info, std::size_t bytes) {
  if (sentence_keys.size() != sentence_lsh_.bands)
    throw error(errc::invalid_argument, std::to_string(sentence_keys.size()) +
                                            " sentence band keys, expected " +
                                            std::to_string(sentence_lsh_.bands));
  std::uint32_t const doc = add_signature(id, signature, keys, info, bytes);
  index_sentences(doc, sentence_keys, info.sentences);
  return doc;
}

std::uint32_t deduplicator::add_signature(std::string_view id,
                                          std::span<const std::uint32_t> signature,
                                          std::span<const std::uint64_t> keys,
                                          std::span<const std::uint64_t> sentence_keys,
                                          sentence_filter const& filter, signature_info const& info,
                                          std::size_t bytes) {
  std::uint32_t const doc = add_signature(id, signature, keys, sentence_keys, info, bytes);
  if (options_.templates) sentence_filters_[doc] = filter;
  return doc;
}

void deduplicator::index_sentences(std::uint32_t doc, std::span<const std::uint64_t> keys,
                                   std::size_t sentences) {
  // Fewer sentences than a templated pair shares cannot make one.
  if (options_.templates && sentences >= detail::min_shared_sentences)
    sentence_bands_.add(doc, keys);
}

void deduplicator::count(signature_info const& info, std::size_t bytes) noexcept {
  stats_.bytes += bytes;
  stats_.shingles += info.shingles;
  stats_.invalid_bytes += info.normalize.invalid_bytes;
}

void deduplicator::index(std::uint32_t doc, std::span<const std::uint64_t> keys, bool empty) {
  empty_.push_back(empty ? 1 : 0);
  if (empty) {
    ++stats_.empty_documents;  // an empty text is like every other empty text: never a duplicate
    return;
  }
  bands_.add(doc, keys);
}

void deduplicator::set_text_source(std::function<std::string(std::uint32_t)> source) {
  // Documents added before were kept, or added by signature with nothing to read back.
  if (size() > 0)
    throw error(errc::invalid_argument, "set_text_source after " + std::to_string(size()) +
                                            " documents were added: set it before the first add");
  text_source_ = std::move(source);
}

void deduplicator::flush() {
  if (pending_.empty()) return;
  auto const start = clock_type::now();
  std::size_t const k = signer_.num_perm();
  std::size_t const first = id_ends_.size() - pending_.size();
  std::size_t const n = pending_.size();
  std::vector<std::uint32_t> signatures(n * k);

  unsigned const threads = detail::resolve_threads(options_.threads);
  std::vector<signer_scratch> scratch(threads);
  std::vector<signature_info> info(n);
  std::vector<std::uint64_t> keys(n * lsh_.bands);
  bool const templates = options_.templates;
  std::size_t const sk = templates ? options_.signature.sentences.num_perm : 0;
  std::size_t const sb = templates ? sentence_lsh_.bands : 0;
  std::vector<std::uint32_t> sentence_signatures(n * sk);
  std::vector<std::uint64_t> sentence_keys(n * sb);
  std::vector<sentence_filter> filters(templates ? n : 0);
  detail::parallel_for(n, threads, 16, [&](std::size_t begin, std::size_t end, unsigned w) {
    for (std::size_t i = begin; i < end; ++i) {
      std::span<std::uint32_t> sig(signatures.data() + i * k, k);
      if (templates) {
        std::span<std::uint32_t> const sentences(sentence_signatures.data() + i * sk, sk);
        info[i] = signer_.sign(pending_[i], sig, sentences, filters[i], scratch[w]);
        band_keys(sentences, sentence_lsh_,
                  std::span<std::uint64_t>(sentence_keys.data() + i * sb, sb));
      } else {
        info[i] = signer_.sign(pending_[i], sig, scratch[w]);
      }
      band_keys(sig, lsh_, std::span<std::uint64_t>(keys.data() + i * lsh_.bands, lsh_.bands));
    }
  });

  for (std::size_t i = 0; i < n; ++i) {
    if (keeps_sketches())
      store_sketch(static_cast<std::uint32_t>(first + i), std::span<const std::uint32_t>(signatures.data() + i * k, k));
    count(info[i], 0);  // add() counted the bytes
    note_length(static_cast<std::uint32_t>(first + i), info[i].normalized_chars);
    index(static_cast<std::uint32_t>(first + i),
          std::span<const std::uint64_t>(keys.data() + i * lsh_.bands, lsh_.bands), info[i].shingles == 0);
    if (templates) sentence_filters_[first + i] = filters[i];
    if (templates)
      index_sentences(static_cast<std::uint32_t>(first + i),
                      std::span<const std::uint64_t>(sentence_keys.data() + i * sb, sb),
                      info[i].sentences);
  }
  if (!text_source_)
    for (auto& text : pending_) texts_.push_back(std::move(text));
  pending_.clear();
  stats_.seconds_sign += seconds_since(start);
}

std::string deduplicator::text(std::uint32_t doc) const {
  if (doc >= id_ends_.size()) throw error(errc::invalid_argument, "no document " + std::to_string(doc));
  if (text_source_) return text_source_(doc);
  std::size_t const signed_docs = id_ends_.size() - pending_.size();
  if (doc >= signed_docs) return pending_[doc - signed_docs];  // added, not yet signed
  return texts_.at(doc);
}

detail::template_search_request deduplicator::template_request() const {
  detail::template_search_request r;
  r.band_docs.assign(sentence_bands_.documents().begin(), sentence_bands_.documents().end());
  for (unsigned b = 0; b < sentence_bands_.bands(); ++b)
    r.band_columns.emplace_back(sentence_bands_.column(b).begin(), sentence_bands_.column(b).end());
  r.max_bucket = options_.max_bucket;
  if (keeps_sketches()) {
    r.sketch_k = signer_.num_perm();
    r.sketches.reserve(size() * r.sketch_k);
    for (std::size_t d = 0; d < size(); ++d) {
      auto const s = sketch(static_cast<std::uint32_t>(d));
      r.sketches.insert(r.sketches.end(), s.begin(), s.end());
    }
  }
  r.filters = sentence_filters_;
  r.short_below = template_short_below();
  if (r.short_below != 0) r.lengths = lengths_;
  r.min_similarity = options_.template_min_similarity;
  r.share = options_.template_share;
  return r;
}

std::vector<scored_pair> deduplicator::templated_pairs(std::span<const scored_pair> verified,
                                                       std::vector<signer_scratch>& scratch,
                                                       std::atomic<std::size_t>& texts_read,
                                                       dedup_stats& stats,
                                                       detail::template_candidates* searched) {
  unsigned const threads = detail::resolve_threads(options_.threads);
  // Pairs already near-duplicates are not templates; with single linkage, nor is a pair whose
  // documents earlier pairs joined (it changes no cluster).
  bool const single = options_.linkage == linkage_mode::single;
  union_find joined(size());
  if (single)
    for (auto const& p : verified) joined.unite(p.a, p.b);
  // Where each document's verified pairs (sorted by first, then second document) begin: the
  // filter below looks among a document's few instead of searching all of them for every one of
  // millions of candidates.
  std::vector<std::size_t> verified_from(size() + 1, 0);
  for (auto const& p : verified) ++verified_from[std::size_t{p.a} + 1];
  for (std::size_t d = 0; d < size(); ++d) verified_from[d + 1] += verified_from[d];
  auto const is_verified = [&](std::uint32_t a, std::uint32_t b) {
    auto const first = verified.begin() + static_cast<std::ptrdiff_t>(verified_from[a]);
    auto const last = verified.begin() + static_cast<std::ptrdiff_t>(verified_from[a + 1]);
    auto const at = std::lower_bound(first, last, b,
                                     [](scored_pair const& v, std::uint32_t x) { return v.b < x; });
    return at != last && at->b == b;
  };
  // The sentence filters rule out, exactly, pairs that cannot share enough sentences: they are not
  // measured (nor their texts read back), but keep their places in the schedule's chunks, so that
  // which pairs earlier ones joined, and so what is found, is what measuring them all gives.
  detail::template_candidates local;
  if (searched == nullptr) {
    std::uint32_t const short_below = template_short_below();
    local = detail::search_templates(
        sentence_bands_, options_.max_bucket, threads,
        [&](std::uint32_t a, std::uint32_t b) {
          if (is_verified(a, b)) return false;
          return detail::may_be_templated(
              short_below, lengths_[a], lengths_[b],
              keeps_sketches() ? sketch(a) : std::span<const std::uint16_t>(),
              keeps_sketches() ? sketch(b) : std::span<const std::uint16_t>(),
              options_.template_min_similarity);
        },
        [&](std::uint32_t a, std::uint32_t b) {
          return !detail::sentences_may_reach(sentence_filters_[a], sentence_filters_[b],
                                              options_.template_share);
        });
    searched = &local;
  } else {  // found elsewhere, without this process's verified pairs: they go now
    std::size_t out = 0;
    for (std::size_t i = 0; i < searched->pairs.size(); ++i) {
      if (is_verified(searched->pairs[i].first, searched->pairs[i].second)) continue;
      searched->pairs[out] = searched->pairs[i];
      searched->settled[out++] = searched->settled[i];
    }
    searched->pairs.resize(out);
    searched->settled.resize(out);
    searched->stats.kept = out;
  }
  stats.sentence_candidates = searched->stats;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> const& todo = searched->pairs;
  std::vector<std::uint8_t> const& bounded = searched->settled;
  std::vector<scored_pair> templated;
  detail::exact_schedule schedule;
  schedule.makers = makers_;
  schedule.kind = detail::set_kind::sentences;
  schedule.read_remotely = [&texts_read](std::size_t n) {
    texts_read.fetch_add(n, std::memory_order_relaxed);
  };
  schedule.needed = [&](std::size_t i) {
    return !single || joined.find(todo[i].first) != joined.find(todo[i].second);
  };
  schedule.settled = [&](std::size_t i) {
    if (bounded[i] == 0) return false;
    ++stats.sentence_pairs_bounded;
    return true;
  };
  schedule.scored = [&](std::size_t i, double share) {
    ++stats.sentence_pairs_measured;
    if (share < options_.template_share) return;
    templated.push_back({todo[i].first, todo[i].second, share, false});
    if (single) joined.unite(todo[i].first, todo[i].second);
  };
  // Sentence sets are small (a few hundred bytes an essay): an eighth of the verification budget.
  detail::sentence_cache cache(options_.verify_cache_bytes / 8);
  (void)detail::exact_scores(
      todo,
      [&](std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned w) {
        texts_read.fetch_add(1, std::memory_order_relaxed);
        signer_.sentence_set(text(doc), out, scratch[w]);
      },
      cache, threads, schedule,
      [share = options_.template_share](std::span<const std::uint64_t> a,
                                        std::span<const std::uint64_t> b) {
        return detail::shared_share(a, b, share);
      });
  stats.verify_cache_peak_bytes += cache.peak_bytes();
  std::sort(templated.begin(), templated.end(), [](scored_pair const& x, scored_pair const& y) {
    return std::pair{x.a, x.b} < std::pair{y.a, y.b};
  });
  stats.templated_pairs = templated.size();
  return templated;
}

// Short texts. A pair whose shorter text is under L = short_text.below_chars normalized code points
// is judged by the exact Jaccard of its short n-grams alone: the 5-gram path drops it from its
// candidates (so neither its estimate nor its exact 5-gram Jaccard decides it), the short-text
// sketch proposes it. Two texts at Jaccard >= t have n-gram sets within a factor t of each other,
// so the longer of such a pair has at most (L - 1 - n + 1) / t + n - 1 code points (repeated
// n-grams aside): texts of that length or less are sketched, the others never.

bool deduplicator::short_rule() const noexcept {
  return options_.signature.short_text.below_chars > 0 &&
         options_.signature.unit == shingle_unit::character;
}

std::uint32_t deduplicator::template_short_below() const noexcept {
  return short_rule() ? static_cast<std::uint32_t>(options_.signature.short_text.below_chars) : 0;
}

bool deduplicator::short_pair(std::uint32_t a, std::uint32_t b) const noexcept {
  return std::min(lengths_[a], lengths_[b]) < options_.signature.short_text.below_chars;
}

void deduplicator::note_length(std::uint32_t doc, std::size_t normalized_chars) noexcept {
  lengths_[doc] =
      static_cast<std::uint32_t>(std::min<std::size_t>(normalized_chars, unknown_length - 1));
}

void deduplicator::sketch_short_texts(dedup_stats& stats) {
  if (!short_rule()) return;
  auto const& st = options_.signature.short_text;
  double const n = st.ngram;
  double const longest =
      st.below_chars > st.ngram ? (st.below_chars - n) / options_.threshold + n - 1 : n;
  std::vector<std::uint32_t> docs;
  for (std::size_t d = short_sketched_; d < size(); ++d)
    if (empty_[d] == 0 && lengths_[d] != unknown_length && lengths_[d] <= longest)
      docs.push_back(static_cast<std::uint32_t>(d));
  short_sketched_ = size();
  unsigned const threads = detail::resolve_threads(options_.threads);
  std::size_t const k = st.num_perm, b = short_lsh_.bands;
  std::vector<std::uint64_t> keys(docs.size() * b);
  std::vector<signer_scratch> scratch(threads);
  detail::parallel_for(
      docs.size(), threads, 64, [&](std::size_t begin, std::size_t end, unsigned w) {
        std::vector<std::uint32_t> signature(k);
        for (std::size_t i = begin; i < end; ++i) {
          signer_.sign_short(text(docs[i]), signature, scratch[w]);
          band_keys(signature, short_lsh_, std::span<std::uint64_t>(keys.data() + i * b, b));
        }
      });
  for (std::size_t i = 0; i < docs.size(); ++i)
    short_bands_.add(docs[i], std::span<const std::uint64_t>(keys.data() + i * b, b));
  stats_.short_documents += docs.size();
  stats.short_documents = stats_.short_documents;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> deduplicator::without_short_pairs(
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs,
    std::vector<std::pair<std::uint32_t, std::uint32_t>>& short_ones) const {
  if (!short_rule()) return pairs;
  // Kept for the short rule: the longer member of such a pair may repeat itself (a text copied
  // three times has a third of its length in distinct n-grams) and so be too long to be sketched.
  std::copy_if(pairs.begin(), pairs.end(), std::back_inserter(short_ones),
               [&](auto const& p) { return short_pair(p.first, p.second); });
  std::erase_if(pairs, [&](auto const& p) { return short_pair(p.first, p.second); });
  return pairs;
}

std::vector<scored_pair> deduplicator::with_short_pairs(
    std::vector<scored_pair> verified,
    std::vector<std::pair<std::uint32_t, std::uint32_t>> from_main,
    std::vector<signer_scratch>& scratch, std::atomic<std::size_t>& texts_read,
    dedup_stats& stats) {
  if (!short_rule()) return verified;
  unsigned const threads = detail::resolve_threads(options_.threads);
  auto candidates =
      short_bands_.candidate_pairs(options_.max_bucket, &stats.short_candidates, threads);
  // Pairs of two longer texts are the 5-gram path's.
  std::erase_if(candidates, [&](auto const& p) { return !short_pair(p.first, p.second); });
  // With the 5-gram candidates that have a short member: both sorted, their union.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> both;
  both.reserve(candidates.size() + from_main.size());
  std::set_union(candidates.begin(), candidates.end(), from_main.begin(), from_main.end(),
                 std::back_inserter(both));
  candidates = std::move(both);
  auto const scores = exact_scores(
      candidates,
      [&](std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned w) {
        texts_read.fetch_add(1, std::memory_order_relaxed);
        signer_.short_shingle_set(text(doc), out, scratch[w]);
      },
      options_.verify_batch_documents, threads);
  stats.short_pairs_measured = candidates.size();
  std::vector<scored_pair> found;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (scores[i] >= options_.threshold)
      found.push_back({candidates[i].first, candidates[i].second, scores[i], false});
  stats.short_pairs = found.size();
  // Both sorted by (a, b) and disjoint (the 5-gram path dropped short pairs): merge.
  std::vector<scored_pair> merged;
  merged.reserve(verified.size() + found.size());
  std::merge(verified.begin(), verified.end(), found.begin(), found.end(),
             std::back_inserter(merged), [](scored_pair const& x, scored_pair const& y) {
               return std::pair{x.a, x.b} < std::pair{y.a, y.b};
             });
  return merged;
}

dedup_result deduplicator::run() {
  flush();
  dedup_result result;
  result.stats = stats_;
  dedup_stats& stats = result.stats;
  stats.documents = size();
  unsigned const threads = detail::resolve_threads(options_.threads);
  sketch_short_texts(stats);

  auto start = clock_type::now();
  // Sorted in place: no copy of the largest table; later adds append and the next run sorts again.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> short_candidates;
  auto pairs = without_short_pairs(
      bands_.candidate_pairs(options_.max_bucket, &stats.candidates, threads), short_candidates);
  // Pairs with a document whose text is gone are decided by the estimate alone, apart.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> by_estimate;
  if (!estimate_only_.empty()) {
    auto gone = [&](std::uint32_t d) {
      return d < estimate_only_.size() && estimate_only_[d] != 0;
    };
    auto const split = std::stable_partition(pairs.begin(), pairs.end(), [&](auto const& p) {
      return !gone(p.first) && !gone(p.second);
    });
    by_estimate.assign(split, pairs.end());
    pairs.erase(split, pairs.end());
    auto keep = [&](auto const& p) { return !gone(p.first) && !gone(p.second); };
    short_candidates.erase(std::remove_if(short_candidates.begin(), short_candidates.end(),
                                          [&](auto const& p) { return !keep(p); }),
                           short_candidates.end());
  }
  stats.seconds_candidates = seconds_since(start);

  // Where the candidates are many (essays that share paragraphs) so are the templates' sentence
  // pairs, millions of them: another process searches them while this one verifies, and makes no
  // sets for it until it has taken what that one found.
  std::optional<detail::template_candidates> searched;
  bool search_pending = false;
  if (searchers_ != nullptr && options_.templates &&
      static_cast<double>(pairs.size()) >=
          searchers_->min_pairs_per_document * static_cast<double>(size())) {
    searchers_->send(template_request());
    search_pending = true;
  }
  auto const take_search = [&] {
    searched = searchers_->receive();
    search_pending = false;
  };
  detail::set_makers gated;
  if (makers_ != nullptr) {
    gated = *makers_;
    gated.available = [&](unsigned h) {
      if (makers_->available && !makers_->available(h)) return false;
      if (!search_pending || h != searchers_->helper) return true;
      if (!searchers_->ready || !searchers_->ready()) return false;
      take_search();
      return true;
    };
  }

  // Exact Jaccard re-shingles the documents of the pairs it measures (their texts read back), a
  // bounded number at a time; estimates come from the kept 16-bit sketches.
  start = clock_type::now();
  std::vector<signer_scratch> scratch(threads);
  std::atomic<std::size_t> texts_read{0};
  detail::verifier v;
  v.mode = options_.verify;
  v.threshold = options_.threshold;
  v.margin = estimate_margin(options_.threshold, signer_.num_perm(),
                             options_.signature.minhash.scheme == minhash_scheme::one_permutation,
                             options_.verify_sigmas);
  v.skip_joined = options_.linkage == linkage_mode::single;
  v.estimate_accepts =
      estimate_may_accept(options_.threshold, signer_.num_perm(), options_.verify_sigmas);
  v.documents = size();
  v.max_docs = options_.verify_batch_documents;
  // Shared by verify and cluster; the templates' sentence sets have their own eighth.
  detail::shingle_cache cache(options_.verify_cache_bytes - options_.verify_cache_bytes / 8);
  v.cache = &cache;
  v.threads = threads;
  v.estimates = [&](detail::pair_span which) {
    std::vector<double> scores(which.size());
    detail::parallel_for(
        which.size(), threads, 1024, [&](std::size_t begin, std::size_t end, unsigned) {
          for (std::size_t i = begin; i < end; ++i)
            scores[i] = estimate_jaccard_truncated(sketch(which[i].first), sketch(which[i].second));
        });
    return scores;
  };
  v.shingle_set = [&](std::uint32_t doc, std::vector<std::uint64_t>& out, unsigned w) {
    texts_read.fetch_add(1, std::memory_order_relaxed);
    signer_.shingle_set(text(doc), out, scratch[w]);
  };
  v.makers = makers_ != nullptr ? &gated : nullptr;
  v.read_remotely = [&texts_read](std::size_t n) {
    texts_read.fetch_add(n, std::memory_order_relaxed);
  };
  detail::verify_counts counts;
  auto verified = with_short_pairs(detail::verify_candidates(pairs, v, counts),
                                   std::move(short_candidates), scratch, texts_read, stats);
  if (!by_estimate.empty()) {
    std::vector<double> const scores = v.estimates(by_estimate);
    for (std::size_t i = 0; i < by_estimate.size(); ++i)
      if (scores[i] >= options_.threshold)
        verified.push_back({by_estimate[i].first, by_estimate[i].second, scores[i], true});
    std::sort(verified.begin(), verified.end(), [](scored_pair const& x, scored_pair const& y) {
      return std::pair{x.a, x.b} < std::pair{y.a, y.b};
    });
  }
  stats.verified_pairs = verified.size();
  if (search_pending) take_search();
  std::vector<scored_pair> const templated =
      options_.templates
          ? templated_pairs(verified, scratch, texts_read, stats, searched ? &*searched : nullptr)
          : std::vector<scored_pair>{};
  stats.texts_read_back = texts_read.load();
  stats.seconds_verify = seconds_since(start);

  // Members not verified with their representative: exact mode measures them exactly, the others
  // estimate them (reading no text).
  start = clock_type::now();
  result.clusters = detail::assemble_clusters(
      size(), verified, templated, options_.linkage,
      [&](detail::pair_span which) { return detail::reported_scores(which, v, counts); },
      detail::reports_estimates(v.mode));
  for (auto const& c : result.clusters) stats.duplicates += c.members.size() - 1;
  stats.clusters = result.clusters.size();
  stats.accepted_by_estimate = counts.accepted_by_estimate;
  stats.rejected_by_estimate = counts.rejected_by_estimate;
  stats.already_joined = counts.already_joined;
  stats.exact_pairs = counts.exact_pairs;
  stats.verify_cache_peak_bytes += cache.peak_bytes();
  stats.seconds_cluster = seconds_since(start);
  return result;
}

}  // namespace neardup
