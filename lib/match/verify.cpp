#include "neardup/verify.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "common/enum_names.hpp"
#include "common/parallel.hpp"
#include "match/shingle_cache.hpp"
#include "match/verify_policy.hpp"
#include "neardup/cluster.hpp"
#include "neardup/error.hpp"
#include "neardup/shingle.hpp"
#include "neardup/signature.hpp"

namespace neardup {

namespace {

/// The pairs of `pairs` whose score is at or above the threshold, in order.
void keep_at_threshold(detail::pair_span pairs, std::span<const double> scores, double threshold,
                       bool estimated, std::vector<scored_pair>& kept) {
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (scores[i] >= threshold)
      kept.push_back({pairs[i].first, pairs[i].second, scores[i], estimated});
}

using shingle_set_fn = std::function<void(std::uint32_t, std::vector<std::uint64_t>&, unsigned)>;

/// The next chunk of at most `chunk_pairs` pairs from `begin` that `schedule` needs: the indices of
/// those to measure (not settled) into `chunk` and their distinct documents, sorted, into `docs`.
/// Settled pairs count towards the chunk's size, so that chunks end where they would if every pair
/// were measured. Returns where the chunk ends.
std::size_t next_chunk(detail::pair_span pairs, std::size_t begin, std::size_t chunk_pairs,
                       detail::exact_schedule const* schedule, std::vector<std::size_t>& chunk,
                       std::vector<std::uint32_t>& docs) {
  docs.clear();
  chunk.clear();
  std::size_t end = begin;
  std::size_t settled = 0;  // pairs of this chunk known without measuring
  for (; end < pairs.size() && chunk.size() + settled < chunk_pairs; ++end) {
    if (schedule && schedule->needed && !schedule->needed(end)) continue;
    if (schedule && schedule->settled && schedule->settled(end)) {
      ++settled;
      continue;
    }
    chunk.push_back(end);
    docs.push_back(pairs[end].first);
    docs.push_back(pairs[end].second);
  }
  std::sort(docs.begin(), docs.end());
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  return end;
}

/// A document's place in the sorted `docs` of its chunk.
inline std::size_t place_of(std::span<const std::uint32_t> docs, std::uint32_t doc) noexcept {
  return static_cast<std::size_t>(std::lower_bound(docs.begin(), docs.end(), doc) - docs.begin());
}

/// Measures the pairs `which` on every thread, each document's set found in `sets` (by its
/// position in `docs`), into `scores`.
template <class Sets, class Measure>
void measure_pairs(detail::pair_span pairs, std::span<const std::size_t> which,
                   std::span<const std::uint32_t> docs, Sets const& sets, Measure const& measure,
                   unsigned threads, std::vector<double>& scores) {
  // Blocks of 8: pairs differ in cost (set sizes, early rejection), and a chunk holds a few
  // hundred; blocks of 64 left one thread of two idle for a quarter of the pool corpus's time.
  detail::parallel_for(which.size(), threads, 8, [&](std::size_t b, std::size_t e, unsigned) {
    for (std::size_t c = b; c < e; ++c)
      scores[which[c]] = measure(sets[place_of(docs, pairs[which[c]].first)],
                                 sets[place_of(docs, pairs[which[c]].second)]);
  });
}

/// Tells `schedule` the score of each pair of `chunk`, in order.
inline void tell_scores(std::span<const std::size_t> chunk, detail::exact_schedule const* schedule,
                        std::vector<double> const& scores) {
  if (schedule && schedule->scored)
    for (std::size_t const i : chunk) schedule->scored(i, scores[i]);
}

/// Measures the pairs of `chunk` (measure_pairs), and tells `schedule` each score in order.
template <class Sets, class Measure>
void score_chunk(detail::pair_span pairs, std::span<const std::size_t> chunk,
                 std::span<const std::uint32_t> docs, Sets const& sets, Measure const& measure,
                 unsigned threads, detail::exact_schedule const* schedule,
                 std::vector<double>& scores) {
  measure_pairs(pairs, chunk, docs, sets, measure, threads, scores);
  tell_scores(chunk, schedule, scores);
}

/// exact_scores(), steered by `schedule` when it is not null (see detail::exact_schedule).
std::vector<double> scores_by_exact_jaccard(detail::pair_span pairs,
                                            shingle_set_fn const& shingle_set, std::size_t max_docs,
                                            unsigned threads,
                                            detail::exact_schedule const* schedule,
                                            detail::set_measure measure = exact_jaccard) {
  threads = detail::resolve_threads(threads);
  max_docs = std::max<std::size_t>(max_docs, 2);
  std::size_t const chunk_pairs =
      std::max<std::size_t>(1, std::min(max_docs / 2, schedule ? schedule->chunk_pairs : max_docs / 2));
  std::vector<double> scores(pairs.size(), -1.0);
  // Pairs sorted by first document never ask again for a document below the current first one.
  bool const by_first = std::is_sorted(pairs.begin(), pairs.end(),
                                       [](auto const& x, auto const& y) { return x.first < y.first; });
  std::vector<std::size_t> chunk;                 // indices of the pairs measured in this chunk
  std::vector<std::uint32_t> docs;                // distinct documents of the current chunk, sorted
  std::vector<std::vector<std::uint64_t>> sets;  // their shingle sets
  std::vector<std::uint32_t> held_docs;           // the previous chunk's, kept for reuse
  std::vector<std::vector<std::uint64_t>> held_sets;
  std::vector<std::size_t> missing;
  std::size_t begin = 0;
  while (begin < pairs.size()) {
    // At most max_docs / 2 pairs, so at most max_docs distinct documents (fewer when pairs share
    // documents, as the pairs of one cluster do: they come sorted by first document).
    std::size_t const end = next_chunk(pairs, begin, chunk_pairs, schedule, chunk, docs);
    if (chunk.empty()) {  // the rest is not needed, or this chunk was all settled
      if (end == pairs.size()) break;
      begin = end;
      continue;
    }
    // Sets the previous chunk already made are moved over (pairs sorted by first document meet the
    // same near neighbours again); only the others are shingled.
    sets.assign(docs.size(), {});
    missing.clear();
    for (std::size_t i = 0; i < docs.size(); ++i) {
      auto const it = std::lower_bound(held_docs.begin(), held_docs.end(), docs[i]);
      if (it != held_docs.end() && *it == docs[i]) {
        sets[i] = std::move(held_sets[static_cast<std::size_t>(it - held_docs.begin())]);
      } else {
        missing.push_back(i);
      }
    }
    // Small blocks: documents cost tens of microseconds each, and a chunk holds a few hundred.
    detail::parallel_for(missing.size(), threads, 8, [&](std::size_t b, std::size_t e, unsigned w) {
      for (std::size_t m = b; m < e; ++m) shingle_set(docs[missing[m]], sets[missing[m]], w);
    });
    score_chunk(pairs, chunk, docs, sets, measure, threads, schedule, scores);
    // Keep for later chunks what may still be needed: pairs come sorted by first document, so a
    // document below the last first document is never asked for again. Also keep what the
    // previous chunks held and this one did not use, within a budget of held shingles (about
    // max_docs essays' worth), dropping the furthest documents first.
    std::uint32_t const front = by_first ? pairs[chunk.back()].first : 0;
    std::vector<std::uint32_t> keep_docs;
    std::vector<std::vector<std::uint64_t>> keep_sets;
    std::size_t h = 0, c = 0;
    while (h < held_docs.size() || c < docs.size()) {
      bool const take_held = c == docs.size() || (h < held_docs.size() && held_docs[h] < docs[c]);
      std::uint32_t const doc = take_held ? held_docs[h] : docs[c];
      auto& set = take_held ? held_sets[h++] : sets[c++];
      if (doc < front || (take_held && set.empty())) continue;  // behind us, or moved out above
      keep_docs.push_back(doc);
      keep_sets.push_back(std::move(set));
    }
    std::size_t const budget = max_docs * 2048;  // shingle hashes: ~16 KiB an essay-sized set
    std::size_t held = 0;
    std::size_t kept = 0;
    for (; kept < keep_docs.size(); ++kept) {
      held += keep_sets[kept].size();
      if (held > budget) break;
    }
    keep_docs.resize(kept);
    keep_sets.resize(kept);
    held_docs.swap(keep_docs);
    held_sets.swap(keep_sets);
    begin = end;
  }
  return scores;
}

/// Where run `r` of `runs` (in order, of about equal size) of `size` things begins.
std::size_t run_start(std::size_t size, std::size_t r, std::size_t runs) noexcept {
  return size * r / runs;
}

/// Makes the sets of `docs[missing[m]]` into fresh[m]: with the schedule's set makers (and enough
/// documents to share), the first run of them here by `make_set` while each maker makes its own
/// run, else all here. Every set is made once, whichever process makes it, so what is kept and
/// measured is the same as without makers. With makers, `meanwhile(here)` is called once the
/// first `here` sets are made and before the makers' are taken (to measure what they allow).
template <class T, class MakeSet, class Meanwhile>
void make_sets(std::span<const std::uint32_t> docs, std::span<const std::size_t> missing,
               MakeSet const& make_set, unsigned threads, detail::exact_schedule const* schedule,
               std::vector<std::vector<T>>& fresh, Meanwhile const& meanwhile) {
  detail::set_makers const* makers = schedule ? schedule->makers : nullptr;
  std::vector<unsigned> helpers;  // the makers that take a run of this chunk
  if (makers)
    for (unsigned h = 0; h < makers->count; ++h)
      if (!makers->available || makers->available(h)) helpers.push_back(h);
  std::size_t const runs = missing.size() > helpers.size() ? helpers.size() + 1 : 1;
  std::size_t const here = run_start(missing.size(), 1, runs);
  detail::set_request request;
  if (runs > 1) request.kind = schedule->kind;
  for (std::size_t h = 0; h + 1 < runs; ++h) {
    request.docs.clear();
    for (std::size_t m = run_start(missing.size(), h + 1, runs);
         m < run_start(missing.size(), h + 2, runs); ++m)
      request.docs.push_back(docs[missing[m]]);
    makers->send(helpers[h], request);
  }
  // Small blocks: documents cost tens of microseconds each, and a chunk holds a few hundred.
  detail::parallel_for(here, threads, 8, [&](std::size_t b, std::size_t e, unsigned w) {
    for (std::size_t m = b; m < e; ++m) make_set(docs[missing[m]], fresh[m], w);
  });
  if (runs > 1) meanwhile(here);
  for (std::size_t h = 0; h + 1 < runs; ++h) {
    std::size_t const from = run_start(missing.size(), h + 1, runs);
    std::size_t const to = run_start(missing.size(), h + 2, runs);
    detail::set_reply reply = makers->receive(helpers[h]);
    auto& sets = [&]() -> auto& {
      if constexpr (std::is_same_v<T, std::uint32_t>) {
        return reply.shingle_sets;
      } else {
        return reply.sentence_sets;
      }
    }();
    if (sets.size() != to - from)
      throw error(errc::parse_error, "a helper made " + std::to_string(sets.size()) +
                                         " sets for " + std::to_string(to - from) + " documents");
    for (std::size_t m = from; m < to; ++m) fresh[m] = std::move(sets[m - from]);
    if (schedule->read_remotely) schedule->read_remotely(to - from);
  }
}

/// Each pair's `measure` over the sets of `cache`, made by `make_set(doc, out, worker)` for the
/// documents it lacks, a chunk of pairs at a time (as scores_by_exact_jaccard cuts them), and kept
/// there for later pairs; steered by `schedule` when it is not null. Chunks are cut by pair count
/// and the cache is filled in document order, so what is made never depends on the thread count.
template <class T, class MakeSet, class Measure>
std::vector<double> scores_by_cache(detail::pair_span pairs, MakeSet const& make_set,
                                    detail::set_cache<T>& cache, unsigned threads,
                                    std::size_t chunk_pairs, detail::exact_schedule const* schedule,
                                    Measure const& measure) {
  if (schedule) chunk_pairs = schedule->chunk_pairs;
  chunk_pairs = std::max<std::size_t>(chunk_pairs, 1);
  std::vector<double> scores(pairs.size(), -1.0);
  std::vector<std::size_t> chunk;   // indices of the pairs measured in this chunk
  std::vector<std::uint32_t> docs;  // distinct documents of the chunk, sorted
  std::vector<std::span<const T>> sets;  // their sets, in the cache or in `fresh`
  std::vector<std::size_t> missing;      // indices into docs of the sets made for this chunk
  std::vector<std::vector<T>> fresh;
  std::vector<std::uint8_t> waiting;     // by place in docs: its set is being made elsewhere
  std::vector<std::size_t> early, late;  // pairs of the chunk measured before and after that
  std::size_t begin = 0;
  while (begin < pairs.size()) {
    std::size_t const end = next_chunk(pairs, begin, chunk_pairs, schedule, chunk, docs);
    if (chunk.empty()) {  // the rest is not needed, or this chunk was all settled
      if (end == pairs.size()) break;
      begin = end;
      continue;
    }
    sets.assign(docs.size(), {});
    missing.clear();
    for (std::size_t i = 0; i < docs.size(); ++i) {
      if (auto const* set = cache.find(docs[i])) {
        sets[i] = *set;
      } else {
        missing.push_back(i);
      }
    }
    fresh.resize(missing.size());
    // While other processes make their runs of the sets, the pairs whose sets are all here (in the
    // cache, or made here) are measured; the rest once the others' sets have come.
    bool split = false;
    make_sets(std::span<const std::uint32_t>(docs), std::span<const std::size_t>(missing), make_set,
              threads, schedule, fresh, [&](std::size_t here) {
                for (std::size_t m = 0; m < here; ++m) sets[missing[m]] = fresh[m];
                waiting.assign(docs.size(), 0);
                for (std::size_t m = here; m < missing.size(); ++m) waiting[missing[m]] = 1;
                early.clear();
                late.clear();
                for (std::size_t const i : chunk)
                  (waiting[place_of(docs, pairs[i].first)] != 0 ||
                           waiting[place_of(docs, pairs[i].second)] != 0
                       ? late
                       : early)
                      .push_back(i);
                measure_pairs(pairs, early, docs, sets, measure, threads, scores);
                split = true;
              });
    for (std::size_t m = 0; m < missing.size(); ++m) sets[missing[m]] = fresh[m];
    measure_pairs(pairs, split ? std::span<const std::size_t>(late) : std::span(chunk), docs, sets,
                  measure, threads, scores);
    tell_scores(chunk, schedule, scores);
    // Kept for later pairs only now: inserting may drop sets this chunk was reading.
    for (std::size_t m = 0; m < missing.size(); ++m) cache.insert(docs[missing[m]], std::move(fresh[m]));
    begin = end;
  }
  return scores;
}

/// Exact Jaccard of each pair over sorted 32-bit shingle hashes (detail::compact_shingle_set) kept
/// in `cache`; scores below reject_below may be upper bounds (detail::bounded_jaccard).
std::vector<double> scores_by_cached_jaccard(detail::pair_span pairs,
                                             shingle_set_fn const& shingle_set,
                                             detail::shingle_cache& cache, unsigned threads,
                                             std::size_t chunk_pairs,
                                             detail::exact_schedule const* schedule,
                                             double reject_below) {
  threads = detail::resolve_threads(threads);
  std::vector<std::vector<std::uint64_t>> wide(threads);  // per thread: the 64-bit set made
  auto const make = [&](std::uint32_t doc, std::vector<std::uint32_t>& out, unsigned w) {
    shingle_set(doc, wide[w], w);
    detail::compact_shingle_set(wide[w], out);
  };
  auto const measure = [reject_below](std::span<const std::uint32_t> a,
                                      std::span<const std::uint32_t> b) {
    return detail::bounded_jaccard(a, b, reject_below);
  };
  return scores_by_cache(pairs, make, cache, threads, chunk_pairs, schedule, measure);
}

/// The cache `v` names, or a local one of v.cache_bytes.
template <class F>
auto with_cache(detail::verifier const& v, F&& f) {
  if (v.cache) return f(*v.cache);
  detail::shingle_cache local(v.cache_bytes);
  return f(local);
}

/// Every pair measured exactly, counted; a pair below `reject_below` may score an upper bound.
std::vector<double> exact_all(detail::pair_span pairs, detail::verifier const& v,
                              detail::verify_counts& counts, double reject_below = 0.0) {
  counts.exact_pairs += pairs.size();
  return with_cache(v, [&](detail::shingle_cache& cache) {
    return scores_by_cached_jaccard(pairs, v.shingle_set, cache, v.threads,
                                    std::max<std::size_t>(v.max_docs / 2, 1), nullptr, reject_below);
  });
}

/// Hybrid verification: sure decisions first; they join documents, and an uncertain pair whose
/// documents are already joined cannot change any cluster, so it is not measured. The rest are
/// measured exactly.
std::vector<scored_pair> verify_hybrid(detail::pair_span pairs, detail::verifier const& v,
                                       detail::verify_counts& counts) {
  double const t = v.threshold;
  std::vector<double> const scores = v.estimates(pairs);
  std::vector<scored_pair> verified;
  union_find joined(v.documents);
  std::vector<std::size_t> unsure;  // indices into pairs
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (v.estimate_accepts && scores[i] >= t + v.margin) {
      verified.push_back({pairs[i].first, pairs[i].second, scores[i], true});
      joined.unite(pairs[i].first, pairs[i].second);
      ++counts.accepted_by_estimate;
    } else if (scores[i] < t - v.margin) {
      ++counts.rejected_by_estimate;
    } else {
      unsure.push_back(i);
    }
  }
  // Most similar first: they are the likeliest to join documents, which spares later pairs.
  std::stable_sort(unsure.begin(), unsure.end(),
                   [&](std::size_t x, std::size_t y) { return scores[x] > scores[y]; });
  std::vector<std::pair<std::uint32_t, std::uint32_t>> uncertain(unsure.size());
  for (std::size_t i = 0; i < unsure.size(); ++i) uncertain[i] = pairs[unsure[i]];
  // Measured a chunk at a time: a pair found similar joins its documents at once, so that later
  // pairs within the same group are skipped too.
  std::size_t measured = 0;
  detail::exact_schedule schedule;
  schedule.makers = v.makers;
  schedule.kind = detail::set_kind::shingles;
  schedule.read_remotely = v.read_remotely;
  schedule.needed = [&](std::size_t i) {
    return !v.skip_joined || joined.find(uncertain[i].first) != joined.find(uncertain[i].second);
  };
  schedule.scored = [&](std::size_t i, double score) {
    ++measured;
    if (score < t) return;
    verified.push_back({uncertain[i].first, uncertain[i].second, score, false});
    joined.unite(uncertain[i].first, uncertain[i].second);
  };
  (void)with_cache(v, [&](detail::shingle_cache& cache) {
    return scores_by_cached_jaccard(uncertain, v.shingle_set, cache, v.threads, 0, &schedule, t);
  });
  counts.exact_pairs += measured;
  counts.already_joined += uncertain.size() - measured;
  std::sort(verified.begin(), verified.end(), [](scored_pair const& x, scored_pair const& y) {
    return std::pair{x.a, x.b} < std::pair{y.a, y.b};
  });
  return verified;
}

}  // namespace

