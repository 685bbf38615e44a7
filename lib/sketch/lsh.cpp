#include "neardup/lsh.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>
#include <string>
#include <tuple>

#include "neardup/error.hpp"
#include "common/hash_sort.hpp"
#include "common/parallel.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {
namespace {

// Composite Simpson's rule: P(s) is a smooth polynomial, 256 intervals are far below the
// precision the choice of (b, r) needs.
template <class F>
double integrate(F const& f, double lo, double hi) {
  constexpr int intervals = 256;
  double const h = (hi - lo) / intervals;
  double sum = f(lo) + f(hi);
  for (int i = 1; i < intervals; ++i) sum += f(lo + i * h) * (i % 2 == 1 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

/// x^n by squaring: the exponents are whole numbers, and choosing (b, r) evaluates this 700,000
/// times at k = 128 (std::pow made that most of a small run's start-up).
double power(double x, unsigned n) noexcept {
  double result = 1.0;
  while (n != 0) {
    if ((n & 1U) != 0) result *= x;
    x *= x;
    n >>= 1U;
  }
  return result;
}

}  // namespace

double candidate_probability(double similarity, lsh_params params) noexcept {
  return 1.0 - power(1.0 - power(similarity, params.rows), params.bands);
}

lsh_params optimal_lsh_params(double threshold, unsigned num_perm, double false_positive_weight,
                              double false_negative_weight) {
  if (!(threshold > 0.0 && threshold < 1.0))
    throw error(errc::invalid_argument, "LSH threshold must be in (0, 1), got " + std::to_string(threshold));
  if (num_perm == 0) throw error(errc::invalid_argument, "num_perm must be positive");
  if (!(false_positive_weight >= 0.0 && false_negative_weight >= 0.0) ||
      false_positive_weight + false_negative_weight <= 0.0)
    throw error(errc::invalid_argument, "LSH weights must be non-negative and not both zero");
  lsh_params best{1, 1};
  double best_error = INFINITY;
  for (unsigned b = 1; b <= num_perm; ++b) {
    for (unsigned r = 1; r <= num_perm / b; ++r) {
      lsh_params const p{b, r};
      double const fp = integrate([&](double s) { return candidate_probability(s, p); }, 0.0, threshold);
      double const fn = integrate([&](double s) { return 1.0 - candidate_probability(s, p); }, threshold, 1.0);
      double const e = false_positive_weight * fp + false_negative_weight * fn;
      if (e < best_error) {
        best_error = e;
        best = p;
      }
    }
  }
  return best;
}

void band_keys(std::span<const std::uint32_t> signature, lsh_params params, std::span<std::uint64_t> out) {
  // Once per call, not per band: the loop below reads bands × rows values and writes bands keys.
  if (signature.size() < std::size_t{params.bands} * params.rows)
    throw error(errc::invalid_argument,
                "band_keys: signature of " + std::to_string(signature.size()) +
                    " values, shorter than " + std::to_string(params.bands) + " bands × " +
                    std::to_string(params.rows) + " rows");
  if (out.size() != params.bands)
    throw error(errc::invalid_argument, "band_keys: room for " + std::to_string(out.size()) +
                                            " keys, expected " + std::to_string(params.bands) +
                                            " bands");
  for (unsigned b = 0; b < params.bands; ++b)
    out[b] = XXH3_64bits_withSeed(signature.data() + std::size_t{b} * params.rows,
                                  std::size_t{params.rows} * sizeof(std::uint32_t), b);
}

namespace {

using pair_list = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

/// Counts one bucket of `size` documents in `s`.
void count_bucket(std::size_t size, std::size_t max_bucket, candidate_stats& s) noexcept {
  ++s.buckets;
  s.largest_bucket = std::max(s.largest_bucket, size);
  if (size > max_bucket) ++s.capped_buckets;
}

/// Pairs of one bucket (documents sorted, all of one band and key): every pair, or past max_bucket
/// members a sliding window that still connects the bucket. Counts it in `s`.
template <class DocAt, class Emit>
void bucket_pairs(std::size_t size, DocAt const& doc_at, std::size_t max_bucket, Emit const& emit,
                  candidate_stats& s) {
  count_bucket(size, max_bucket, s);
  for (std::size_t x = 0; x < size; ++x)
    for (std::size_t y = x + 1; y < size && y - x < max_bucket; ++y)
      if (doc_at(x) != doc_at(y)) emit(doc_at(x), doc_at(y));
}

void sort_unique(pair_list& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

void add_stats(candidate_stats& into, candidate_stats const& from) {
  into.entries += from.entries;
  into.buckets += from.buckets;
  into.largest_bucket = std::max(into.largest_bucket, from.largest_bucket);
  into.capped_buckets += from.capped_buckets;
}

}  // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> candidate_pairs(std::vector<band_entry>& entries,
                                                                     std::size_t max_bucket,
                                                                     candidate_stats* stats) {
  max_bucket = std::max<std::size_t>(max_bucket, 2);
  std::sort(entries.begin(), entries.end(), [](band_entry const& x, band_entry const& y) {
    return std::tie(x.band, x.key, x.doc) < std::tie(y.band, y.key, y.doc);
  });
  candidate_stats s;
  s.entries = entries.size();
  pair_list pairs;
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i + 1;
    while (j < entries.size() && entries[j].band == entries[i].band && entries[j].key == entries[i].key) ++j;
    bucket_pairs(
        j - i, [&](std::size_t x) { return entries[i + x].doc; }, max_bucket,
        [&](std::uint32_t a, std::uint32_t b) { pairs.emplace_back(a, b); }, s);
    i = j;
  }
  sort_unique(pairs);
  s.pairs = s.kept = pairs.size();
  if (stats) *stats = s;
  return pairs;
}

band_table::band_table(unsigned bands) {
  if (bands == 0) throw error(errc::invalid_argument, "LSH bands must be positive");
  columns_.resize(bands);
}

void band_table::add(std::uint32_t doc, std::span<const std::uint64_t> keys) {
  if (keys.size() != columns_.size())
    throw error(errc::invalid_argument, "expected " + std::to_string(columns_.size()) + " band keys, got " +
                                            std::to_string(keys.size()));
  docs_.push_back(doc);
  for (std::size_t b = 0; b < columns_.size(); ++b)
    columns_[b].push_back(static_cast<std::uint32_t>(keys[b] >> 32));
}

band_table::band_table(std::vector<std::uint32_t> docs,
                       std::vector<std::vector<std::uint32_t>> columns)
    : docs_(std::move(docs)), columns_(std::move(columns)) {
  if (columns_.empty()) throw error(errc::invalid_argument, "LSH bands must be positive");
  for (auto const& c : columns_)
    if (c.size() != docs_.size())
      throw error(errc::invalid_argument, "band_table: a column of " + std::to_string(c.size()) +
                                              " keys for " + std::to_string(docs_.size()) +
                                              " documents");
}

std::size_t band_table::entries() const noexcept { return docs_.size() * columns_.size(); }

void band_table::reserve(std::size_t documents) {
  docs_.reserve(documents);
  for (auto& c : columns_) c.reserve(documents);
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> band_table::candidate_pairs(
    std::size_t max_bucket, candidate_stats* stats, unsigned threads, pair_filter const& keep) {
  max_bucket = std::max<std::size_t>(max_bucket, 2);
  threads = detail::resolve_threads(threads);
  std::size_t const n = docs_.size();
  std::size_t const bands = columns_.size();
  if (n >= UINT32_MAX) throw error(errc::limit_exceeded, "band_table: 2^32-1 documents or more");
  // Entries are visited in document order: `order` lists them so (the order added when that is
  // already it), and an entry's rank is its place in that list.
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  bool const in_order = std::is_sorted(docs_.begin(), docs_.end());
  if (!in_order)
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return docs_[x] < docs_[y]; });
  std::vector<std::uint32_t> doc_at(n);  // the document of each rank
  for (std::size_t r = 0; r < n; ++r) doc_at[r] = docs_[order[r]];
  // Per band: the documents of the buckets of two or more in bucket order (sorted by key, then
  // rank: a bucket's members in document order) and a bit where each bucket starts; per rank and
  // band, the rank's place in that order (none for a document alone in its bucket, as most are),
  // a rank's places of `group` bands side by side, so that the walk below reads a few streams and
  // not one per band, and a band's places are written into rows of 32 bytes (all of a rank's in one
  // row, a band touched each of n rows: 120-byte rows at 30 bands, and every band of a corpus whose
  // essays all have copies went through the whole table). 4 to 8 bytes an entry, where the keys
  // sorted with their ranks would take 12.
  constexpr std::uint32_t alone = UINT32_MAX;
  constexpr std::size_t group = 4;
  std::size_t const groups = (bands + group - 1) / group;
  auto const place_at = [n](std::size_t rank, std::size_t band) {
    return (band / group * n + rank) * group + band % group;
  };
  struct band_order {
    std::vector<std::uint32_t> members;
    std::vector<std::uint64_t> starts;
  };
  std::vector<band_order> by_band(bands);
  std::vector<std::uint32_t> places(n * groups * group, alone);
  std::vector<candidate_stats> band_stats(bands);
  // Most entries are alone in their bucket (nearly all of the sentence bands' in a corpus with few
  // templates): two bitmaps of about 8 bits an entry find the keys whose bit is met more than once,
  // and only their entries are sorted. A key whose bit is met once is alone for certain.
  std::size_t const key_bits =
      std::min<std::size_t>(std::bit_ceil(std::max<std::size_t>(n * 8, 64)), std::size_t{1} << 32);
  std::size_t const key_mask = key_bits - 1;
  detail::parallel_for(bands, threads, 1, [&](std::size_t begin, std::size_t end, unsigned) {
    std::vector<std::uint64_t> column, scratch, once(key_bits / 64), twice(key_bits / 64);
    for (std::size_t b = begin; b < end; ++b) {
      std::uint32_t const* const keys = columns_[b].data();
      std::uint64_t* const seen = once.data();
      std::uint64_t* const again = twice.data();
      std::fill(once.begin(), once.end(), 0);
      std::fill(twice.begin(), twice.end(), 0);
      for (std::size_t i = 0; i < n; ++i) {
        std::size_t const bit = keys[i] & key_mask;
        std::uint64_t const m = std::uint64_t{1} << (bit % 64);
        again[bit / 64] |= seen[bit / 64] & m;
        seen[bit / 64] |= m;
      }
      // Every entry is written, the pointer moved past those met again (no branch on the data).
      column.resize(n + 1);
      std::uint64_t* const out = column.data();
      std::size_t kept = 0;
      auto const gather = [&](auto key_of_rank) {
        for (std::size_t r = 0; r < n; ++r) {
          std::uint32_t const key = key_of_rank(r);
          std::size_t const bit = key & key_mask;
          out[kept] = std::uint64_t{key} << 32 | r;
          kept += again[bit / 64] >> (bit % 64) & 1U;
        }
      };
      if (in_order) {
        gather([keys](std::size_t r) { return keys[r]; });
      } else {
        gather([keys, &order](std::size_t r) { return keys[order[r]]; });
      }
      column.resize(kept);
      detail::sort_hashes(column, scratch);  // the high half is a hash; ranks come out in order
      band_order& o = by_band[b];
      candidate_stats& s = band_stats[b];
      s.entries = n;
      if (kept < n) {  // the entries left out, each a bucket of one
        s.buckets += n - kept;
        s.largest_bucket = std::max<std::size_t>(s.largest_bucket, 1);
      }
      auto const mark_start = [&o](std::size_t at) {
        if (o.starts.size() <= at / 64) o.starts.resize(at / 64 + 1, 0);
        o.starts[at / 64] |= std::uint64_t{1} << (at % 64);
      };
      // The entries come in key order, their ranks at random: each one's document and place are a
      // cache miss in tables of n entries, asked for `ahead` entries before they are needed.
      constexpr std::size_t ahead = 16;
      for (std::size_t i = 0; i < kept;) {
        std::size_t j = i + 1;
        while (j < kept && (column[j] >> 32) == (column[i] >> 32)) ++j;
        count_bucket(j - i, max_bucket, s);
        if (j - i > 1) {
          mark_start(o.members.size());
          for (std::size_t k = i; k < j; ++k) {
            if (k + ahead < kept) {
              auto const later = static_cast<std::uint32_t>(column[k + ahead]);
              __builtin_prefetch(doc_at.data() + later);
              __builtin_prefetch(places.data() + place_at(later, b), 1);
            }
            auto const rank = static_cast<std::uint32_t>(column[k]);
            places[place_at(rank, b)] = static_cast<std::uint32_t>(o.members.size());
            o.members.push_back(doc_at[rank]);
          }
        }
        i = j;
      }
      mark_start(o.members.size());  // the end ends the last bucket
      o.members.shrink_to_fit();
    }
  });
  // Per document (its entries together when it was added more than once): the documents after it
  // in each of its buckets, within the window bucket_pairs() keeps, each once, sorted. Blocks of
  // documents on every thread, their pairs joined in order: sorted and distinct with neither a
  // sort nor a merge of the whole list (millions of pairs where essays share paragraphs, whose
  // sorts and merges cost more than all of this).
  std::size_t const block = 4096;
  std::size_t const blocks = (n + block - 1) / block;
  std::vector<pair_list> block_pairs(blocks);
  std::vector<std::size_t> block_found(blocks, 0);
  std::uint32_t const last_doc = n == 0 ? 0 : doc_at[n - 1];
  // Per thread: the rank that last met each document.
  std::vector<std::vector<std::uint32_t>> seen(threads);
  // The bands' members and bucket starts as plain pointers, and the cap in a local: the walk's
  // inner loop otherwise reloads each of them from memory on every step (it may alias them).
  struct band_view {
    std::uint32_t const* members;
    std::uint64_t const* starts;
    [[nodiscard]] bool starts_bucket(std::size_t q) const noexcept {
      return (starts[q / 64] >> (q % 64) & 1U) != 0;
    }
  };
  std::vector<band_view> views(bands);
  for (std::size_t b = 0; b < bands; ++b)
    views[b] = {by_band[b].members.data(), by_band[b].starts.data()};
  std::size_t const cap = max_bucket;
  std::size_t const most_partners = bands * (cap - 1);  // a document's entry meets at most this many
  constexpr std::size_t walk_ahead = 8;                 // ranks whose rows are asked for early
  detail::parallel_for(blocks, threads, 1, [&](std::size_t begin, std::size_t end, unsigned w) {
    auto& met_of = seen[w];
    if (met_of.empty()) met_of.assign(std::size_t{last_doc} + 1, UINT32_MAX);
    std::uint32_t* const met = met_of.data();
    std::vector<std::uint32_t> partners;
    for (std::size_t blk = begin; blk < end; ++blk) {
      pair_list& out = block_pairs[blk];
      std::size_t r = blk * block;
      std::size_t const stop = std::min(n, r + block);
      // A document's entries stay together: the block holding its first one takes them all.
      while (r > 0 && r < stop && doc_at[r] == doc_at[r - 1]) ++r;
      while (r < stop) {
        std::uint32_t const a = doc_at[r];
        auto const first = static_cast<std::uint32_t>(r);
        std::size_t found = 0;
        for (; r < n && doc_at[r] == a; ++r) {
          if (partners.size() < found + most_partners) partners.resize(found + most_partners);
          std::uint32_t* const to = partners.data();
          // A rank's places first, the buckets they point into asked for at once (each a cache
          // miss at a random place of its band), and the rows of a rank a few ahead: the walk
          // below then waits for one miss at a time no longer.
          if (r + walk_ahead < n)
            for (std::size_t g = 0; g < groups; ++g)
              __builtin_prefetch(places.data() + place_at(r + walk_ahead, g * group));
          for (std::size_t b = 0; b < bands; ++b) {
            std::uint32_t const p = places[place_at(r, b)];
            if (p == alone) continue;
            __builtin_prefetch(views[b].members + p + 1);
            __builtin_prefetch(views[b].starts + (p + 1) / 64);
          }
          for (std::size_t b = 0; b < bands; ++b) {
            std::size_t const p = places[place_at(r, b)];
            if (p == alone) continue;
            band_view const o = views[b];
            for (std::size_t q = p + 1; q - p < cap && !o.starts_bucket(q); ++q) {
              std::uint32_t const d = o.members[q];
              if (d == a || met[d] == first) continue;
              met[d] = first;
              to[found++] = d;
            }
          }
        }
        block_found[blk] += found;
        std::sort(partners.begin(), partners.begin() + static_cast<std::ptrdiff_t>(found));
        for (std::size_t i = 0; i < found; ++i)
          if (!keep || keep(a, partners[i])) out.emplace_back(a, partners[i]);
      }
    }
  });
  candidate_stats s;
  for (auto const& bs : band_stats) add_stats(s, bs);
  std::size_t total = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    total += block_pairs[b].size();
    s.pairs += block_found[b];
  }
  pair_list pairs;
  pairs.reserve(total);
  for (auto& b : block_pairs) {
    pairs.insert(pairs.end(), b.begin(), b.end());
    pair_list().swap(b);
  }
  s.kept = pairs.size();
  if (stats) *stats = s;
  return pairs;
}

