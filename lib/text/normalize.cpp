// normalize: UTF-8 decode, one table lookup per code point, append. Everything unusual (web
// artifacts, pinyin annotations, expansions, combining sequences) leaves the hot loop through one
// flag test and is handled out of line.

#include <neardup/normalize.hpp>

#include <neardup/error.hpp>

#include "text/fold_table.hpp"
#include "text/normalize_block.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {
namespace {

using detail::fold_table;
namespace fold = detail::fold;

using byte_ptr = unsigned char const*;

/// Decodes one code point at `p` (< end) with detail::decode_utf8 (ill-formed input: one U+FFFD per
/// maximal subpart), adding the bytes of an ill-formed sequence to `invalid`.
inline byte_ptr next_code_point(byte_ptr p, byte_ptr end, char32_t& cp, std::size_t& invalid) noexcept {
  detail::utf8_sequence const d = detail::decode_utf8(p, end);
  cp = d.cp;
  if (d.status != detail::utf8_status::ok) [[unlikely]] invalid += d.length;
  return p + d.length;
}

[[nodiscard]] constexpr bool is_ascii_alpha(char32_t c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
[[nodiscard]] constexpr bool is_ascii_digit(char32_t c) noexcept { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr bool is_ascii_alnum(char32_t c) noexcept {
  return is_ascii_alpha(c) || is_ascii_digit(c);
}
[[nodiscard]] constexpr char32_t ascii_lower(char32_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

// Tone-marked pinyin vowels and ü, lower and upper case (all in U+00C0..U+01DC).
constexpr std::array<char32_t, 50> pinyin_vowels = {
    U'ā', U'á', U'ǎ', U'à', U'ē', U'é', U'ě', U'è', U'ī', U'í', U'ǐ', U'ì', U'ō',
    U'ó', U'ǒ', U'ò', U'ū', U'ú', U'ǔ', U'ù', U'ǖ', U'ǘ', U'ǚ', U'ǜ', U'ü', U'Ā',
    U'Á', U'Ǎ', U'À', U'Ē', U'É', U'Ě', U'È', U'Ī', U'Í', U'Ǐ', U'Ì', U'Ō', U'Ó',
    U'Ǒ', U'Ò', U'Ū', U'Ú', U'Ǔ', U'Ù', U'Ǖ', U'Ǘ', U'Ǚ', U'Ǜ', U'Ü'};

[[nodiscard]] bool is_pinyin_letter(char32_t c) noexcept {
  if (is_ascii_alpha(c)) return true;
  if (c < 0xC0 || c > 0x1DC) return false;
  return std::find(pinyin_vowels.begin(), pinyin_vowels.end(), c) != pinyin_vowels.end();
}

/// Characters that may occur inside a URL (RFC 3986 unreserved + reserved + '%').
[[nodiscard]] bool is_url_char(unsigned char c) noexcept {
  if (is_ascii_alnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case ':': case '/': case '?': case '#': case '[':
    case ']': case '@': case '!': case '$': case '&': case '\'': case '(': case ')': case '*':
    case '+': case ',': case ';': case '=': case '%':
      return true;
    default:
      return false;
  }
}

/// Sentence punctuation that more likely ends the sentence than the URL it follows.
[[nodiscard]] bool is_url_trailer(unsigned char c) noexcept {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '\'': case ')': case ']':
      return true;
    default:
      return false;
  }
}

struct named_entity {
  std::string_view name;
  char32_t cp;
};

// The entities that actually turn up in scraped essays; anything else stays literal text.
constexpr std::array<named_entity, 28> named_entities = {{
    {"nbsp", 0xA0},   {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},   {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"middot", 0xB7}, {"bull", 0x2022},
    {"copy", 0xA9},   {"reg", 0xAE},     {"trade", 0x2122}, {"times", 0xD7},   {"divide", 0xF7},
    {"yen", 0xA5},    {"deg", 0xB0},     {"laquo", 0xAB},   {"raquo", 0xBB},   {"emsp", 0x2003},
    {"ensp", 0x2002}, {"thinsp", 0x2009}, {"shy", 0xAD},
}};

constexpr std::size_t max_tag_bytes = 256;       // a '<' not closed by then is text, not a tag
constexpr std::size_t max_comment_bytes = 4096;  // same for "<!--" ... "-->"
// <script> and <style> hold code, not text: dropped with their contents up to the closing tag,
// which is looked for this far (an inline script or style sheet of a page; a larger one is kept as
// text after its opening tag is dropped, so that an unclosed "<script>" cannot hide the rest of a
// file).
constexpr std::size_t max_raw_text_bytes = 256 * 1024;
constexpr std::array<std::string_view, 2> raw_text_elements = {"script", "style"};
// Stream-Safe Text Format (UAX #15) caps a run of non-starters at 30; looking further back for the
// start of a combining sequence would only make crafted input quadratic.
constexpr std::size_t max_segment_lookback = 32;
constexpr std::size_t max_segment_length = 64;
constexpr std::uint32_t no_prev = 0xFFFFFFFF;  // nothing decoded yet
constexpr std::uint32_t in_segment = 0xFFFFFFFE;  // previous code points are held in segment_

/// State of one normalize() call.
class run {
 public:
  run(fold_table const& table, std::u32string& out, std::uint32_t slow_mask, std::uint32_t drop_mask)
      : table_(table), out_(out), slow_mask_(slow_mask), drop_mask_(drop_mask) {}

  /// Whether a combining character took the slow path (and the whole output was folded again).
  [[nodiscard]] bool composed() const noexcept { return composed_; }

  /// go() without the hot loop: every character through slow(), which applies all the rules (the
  /// hot loop's common case included), noting after each step the input bytes the new output came
  /// from. A composition remakes its segment's output, which then spans from the segment's start.
  normalize_stats go_keeping_offsets(std::string_view utf8, std::vector<source_span>& spans) {
    auto const begin = reinterpret_cast<byte_ptr>(utf8.data());
    byte_ptr const end = begin + utf8.size();
    spans.clear();
    for (byte_ptr p = begin; p < end;) {
      char32_t cp = 0;
      byte_ptr const next = next_code_point(p, end, cp, stats_.invalid_bytes);
      std::uint32_t const e = table_.lookup(cp);
      if ((e & slow_mask_) == 0 && prev_ != in_segment) [[likely]] {
        // What slow() and the span bookkeeping below do for such a character, without them: it
        // becomes at most one code point, whose span is its own bytes.
        prev_ = cp;
        std::size_t const kept = out_.size();
        append_folded(cp, e, out_);
        if (out_.size() > kept)
          spans.push_back(source_span{static_cast<std::uint32_t>(p - begin),
                                      static_cast<std::uint32_t>(next - begin)});
        p = next;
        continue;
      }
      byte_ptr const q = slow(p, next, end, cp, e);
      auto from = static_cast<std::uint32_t>(p - begin);
      std::size_t keep = std::min(spans.size(), out_.size());
      if (prev_ == in_segment && segment_start_ < keep) {
        from = spans[segment_start_].begin;
        keep = segment_start_;
      }
      spans.resize(keep);
      spans.resize(out_.size(), source_span{from, static_cast<std::uint32_t>(q - begin)});
      p = q;
    }
    if (composed_) {
      std::u32string whole;
      fold_to_fixed_point(out_, whole);
      if (whole.size() != out_.size()) {
        // The last pass changed the length (rare: combining marks that met across a drop): spans
        // are spread over the new text in order, exact only where nothing moved.
        std::vector<source_span> spread(whole.size());
        std::size_t const was = spans.size();
        for (std::size_t i = 0; i < whole.size(); ++i) {
          spread[i].begin = spans[i * was / whole.size()].begin;
          spread[i].end = spans[std::max<std::size_t>((i + 1) * was / whole.size(), 1) - 1].end;
        }
        spans.swap(spread);
      }
      out_.swap(whole);
    }
    return stats_;
  }

  normalize_stats go(std::string_view utf8) {
    // One instance of the loop per target: without the block path the scalar loop compiles as it
    // would alone (a call in it, even one never taken, costs a third of its speed in register
    // spills), and each block call is a direct one.
    switch (detail::active_block_target()) {
      case detail::block_target::avx512:
        return go_with<detail::block_target::avx512>(utf8);
      case detail::block_target::avx2:
        return go_with<detail::block_target::avx2>(utf8);
      case detail::block_target::scalar:
        break;
    }
    return go_with<detail::block_target::scalar>(utf8);
  }

 private:
  template <detail::block_target Target>
  normalize_stats go_with(std::string_view utf8) {
    auto p = reinterpret_cast<byte_ptr>(utf8.data());
    byte_ptr const end = p + utf8.size();
    // The fast path writes into a plain buffer (no size and terminator bookkeeping per character),
    // appended to out_ when full and before anything else touches out_.
    constexpr std::size_t pending_size = 16 * 1024;
    thread_local std::vector<char32_t> pending(pending_size);
    char32_t* const pending_begin = pending.data();
    char32_t* const pending_end = pending_begin + pending_size;
    char32_t* w = pending_begin;
    // Everything the fast path touches in locals, so that it lives in registers: the table, the
    // masks, the previous code point (stored back before the slow path reads it).
    std::uint32_t const* const bmp = table_.bmp.data();
    std::uint32_t const slow_mask = slow_mask_;
    std::uint32_t const drop_mask = drop_mask_;
    std::uint32_t prev = prev_;
    // Where the CPU has them, 64-byte blocks go through the target's block function first; what it
    // hands back (up to scalar_until) takes the loop below, character by character.
    [[maybe_unused]] byte_ptr scalar_until = p;
    while (p < end) {
      if constexpr (Target != detail::block_target::scalar) {
        if (p >= scalar_until && end - p >= static_cast<std::ptrdiff_t>(detail::block_input_bytes)) {
          if (pending_end - w < static_cast<std::ptrdiff_t>(detail::block_output_slots)) {
            out_.append(pending_begin, w);
            w = pending_begin;
          }
          detail::block_step const step =
              Target == detail::block_target::avx512
                  ? detail::normalize_block(p, bmp, slow_mask, drop_mask, w, prev)
                  : detail::normalize_block_avx2(p, bmp, slow_mask, drop_mask, w, prev);
          w = step.w;
          prev = step.prev;
          if (step.consumed > 0) {
            p += step.consumed;
            continue;
          }
          scalar_until = p + step.scalar;
        }
      }
      if (w == pending_end) [[unlikely]] {
        out_.append(pending_begin, w);
        w = pending_begin;
      }
      char32_t cp = 0;
      byte_ptr const next = next_code_point(p, end, cp, stats_.invalid_bytes);
      // table_.lookup() does the same, but reloads the table's address on every character.
      std::uint32_t const e = cp < 0x10000 ? bmp[cp] : table_.lookup(cp);
      if ((e & slow_mask) == 0) [[likely]] {
        prev = cp;
        if ((e & drop_mask) == 0) {
          std::uint32_t const v = e & fold::value_mask;
          *w++ = v != 0 ? static_cast<char32_t>(v) : cp;
        }
        p = next;
        continue;
      }
      out_.append(pending_begin, w);
      w = pending_begin;
      prev_ = prev;
      p = slow(p, next, end, cp, e);
      prev = prev_;
    }
    prev_ = prev;
    out_.append(pending_begin, w);
    if (composed_) {
      // Segment-wise composition is local; once combining characters were seen, one fixed-point
      // pass over the whole (short, already folded) result makes the output exactly idempotent
      // even where drops brought far-apart characters together. Chinese text never gets here.
      std::u32string whole;
      fold_to_fixed_point(out_, whole);
      out_.swap(whole);
    }
    return stats_;
  }

  /// Handles a code point whose entry has a slow_mask_ flag; returns where decoding continues.
  byte_ptr slow(byte_ptr p, byte_ptr next, byte_ptr end, char32_t cp, std::uint32_t e) {
    if ((e & slow_mask_ & fold::web) != 0) {
      if (byte_ptr const q = web_artifact(p, end)) return q;
    }
    if ((e & slow_mask_ & fold::paren) != 0 && prev_is_han()) {
      if (byte_ptr const q = pinyin_annotation(next, end)) {
        ++stats_.pinyin_annotations;
        return q;  // the Han character stays the previous one, as if the annotation never was
      }
    }
    feed(cp, e);
    return next;
  }

  [[nodiscard]] std::uint32_t prev_raw() const noexcept {
    if (prev_ == in_segment) return static_cast<std::uint32_t>(segment_.back());
    return prev_;
  }
  [[nodiscard]] bool prev_is_han() const noexcept {
    std::uint32_t const prev = prev_raw();
    return prev != no_prev && (table_.lookup(prev) & fold::han) != 0;
  }

  /// Folds one input code point outside the hot loop.
  void feed(char32_t cp, std::uint32_t e) {
    if ((e & fold::compose) != 0) {
      compose(cp);
      return;
    }
    prev_ = cp;
    append_folded(cp, e, out_);
  }

  /// Appends the folded, not dropped, code points of `cp` (entry `e`) to `to`.
  /// Returns whether that differs from appending `cp` itself.
  bool append_folded(char32_t cp, std::uint32_t e, std::u32string& to) const {
    if ((e & fold::expand) != 0) {
      for (std::uint32_t const x : table_.expansion(e)) {
        if ((x & drop_mask_) == 0) to.push_back(static_cast<char32_t>(x & fold::value_mask));
      }
      return true;
    }
    if ((e & drop_mask_) != 0) return true;
    std::uint32_t const v = e & fold::value_mask;
    to.push_back(v != 0 ? static_cast<char32_t>(v) : cp);
    return v != 0;
  }

  /// How many code points the previous input code point (with entry `e`) left in out_.
  [[nodiscard]] std::size_t kept_count(std::uint32_t e) const noexcept {
    if ((e & fold::expand) != 0) {
      std::size_t n = 0;
      for (std::uint32_t const x : table_.expansion(e)) n += (x & drop_mask_) == 0 ? 1 : 0;
      return n;
    }
    return (e & drop_mask_) == 0 ? 1 : 0;
  }

  /// `cp` may normalize together with what precedes it (a combining mark, a Hangul vowel, ...):
  /// renormalize its whole segment with ICU. The segment holds the *input* code points since the
  /// last boundary, dropped ones included, because a dropped '<' followed by U+0338 still composes
  /// to '≮' (and is then dropped whole).
  void compose(char32_t cp) {
    composed_ = true;
    if (prev_ == in_segment && segment_.size() >= max_segment_length) {
      // Not stream-safe text (UAX #15): end the segment here instead of renormalizing an
      // ever longer one for every further mark, which would be quadratic.
      segment_.clear();
      segment_start_ = out_.size();
    } else if (prev_ != in_segment) {
      segment_.clear();
      segment_start_ = out_.size();
      if (prev_ != no_prev) {
        segment_.push_back(static_cast<char32_t>(prev_));
        segment_start_ -= kept_count(table_.lookup(prev_));
      }
      prev_ = in_segment;
    }
    segment_.push_back(cp);
    out_.resize(segment_start_);
    fold_to_fixed_point(segment_, folded_);
    // Dropping characters can make neighbours of text that was apart ("e", control, U+0301): if
    // what remains starts with a combining character, it joins the kept text before it.
    if (!folded_.empty() && segment_start_ > 0 && (table_.lookup(folded_[0]) & fold::compose) != 0) {
      std::size_t k = segment_start_;
      std::size_t const limit = k > max_segment_lookback ? k - max_segment_lookback : 0;
      while (k > limit) {
        --k;
        if ((table_.lookup(out_[k]) & fold::compose) == 0) break;
      }
      segment_.insert(0, out_, k, segment_start_ - k);
      segment_start_ = k;
      out_.resize(k);
      fold_to_fixed_point(segment_, folded_);
    }
    out_.append(folded_);
  }

  /// result = fold(text) repeated until it no longer changes: ICU NFKC_Casefold, then each code
  /// point through the table (Traditional->Simplified, drops).
  void fold_to_fixed_point(std::u32string_view text, std::u32string& result) {
    scratch_.assign(text);
    for (int round = 0; round < 4; ++round) {
      normalized_.clear();
      detail::icu_nfkc_casefold(scratch_, normalized_);
      result.clear();
      bool changed = false;
      for (char32_t const c : normalized_) changed |= append_folded(c, table_.lookup(c), result);
      // NFKC_Casefold is idempotent: only a table change (a drop, a T->S mapping) needs another round.
      if (!changed || result == scratch_) return;
      scratch_ = result;
    }
  }

  /// A web artifact starting at p (one of < & h H w W), or nullptr.
  byte_ptr web_artifact(byte_ptr p, byte_ptr end) {
    byte_ptr q = nullptr;
    switch (*p) {
      case '<':
        q = html_tag(p, end);
        if (q != nullptr) {
          q = raw_text_end(p, q, end);
          count_invalid(p, q);
        }
        break;
      case '&':
        return html_entity(p, end);  // counts and feeds the decoded character itself
      default:
        q = url(p, end);
        break;
    }
    if (q != nullptr) ++stats_.web_artifacts;
    return q;
  }

  /// Counts the ill-formed bytes in a skipped span, so that invalid_bytes does not depend on
  /// whether a tag was stripped. The span starts and ends with ASCII, which no ill-formed
  /// subsequence crosses, so the count is the one decoding would have given.
  void count_invalid(byte_ptr p, byte_ptr end) noexcept {
    char32_t ignored = 0;
    while (p < end) p = next_code_point(p, end, ignored, stats_.invalid_bytes);
  }

  static byte_ptr html_tag(byte_ptr p, byte_ptr end) {
    if (end - p < 3) return nullptr;
    char32_t const c = p[1];
    if (!is_ascii_alpha(c) && c != '/' && c != '!') return nullptr;
    std::string_view const rest(reinterpret_cast<char const*>(p), static_cast<std::size_t>(end - p));
    if (rest.starts_with("<!--")) {
      std::size_t const close = rest.substr(0, max_comment_bytes).find("-->", 4);
      if (close != std::string_view::npos) return p + close + 3;
    }
    std::size_t const close = rest.substr(0, max_tag_bytes).find('>', 1);
    if (close == std::string_view::npos) return nullptr;
    return p + close + 1;
  }

  /// For the tag [p, q) that opens a <script> or <style> element, the end of its closing tag when
  /// one starts within max_raw_text_bytes; else q. Linear however many such tags a text has: what
  /// a search found free of closing tags is not searched again for a later opening tag.
  byte_ptr raw_text_end(byte_ptr p, byte_ptr q, byte_ptr end) {
    std::string_view const tag(reinterpret_cast<char const*>(p), static_cast<std::size_t>(q - p));
    std::size_t which = 0;
    while (which < raw_text_elements.size() &&
           !names_element(tag.substr(1), raw_text_elements[which]))
      ++which;
    if (which == raw_text_elements.size() || tag[tag.size() - 2] == '/') return q;  // self-closing
    std::string_view const name = raw_text_elements[which];
    std::size_t const span =
        std::min<std::size_t>(static_cast<std::size_t>(end - q), max_raw_text_bytes);
    std::string_view const rest(reinterpret_cast<char const*>(q), span);
    // A closing tag starting before no_close_before_ was looked for already (back off by its
    // length, which the earlier search may have cut).
    std::size_t from = 0;
    if (no_close_before_[which] != nullptr && no_close_before_[which] > q) {
      from = static_cast<std::size_t>(no_close_before_[which] - q);
      from = from > name.size() + 2 ? from - name.size() - 2 : 0;
    }
    for (std::size_t at = rest.find("</", from); at != std::string_view::npos;
         at = rest.find("</", at + 2)) {
      if (!names_element(rest.substr(at + 2), name)) continue;
      std::size_t const close = rest.find('>', at + 2 + name.size());
      if (close == std::string_view::npos) break;
      ++stats_.web_artifacts;  // the closing tag; the caller counts the opening one
      return q + close + 1;
    }
    if (no_close_before_[which] == nullptr || no_close_before_[which] < q + span)
      no_close_before_[which] = q + span;
    return q;
  }

  /// Whether `s` starts with the element name `name` (ASCII case-insensitive), followed by the end
  /// of the tag name.
  static bool names_element(std::string_view s, std::string_view name) noexcept {
    if (s.size() <= name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
      if (ascii_lower(static_cast<unsigned char>(s[i])) != static_cast<unsigned char>(name[i]))
        return false;
    char const after = s[name.size()];
    return after == '>' || after == '/' || after == ' ' || after == '\t' || after == '\n' ||
           after == '\r' || after == '\f';
  }

  byte_ptr html_entity(byte_ptr p, byte_ptr end) {
    // Longest accepted form: "&#x10FFFF;" or "&#1114111;" (10 bytes).
    std::string_view const rest(reinterpret_cast<char const*>(p),
                                std::min<std::size_t>(static_cast<std::size_t>(end - p), 12));
    std::size_t const semi = rest.find(';', 2);
    if (semi == std::string_view::npos) return nullptr;
    std::string_view const body = rest.substr(1, semi - 1);
    char32_t cp = 0;
    if (body[0] == '#') {
      bool const hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
      std::string_view const digits = body.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > (hex ? 6U : 7U)) return nullptr;
      std::uint32_t v = 0;
      for (char const d : digits) {
        auto const u = static_cast<unsigned char>(d);
        if (is_ascii_digit(u)) v = v * (hex ? 16 : 10) + (u - '0');
        else if (hex && ascii_lower(u) >= 'a' && ascii_lower(u) <= 'f') v = v * 16 + (ascii_lower(u) - 'a' + 10);
        else return nullptr;
      }
      if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return nullptr;
      cp = static_cast<char32_t>(v);
    } else {
      auto const it = std::find_if(named_entities.begin(), named_entities.end(),
                                   [&](named_entity const& n) { return n.name == body; });
      if (it == named_entities.end()) return nullptr;
      cp = it->cp;
    }
    ++stats_.web_artifacts;
    // The decoded character is folded like text but not re-parsed: "&lt;b&gt;" stays "<b>".
    feed(cp, table_.lookup(cp));
    return p + semi + 1;
  }

  byte_ptr url(byte_ptr p, byte_ptr end) const {
    // A URL starts a word: "...awww.x" is not one.
    std::uint32_t const prev = prev_raw();
    if (prev != no_prev && is_ascii_alnum(prev)) return nullptr;
    std::size_t const n = static_cast<std::size_t>(end - p);
    auto starts_with = [&](std::string_view s) {
      if (n < s.size()) return false;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (ascii_lower(p[i]) != static_cast<unsigned char>(s[i])) return false;
      }
      return true;
    };
    byte_ptr q = nullptr;
    if (starts_with("http://")) q = p + 7;
    else if (starts_with("https://")) q = p + 8;
    else if (starts_with("www.")) q = p + 4;
    else return nullptr;
    // Something must follow ("www." alone is just text).
    if (q == end || !is_ascii_alnum(*q)) return nullptr;
    while (q < end && is_url_char(*q)) ++q;
    while (is_url_trailer(q[-1])) --q;
    return q;
  }

  /// A pinyin annotation whose opening parenthesis ends at `q`: returns the end of its closing
  /// parenthesis, or nullptr.
  static byte_ptr pinyin_annotation(byte_ptr q, byte_ptr end) {
    std::size_t ignored = 0;
    int letters = 0;
    while (q < end) {
      char32_t c = 0;
      byte_ptr const next = next_code_point(q, end, c, ignored);
      if (c == ')' || c == 0xFF09) return letters > 0 ? next : nullptr;  // ASCII or FULLWIDTH ')'
      if (!is_pinyin_letter(c) || ++letters > 7) return nullptr;
      q = next;
    }
    return nullptr;
  }

  fold_table const& table_;
  std::u32string& out_;
  bool composed_ = false;  // a combining character took the slow path
  std::uint32_t const slow_mask_;
  std::uint32_t const drop_mask_;
  normalize_stats stats_{};
  // The previous input code point (after tags/annotations are skipped), or no_prev / in_segment.
  // uint32_t, not char32_t, so that writes into out_ cannot alias it in the hot loop.
  std::uint32_t prev_ = no_prev;
  // <script>, <style>: their opening tags before these found no closing tag (raw_text_end).
  std::array<byte_ptr, raw_text_elements.size()> no_close_before_{};
  std::u32string segment_;         // input code points of the current combining segment
  std::size_t segment_start_ = 0;  // where that segment's output starts in out_
  std::u32string folded_;
  std::u32string scratch_;
  std::u32string normalized_;
};


}  // namespace

normalizer::normalizer(normalize_options const& options)
    : options_(options),
      table_(&detail::get_fold_table(options.nfkc_casefold, options.traditional_to_simplified)) {
  slow_mask_ = fold::expand | fold::compose;
  if (options_.strip_web_artifacts) slow_mask_ |= fold::web;
  if (options_.strip_pinyin_annotations) slow_mask_ |= fold::paren;
  if (options_.drop_punctuation) drop_mask_ |= fold::punct;
  if (options_.drop_whitespace) drop_mask_ |= fold::space;
}

std::string_view normalize_simd_target() noexcept {
  return detail::block_target_name(detail::active_block_target());
}

normalize_stats normalizer::normalize(std::string_view utf8, std::u32string& out) const {
  out.clear();
  // Without expansions the output has at most one code point per input byte.
  out.reserve(utf8.size());
  return run(*table_, out, slow_mask_, drop_mask_).go(utf8);
}

bool normalizer::normalize_marking_sentences(std::string_view utf8, std::u32string& out,
                                             normalize_stats& stats) const {
  if (!options_.drop_punctuation || !options_.drop_whitespace) return false;
  out.clear();
  out.reserve(utf8.size());
  fold_table const& marking =
      detail::get_sentence_fold_table(options_.nfkc_casefold, options_.traditional_to_simplified);
  run r(marking, out, slow_mask_, drop_mask_);
  stats = r.go(utf8);
  return !r.composed();
}

normalize_stats normalizer::normalize_with_offsets(std::string_view utf8, std::u32string& out,
                                                   std::vector<source_span>& spans) const {
  if (utf8.size() > UINT32_MAX)
    throw error(errc::invalid_argument, "normalize_with_offsets: a text of 4 GiB or more");
  out.clear();
  out.reserve(utf8.size());
  spans.reserve(utf8.size());
  return run(*table_, out, slow_mask_, drop_mask_).go_keeping_offsets(utf8, spans);
}

std::u32string normalizer::normalize(std::string_view utf8) const {
  std::u32string out;
  normalize(utf8, out);
  return out;
}

std::string normalizer::normalize_to_utf8(std::string_view utf8) const {
  std::u32string const folded = normalize(utf8);
  std::string out;
  out.reserve(folded.size() * 3);
  for (char32_t const c : folded) detail::append_utf8(out, c);
  return out;
}

}  // namespace neardup