std::string_view verify_mode_name(verify_mode mode) noexcept {
  switch (mode) {
    case verify_mode::exact:
      return "exact";
    case verify_mode::estimate:
      return "estimate";
    case verify_mode::hybrid:
      break;
  }
  return "hybrid";
}

verify_mode verify_mode_from_name(std::string_view name) {
  return detail::enum_from_name(name, {verify_mode::exact, verify_mode::estimate, verify_mode::hybrid},
                                verify_mode_name, "verification mode");
}

double estimate_margin(double threshold, unsigned num_perm, bool one_permutation,
                       double sigmas) noexcept {
  if (num_perm == 0) return 1.0;
  double const variance = threshold * (1.0 - threshold) / num_perm * (one_permutation ? 1.25 : 1.0);
  return sigmas * std::sqrt(variance);
}

bool estimate_may_accept(double threshold, unsigned num_perm, double sigmas) noexcept {
  return static_cast<double>(num_perm) * (1.0 - threshold) >= sigmas * sigmas;
}

std::vector<scored_pair> verify_pairs(
    std::span<const std::pair<std::uint32_t, std::uint32_t>> candidates,
    std::function<double(std::uint32_t, std::uint32_t)> const& similarity, double threshold,
    unsigned threads) {
  // Score into a slot per candidate, then compact: the order never depends on scheduling.
  std::vector<double> scores(candidates.size());
  detail::parallel_for(candidates.size(), detail::resolve_threads(threads), 256,
                       [&](std::size_t begin, std::size_t end, unsigned) {
                         for (std::size_t i = begin; i < end; ++i)
                           scores[i] = similarity(candidates[i].first, candidates[i].second);
                       });
  std::vector<scored_pair> kept;
  keep_at_threshold(candidates, scores, threshold, false, kept);
  return kept;
}

