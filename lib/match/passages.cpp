// passages: winnowed k-gram fingerprints, an inverted index with bounded posting lists, and the
// alignment that chains matching fingerprints into passages with byte spans.

#include "neardup/passages.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <utility>

#include "common/hash_mix.hpp"
#include "common/hash_sort.hpp"
#include "common/parallel.hpp"
#include "common/utf8.hpp"
#include "neardup/error.hpp"
#include "neardup/shingle.hpp"

namespace neardup {
namespace {

// The k-gram hashes' seed: fixed, so fingerprints are comparable across runs and machines.
constexpr std::uint64_t gram_seed = 0x7061737361676573ull;
// A fingerprint repeated in one text pairs with each of its repeats in the other at most this
// often: text that repeats itself must not make alignment quadratic.
constexpr std::size_t max_repeats = 8;
// How far past a passage's last character the byte span may take the punctuation that ends it.
constexpr std::size_t max_trailing_bytes = 12;
// Prepared essays each aligning thread keeps (a few megabytes).
constexpr std::size_t prepared_cache_size = 128;
constexpr std::size_t max_kept_chars = 16 * 1024;  // a slot's buffers kept for essays up to this
// The candidate sketch's rows: at most 2^26 counters each (128 MiB in all), fewer for small
// corpora.
constexpr std::size_t max_sketch_row_bits = 26;

using fingerprint_list = std::vector<std::uint64_t>;  // (hash << 32 | position), by position

/// A set of fingerprint hashes (stock, common): sorted, with a bitmap of their top bits in front,
/// so that the usual answer (not in the set) takes one load. The bitmap has 64 bits per value (one
/// hash in 64 not in the set goes on to the search): a few kilobytes for the hundreds of stock
/// fingerprints of a corpus, where a bitmap of fixed size (512 KiB) missed the cache at every
/// fingerprint two essays share, a quarter of the alignment's time.
class hash_set {
 public:
  void add(std::uint32_t h) { values_.push_back(h); }  // in increasing order
  void finish() {
    std::size_t const bits = std::min(std::bit_ceil(std::max<std::size_t>(values_.size() * 64, 64)),
                                      std::size_t{1} << 32);
    shift_ = 32 - static_cast<unsigned>(std::countr_zero(bits));
    bits_.assign(bits / 64, 0);
    for (std::uint32_t const h : values_) {
      std::size_t const at = std::size_t{h} >> shift_;
      bits_[at / 64] |= std::uint64_t{1} << (at % 64);
    }
  }
  [[nodiscard]] bool contains(std::uint32_t h) const noexcept {
    if (values_.empty()) return false;
    std::size_t const at = std::size_t{h} >> shift_;
    if ((bits_[at / 64] >> (at % 64) & 1) == 0) return false;
    return std::binary_search(values_.begin(), values_.end(), h);
  }

