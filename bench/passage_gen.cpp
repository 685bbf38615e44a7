#include "passage_gen.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include "common/utf8.hpp"
#include "corpus_gen.hpp"

namespace neardup::bench {
namespace {

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    detail::utf8_sequence const d = detail::decode_utf8(s, i);
    out.push_back(d.cp);
    i += d.length;
  }
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) detail::append_utf8(out, c);
  return out;
}

bool is_han(char32_t c) {
  return c >= 0x4E00 && c <= 0x9FFF;
}
bool is_final(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == U'.' || c == U'!' || c == U'?';
}

/// A paragraph's sentences, each with its final punctuation (and a closing quote after it).
std::vector<std::string> sentences_of(std::string_view paragraph) {
  std::u32string const p = to_u32(paragraph);
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!is_final(p[i])) continue;
    std::size_t end = i + 1;
    while (end < p.size() && (p[end] == U'”' || p[end] == U'’' || p[end] == U' ')) ++end;
    out.push_back(to_utf8(p.substr(start, end - start)));
    start = end;
    i = end - 1;
  }
  if (start < p.size()) out.push_back(to_utf8(p.substr(start)) + "。");
  return out;
}

std::size_t chars_of(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

/// A piece of an essay: text, and which planted passage it is (as copy or source), if any.
struct piece {
  std::string text;
  int copy_of = -1;    // truth index: this piece is that passage's copy
  int source_of = -1;  // truth index: this piece is that passage's source
};
using paragraph = std::vector<piece>;
struct essay {
  std::string title;
  std::vector<paragraph> paragraphs;
  int kind = 0;
};

constexpr std::array<std::string_view, 12> pinyin = {"fù",  "zá", "dān", "yǔ",  "zhàn", "lǐng",
                                                     "dǎo", "fā", "jī",  "huī", "guān", "yì"};

// Common English words; the vocabulary grows from them (maker::maker).
constexpr std::array<std::string_view, 96> english_words = {
    "the",        "students", "teacher",  "school",   "learned",   "history",    "science",
    "because",    "river",    "village",  "people",   "worked",    "together",   "during",
    "winter",     "summer",   "morning",  "evening",  "friends",   "family",     "books",
    "library",    "reading",  "writing",  "essay",    "important", "country",    "city",
    "small",      "large",    "quickly",  "slowly",   "carefully", "always",     "never",
    "often",      "water",    "mountain", "forest",   "animals",   "doctor",     "hospital",
    "nurses",     "helped",   "patients", "during",   "crisis",    "government", "policy",
    "economy",    "market",   "workers",  "factory",  "farm",      "harvest",    "weather",
    "changed",    "climate",  "energy",   "power",    "light",     "music",      "painting",
    "museum",     "ancient",  "modern",   "culture",  "language",  "spoke",      "listened",
    "answered",   "question", "problem",  "solution", "found",     "believed",   "thought",
    "remembered", "journey",  "train",    "station",  "road",      "bridge",     "built",
    "engineers",  "computer", "network",  "data",     "system",    "results",    "experiment",
    "measured",   "careful",  "honest",   "brave",    "kind"};

class maker {
 public:
  explicit maker(passage_gen_options const& o) : o_(o), rng_(o.seed), text_(o.essays_dir) {
    UErrorCode status = U_ZERO_ERROR;
    to_traditional_.reset(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8("Simplified-Traditional"), UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !to_traditional_)
      throw std::runtime_error(std::string("ICU transliterator Simplified-Traditional: ") +
                               u_errorName(status));
    for (int i = 0; i < 12; ++i) stock_.push_back(sentence_between(25, 45));
    // English words: the real ones above, then made-up ones of two to four syllables, drawn by
    // Zipf's law (rank r with weight 1/r) as running text draws its words.
    for (auto w : english_words) vocabulary_.emplace_back(w);
    constexpr std::array<std::string_view, 20> onsets = {"b", "c",  "d",  "f",  "g",  "h", "l",
                                                         "m", "n",  "p",  "r",  "s",  "t", "v",
                                                         "w", "st", "tr", "pl", "ch", "sh"};
    constexpr std::array<std::string_view, 8> nuclei = {"a", "e", "i", "o", "u", "ea", "ou", "ai"};
    while (vocabulary_.size() < 3000) {
      std::string w;
      for (std::size_t s = 0, n = rng_.between(2, 4); s < n; ++s)
        w += std::string(onsets[rng_.below(onsets.size())]) +
             std::string(nuclei[rng_.below(nuclei.size())]);
      if (rng_.chance(0.4)) w += "n";
      vocabulary_.push_back(std::move(w));
    }
    double total = 0;
    for (std::size_t r = 1; r <= vocabulary_.size(); ++r)
      zipf_.push_back(total += 1.0 / static_cast<double>(r));
    for (int i = 0; i < 12; ++i) english_stock_.push_back(english_sentence(5, 8));
  }

  passage_corpus make() {
    std::size_t const copy_kinds = 6;
    for (std::size_t k = 0; k < copy_kinds; ++k)
      for (std::size_t c = 0; c < o_.cases_per_kind; ++c) make_case(static_cast<int>(k));
    for (std::size_t i = 0; i < o_.negatives; ++i) essays_.push_back(chinese_essay(6));
    for (std::size_t g = 0; g < o_.negatives / 4; ++g) slogan_group();
    // Essays in a random order: which of a pair comes first must not matter.
    std::vector<std::uint32_t> order(essays_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    rng_.shuffle(order);
    std::vector<std::uint32_t> number(order.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) number[order[i]] = i;
    passage_corpus out;
    out.truth.resize(truth_kinds_.size());
    for (std::uint32_t i : order) {
      essay const& e = essays_[i];
      std::string text = e.title + "\n";
      for (std::size_t p = 0; p < e.paragraphs.size(); ++p) {
        for (piece const& pc : e.paragraphs[p]) {
          if (pc.copy_of >= 0) {
            auto& t = out.truth[static_cast<std::size_t>(pc.copy_of)];
            t.copy = number[i];
            t.copy_start = text.size();
            t.copy_end = text.size() + pc.text.size();
          }
          if (pc.source_of >= 0) {
            auto& t = out.truth[static_cast<std::size_t>(pc.source_of)];
            t.source = number[i];
            t.source_start = text.size();
            t.source_end = text.size() + pc.text.size();
          }
          text += pc.text;
        }
        if (p + 1 < e.paragraphs.size()) text += "\n";
      }
      out.texts.push_back(std::move(text));
      out.kind.push_back(e.kind);
    }
    for (std::size_t t = 0; t < out.truth.size(); ++t) out.truth[t].kind = truth_kinds_[t];
    return out;
  }

 private:
  std::string sentence_between(std::size_t lo, std::size_t hi) {
    for (;;) {
      for (std::string const& s : sentences_of(text_.paragraph(rng_, 600)))
        if (chars_of(s) >= lo && chars_of(s) <= hi) return s;
    }
  }

  std::string english_word() {
    double const x = rng_.unit() * zipf_.back();
    return vocabulary_[static_cast<std::size_t>(std::lower_bound(zipf_.begin(), zipf_.end(), x) -
                                                zipf_.begin())];
  }

  std::string english_sentence(std::size_t lo, std::size_t hi) {
    std::size_t const n = rng_.between(lo, hi);
    std::string s;
    for (std::size_t w = 0; w < n; ++w) {
      std::string word = english_word();
      if (w == 0) word[0] = static_cast<char>(word[0] - 32);
      s += (w ? " " : "") + word;
      if (w + 1 < n && rng_.chance(0.08)) s += ",";
    }
    return s + ". ";
  }

  /// A host essay on the model's topic: `paragraphs` paragraphs, stock sentences sprinkled in.
  essay chinese_essay(std::size_t paragraphs) {
    essay e;
    e.title = text_source::title(rng_);
    e.kind = 6;  // "stock" unless a case says otherwise
    for (std::size_t p = 0; p < paragraphs; ++p) {
      paragraph para;
      for (std::string& s : sentences_of(text_.paragraph(rng_, 500)))
        para.push_back({std::move(s)});
      e.paragraphs.push_back(std::move(para));
    }
    for (std::string const& s : stock_)
      if (rng_.chance(0.12)) insert(e, {s});
    return e;
  }

  essay english_essay(std::size_t paragraphs) {
    essay e;
    e.title = english_sentence(3, 6);
    e.kind = 5;
    for (std::size_t p = 0; p < paragraphs; ++p) {
      paragraph para;
      for (std::size_t s = 0, n = rng_.between(3, 7); s < n; ++s)
        para.push_back({english_sentence(8, 24)});
      e.paragraphs.push_back(std::move(para));
    }
    for (std::string const& s : english_stock_)
      if (rng_.chance(0.12)) insert(e, {s});
    return e;
  }

  /// Puts `pc` between two sentences of a random paragraph.
  void insert(essay& e, piece pc) {
    paragraph& p = e.paragraphs[rng_.below(e.paragraphs.size())];
    auto const at = static_cast<std::ptrdiff_t>(rng_.below(p.size() + 1));
    p.insert(p.begin() + at, std::move(pc));
  }

  void make_case(int kind) {
    bool const english = kind == 5;
    essay source = english ? english_essay(6) : chinese_essay(6);
    essay copy = english ? english_essay(4) : chinese_essay(3 + rng_.below(4));
    source.kind = copy.kind = kind;
    std::size_t const runs = rng_.between(1, 3);
    std::size_t const lo = english ? 80 : 40, hi = english ? 500 : 400;
    std::vector<std::size_t> used;
    for (std::size_t r = 0; r < runs; ++r) {
      std::size_t const pi = rng_.below(source.paragraphs.size());
      if (std::find(used.begin(), used.end(), pi) != used.end()) continue;
      paragraph& p = source.paragraphs[pi];
      std::size_t const target = rng_.between(lo, hi);
      // Whole sentences from a random one on, until the target; none of them a stock sentence.
      std::size_t first = rng_.below(p.size()), last = first;
      std::string run;
      while (last < p.size() && chars_of(run) < target && chars_of(run + p[last].text) <= hi &&
             p[last].copy_of < 0 && p[last].source_of < 0)
        run += p[last++].text;
      if (chars_of(run) < lo || !not_stock(run)) continue;
      used.push_back(pi);
      int const t = static_cast<int>(truth_kinds_.size());
      truth_kinds_.push_back(kind);
      p.erase(p.begin() + static_cast<std::ptrdiff_t>(first),
              p.begin() + static_cast<std::ptrdiff_t>(last));
      p.insert(p.begin() + static_cast<std::ptrdiff_t>(first), piece{run, -1, t});
      insert(copy, piece{disguise(run, kind), t, -1});
    }
    essays_.push_back(std::move(source));
    essays_.push_back(std::move(copy));
  }

  bool not_stock(std::string const& run) const {
    return std::none_of(stock_.begin(), stock_.end(),
                        [&](std::string const& s) { return run.find(s) != std::string::npos; }) &&
           std::none_of(english_stock_.begin(), english_stock_.end(),
                        [&](std::string const& s) { return run.find(s) != std::string::npos; });
  }

  std::string disguise(std::string const& run, int kind) {
    std::u32string s = to_u32(run);
    std::u32string out;
    switch (kind) {
      case 1:  // punctuation changed, dropped and added
        for (std::size_t i = 0; i < s.size(); ++i) {
          char32_t const c = s[i];
          if (c == U'，' || c == U'、' || c == U'；' || c == U'：') {
            std::size_t const pick = rng_.below(4);
            if (pick == 0)
              out += U'、';
            else if (pick == 1)
              out += U", ";
            else if (pick == 2)
              out += U'；';
            continue;  // 3: dropped
          }
          if (c == U'。' && i + 1 == s.size()) {
            out += rng_.chance(0.5) ? U'！' : U'.';
            continue;
          }
          out += c;
          if (is_han(c) && i + 2 < s.size() && rng_.chance(0.04)) out += U'，';
        }
        return to_utf8(out);
      case 2: {  // Traditional script
        icu::UnicodeString u = icu::UnicodeString::fromUTF8(run);
        to_traditional_->transliterate(u);
        std::string t;
        u.toUTF8String(t);
        return t;
      }
      case 3: {  // a character in about 40 changed
        std::size_t const n = std::max<std::size_t>(1, s.size() / 40);
        for (std::size_t e = 0; e < n; ++e) {
          std::size_t const at = 3 + rng_.below(std::max<std::size_t>(1, s.size() - 6));
          if (at < s.size() && is_han(s[at]))
            s[at] = static_cast<char32_t>(0x4E00 + rng_.below(0x5000));
        }
        return to_utf8(s);
      }
      case 4:  // pinyin annotations after some characters
        for (char32_t c : s) {
          out += c;
          if (is_han(c) && rng_.chance(0.15)) {
            bool const wide = rng_.chance(0.5);
            out += wide ? U'（' : U'(';
            out += to_u32(pinyin[rng_.below(pinyin.size())]);
            out += wide ? U'）' : U')';
          }
        }
        return to_utf8(out);
      case 5: {  // English: half verbatim, half a word in about 15 changed and punctuation changed
        if (rng_.chance(0.5)) return run;
        std::string t;
        std::size_t word = 0;
        for (std::size_t i = 0; i < run.size();) {
          std::size_t j = run.find(' ', i);
          if (j == std::string::npos) j = run.size();
          std::string w = run.substr(i, j - i);
          if (++word % 15 == 7 && !w.empty() && w.back() != '.') w = english_word();
          if (!w.empty() && w.back() == '.' && rng_.chance(0.3)) w.back() = ';';
          if (!w.empty() && w.back() == ',') w.pop_back();
          t += w;
          if (j < run.size()) t += ' ';
          i = j + 1;
        }
        return t;
      }
      default:
        return run;
    }
  }

  void slogan_group() {
    std::string const a = sentence_between(8, 20), b = sentence_between(8, 20);
    for (int m = 0; m < 4; ++m) {
      essay e = chinese_essay(5);
      e.kind = 7;
      e.paragraphs[0].insert(e.paragraphs[0].begin(), piece{a});
      e.paragraphs.back().push_back(piece{b});
      essays_.push_back(std::move(e));
    }
  }

  passage_gen_options o_;
  det_rng rng_;
  text_source text_;
  std::unique_ptr<icu::Transliterator> to_traditional_;
  std::vector<std::string> stock_, english_stock_;
  std::vector<std::string> vocabulary_;
  std::vector<double> zipf_;  // cumulative weights of vocabulary_
  std::vector<essay> essays_;
  std::vector<int> truth_kinds_;
};

std::size_t overlap(std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1) {
  std::size_t const lo = std::max(a0, b0), hi = std::min(a1, b1);
  return hi > lo ? hi - lo : 0;
}

}  // namespace

passage_corpus generate_passage_corpus(passage_gen_options const& options) {
  return maker(options).make();
}

double pan_score::plagdet() const noexcept {
  return f1() / std::log2(1 + granularity);
}

pan_score score_pan(std::vector<planted_passage> const& cases,
                    std::vector<detected_passage> const& detections) {
  pan_score s;
  s.cases = cases.size();
  s.detections = detections.size();
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::size_t>> by_pair;
  auto key = [](std::uint32_t x, std::uint32_t y) {
    return std::pair{std::min(x, y), std::max(x, y)};
  };
  for (std::size_t r = 0; r < detections.size(); ++r)
    by_pair[key(detections[r].copy, detections[r].source)].push_back(r);
  // s ⊓ r: the bytes both share in each essay, when they overlap in both.
  auto meet = [](planted_passage const& c, detected_passage d) -> std::size_t {
    if (d.copy != c.copy) {
      std::swap(d.copy, d.source);
      std::swap(d.copy_start, d.source_start);
      std::swap(d.copy_end, d.source_end);
    }
    std::size_t const x = overlap(c.copy_start, c.copy_end, d.copy_start, d.copy_end);
    std::size_t const y = overlap(c.source_start, c.source_end, d.source_start, d.source_end);
    return x > 0 && y > 0 ? x + y : 0;
  };
  std::vector<double> precision_part(detections.size(), 0);
  double recall_sum = 0;
  std::size_t granules = 0;
  for (planted_passage const& c : cases) {
    std::size_t covered = 0, detecting = 0;
    auto const it = by_pair.find(key(c.copy, c.source));
    if (it != by_pair.end())
      for (std::size_t r : it->second) {
        std::size_t const m = meet(c, detections[r]);
        if (m == 0) continue;
        covered += m;
        ++detecting;
        detected_passage const& d = detections[r];
        precision_part[r] +=
            static_cast<double>(m) /
            static_cast<double>((d.copy_end - d.copy_start) + (d.source_end - d.source_start));
      }
    recall_sum +=
        static_cast<double>(covered) /
        static_cast<double>((c.copy_end - c.copy_start) + (c.source_end - c.source_start));
    if (detecting > 0) {
      ++s.detected_cases;
      granules += detecting;
    }
  }
  if (!cases.empty()) s.recall = recall_sum / static_cast<double>(cases.size());
  if (!detections.empty()) {
    double sum = 0;
    for (double p : precision_part) sum += std::min(1.0, p);
    s.precision = sum / static_cast<double>(detections.size());
  }
  if (s.detected_cases > 0)
    s.granularity = static_cast<double>(granules) / static_cast<double>(s.detected_cases);
  return s;
}

}  // namespace neardup::bench
