#include "short_gen.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "corpus_gen.hpp"

namespace neardup::bench {
namespace {

std::u32string to_u32(std::string_view s) {
  icu::UnicodeString const u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<std::int32_t>(s.size())));
  std::u32string out;
  for (std::int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1))
    out.push_back(static_cast<char32_t>(u.char32At(i)));
  return out;
}

std::string to_utf8(std::u32string_view s) {
  icu::UnicodeString u;
  for (char32_t c : s) u.append(static_cast<UChar32>(c));
  std::string out;
  u.toUTF8String(out);
  return out;
}

// Not "g" + std::to_string(n): g++ 12 warns (-Wrestrict) about its inlined copy.
std::string numbered(char prefix, std::size_t n) {
  std::string s(1, prefix);
  s += std::to_string(n);
  return s;
}

bool is_han(char32_t c) {
  return c >= 0x4E00 && c <= 0x9FFF;
}

/// A short text's pieces: its characters (Han and the rest) as code points.
class short_maker {
 public:
  explicit short_maker(std::string const& essays_dir) : source_(essays_dir) {
    to_traditional_ = make_transliterator("Simplified-Traditional");
  }

  /// `n` Han characters in the model's order (consecutive in its paragraphs).
  std::u32string han_run(det_rng& rng, std::size_t n) const {
    std::u32string out;
    while (out.size() < n) {
      for (char32_t c : to_u32(source_.paragraph(rng, 400)))
        if (is_han(c) && out.size() < n) out.push_back(c);
    }
    return out;
  }

  /// One Han character of the model's distribution.
  char32_t han(det_rng& rng) const {
    if (pool_.size() < 64 || rng.chance(0.01)) pool_ += han_run(rng, 64);
    return pool_[rng.below(pool_.size())];
  }

  /// Lines of 5 or 7 characters, ，between them and 。after every second (sometimes ？ or ！).
  std::u32string poem(det_rng& rng) const {
    std::size_t const line = rng.chance(0.5) ? 5 : 7;
    std::size_t const lo = (20 + line) / (line + 1), hi = 100 / (line + 1);
    std::size_t lines = rng.between(lo, hi);
    lines += lines % 2;  // couplets
    while (lines * (line + 1) > 100) lines -= 2;
    std::u32string const chars = han_run(rng, lines * line);
    std::u32string out;
    for (std::size_t l = 0; l < lines; ++l) {
      out.append(chars, l * line, line);
      out += l % 2 == 0 ? U'，' : (rng.chance(0.1) ? (rng.chance(0.5) ? U'？' : U'！') : U'。');
    }
    return out;
  }

  /// A generated title, a dash or colon and a phrase: 20–45 code points.
  std::u32string title(det_rng& rng) const {
    std::u32string out = to_u32(text_source::title(rng));
    out += rng.chance(0.5) ? U"——" : U"：";
    std::size_t const total = rng.between(20, 45);
    out += han_run(rng, total > out.size() + 4 ? total - out.size() : 4);
    return out;
  }

  /// One sentence of the model: 20–100 code points, its punctuation kept, ending in 。.
  std::u32string answer(det_rng& rng) const {
    std::size_t const target = rng.between(20, 99);
    std::u32string out;
    while (out.size() < target) {
      std::u32string const p = to_u32(source_.paragraph(rng, 400));
      for (char32_t c : p)
        if (out.size() < target && c != U'\n' && c != U' ' && !(out.empty() && !is_han(c)))
          out.push_back(c);
    }
    while (!out.empty() && !is_han(out.back())) out.pop_back();
    out += U'。';
    return out;
  }

  std::u32string essay(det_rng& rng) const {
    std::u32string out = to_u32(text_source::title(rng));
    std::size_t const target = rng.between(1000, 3000);
    while (out.size() < target) {
      out += U'\n';
      out += to_u32(source_.paragraph(rng, 600));
    }
    return out;
  }

  std::u32string traditional(std::u32string const& s) const {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(to_utf8(s));
    to_traditional_->transliterate(u);
    std::string out;
    u.toUTF8String(out);
    return to_u32(out);
  }

 private:
  text_source source_;
  std::unique_ptr<icu::Transliterator> to_traditional_;
  mutable std::u32string pool_;
};

std::vector<std::size_t> han_positions(std::u32string const& s) {
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (is_han(s[i])) at.push_back(i);
  return at;
}

/// Replaces `count` distinct Han characters of `s` with others.
void replace_chars(det_rng& rng, short_maker const& m, std::u32string& s, std::size_t count) {
  auto at = han_positions(s);
  rng.shuffle(at);
  for (std::size_t i = 0; i < count && i < at.size(); ++i) {
    char32_t c;
    do c = m.han(rng);
    while (c == s[at[i]]);
    s[at[i]] = c;
  }
}