 private:
  std::vector<std::uint32_t> values_;
  std::vector<std::uint64_t> bits_;
  unsigned shift_ = 32;  // a hash's place in the bitmap: its top 32 - shift_ bits
};

[[nodiscard]] std::uint32_t fp_hash(std::uint64_t f) noexcept {
  return static_cast<std::uint32_t>(f >> 32);
}
[[nodiscard]] std::uint32_t fp_pos(std::uint64_t f) noexcept {
  return static_cast<std::uint32_t>(f);
}

/// Winnowing (Schleimer, Wilkerson, Aiken 2003): of every `window` consecutive k-gram hashes the
/// smallest (the rightmost of equals) is kept, each selected position once. Each window's minimum
/// comes from two running minima over blocks of `window` k-grams (van Herk, Gil and Werman): the
/// suffix minimum of its first block and the prefix minimum of the next, compared as (hash, last
/// position first) keys, which needs no branch on the data.
void winnow(std::u32string_view text, passage_options const& o, std::vector<std::uint64_t>& grams,
            std::vector<std::uint64_t>& suffix, fingerprint_list& out) {
  out.clear();
  if (text.size() < o.gram) return;  // char_shingles would give one shingle of the whole text
  char_shingles(text, {.n = o.gram, .seed = gram_seed}, grams);
  std::size_t const n = grams.size();
  std::size_t const w = std::min<std::size_t>(o.window, n);
  // In place: grams become keys, (hash << 32 | ~position), so that the smallest key is the
  // smallest hash at its last position; then the prefix minima of each block.
  for (std::size_t i = 0; i < n; ++i)
    grams[i] = (grams[i] >> 32) << 32 | (0xFFFFFFFFu - static_cast<std::uint32_t>(i));
  suffix.resize(n);
  for (std::size_t b = 0; b < n; b += w) {
    std::size_t const e = std::min(n, b + w);
    suffix[e - 1] = grams[e - 1];
    for (std::size_t i = e - 1; i-- > b;) suffix[i] = std::min(grams[i], suffix[i + 1]);
    for (std::size_t i = b + 1; i < e; ++i) grams[i] = std::min(grams[i], grams[i - 1]);
  }
  std::uint64_t last = 0;
  // `into` is i % w, kept by counting: a division per k-gram was a third of the winnowing.
  for (std::size_t i = 0, into = 0; i + w <= n; ++i, into = into + 1 == w ? 0 : into + 1) {
    std::size_t const j = i + w - 1;
    std::uint64_t const key = into == 0 ? suffix[i] : std::min(suffix[i], grams[j]);
    if (key != last || i == 0) {
      std::uint32_t const pos = 0xFFFFFFFFu - static_cast<std::uint32_t>(key);
      // Kept mixed again: minima crowd the low end of the hash space, and the index cuts it into
      // slices of equal width (and the hash sets look at the top bits).
      out.push_back((detail::mix64(key >> 32) >> 32) << 32 | pos);
      last = key;
    }
  }
}

[[nodiscard]] bool is_han(char32_t c) noexcept {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

/// Words of space-separated text in bytes [begin, end): runs of characters between white space.
[[nodiscard]] std::size_t count_words(std::string_view text, std::size_t begin, std::size_t end) {
  std::size_t words = 0;
  bool in_word = false;
  for (std::size_t i = begin; i < end;) {
    detail::utf8_sequence const d = detail::decode_utf8(text, i);
    bool const space = d.cp == U'\n' || detail::is_white_space(d.cp);
    if (!space && !in_word) ++words;
    in_word = !space;
    i += d.length;
  }
  return words;
}

[[nodiscard]] bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// A text ready to align: its normalized code points, where each came from in the text, and its
/// fingerprints. The sources come with the normalization (normalize_with_offsets, the scalar loop):
/// nearly every prepared text has a passage and needs them, and normalizing it twice, once for the
/// code points and once for their sources, cost more than the scalar loop alone.
struct prepared {
  std::string text;
  std::u32string norm;
  std::vector<source_span> spans;  // of each code point of norm
  fingerprint_list fps;            // by position
  fingerprint_list by_hash;        // the same, by (hash, position)
  bool ok = false;

  [[nodiscard]] source_span span(std::size_t n) const { return spans[n]; }
};

void prepare(normalizer const& norm, passage_options const& o, std::string text, prepared& p) {
  p.text = std::move(text);
  norm.normalize_with_offsets(p.text, p.norm, p.spans);
  thread_local std::vector<std::uint64_t> grams, suffix;
  winnow(p.norm, o, grams, suffix, p.fps);
  p.by_hash = p.fps;
  std::sort(p.by_hash.begin(), p.by_hash.end());
  p.ok = true;
}

/// Whether normalized position n of p continues a word of the text on its left (start) or on its
/// right (!start): an ASCII letter or digit next to its bytes.
bool mid_word(prepared const& p, std::size_t n, bool start) {
  source_span const s = p.span(n);
  if (start)
    return s.begin > 0 && is_ascii_alnum(p.text[s.begin - 1]) && is_ascii_alnum(p.text[s.begin]);
  return s.end < p.text.size() && is_ascii_alnum(p.text[s.end]) &&
         is_ascii_alnum(p.text[s.end - 1]);
}

/// Whether normalized position n of p comes from the same characters of the text as position
/// n - 1 (both from one character's expansion or one composed segment): a passage boundary at n
/// would cut a character.
bool inside_character(prepared const& p, std::size_t n) {
  return n > 0 && n < p.norm.size() && p.span(n).begin < p.span(n - 1).end;
}

struct match {
  std::uint32_t a, b;
};

struct chain {
  std::vector<match> matches;
  [[nodiscard]] std::int64_t diagonal() const noexcept {
    return static_cast<std::int64_t>(matches.back().a) - matches.back().b;
  }
};

/// Normalized characters along the chain that are equal in both texts, within [a0, a1) of A and
/// [b0, b1) of B: each stretch compared on the diagonal of the match that starts it. At most the
/// shorter span (where the diagonal moved back, two characters of A may face one of B).
std::size_t matched_chars(prepared const& A, prepared const& B, chain const& c, std::size_t a0,
                          std::size_t a1, std::size_t b0, std::size_t b1) {
  // Match i governs the positions x from its own (from a0, for the first) to the next match's; on
  // its diagonal d, x faces y = x - d, which must lie in [b0, b1). Each stretch is one loop over
  // two plain arrays (the compiler vectorizes it), not a search for the match at every x.
  std::size_t equal = 0;
  auto const& m = c.matches;
  char32_t const* const pa = A.norm.data();
  char32_t const* const pb = B.norm.data();
  auto const sa0 = static_cast<std::int64_t>(a0), sa1 = static_cast<std::int64_t>(a1);
  auto const sb0 = static_cast<std::int64_t>(b0), sb1 = static_cast<std::int64_t>(b1);
  for (std::size_t i = 0; i < m.size(); ++i) {
    std::int64_t const d = static_cast<std::int64_t>(m[i].a) - m[i].b;
    std::int64_t lo = i == 0 ? sa0 : std::max<std::int64_t>(sa0, m[i].a);
    std::int64_t hi = i + 1 < m.size() ? std::min<std::int64_t>(sa1, m[i + 1].a) : sa1;
    lo = std::max(lo, sb0 + d);
    hi = std::min(hi, sb1 + d);
    std::size_t same = 0;
    for (std::int64_t x = lo; x < hi; ++x) same += pa[x] == pb[x - d] ? 1 : 0;
    equal += same;
  }
  return std::min({equal, a1 - a0, b1 - b0});
}

/// The byte where a passage ending before normalized position `n1` of `p` ends: after its last
/// character, and after the punctuation right behind it (not across white space).
std::size_t byte_end(prepared const& p, std::size_t n1) {
  std::size_t end = p.span(n1 - 1).end;
  std::size_t const limit =
      std::min({n1 < p.norm.size() ? std::size_t{p.span(n1).begin} : p.text.size(),
                end + max_trailing_bytes, p.text.size()});
  while (end < limit) {
    detail::utf8_sequence const d = detail::decode_utf8(p.text, end);
    if (d.cp == U'\n' || detail::is_white_space(d.cp) || end + d.length > limit) break;
    end += d.length;
  }
  return end;
}

std::size_t line_of(std::string_view text, std::size_t byte) {
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(byte), '\n'));
}

/// Whether most fingerprints of p's k-grams inside [n0, n1) are common (`common`: in more than half
/// max_postings essays): then the passage is a stock phrase. Winnowing selects a phrase's k-grams
/// by context, so some of them are selected in few enough essays to stay under the posting bound,
/// and the extension would grow one of those into the whole phrase; the phrase's other
/// fingerprints give it away. (A common k-gram here and there is a common word pair, as English
/// "ofthe": it does not make a passage stock.)
bool mostly_stock(prepared const& p, std::size_t n0, std::size_t n1, std::size_t k,
                  hash_set const& stock) {
  std::size_t total = 0, stocked = 0;
  auto const first =
      std::lower_bound(p.fps.begin(), p.fps.end(), n0,
                       [](std::uint64_t f, std::size_t pos) { return fp_pos(f) < pos; });
  for (auto it = first; it != p.fps.end() && fp_pos(*it) + k <= n1; ++it) {
    ++total;
    stocked += stock.contains(fp_hash(*it)) ? 1 : 0;
  }
  return 2 * stocked > total;
}

/// The passages of A and B from their fingerprints (those in `stock`, sorted, left out).
passage_pair align(prepared const& A, prepared const& B, passage_options const& o,
                   hash_set const& stock, hash_set const& common) {
  passage_pair out;
  std::vector<match> matches;
  std::size_t const k = o.gram;
  for (std::size_t i = 0, j = 0; i < A.by_hash.size() && j < B.by_hash.size();) {
    std::uint32_t const ha = fp_hash(A.by_hash[i]), hb = fp_hash(B.by_hash[j]);
    if (ha != hb) {
      (ha < hb ? i : j)++;
      continue;
    }
    std::size_t ie = i, je = j;
    while (ie < A.by_hash.size() && fp_hash(A.by_hash[ie]) == ha) ++ie;
    while (je < B.by_hash.size() && fp_hash(B.by_hash[je]) == ha) ++je;
    if (!stock.contains(ha)) {
      for (std::size_t x = i; x < std::min(ie, i + max_repeats); ++x)
        for (std::size_t y = j; y < std::min(je, j + max_repeats); ++y) {
          std::uint32_t const pa = fp_pos(A.by_hash[x]), pb = fp_pos(B.by_hash[y]);
          // 32 bits of hash may collide: the k-grams themselves must be equal.
          if (A.norm.compare(pa, k, B.norm, pb, k) == 0) matches.push_back({pa, pb});
        }
    }
    i = ie;
    j = je;
  }
  std::sort(matches.begin(), matches.end(),
            [](match const& x, match const& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });

  // Chains along diagonals: each match joins the open chain it continues best (nearest diagonal),
  // else starts one; a chain closes once the matches have moved max_gap past it.
  std::vector<chain> open, done;
  for (match const& m : matches) {
    for (std::size_t c = 0; c < open.size();) {
      if (m.a > open[c].matches.back().a + o.max_gap + k) {
        done.push_back(std::move(open[c]));
        open[c] = std::move(open.back());
        open.pop_back();
      } else {
        ++c;
      }
    }
    chain* best = nullptr;
    std::int64_t best_shift = 0;
    for (chain& c : open) {
      match const& l = c.matches.back();
      if (m.a <= l.a || m.b <= l.b || m.b > l.b + o.max_gap + k + o.max_shift) continue;
      std::int64_t const shift = std::llabs((static_cast<std::int64_t>(m.a) - m.b) - c.diagonal());
      if (shift > o.max_shift) continue;
      if (best == nullptr || shift < best_shift) {
        best = &c;
        best_shift = shift;
      }
    }
    if (best != nullptr)
      best->matches.push_back(m);
    else
      open.push_back(chain{{m}});
  }
  for (chain& c : open) done.push_back(std::move(c));

  struct found {
    std::size_t a0, a1, b0, b1, chars, han;
  };
  std::vector<found> candidates;
  for (chain const& c : done) {
    std::size_t a0 = c.matches.front().a, b0 = c.matches.front().b;
    std::size_t a1 = c.matches.back().a + k, b1 = c.matches.back().b + k;
    while (a0 > 0 && b0 > 0 && A.norm[a0 - 1] == B.norm[b0 - 1]) --a0, --b0;
    while (a1 < A.norm.size() && b1 < B.norm.size() && A.norm[a1] == B.norm[b1]) ++a1, ++b1;
    // A passage starts and ends between characters of the texts as read: not inside what one
    // character folds to ("ß" is "ss"), or two passages would share its bytes.
    while (a0 < a1 && b0 < b1 && (inside_character(A, a0) || inside_character(B, b0))) ++a0, ++b0;
    while (a1 > a0 && b1 > b0 && (inside_character(A, a1) || inside_character(B, b1))) --a1, --b1;
    if (a0 == a1 || b0 == b1) continue;
    std::size_t han = 0;
    for (std::size_t x = a0; x < a1; ++x) han += is_han(A.norm[x]) ? 1 : 0;
    if (2 * han < a1 - a0) {
      // Space-separated text: the extension may have taken the last letters of different words
      // ("e. Because"); a passage starts and ends at word boundaries in both texts.
      // (The two spans' lengths differ when the chain's diagonal moved: each is checked.)
      while (a0 < a1 && b0 < b1 && (mid_word(A, a0, true) || mid_word(B, b0, true))) ++a0, ++b0;
      while (a1 > a0 && b1 > b0 && (mid_word(A, a1 - 1, false) || mid_word(B, b1 - 1, false)))
        --a1, --b1;
      if (a0 == a1 || b0 == b1) continue;
    }
    std::size_t const chars = matched_chars(A, B, c, a0, a1, b0, b1);
    candidates.push_back({a0, a1, b0, b1, chars, han});
  }
  // The longest first; a passage that overlaps an accepted one in either text is the same copy
  // seen again (a repeated sentence), not another.
  std::sort(candidates.begin(), candidates.end(), [](found const& x, found const& y) {
    return x.chars != y.chars ? x.chars > y.chars : x.a0 < y.a0;
  });
  std::vector<found> kept;
  for (found const& f : candidates) {
    bool const overlaps = std::any_of(kept.begin(), kept.end(), [&](found const& g) {
      return (f.a0 < g.a1 && g.a0 < f.a1) || (f.b0 < g.b1 && g.b0 < f.b1);
    });
    if (overlaps) continue;
    std::size_t const han = f.han;
    std::size_t const len = f.a1 - f.a0;
    // Han text: most fingerprints common (in over half the bound's essays) make a stock phrase.
    // Space-separated text has common k-grams everywhere (its frequent words): only stock ones.
    hash_set const& frequent = 2 * han >= len ? common : stock;
    if (mostly_stock(A, f.a0, f.a1, k, frequent) || mostly_stock(B, f.b0, f.b1, k, frequent))
      continue;
    std::size_t const a_start = A.span(f.a0).begin, a_end = byte_end(A, f.a1);
    bool const long_enough =
        2 * han >= len ? f.chars >= o.min_chars
                       : std::min(count_words(A.text, a_start, a_end),
                                  count_words(B.text, B.span(f.b0).begin, byte_end(B, f.b1))) *
                                 f.chars >=
                             o.min_words * len;  // the words, as many as match
    if (long_enough) kept.push_back(f);
  }
  std::sort(kept.begin(), kept.end(), [](found const& x, found const& y) { return x.a0 < y.a0; });
  std::size_t covered_a = 0, covered_b = 0;
  for (found const& f : kept) {
    passage p;
    p.a_start = A.span(f.a0).begin;
    p.a_end = byte_end(A, f.a1);
    p.b_start = B.span(f.b0).begin;
    p.b_end = byte_end(B, f.b1);
    p.a_line = line_of(A.text, p.a_start);
    p.b_line = line_of(B.text, p.b_start);
    p.chars = f.chars;
    out.passages.push_back(p);
    covered_a += f.a1 - f.a0;
    covered_b += f.b1 - f.b0;
  }
  // Kept passages do not overlap, so the sums are the covered characters.
  if (!A.norm.empty())
    out.containment_a = static_cast<double>(covered_a) / static_cast<double>(A.norm.size());
  if (!B.norm.empty())
    out.containment_b = static_cast<double>(covered_b) / static_cast<double>(B.norm.size());
  return out;
}

}  // namespace

