#include "neardup/deduplicator.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "neardup/error.hpp"
#include "parallel.hpp"

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
  if (o.batch_documents == 0) throw error(errc::invalid_argument, "batch_documents must be positive");
  if (o.lsh) {
    if (o.lsh->bands == 0 || o.lsh->rows == 0)
      throw error(errc::invalid_argument, "LSH bands and rows must be positive");
    if (std::uint64_t{o.lsh->bands} * o.lsh->rows > o.signature.minhash.num_perm)
      throw error(errc::invalid_argument, "LSH bands × rows exceeds the number of permutations");
  }
  return o;
}

}  // namespace

deduplicator::deduplicator(dedup_options const& options)
    : options_(validated(options)),
      lsh_(options.lsh ? *options.lsh
                       : optimal_lsh_params(std::min(options.threshold, 0.999),
                                            options.signature.minhash.num_perm)),
      signer_(options.signature) {
  stats_.lsh = lsh_;
}

std::uint32_t deduplicator::add(std::string id, std::string_view text) {
  if (ids_.size() >= UINT32_MAX) throw error(errc::limit_exceeded, "more than 2^32-1 documents");
  auto const doc = static_cast<std::uint32_t>(ids_.size());
  ids_.push_back(std::move(id));
  pending_.emplace_back(text);
  stats_.bytes += text.size();
  if (pending_.size() >= options_.batch_documents) flush();
  return doc;
}

std::uint32_t deduplicator::add_signature(std::string id, std::span<const std::uint32_t> signature,
                                          bool empty) {
  flush();  // documents keep their order of addition
  std::size_t const k = signer_.num_perm();
  if (signature.size() != k)
    throw error(errc::invalid_argument, "signature of " + std::to_string(signature.size()) +
                                            " values, expected " + std::to_string(k));
  if (ids_.size() >= UINT32_MAX) throw error(errc::limit_exceeded, "more than 2^32-1 documents");
  auto const doc = static_cast<std::uint32_t>(ids_.size());
  ids_.push_back(std::move(id));
  texts_.emplace_back();
  signatures_.insert(signatures_.end(), signature.begin(), signature.end());
  std::vector<std::uint64_t> keys(lsh_.bands);
  band_keys(signature, lsh_, keys);
  index(doc, keys, empty);
  return doc;
}

void deduplicator::index(std::uint32_t doc, std::span<const std::uint64_t> keys, bool empty) {
  empty_.push_back(empty ? 1 : 0);
  if (empty) {
    ++stats_.empty_documents;  // an empty text is like every other empty text: never a duplicate
    return;
  }
  for (std::uint32_t b = 0; b < lsh_.bands; ++b) band_entries_.push_back({keys[b], b, doc});
}

void deduplicator::set_text_source(std::function<std::string(std::uint32_t)> source) {
  text_source_ = std::move(source);
}

void deduplicator::flush() {
  if (pending_.empty()) return;
  auto const start = clock_type::now();
  std::size_t const k = signer_.num_perm();
  std::size_t const first = ids_.size() - pending_.size();
  std::size_t const n = pending_.size();
  signatures_.resize((first + n) * k);

  unsigned const threads = detail::resolve_threads(options_.threads);
  std::vector<signer_scratch> scratch(threads);
  std::vector<signature_info> info(n);
  std::vector<std::uint64_t> keys(n * lsh_.bands);
  detail::parallel_for(n, threads, 16, [&](std::size_t begin, std::size_t end, unsigned w) {
    for (std::size_t i = begin; i < end; ++i) {
      std::span<std::uint32_t> sig(signatures_.data() + (first + i) * k, k);
      info[i] = signer_.sign(pending_[i], sig, scratch[w]);
      band_keys(sig, lsh_, std::span<std::uint64_t>(keys.data() + i * lsh_.bands, lsh_.bands));
    }
  });

  for (std::size_t i = 0; i < n; ++i) {
    stats_.shingles += info[i].shingles;
    stats_.invalid_bytes += info[i].normalize.invalid_bytes;
    index(static_cast<std::uint32_t>(first + i),
          std::span<const std::uint64_t>(keys.data() + i * lsh_.bands, lsh_.bands), info[i].shingles == 0);
  }
  for (auto& text : pending_) texts_.push_back(text_source_ ? std::string() : std::move(text));
  pending_.clear();
  stats_.seconds_sign += seconds_since(start);
}