std::vector<double> exact_scores(std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
                                 shingle_set_fn const& shingle_set, std::size_t max_docs,
                                 unsigned threads) {
  return scores_by_exact_jaccard(pairs, shingle_set, max_docs, threads, nullptr);
}

namespace detail {

std::vector<double> exact_scores(pair_span pairs, shingle_set_fn const& shingle_set,
                                 std::size_t max_docs, unsigned threads,
                                 exact_schedule const& schedule) {
  return scores_by_exact_jaccard(pairs, shingle_set, max_docs, threads, &schedule);
}

std::vector<double> exact_scores(pair_span pairs, shingle_set_fn const& set_of,
                                 std::size_t max_docs, unsigned threads,
                                 exact_schedule const& schedule, set_measure measure) {
  return scores_by_exact_jaccard(pairs, set_of, max_docs, threads, &schedule, measure);
}

std::vector<double> exact_scores(pair_span pairs, shingle_set_fn const& set_of, sentence_cache& cache,
                                 unsigned threads, exact_schedule const& schedule,
                                 set_scorer const& measure) {
  return scores_by_cache(pairs, set_of, cache, resolve_threads(threads), schedule.chunk_pairs,
                         &schedule, measure);
}

namespace {

std::size_t sentence_count(std::span<const std::uint64_t> s) noexcept {
  return static_cast<std::size_t>(
      std::partition_point(s.begin(), s.end(),
                           [](std::uint64_t e) { return !sentence_entry_is_line(e); }) -
      s.begin());
}

}  // namespace

double shared_share(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                    double at_least) noexcept {
  // At most the shorter's sentences are shared: below at_least of the longer's, nothing to compare.
  // Then the sentences alone, given up once the shared count can no longer reach at_least of the
  // longer's; the pairs that get there are measured in full.
  std::size_t const sa = sentence_count(a), sb = sentence_count(b);
  auto const reach = [&](std::size_t shared) {
    return static_cast<double>(shared) / static_cast<double>(std::max<std::size_t>(std::max(sa, sb), 1)) >=
           at_least;
  };
  if (at_least <= 0.0) return shared_share(a, b);
  if (!reach(std::min(sa, sb))) return 0.0;
  std::size_t i = 0, j = 0, shared = 0;
  while (i < sa && j < sb) {
    if (!reach(shared + std::min(sa - i, sb - j))) return 0.0;
    for (std::size_t step = 0, steps = std::min<std::size_t>({sa - i, sb - j, 32}); step < steps; ++step) {
      std::uint64_t const x = a[i], y = b[j];
      shared += x == y;
      i += x <= y;
      j += y <= x;
    }
  }
  if (!reach(shared)) return 0.0;
  return shared_share(a, b);
}

double shared_share(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) noexcept {
  // Sentences first, then lines (their top bit set): shared sentences, and how many of them lie in
  // lines both have whole.
  std::size_t shared = 0, in_shared_lines = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      if (sentence_entry_is_line(a[i]))
        in_shared_lines += a[i] & 0xFF;
      else
        ++shared;
      ++i;
      ++j;
    }
  }
  auto const sentences = [](std::span<const std::uint64_t> s) {
    return static_cast<std::size_t>(
        std::partition_point(s.begin(), s.end(),
                             [](std::uint64_t e) { return !sentence_entry_is_line(e); }) -
        s.begin());
  };
  // A copied passage: what is shared lies in whole shared lines (paragraphs), not spread.
  std::size_t const spread = shared > in_shared_lines ? shared - in_shared_lines : 0;
  if (shared < min_shared_sentences || spread * 4 < shared) return 0.0;
  return static_cast<double>(shared) / static_cast<double>(std::max(sentences(a), sentences(b)));
}