void validate(passage_options const& o) {
  auto refuse = [](char const* what) {
    throw error(errc::invalid_argument, std::string("passage_options: ") + what);
  };
  if (o.gram < 2 || o.gram > 64) refuse("gram must be 2..64");
  if (o.window < 1 || o.window > 1024) refuse("window must be 1..1024");
  if (o.max_postings < 2) refuse("max_postings must be at least 2");
  if (o.min_shared < 1) refuse("min_shared must be at least 1");
  if (o.min_chars < 1 || o.min_words < 1) refuse("min_chars and min_words must be at least 1");
  if (!o.normalize.drop_punctuation || !o.normalize.drop_whitespace)
    refuse("normalization must drop punctuation and white space");
}

passage_pair passages(std::string_view a, std::string_view b, passage_options const& options) {
  validate(options);
  normalizer const norm(options.normalize);
  prepared A, B;
  prepare(norm, options, std::string(a), A);
  prepare(norm, options, std::string(b), B);
  hash_set const none;
  passage_pair out = align(A, B, options, none, none);
  out.a = 0;
  out.b = 1;
  return out;
}

struct passage_finder::impl {
  passage_options options;
  normalizer norm;
  std::function<std::string(std::uint32_t)> source;
  std::vector<std::uint32_t> fps;  // every document's sorted distinct hashes, one after another
  std::vector<std::uint64_t> starts{0};  // document d's are fps[starts[d], starts[d + 1])
  std::vector<std::string> texts;        // without a source