lsh_index::lsh_index(lsh_params params) : params_(params) {
  if (params.bands == 0 || params.rows == 0)
    throw error(errc::invalid_argument, "LSH bands and rows must be positive");
  bands_.resize(params.bands);
}

std::size_t lsh_index::band_buckets::find(std::uint64_t key) const noexcept {
  // Band keys are XXH3 values: their low bits are a good slot number as they are.
  std::size_t const mask = keys.size() - 1;
  std::size_t slot = static_cast<std::size_t>(key) & mask;
  while (newest[slot] != 0 && keys[slot] != key) slot = (slot + 1) & mask;
  return slot;
}

void lsh_index::band_buckets::insert(std::uint64_t key, std::uint32_t doc) {
  if (2 * (used + 1) > keys.size()) {  // keep the table at most half full
    std::vector<std::uint64_t> old_keys(std::max<std::size_t>(64, 2 * keys.size()));
    std::vector<std::uint32_t> old_newest(old_keys.size(), 0);
    old_keys.swap(keys);
    old_newest.swap(newest);
    used = 0;  // emptied buckets are left behind
    for (std::size_t s = 0; s < old_keys.size(); ++s) {
      if (old_newest[s] == 0 || old_newest[s] == emptied) continue;
      std::size_t const slot = find(old_keys[s]);
      keys[slot] = old_keys[s];
      newest[slot] = old_newest[s];
      ++used;
    }
  }
  if (docs.size() >= UINT32_MAX - 1) throw error(errc::limit_exceeded, "lsh_index: more than 2^32-2 entries in a band");
  std::size_t const slot = find(key);
  if (newest[slot] == 0) {
    keys[slot] = key;
    ++used;
  }
  docs.push_back(doc);
  older.push_back(head(slot));
  newest[slot] = static_cast<std::uint32_t>(docs.size());
}