std::span<const std::uint32_t> deduplicator::signature(std::uint32_t doc) {
  flush();
  std::size_t const k = signer_.num_perm();
  if (doc >= ids_.size()) throw error(errc::invalid_argument, "no document " + std::to_string(doc));
  return {signatures_.data() + std::size_t{doc} * k, k};
}

std::string deduplicator::text(std::uint32_t doc) const {
  if (doc >= ids_.size()) throw error(errc::invalid_argument, "no document " + std::to_string(doc));
  if (text_source_) return text_source_(doc);
  if (doc >= texts_.size()) return pending_[doc - texts_.size()];  // added, not yet signed
  return texts_[doc];
}

dedup_result deduplicator::run() {
  flush();
  dedup_result result;
  result.stats = stats_;
  dedup_stats& stats = result.stats;
  stats.documents = ids_.size();
  unsigned const threads = detail::resolve_threads(options_.threads);
  std::size_t const k = signer_.num_perm();

  auto start = clock_type::now();
  std::vector<band_entry> entries = band_entries_;  // candidate_pairs sorts its input
  auto const pairs = candidate_pairs(entries, options_.max_bucket, &stats.candidates);
  stats.seconds_candidates = seconds_since(start);

  // Exact mode re-shingles each document that takes part in a candidate pair, once.
  start = clock_type::now();
  std::vector<std::uint32_t> docs;
  docs.reserve(pairs.size() * 2);
  for (auto const& [a, b] : pairs) {
    docs.push_back(a);
    docs.push_back(b);
  }
  std::sort(docs.begin(), docs.end());
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  auto slot_of = [&](std::uint32_t doc) {
    return static_cast<std::size_t>(std::lower_bound(docs.begin(), docs.end(), doc) - docs.begin());
  };
  std::vector<std::vector<std::uint64_t>> sets;
  if (options_.verify == verify_mode::exact) {
    sets.resize(docs.size());
    std::vector<signer_scratch> scratch(threads);
    detail::parallel_for(docs.size(), threads, 8, [&](std::size_t begin, std::size_t end, unsigned w) {
      for (std::size_t i = begin; i < end; ++i) signer_.shingle_set(text(docs[i]), sets[i], scratch[w]);
    });
  }
  auto similarity = [&](std::uint32_t a, std::uint32_t b) {
    if (options_.verify == verify_mode::exact) return exact_jaccard(sets[slot_of(a)], sets[slot_of(b)]);
    return estimate_jaccard(std::span<const std::uint32_t>(signatures_.data() + std::size_t{a} * k, k),
                            std::span<const std::uint32_t>(signatures_.data() + std::size_t{b} * k, k));
  };
  auto const verified = verify_pairs(pairs, similarity, options_.threshold, threads);
  stats.verified_pairs = verified.size();
  stats.seconds_verify = seconds_since(start);

  start = clock_type::now();
  for (auto const& group : connected_groups(ids_.size(), verified)) {
    cluster c;
    c.members.reserve(group.size());
    for (std::uint32_t doc : group)
      c.members.push_back({doc, doc == group.front() ? 1.0 : similarity(group.front(), doc)});
    stats.duplicates += group.size() - 1;
    result.clusters.push_back(std::move(c));
  }
  stats.clusters = result.clusters.size();
  stats.seconds_cluster = seconds_since(start);
  return result;
}

}  // namespace neardup