  explicit impl(passage_options const& o) : options(o), norm(o.normalize) {}
};

passage_finder::passage_finder(passage_options const& options) {
  validate(options);
  impl_ = std::make_unique<impl>(options);
}
passage_finder::~passage_finder() = default;
passage_finder::passage_finder(passage_finder&&) noexcept = default;
passage_finder& passage_finder::operator=(passage_finder&&) noexcept = default;

void passage_finder::set_text_source(std::function<std::string(std::uint32_t)> source) {
  if (size() > 0)
    throw error(errc::invalid_argument,
                "passage_finder: the text source is set before the first document");
  impl_->source = std::move(source);
}

void passage_finder::fingerprint(std::string_view text, std::vector<std::uint32_t>& out) const {
  thread_local std::u32string norm;
  impl_->norm.normalize(text, norm);
  fingerprint_normalized(norm, out);
}

void passage_finder::fingerprint_normalized(std::u32string_view normalized,
                                            std::vector<std::uint32_t>& out) const {
  thread_local std::vector<std::uint64_t> grams;
  thread_local std::vector<std::uint64_t> suffix;
  thread_local fingerprint_list fps;
  winnow(normalized, impl_->options, grams, suffix, fps);
  out.resize(fps.size());
  for (std::size_t i = 0; i < fps.size(); ++i) out[i] = fp_hash(fps[i]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

void passage_finder::reserve(std::size_t documents, std::size_t fingerprints) {
  impl_->starts.reserve(documents + 1);
  impl_->fps.reserve(fingerprints);
}

std::uint32_t passage_finder::add(std::string_view text) {
  thread_local std::vector<std::uint32_t> fps;
  fingerprint(text, fps);
  if (!impl_->source) impl_->texts.emplace_back(text);
  std::uint32_t const doc = static_cast<std::uint32_t>(size());
  impl_->fps.insert(impl_->fps.end(), fps.begin(), fps.end());
  impl_->starts.push_back(impl_->fps.size());
  return doc;
}

std::uint32_t passage_finder::add_fingerprints(std::span<const std::uint32_t> fingerprints) {
  if (!impl_->source)
    throw error(errc::invalid_argument, "passage_finder: add_fingerprints needs a text source");
  if (size() >= UINT32_MAX) throw error(errc::limit_exceeded, "passage_finder: 2^32 - 1 documents");
  std::uint32_t const doc = static_cast<std::uint32_t>(size());
  impl_->fps.insert(impl_->fps.end(), fingerprints.begin(), fingerprints.end());
  impl_->starts.push_back(impl_->fps.size());
  return doc;
}

std::size_t passage_finder::size() const noexcept {
  return impl_->starts.size() - 1;
}
passage_options const& passage_finder::options() const noexcept {
  return impl_->options;
}

passage_result passage_finder::run(std::span<const std::uint32_t> alike) const {
  impl const& m = *impl_;
  passage_options const& o = m.options;
  if (!alike.empty() && alike.size() != size())
    throw error(errc::invalid_argument, "passage_finder::run: " + std::to_string(alike.size()) +
                                            " groups for " + std::to_string(size()) + " documents");
  // The groups small enough to count pair by pair; a pair in one is left out of the index's counts.
  std::vector<std::uint32_t> group_of(alike.begin(), alike.end());
  std::vector<std::vector<std::uint32_t>> groups;  // each one's documents, in order
  if (!group_of.empty()) {
    std::vector<std::uint32_t> number;  // a group's place in `groups`, by the caller's number
    std::vector<std::size_t> members;
    for (std::uint32_t g : group_of)
      if (g != no_group && g >= members.size()) members.resize(std::size_t{g} + 1);
    for (std::uint32_t g : group_of)
      if (g != no_group) ++members[g];
    number.assign(members.size(), no_group);
    for (std::size_t d = 0; d < group_of.size(); ++d) {
      std::uint32_t& g = group_of[d];
      if (g == no_group) continue;
      if (members[g] < 2 || members[g] > o.max_postings) {
        g = no_group;
        continue;
      }
      if (number[g] == no_group) {
        number[g] = static_cast<std::uint32_t>(groups.size());
        groups.emplace_back();
      }
      groups[number[g]].push_back(static_cast<std::uint32_t>(d));
      g = number[g];
    }
  }
  auto same_group = [&](std::uint64_t pair) {
    if (groups.empty()) return false;
    std::uint32_t const g = group_of[pair >> 32];
    return g != no_group && g == group_of[static_cast<std::uint32_t>(pair)];
  };
  passage_result result;
  result.stats.documents = size();
  result.stats.fingerprints = m.fps.size();
  unsigned const threads = detail::resolve_threads(o.threads);

  // The index, a slice of the hash space at a time (about 8 million postings each, so that the
  // (hash, document) entries never take more than 64 MiB); each document's hashes are sorted, so
  // each slice is the next stretch of every document's list. `group` gets each fingerprint's
  // documents, entries [i, j) of the slice.
  unsigned const slice_bits =
      static_cast<unsigned>(std::min<std::size_t>(16, std::bit_width(m.fps.size() >> 23)));
  std::size_t const slices = std::size_t{1} << slice_bits;
  std::vector<std::uint64_t> cursor;
  std::vector<std::uint64_t> entries, scratch, passing;
  bool kept_whole = false;  // one slice: the entries the first pass sorted serve the second
  auto for_each_fingerprint = [&](auto&& group, auto&& slice_done) {
    cursor.assign(m.starts.begin(), m.starts.end() - 1);
    for (std::size_t s = 0; s < slices; ++s) {
      std::uint64_t const upto = (static_cast<std::uint64_t>(s) + 1) << (32 - slice_bits);
      if (!kept_whole) {
        entries.clear();
        // Keyed by the hash without the slice's bits (the same for all), documents in order.
        for (std::size_t d = 0; d < size(); ++d) {
          std::uint64_t& c = cursor[d];
          for (; c < m.starts[d + 1] && m.fps[c] < upto; ++c)
            entries.push_back(
                static_cast<std::uint64_t>(static_cast<std::uint32_t>(m.fps[c] << slice_bits))
                    << 32 |
                d);
        }
        // Stable by key: each key's documents stay in order, so the entries come out sorted.
        detail::radix_sort_high_half(entries, scratch);
      }
      std::uint32_t const slice_top =
          slice_bits == 0 ? 0u : static_cast<std::uint32_t>(s << (32 - slice_bits));
      for (std::size_t i = 0; i < entries.size();) {
        std::size_t j = i;
        while (j < entries.size() && (entries[j] >> 32) == (entries[i] >> 32)) ++j;
        group(i, j, slice_top | static_cast<std::uint32_t>((entries[i] >> 32) >> slice_bits));
        i = j;
      }
      slice_done();
    }
    kept_whole = slices == 1;
  };
  auto for_each_pair = [&](std::size_t i, std::size_t j, auto&& take) {
    for (std::size_t x = i; x < j; ++x)
      for (std::size_t y = x + 1; y < j; ++y)
        take((entries[x] & 0xFFFFFFFFu) << 32 | (entries[y] & 0xFFFFFFFFu));
  };
  // Pairs sharing min_shared fingerprints, in two passes, so that memory holds neither every pair
  // that shares one (tens of millions on a large corpus) nor every shared fingerprint: the first
  // pass counts each pair's shared fingerprints in a sketch of fixed size (two rows of saturating
  // 8-bit counters; the smaller of a pair's two is never under its count), the second counts
  // exactly the pairs the sketch lets through.
  unsigned const row_bits = static_cast<unsigned>(
      std::clamp<std::size_t>(std::bit_width(m.fps.size()), 12, max_sketch_row_bits));
  std::size_t const row = std::size_t{1} << row_bits;
  std::vector<std::uint8_t> sketch(2 * row);
  auto counter = [&](std::uint64_t pair, std::size_t r) {
    return r * row + (detail::mix64(pair ^ (r ? 0x9E3779B97F4A7C15ull : 0)) >> (64 - row_bits));
  };
  // The sketch's counters are far apart (rows of up to 64 MiB): each pair's two are prefetched
  // as it comes and touched a batch later, so that the misses overlap instead of following each
  // other. The counts do not depend on the order.
  constexpr std::size_t ahead = 32;
  std::array<std::uint64_t, ahead> batch_pairs{};
  std::array<std::size_t, 2 * ahead> batch_slots{};
  std::size_t batched = 0;
  auto batch = [&](std::uint64_t pair, auto&& flush) {
    std::size_t const s0 = counter(pair, 0), s1 = counter(pair, 1);
    __builtin_prefetch(sketch.data() + s0, 1);
    __builtin_prefetch(sketch.data() + s1, 1);
    batch_pairs[batched] = pair;
    batch_slots[2 * batched] = s0;
    batch_slots[2 * batched + 1] = s1;
    if (++batched == ahead) flush();
  };
  auto add_batch = [&] {
    for (std::size_t x = 0; x < 2 * batched; ++x) {
      std::uint8_t& c = sketch[batch_slots[x]];
      c = static_cast<std::uint8_t>(c + (c < 255 ? 1 : 0));
    }
    batched = 0;
  };
  auto pass_batch = [&] {
    for (std::size_t x = 0; x < batched; ++x)
      if (std::min(sketch[batch_slots[2 * x]], sketch[batch_slots[2 * x + 1]]) >= o.min_shared)
        passing.push_back(batch_pairs[x]);
    batched = 0;
  };
  hash_set stock, common;  // in more than max_postings essays; than half as many
  for_each_fingerprint(
      [&](std::size_t i, std::size_t j, std::uint32_t hash) {
        if (j - i > o.max_postings / 2) common.add(hash);
        if (j - i > o.max_postings) {
          stock.add(hash);
          ++result.stats.stock_fingerprints;
          result.stats.stock_postings += j - i;
          return;
        }
        // Common fingerprints make no candidates: a passage made of them is a stock phrase.
        if (j - i > o.max_postings / 2) return;
        for_each_pair(i, j, [&](std::uint64_t pair) {
          if (!same_group(pair)) batch(pair, add_batch);
        });
      },
      [] {});
  add_batch();
  stock.finish();
  common.finish();
  std::vector<std::uint64_t> counted_keys;  // distinct passing pairs so far, sorted, with counts
  std::vector<std::uint32_t> counted_n;
  for_each_fingerprint(
      [&](std::size_t i, std::size_t j, std::uint32_t) {
        if (j - i > o.max_postings / 2) return;
        for_each_pair(i, j, [&](std::uint64_t pair) {
          if (!same_group(pair)) batch(pair, pass_batch);
        });
      },
      [&] {
        pass_batch();
        // Merged into the counts so far: distinct pairs, not every shared fingerprint.
        detail::radix_sort(passing, scratch);
        std::vector<std::uint64_t> keys;
        std::vector<std::uint32_t> counts;
        keys.reserve(counted_keys.size() + passing.size() / 2);
        std::size_t x = 0;
        for (std::size_t i = 0; i < passing.size();) {
          std::size_t j = i;
          while (j < passing.size() && passing[j] == passing[i]) ++j;
          for (; x < counted_keys.size() && counted_keys[x] < passing[i]; ++x) {
            keys.push_back(counted_keys[x]);
            counts.push_back(counted_n[x]);
          }
          std::uint32_t n = static_cast<std::uint32_t>(j - i);
          if (x < counted_keys.size() && counted_keys[x] == passing[i]) n += counted_n[x++];
          keys.push_back(passing[i]);
          counts.push_back(n);
          i = j;
        }
        for (; x < counted_keys.size(); ++x) {
          keys.push_back(counted_keys[x]);
          counts.push_back(counted_n[x]);
        }
        counted_keys.swap(keys);
        counted_n.swap(counts);
        passing.clear();
      });
  std::vector<std::uint8_t>().swap(sketch);
  std::vector<std::uint64_t>().swap(entries);
  std::vector<std::uint64_t>().swap(scratch);
  std::vector<std::uint64_t>().swap(passing);
  std::vector<std::uint64_t>().swap(cursor);
  std::vector<std::uint64_t> candidates;
  for (std::size_t i = 0; i < counted_keys.size(); ++i)
    if (counted_n[i] >= o.min_shared) candidates.push_back(counted_keys[i]);
  std::vector<std::uint64_t>().swap(counted_keys);
  std::vector<std::uint32_t>().swap(counted_n);
  // The groups' pairs: the fingerprints both documents hold that the index counts (not common),
  // by merging their sorted lists, each group into its own slot.
  if (!groups.empty()) {
    std::vector<std::vector<std::uint64_t>> from_group(groups.size());
    detail::parallel_for(
        groups.size(), threads, 16, [&](std::size_t begin, std::size_t end, unsigned) {
          for (std::size_t g = begin; g < end; ++g) {
            auto const& docs = groups[g];
            for (std::size_t x = 0; x < docs.size(); ++x)
              for (std::size_t y = x + 1; y < docs.size(); ++y) {
                std::uint32_t const* p = m.fps.data() + m.starts[docs[x]];
                std::uint32_t const* const p_end = m.fps.data() + m.starts[docs[x] + 1];
                std::uint32_t const* q = m.fps.data() + m.starts[docs[y]];
                std::uint32_t const* const q_end = m.fps.data() + m.starts[docs[y] + 1];
                unsigned shared = 0;
                while (p != p_end && q != q_end && shared < o.min_shared) {
                  if (*p < *q) {
                    ++p;
                  } else if (*q < *p) {
                    ++q;
                  } else {
                    shared += common.contains(*p) ? 0 : 1;
                    ++p;
                    ++q;
                  }
                }
                if (shared >= o.min_shared)
                  from_group[g].push_back(std::uint64_t{docs[x]} << 32 | docs[y]);
              }
          }
        });
    for (auto const& f : from_group) candidates.insert(candidates.end(), f.begin(), f.end());
    std::sort(candidates.begin(), candidates.end());
  }
  result.stats.candidate_pairs = candidates.size();

  // Alignment on every thread, each pair into its own slot. Each thread keeps the essays it
  // prepared last (a copied essay is in several pairs, and candidates come sorted by a, their b
  // mostly near a): the cache changes the speed only, never a result.
  std::vector<std::optional<passage_pair>> found(candidates.size());
  std::vector<std::uint32_t> unreadable(candidates.size(), UINT32_MAX);  // per pair, its own slot
  struct prepared_cache {
    std::vector<prepared> slots = std::vector<prepared>(prepared_cache_size);
    std::vector<std::uint32_t> doc = std::vector<std::uint32_t>(prepared_cache_size, UINT32_MAX);
    std::unordered_map<std::uint32_t, std::size_t> slot_of;
    std::size_t next = 0;  // the slot taken next, in turn
  };
  std::vector<prepared_cache> caches(threads);
  // `keep`: a document whose slot must not be taken (the pair's a, while b is prepared).
  auto prepared_of = [&](prepared_cache& cache, std::size_t pair, std::uint32_t doc,
                         std::uint32_t keep) -> prepared const& {
    if (auto const hit = cache.slot_of.find(doc); hit != cache.slot_of.end())
      return cache.slots[hit->second];
    if (cache.doc[cache.next] == keep) cache.next = (cache.next + 1) % prepared_cache_size;
    std::size_t const slot = cache.next;
    cache.next = (cache.next + 1) % prepared_cache_size;
    if (cache.doc[slot] != UINT32_MAX) cache.slot_of.erase(cache.doc[slot]);
    cache.doc[slot] = doc;
    cache.slot_of.emplace(doc, slot);
    prepared& p = cache.slots[slot];
    // A slot keeps its buffers for the next essay, but not a long essay's: 128 of those would
    // hold hundreds of megabytes.
    if (p.norm.capacity() > max_kept_chars) p = prepared{};
    p.ok = false;
    std::string text;
    if (!m.source) {
      text = m.texts[doc];
    } else {
      try {
        text = m.source(doc);
      } catch (error const&) {
        unreadable[pair] = doc;
        return p;
      }
    }
    prepare(m.norm, o, std::move(text), p);
    return p;
  };
  detail::parallel_for(candidates.size(), threads, 64,
                       [&](std::size_t begin, std::size_t end, unsigned worker) {
                         prepared_cache& cache = caches[worker];
                         for (std::size_t i = begin; i < end; ++i) {
                           auto const a = static_cast<std::uint32_t>(candidates[i] >> 32);
                           auto const b = static_cast<std::uint32_t>(candidates[i]);
                           prepared const& A = prepared_of(cache, i, a, UINT32_MAX);
                           if (!A.ok) continue;
                           prepared const& B = prepared_of(cache, i, b, a);
                           if (!B.ok) continue;
                           passage_pair pair = align(A, B, o, stock, common);
                           if (pair.passages.empty()) continue;
                           pair.a = a;
                           pair.b = b;
                           found[i] = std::move(pair);
                         }
                       });
  for (auto& f : found)
    if (f) result.pairs.push_back(std::move(*f));
  result.stats.pairs = result.pairs.size();
  std::sort(unreadable.begin(), unreadable.end());
  result.stats.unreadable = static_cast<std::size_t>(
      std::unique(unreadable.begin(),
                  std::lower_bound(unreadable.begin(), unreadable.end(), UINT32_MAX)) -
      unreadable.begin());
  return result;
}

}  // namespace neardup