void lsh_index::insert(std::uint32_t doc, std::span<const std::uint32_t> signature) {
  key_scratch_.resize(params_.bands);
  band_keys(signature, params_, key_scratch_);  // rejects a short signature before adding it
  for (std::uint32_t b = 0; b < params_.bands; ++b) bands_[b].insert(key_scratch_[b], doc);
  ++documents_;
}

std::pair<std::uint32_t, std::uint32_t> lsh_index::band_buckets::locate(
    std::uint64_t key, std::uint32_t doc) const noexcept {
  if (keys.empty()) return {0, 0};
  std::uint32_t newer = 0;
  for (std::uint32_t e = head(find(key)); e != 0; newer = e, e = older[e - 1])
    if (docs[e - 1] == doc) return {e, newer};
  return {0, 0};
}

bool lsh_index::remove(std::uint32_t doc, std::span<const std::uint32_t> signature) {
  key_scratch_.resize(params_.bands);
  band_keys(signature, params_, key_scratch_);  // rejects a short signature
  // All bands or none: a signature other than the inserted one changes nothing.
  for (std::uint32_t b = 0; b < params_.bands; ++b)
    if (bands_[b].locate(key_scratch_[b], doc).first == 0) return false;
  for (std::uint32_t b = 0; b < params_.bands; ++b) {
    band_buckets& band = bands_[b];
    auto const [entry, newer] = band.locate(key_scratch_[b], doc);
    std::uint32_t const next = band.older[entry - 1];
    if (newer != 0) {
      band.older[newer - 1] = next;
    } else {
      band.newest[band.find(key_scratch_[b])] = next != 0 ? next : band_buckets::emptied;
    }
  }
  --documents_;
  return true;
}