/// `changes` characters replaced, inserted or deleted.
void edit_chars(det_rng& rng, short_maker const& m, std::u32string& s, std::size_t changes) {
  for (std::size_t e = 0; e < changes; ++e) {
    auto const at = han_positions(s);
    std::size_t const i = at[rng.below(at.size())];
    double const op = rng.unit();
    if (op < 0.6) {
      replace_chars(rng, m, s, 1);
    } else if (op < 0.8) {
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(i), m.han(rng));
    } else {
      s.erase(i, 1);
    }
  }
}

/// Other punctuation: marks swapped for others (full or half width), some dropped, spaces added.
void change_punctuation(det_rng& rng, std::u32string& s) {
  static constexpr char32_t marks[] = {U'，', U'。', U'、', U'；', U'！', U'？', U',', U'.', U' '};
  std::u32string out;
  bool changed = false;
  for (char32_t c : s) {
    if (is_han(c) || rng.chance(0.2)) {
      out.push_back(c);
      continue;
    }
    changed = true;
    if (rng.chance(0.15)) continue;  // dropped
    out.push_back(marks[rng.below(std::size(marks))]);
    if (rng.chance(0.2)) out.push_back(U' ');
  }
  if (!changed) out.push_back(U'！');
  s = std::move(out);
}

}  // namespace

std::vector<short_text> generate_short_texts(short_gen_options const& options) {
  short_maker const m(options.essays_dir);
  det_rng rng(options.seed ^ 0x5107'7e27'0000'0001ull);
  struct item {
    std::u32string text;
    std::string group, kind, form;
  };
  std::vector<item> items;
  static constexpr char const* forms[] = {"poem", "title", "answer"};
  static constexpr char const* short_kinds[] = {"script", "punctuation", "edit"};
  for (std::size_t b = 0; b < options.bases; ++b) {
    det_rng r = rng.fork();
    std::string const form = forms[b % std::size(forms)];
    std::u32string const base = form == "poem"    ? m.poem(r)
                                : form == "title" ? m.title(r)
                                                  : m.answer(r);
    // Half the bases get one variant, a quarter a hard negative.
    std::string group;
    if (r.chance(0.5)) {
      group = numbered('g', b);
      std::string const kind = short_kinds[r.below(std::size(short_kinds))];
      std::u32string v = base;
      if (kind == "script") {
        v = m.traditional(base);
        replace_chars(r, m, v, r.between(1, std::max(1u, options.max_changes)));
      } else if (kind == "punctuation") {
        change_punctuation(r, v);
      } else {
        edit_chars(r, m, v, r.between(1, std::max(1u, options.max_changes)));
      }
      items.push_back({std::move(v), group, kind, form});
    }
    items.push_back({base, group, group.empty() ? "unique" : "original", form});
    if (r.chance(0.25)) {
      // Another text of the same form and about the same length, with a stock piece of the base
      // (a quarter to two fifths of it) at the same place: its opening, or within.
      std::u32string neg;
      do neg = form == "poem" ? m.poem(r) : form == "title" ? m.title(r) : m.answer(r);
      while (neg.size() < base.size() * 3 / 4 || neg.size() > base.size() * 4 / 3);
      std::size_t const len = std::min(base.size(), neg.size());
      std::size_t const piece = len * r.between(25, std::max(25u, options.stock_percent)) / 100;
      std::size_t const at = r.chance(0.5) ? 0 : r.below(len - piece + 1);
      std::copy_n(base.begin() + static_cast<std::ptrdiff_t>(at), piece,
                  neg.begin() + static_cast<std::ptrdiff_t>(at));
      items.push_back({std::move(neg), "", "stock", form});
    }
  }
  for (std::size_t e = 0; e < options.essays; ++e) {
    det_rng r = rng.fork();
    std::u32string const text = m.essay(r);
    if (r.chance(0.2)) {
      std::string const group = numbered('e', e);
      std::u32string copy = text;
      replace_chars(r, m, copy, copy.size() / 50);
      items.push_back({text, group, "original", "essay"});
      items.push_back({std::move(copy), group, "essay_copy", "essay"});
    } else {
      items.push_back({text, "", "unique", "essay"});
    }
  }
  rng.shuffle(items);
  std::vector<short_text> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    out.push_back({numbered('s', i), to_utf8(items[i].text), std::move(items[i].group),
                   std::move(items[i].kind), std::move(items[i].form)});
  return out;
}

}  // namespace neardup::bench