bool sentences_may_reach(sentence_filter const& a, sentence_filter const& b,
                         double share) noexcept {
  // shared_share's tests, on an upper bound of the shared sentences and a lower bound of those in
  // shared lines: a pair that fails them fails shared_share, whatever its texts hold.
  std::size_t const bound = shared_sentences_bound(a, b);
  if (bound == SIZE_MAX) return true;
  std::size_t const most = std::max<std::size_t>(std::max(a.sentences, b.sentences), 1);
  if (bound < min_shared_sentences ||
      static_cast<double>(bound) / static_cast<double>(most) < share)
    return false;
  // A copied passage: shared_share wants (shared − in shared lines) · 4 >= shared, that is
  // 3 · shared >= 4 · in shared lines, with shared <= bound and in shared lines >= the count here.
  return 3 * bound >= 4 * sentences_in_shared_lines(a, b);
}

std::vector<scored_pair> verify_candidates(pair_span candidates, verifier const& v,
                                           verify_counts& counts) {
  if (v.mode == verify_mode::hybrid) return verify_hybrid(candidates, v, counts);
  bool const estimated = v.mode == verify_mode::estimate;
  std::vector<double> const scores =
      estimated ? v.estimates(candidates) : exact_all(candidates, v, counts, v.threshold);
  std::vector<scored_pair> verified;
  keep_at_threshold(candidates, scores, v.threshold, estimated, verified);
  return verified;
}

set_reply make_requested_sets(document_signer const& signer, set_request const& request,
                                  std::function<std::string(std::size_t)> const& text) {
  set_reply reply;
  signer_scratch scratch;
  std::vector<std::uint64_t> wide;
  for (std::size_t i = 0; i < request.docs.size(); ++i) {
    if (request.kind == set_kind::shingles) {
      // As scores_by_cached_jaccard() makes them.
      signer.shingle_set(text(i), wide, scratch);
      compact_shingle_set(wide, reply.shingle_sets.emplace_back());
    } else {
      // As deduplicator::templated_pairs() makes them.
      signer.sentence_set(text(i), reply.sentence_sets.emplace_back(), scratch);
    }
  }
  return reply;
}

std::vector<double> reported_scores(pair_span pairs, verifier const& v, verify_counts& counts) {
  return reports_estimates(v.mode) ? v.estimates(pairs) : exact_all(pairs, v, counts);
}

}  // namespace detail

}  // namespace neardup