std::vector<std::uint32_t> lsh_index::query(std::span<const std::uint32_t> signature) const {
  std::vector<std::uint64_t> keys(params_.bands);
  band_keys(signature, params_, keys);  // rejects a short signature
  std::vector<std::uint32_t> docs;
  for (std::uint32_t b = 0; b < params_.bands; ++b) {
    band_buckets const& band = bands_[b];
    if (band.keys.empty()) continue;
    for (std::uint32_t e = band.head(band.find(keys[b])); e != 0; e = band.older[e - 1])
      docs.push_back(band.docs[e - 1]);
  }
  std::sort(docs.begin(), docs.end());
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  return docs;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> lsh_index::candidate_pairs(std::size_t max_bucket,
                                                                               candidate_stats* stats) const {
  std::vector<band_entry> entries;
  entries.reserve(documents_ * params_.bands);
  for (std::uint32_t b = 0; b < params_.bands; ++b) {
    band_buckets const& band = bands_[b];
    for (std::size_t s = 0; s < band.keys.size(); ++s)
      for (std::uint32_t e = band.head(s); e != 0; e = band.older[e - 1])
        entries.push_back({band.keys[s], b, band.docs[e - 1]});
  }
  return neardup::candidate_pairs(entries, max_bucket, stats);
}

}  // namespace neardup
