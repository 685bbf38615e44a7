// corpus_gen — see corpus_gen.hpp.
//
// How the text is made. The bundled essays hold only ~270 paragraphs (~40,000 characters): drawing
// base essays from them directly would make every pair of "unrelated" essays share paragraphs, and
// at 5-character shingles their Jaccard would be far from 0. So the paragraphs only TRAIN a
// first-order character Markov chain (next character given the previous one), and every paragraph
// of the corpus is sampled from it. With ~2,000 distinct characters and several plausible successors
// for most of them, a 5-gram is a path of four random steps: two independently sampled essays share
// only the few most common 5-grams, so background pairs stay near Jaccard 0 at any corpus size
// (neardup_eval_accuracy measures it), while the text keeps the character statistics, punctuation
// and line shapes of real essays (which is what normalization and splitting see).
#include "corpus_gen.hpp"

#include "report/format.hpp"

#include <unicode/translit.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace neardup::bench {

__extension__ typedef unsigned __int128 uint128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

std::uint64_t det_rng::below(std::uint64_t bound) noexcept {
  // Lemire: the high half of a 64x64 product is uniform once the low half's biased zone is rejected.
  uint128 m = static_cast<uint128>(next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    std::uint64_t const threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<uint128>(next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::unique_ptr<icu::Transliterator> make_transliterator(char const* id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance(icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !t) throw std::runtime_error(std::string("ICU transliterator ") + id + ": " + u_errorName(status));
  return t;
}

namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 / UTF-32 helpers

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size() / 2);
  auto const* p = reinterpret_cast<std::uint8_t const*>(s.data());
  auto const n = static_cast<std::int32_t>(s.size());
  std::int32_t i = 0;
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  std::uint8_t buf[4];
  std::int32_t len = 0;
  U8_APPEND_UNSAFE(buf, len, static_cast<UChar32>(c));
  out.append(reinterpret_cast<char const*>(buf), static_cast<std::size_t>(len));
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F);
}

constexpr std::u32string_view pinyin_vowels = U"āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü";

bool is_pinyin_letter(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || pinyin_vowels.find(c) != std::u32string_view::npos;
}

bool is_sentence_final(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == U'!' || c == U'?';
}

// Removes converter pinyin annotations such as 復(fù) -> 復: the bundled Traditional file has them and
// the model must not learn Latin letters as Chinese text.
std::u32string strip_pinyin(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char32_t const c = s[i];
    if ((c == U'(' || c == U'（') && !out.empty() && is_han(out.back())) {
      std::size_t j = i + 1;
      while (j < s.size() && j - i <= 8 && is_pinyin_letter(s[j])) ++j;
      std::size_t const letters = j - i - 1;
      if (letters >= 1 && letters <= 7 && j < s.size() && (s[j] == U')' || s[j] == U'）')) {
        i = j;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

std::string transliterate(icu::Transliterator const& t, std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  t.transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string read_whole_file(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------------------------
// The paragraph pool and the character model

// Lines of the bundled essays long enough to be paragraphs (headings are short), with pinyin
// annotations removed and Traditional script folded to Simplified so the model has one script.
std::vector<std::u32string> load_paragraph_pool(std::string const& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".txt") files.push_back(it->path());
  if (ec) throw std::runtime_error("cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  auto to_simplified = make_transliterator("Traditional-Simplified");
  std::vector<std::u32string> pool;
  for (auto const& f : files) {
    std::string const text = read_whole_file(f);
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + pos, end - pos);
      pos = end + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
      while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      if (count_chars(line) < 15) continue;  // headings and buttons, not paragraphs
      std::u32string p = strip_pinyin(to_u32(line));
      pool.push_back(to_u32(transliterate(*to_simplified, to_utf8(p))));
    }
  }
  if (pool.empty()) throw std::runtime_error("no paragraphs found in " + dir);
  return pool;
}

// A first-order character Markov chain. Symbols are numbered in code point order so the model
// (and thus the corpus) does not depend on hash-map iteration order.
class char_model {
 public:
  explicit char_model(std::span<const std::u32string> paragraphs) {
    std::map<char32_t, std::uint32_t> ids;
    for (auto const& p : paragraphs)
      for (char32_t c : p) ids.emplace(c, 0);
    for (auto& [c, id] : ids) {
      id = static_cast<std::uint32_t>(chars_.size());
      chars_.push_back(c);
      std::string u;
      append_utf8(u, c);
      utf8_.push_back(std::move(u));
      final_.push_back(is_sentence_final(c));
    }
    std::vector<std::map<std::uint32_t, std::uint32_t>> counts(chars_.size());
    std::map<std::uint32_t, std::uint32_t> start_counts, sentence_start_counts;
    for (auto const& p : paragraphs) {
      lengths_.push_back(static_cast<std::uint32_t>(p.size()));
      std::uint32_t prev = ids.at(p[0]);
      ++start_counts[prev];
      ++sentence_start_counts[prev];
      for (std::size_t i = 1; i < p.size(); ++i) {
        std::uint32_t const cur = ids.at(p[i]);
        ++counts[prev][cur];
        if (final_[prev]) ++sentence_start_counts[cur];
        prev = cur;
      }
    }
    next_.resize(chars_.size());
    for (std::size_t i = 0; i < counts.size(); ++i) next_[i] = cumulative(counts[i]);
    starts_ = cumulative(start_counts);
    sentence_starts_ = cumulative(sentence_start_counts);
    std::sort(lengths_.begin(), lengths_.end());
  }

  /// A paragraph of about `target` characters, ending with sentence-final punctuation.
  [[nodiscard]] std::u32string paragraph(det_rng& rng, std::size_t target) const {
    return walk(rng, starts_, target);
  }
  /// One sentence of about `target` characters.
  [[nodiscard]] std::u32string sentence(det_rng& rng, std::size_t target) const {
    return walk(rng, sentence_starts_, target);
  }
  /// A paragraph length drawn from the bundled paragraphs' lengths; at least 50 characters so a
  /// paragraph line is never mistaken for a heading (headings are short).
  [[nodiscard]] std::size_t paragraph_length(det_rng& rng) const {
    return std::clamp<std::size_t>(lengths_[rng.below(lengths_.size())], 50, 1200);
  }
  [[nodiscard]] std::size_t symbols() const noexcept { return chars_.size(); }

 private:
  using table = std::vector<std::pair<std::uint32_t, std::uint32_t>>;  // (cumulative count, symbol)

  static table cumulative(std::map<std::uint32_t, std::uint32_t> const& counts) {
    table t;
    std::uint32_t sum = 0;
    for (auto const& [sym, n] : counts) t.emplace_back(sum += n, sym);
    return t;
  }
  static std::uint32_t sample(det_rng& rng, table const& t) {
    auto const r = static_cast<std::uint32_t>(rng.below(t.back().first));
    auto it = std::upper_bound(t.begin(), t.end(), r, [](std::uint32_t v, auto const& e) { return v < e.first; });
    return it->second;
  }

  std::u32string walk(det_rng& rng, table const& first, std::size_t target) const {
    std::u32string out;
    out.reserve(target + 16);
    std::uint32_t cur = sample(rng, first);
    for (;;) {
      out.push_back(chars_[cur]);
      if (final_[cur] && out.size() >= target) break;
      if (out.size() >= target + 80) {  // no sentence end in sight: close it
        out.push_back(U'。');
        break;
      }
      // A character seen only at the end of a paragraph has no successor: start a new sentence.
      cur = next_[cur].empty() ? sample(rng, sentence_starts_) : sample(rng, next_[cur]);
    }
    return out;
  }

  std::vector<char32_t> chars_;
  std::vector<std::string> utf8_;
  std::vector<bool> final_;
  std::vector<table> next_;
  table starts_;
  table sentence_starts_;
  std::vector<std::uint32_t> lengths_;
};

// ---------------------------------------------------------------------------------------------
// Words for titles, template slots and web boilerplate

constexpr std::string_view topics[] = {
    "疫情防控",   "抗击疫情",   "社区防疫",   "医护人员",   "志愿服务",   "党员干部",   "青年学生",
    "复工复产",   "师德师风",   "安全教育",   "读书",       "军训",       "顶岗实习",   "暑期社会实践",
    "家长会",     "爱国主义教育", "垃圾分类", "环境保护",   "消防安全",   "廉洁教育",   "传统文化",
    "学雷锋",     "抗美援朝精神", "劳动教育", "乡村振兴",   "网络安全",   "法治教育",   "心理健康",
    "科技创新",   "党史学习",   "平凡英雄事迹", "教师培训", "班主任工作", "新员工入职", "安全生产",
    "基层党建",   "扶贫攻坚",   "文明城市创建", "食品安全", "国家安全教育日"};
constexpr std::string_view genres[] = {"心得体会", "学习心得", "工作总结", "个人总结", "演讲稿",
                                       "观后感",   "读后感",   "发言稿",   "倡议书",   "感悟",
                                       "思想汇报", "征文",     "活动总结", "工作计划", "心得体会范文"};
constexpr std::string_view title_prefixes[] = {"", "", "", "", "2022年", "2023年", "最新", "关于", "个人",
                                               "优秀", "大学生"};
constexpr std::string_view surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                         "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
constexpr std::string_view given_chars[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                            "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
                                            "刚", "桂", "华", "建", "文", "海", "红", "玉", "晨", "宇"};
constexpr std::string_view places[] = {"北京市", "上海市", "广州市", "成都市", "武汉市", "杭州市", "南京市",
                                       "西安市", "长沙市", "郑州市", "朝阳区", "海淀区", "阳光社区",
                                       "幸福里社区", "第一中学", "实验小学", "人民医院", "城关镇",
                                       "红星村", "滨江街道"};
constexpr std::string_view site_words[] = {"范文", "文库", "公文", "学习", "心得", "作文", "资料", "写作"};

std::string person_name(det_rng& rng) {
  std::string s(surnames[rng.below(std::size(surnames))]);
  for (std::uint64_t i = 0, n = rng.between(1, 2); i < n; ++i) s += given_chars[rng.below(std::size(given_chars))];
  return s;
}

std::string date_text(det_rng& rng) {
  return std::to_string(rng.between(2019, 2024)) + "年" + std::to_string(rng.between(1, 12)) + "月" +
         std::to_string(rng.between(1, 28)) + "日";
}

std::string make_title(det_rng& rng) {
  std::string t(title_prefixes[rng.below(std::size(title_prefixes))]);
  t += topics[rng.below(std::size(topics))];
  t += genres[rng.below(std::size(genres))];
  return t;
}

std::string latin_word(det_rng& rng, std::size_t lo, std::size_t hi) {
  std::string s;
  for (std::uint64_t i = 0, n = rng.between(lo, hi); i < n; ++i) s += static_cast<char>('a' + rng.below(26));
  return s;
}

std::string url(det_rng& rng) {
  return std::string(rng.chance(0.5) ? "https://www." : "http://www.") + latin_word(rng, 4, 9) + ".com/" +
         latin_word(rng, 2, 6) + "/" + std::to_string(rng.between(1000, 999999)) + ".html";
}

std::string site_name(det_rng& rng) {
  return std::string(topics[rng.below(std::size(topics))].substr(0, 6)) +
         std::string(site_words[rng.below(std::size(site_words))]) + "网";
}

// ---------------------------------------------------------------------------------------------
// Essays and their variants

// Template slots are written into a template's text as a marker byte, a type and a form digit, and
// rendered as blanks (the original) or filled in (each variant).
constexpr char slot_marker = '\x01';
constexpr std::string_view blank_forms_name[] = {"____", "××", "___同志"};
constexpr std::string_view blank_forms_place[] = {"____", "××市", "____社区", "××学校"};
constexpr std::string_view blank_forms_date[] = {"20__年__月__日", "20__年", "____年__月"};

struct essay {
  std::string title;
  std::vector<std::string> paragraphs;  // UTF-8, one line each
  std::uint32_t group = 0;              // 1-based planted group, 0 for none
  std::string_view kind;
};

std::size_t text_bytes(essay const& e) {
  std::size_t n = e.title.size() + 1;
  for (auto const& p : e.paragraphs) n += p.size() + 1;
  return n;
}

struct slot_fill {
  std::string name, place, date;
};

// Renders a template paragraph: blanks when `fill` is empty, else the fill's values.
std::string render_slots(std::string_view text, slot_fill const* fill) {
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != slot_marker || i + 2 >= text.size()) {
      out += text[i];
      continue;
    }
    char const type = text[i + 1];
    auto const form = static_cast<std::size_t>(text[i + 2] - '0');
    i += 2;
    if (type == 'n') {
      if (fill) out += fill->name + (form == 2 ? "同志" : "");
      else out += blank_forms_name[form];
    } else if (type == 'p') {
      if (fill) out += fill->place + (form == 2 ? "社区" : form == 3 ? "学校" : "");
      else out += blank_forms_place[form];
    } else {
      if (fill) out += fill->date;
      else out += blank_forms_date[form];
    }
  }
  return out;
}

// Splits a paragraph into sentences, each keeping its final punctuation.
std::vector<std::u32string> sentences_of(std::u32string_view p) {
  std::vector<std::u32string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (is_sentence_final(p[i])) {
      // Keep a closing quote with its sentence.
      std::size_t end = i + 1;
      while (end < p.size() && (p[end] == U'”' || p[end] == U'’')) ++end;
      out.emplace_back(p.substr(start, end - start));
      start = end;
      i = end - 1;
    }
  if (start < p.size()) out.emplace_back(p.substr(start));
  return out;
}

class essay_factory {
 public:
  explicit essay_factory(std::span<const std::u32string> pool)
      : model_(pool),
        to_traditional_(make_transliterator("Simplified-Traditional")),
        to_pinyin_(make_transliterator("Han-Latin")) {}

  [[nodiscard]] char_model const& model() const noexcept { return model_; }

  essay base(det_rng& rng, std::string title) const {
    essay e;
    e.title = std::move(title);
    for (std::uint64_t i = 0, n = rng.between(4, 12); i < n; ++i)
      e.paragraphs.push_back(to_utf8(model_.paragraph(rng, model_.paragraph_length(rng))));
    return e;
  }

  // A template: paragraphs with slot markers, about one slot per 120 characters.
  essay template_base(det_rng& rng, std::string title) const {
    essay e;
    e.title = std::move(title);
    for (std::uint64_t i = 0, n = rng.between(4, 12); i < n; ++i) {
      std::u32string p = model_.paragraph(rng, model_.paragraph_length(rng));
      std::size_t const slots = 1 + p.size() / 120;
      std::vector<std::size_t> at;
      for (std::size_t s = 0; s < slots; ++s) at.push_back(static_cast<std::size_t>(rng.below(p.size())));
      std::sort(at.begin(), at.end());
      std::string out;
      std::size_t prev = 0;
      for (std::size_t pos : at) {
        out += to_utf8(std::u32string_view(p).substr(prev, pos - prev));
        prev = pos;
        std::uint64_t const type = rng.below(3);
        out += slot_marker;
        out += type == 0 ? 'n' : type == 1 ? 'p' : 'd';
        std::size_t const forms = type == 0 ? std::size(blank_forms_name)
                                  : type == 1 ? std::size(blank_forms_place)
                                              : std::size(blank_forms_date);
        out += static_cast<char>('0' + rng.below(forms));
      }
      out += to_utf8(std::u32string_view(p).substr(prev));
      e.paragraphs.push_back(std::move(out));
    }
    return e;
  }

  static essay render_template(essay const& t, slot_fill const* fill) {
    essay e = t;
    for (auto& p : e.paragraphs) p = render_slots(p, fill);
    return e;
  }

  essay variant(det_rng& rng, essay const& original, essay const* template_text, std::string_view kind) const {
    if (kind == "template") return template_variant(rng, *template_text);
    essay e = original;
    if (kind == "script") script(rng, e);
    else if (kind == "punctuation") punctuation(rng, e);
    else if (kind == "shuffle") shuffle(rng, e);
    else if (kind == "boilerplate") boilerplate(rng, e);
    else if (kind == "title") {
      std::string t;
      do t = make_title(rng);
      while (t == e.title);
      e.title = std::move(t);
    } else if (kind == "edit") edit(rng, e, static_cast<double>(rng.between(5, 10)) / 100.0, true);
    return e;
  }

 private:
  essay template_variant(det_rng& rng, essay const& t) const {
    slot_fill fill{person_name(rng), std::string(places[rng.below(std::size(places))]), date_text(rng)};
    essay e = render_template(t, &fill);
    edit(rng, e, static_cast<double>(rng.between(5, 15)) / 100.0, false);
    return e;
  }

  // Replaces (or, when `deletions`, half the time deletes) a share of the sentences.
  void edit(det_rng& rng, essay& e, double share, bool deletions) const {
    std::vector<std::vector<std::u32string>> paras;
    std::vector<std::pair<std::size_t, std::size_t>> index;
    for (auto const& p : e.paragraphs) {
      paras.push_back(sentences_of(to_u32(p)));
      for (std::size_t s = 0; s < paras.back().size(); ++s) index.emplace_back(paras.size() - 1, s);
    }
    auto changes = std::max<std::size_t>(1, static_cast<std::size_t>(share * static_cast<double>(index.size()) + 0.5));
    rng.shuffle(index);
    for (std::size_t c = 0; c < changes && c < index.size(); ++c) {
      auto& s = paras[index[c].first][index[c].second];
      if (deletions && rng.chance(0.5)) s.clear();
      else s = model_.sentence(rng, std::max<std::size_t>(8, s.size()));
    }
    e.paragraphs.clear();
    for (auto const& p : paras) {
      std::u32string joined;
      for (auto const& s : p) joined += s;
      if (joined.size() >= 50) e.paragraphs.push_back(to_utf8(joined));
      else if (!joined.empty() && !e.paragraphs.empty()) e.paragraphs.back() += to_utf8(joined);  // keep lines long
      else if (!joined.empty()) e.paragraphs.push_back(to_utf8(joined + model_.sentence(rng, 50)));
    }
  }

  void script(det_rng& rng, essay& e) const {
    // Like a web converter: Traditional script, and sometimes pinyin left after converted characters.
    bool const annotate = rng.chance(0.5);
    double const rate = 0.1 + 0.4 * rng.unit();
    bool const full_width = rng.chance(0.3);
    e.title = transliterate(*to_traditional_, e.title);
    for (auto& p : e.paragraphs) {
      std::string const t = transliterate(*to_traditional_, p);
      if (!annotate) {
        p = t;
        continue;
      }
      std::u32string const s32 = to_u32(p), t32 = to_u32(t);
      if (s32.size() != t32.size()) {
        p = t;
        continue;
      }
      std::string out;
      for (std::size_t i = 0; i < t32.size(); ++i) {
        append_utf8(out, t32[i]);
        if (t32[i] != s32[i] && is_han(t32[i]) && rng.chance(rate)) {
          std::string const py = pinyin(s32[i]);
          if (!py.empty()) out += (full_width ? "（" : "(") + py + (full_width ? "）" : ")");
        }
      }
      p = std::move(out);
    }
  }

  std::string pinyin(char32_t c) const {
    auto it = pinyin_cache_.find(c);
    if (it != pinyin_cache_.end()) return it->second;
    std::string py = transliterate(*to_pinyin_, to_utf8(std::u32string(1, c)));
    std::u32string const p32 = to_u32(py);
    bool ok = !p32.empty() && p32.size() <= 7;
    for (char32_t x : p32) ok = ok && is_pinyin_letter(x);
    if (!ok) py.clear();
    pinyin_cache_.emplace(c, py);
    return py;
  }

  static void punctuation(det_rng& rng, essay& e) {
    static constexpr std::pair<char32_t, char32_t> widths[] = {
        {U'，', U','}, {U'。', U'.'}, {U'！', U'!'}, {U'？', U'?'}, {U'；', U';'}, {U'：', U':'},
        {U'（', U'('}, {U'）', U')'}, {U'“', U'"'}, {U'”', U'"'}};
    static constexpr std::pair<char32_t, char32_t> swaps[] = {
        {U'。', U'！'}, {U'，', U'、'}, {U',', U'，'}, {U'“', U'「'}, {U'”', U'」'}, {U'、', U'，'}, {U';', U'。'}};
    // One or two of: switch widths, swap marks, delete marks.
    std::uint64_t const modes = rng.between(1, 6);
    double const drop = 0.5 + 0.5 * rng.unit();
    for (auto& p : e.paragraphs) {
      std::u32string s = to_u32(p), out;
      for (char32_t c : s) {
        if ((modes & 1) && rng.chance(0.8)) {
          for (auto const& [full, ascii] : widths)
            if (c == full) { c = ascii; break; }
            else if (c == ascii) { c = full; break; }
        }
        if ((modes & 2) && rng.chance(0.5)) {
          for (auto const& [a, b] : swaps)
            if (c == a) { c = b; break; }
        }
        bool const mark = c < 0x80 ? (std::ispunct(static_cast<int>(c)) != 0 && c != '_')
                                   : (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
                                         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0x2010 && c <= 0x2027);
        if ((modes & 4) && mark && rng.chance(drop)) continue;
        out.push_back(c);
      }
      p = to_utf8(out);
    }
  }

  static void shuffle(det_rng& rng, essay& e) {
    auto const before = e.paragraphs;
    do rng.shuffle(e.paragraphs);
    while (e.paragraphs == before && e.paragraphs.size() > 1);
  }

  static void boilerplate(det_rng& rng, essay& e) {
    std::vector<std::string> head, foot;
    std::string const site = site_name(rng);
    if (rng.chance(0.6)) head.push_back("首页 > " + std::string(genres[rng.below(std::size(genres))]) + " > 正文");
    if (rng.chance(0.6))
      head.push_back("来源：" + site + "　作者：" + person_name(rng) + "　发布时间：" + date_text(rng));
    if (rng.chance(0.4)) head.push_back("<div class=\"article-content\">");
    if (rng.chance(0.7)) foot.push_back("本文来源于" + site + "，转载请注明出处：" + url(rng));
    if (rng.chance(0.4)) foot.push_back("更多精彩内容请访问 " + url(rng));
    if (rng.chance(0.5)) foot.push_back("上一篇：" + make_title(rng));
    if (rng.chance(0.5)) foot.push_back("一键复制");
    if (head.empty() && foot.empty()) foot.push_back("一键复制");
    std::uint64_t const tags = rng.below(3);
    for (auto& p : e.paragraphs) {
      if (tags == 1) p = "<p>" + p + "</p>";
      else if (tags == 2) p = "&nbsp;&nbsp;" + p + "<br>";
    }
    e.paragraphs.insert(e.paragraphs.begin(), head.begin(), head.end());
    e.paragraphs.insert(e.paragraphs.end(), foot.begin(), foot.end());
  }

  char_model model_;
  std::unique_ptr<icu::Transliterator> to_traditional_;
  std::unique_ptr<icu::Transliterator> to_pinyin_;
  mutable std::map<char32_t, std::string> pinyin_cache_;  // Han-Latin is slow; a character's pinyin never changes
};

// ---------------------------------------------------------------------------------------------
// Writers

std::string group_name(std::uint32_t group) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "g%06u", group);
  return group ? std::string(buf) : std::string();
}

std::string chinese_number(unsigned n) {  // 1..99
  static constexpr std::string_view digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n < 10) return std::string(digits[n]);
  std::string s = n >= 20 ? std::string(digits[n / 10]) : std::string();
  s += "十";
  s += digits[n % 10];
  return s;
}

void write_file(std::filesystem::path const& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string to_gb18030(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open("GB18030", &status), ucnv_close);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU converter GB18030: ") + u_errorName(status));
  icu::UnicodeString const u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  std::string out(static_cast<std::size_t>(u.length()) * 4 + 16, '\0');
  auto const n = ucnv_fromUChars(conv.get(), out.data(), static_cast<std::int32_t>(out.size()), u.getBuffer(),
                                 u.length(), &status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("GB18030 encoding: ") + u_errorName(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 64);
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// Multi-essay .txt files in the shapes of real collections: one heading family per file, sometimes
// a collection title and an editor's preamble first, a trailing web button, blank lines, CRLF,
// GB18030.
class folder_writer {
 public:
  folder_writer(std::filesystem::path root, corpus_gen_options const& options, det_rng rng)
      : root_(std::move(root)), options_(options), rng_(rng) {
    std::filesystem::create_directories(root_ / "txt");
    truth_.open(root_ / "truth.tsv", std::ios::binary | std::ios::trunc);
    if (!truth_) throw std::runtime_error("cannot write " + (root_ / "truth.tsv").string());
    truth_ << "file\tindex\tgroup\tkind\n";
  }

  void add(essay const& e) {
    if (count_ == capacity_) flush();
    if (count_ == 0) start_file();
    ++count_;
    content_ += heading(e.title, count_);
    content_ += '\n';
    for (auto const& p : e.paragraphs) {
      content_ += p;
      content_ += '\n';
    }
    if (blank_lines_) content_ += '\n';
    truth_ << relative_ << '\t' << count_ << '\t' << group_name(e.group) << '\t' << e.kind << '\n';
  }

  void finish() {
    flush();
    truth_.close();
    if (!truth_) throw std::runtime_error("cannot write " + (root_ / "truth.tsv").string());
  }

  [[nodiscard]] std::size_t files() const noexcept { return files_; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  // The heading shapes of real collections: 1、t / 1. t / t篇一 / t篇1 / t 篇一: / 第一篇 t / 第1篇:t.
  enum family { arabic_dun, arabic_dot, pian_chinese, pian_arabic, pian_chinese_colon, di_pian, families };

  void start_file() {
    char name[64];
    std::snprintf(name, sizeof name, "txt/%03zu/f%06zu.txt", files_ / 1000, files_);
    relative_ = name;
    std::filesystem::create_directories((root_ / relative_).parent_path());
    capacity_ = static_cast<unsigned>(rng_.between(5, 15));
    family_ = static_cast<family>(rng_.below(families));
    blank_lines_ = rng_.chance(0.3);
    arabic_numbers_ = rng_.chance(0.5);
    gb18030_ = rng_.chance(options_.gb18030_share);
    crlf_ = rng_.chance(options_.crlf_share);
    trailing_button_ = rng_.chance(0.2);
    content_.clear();
    std::string const topic(topics[rng_.below(std::size(topics))]);
    if (rng_.chance(0.3))  // a collection title such as 新冠疫情防控总结心得7篇
      content_ += topic + std::string(genres[rng_.below(std::size(genres))]) + std::to_string(capacity_) + "篇\n";
    if (rng_.chance(0.3))
      content_ += "写" + topic + "心得可以让我们更好地总结经验、提高认识，以下是小编为大家收集的" + topic +
                  "范文，仅供参考，欢迎大家阅读。\n";
  }

  std::string heading(std::string const& title, unsigned n) const {
    switch (family_) {
      case arabic_dun: return std::to_string(n) + "、" + title;
      case arabic_dot: return std::to_string(n) + ". " + title;
      case pian_chinese: return title + "篇" + chinese_number(n);
      case pian_arabic: return title + "篇" + std::to_string(n);
      case pian_chinese_colon: return title + " 篇" + chinese_number(n) + ":";
      default: return "第" + (arabic_numbers_ ? std::to_string(n) : chinese_number(n)) + "篇" + (arabic_numbers_ ? "：" : " ") + title;
    }
  }

  void flush() {
    if (count_ == 0) return;
    if (trailing_button_) content_ += "一键复制\n";
    std::string bytes = crlf_ ? crlf(content_) : std::move(content_);
    if (gb18030_) bytes = to_gb18030(bytes);
    write_file(root_ / relative_, bytes);
    bytes_ += bytes.size();
    ++files_;
    count_ = 0;
    content_.clear();
  }

  std::filesystem::path root_;
  corpus_gen_options const& options_;
  det_rng rng_;
  std::ofstream truth_;
  std::string relative_, content_;
  unsigned count_ = 0, capacity_ = 0;
  family family_ = arabic_dun;
  bool blank_lines_ = false, arabic_numbers_ = false, gb18030_ = false, crlf_ = false, trailing_button_ = false;
  std::size_t files_ = 0;
  std::uint64_t bytes_ = 0;
};

void append_json_string(std::string& out, std::string_view s) { out += neardup::detail::json_quote(s); }

class jsonl_writer {
 public:
  explicit jsonl_writer(std::filesystem::path const& root) : root_(root) {
    std::filesystem::create_directories(root_);
    out_.open(root_ / "corpus.jsonl", std::ios::binary | std::ios::trunc);
    truth_.open(root_ / "truth.tsv", std::ios::binary | std::ios::trunc);
    if (!out_ || !truth_) throw std::runtime_error("cannot write in " + root_.string());
    truth_ << "id\tgroup\tkind\n";
  }

  void add(essay const& e) {
    char id[16];
    std::snprintf(id, sizeof id, "d%08zu", count_++);
    line_.clear();
    line_ += "{\"id\":\"";
    line_ += id;
    line_ += "\",\"text\":";
    std::string text = e.title;
    for (auto const& p : e.paragraphs) (text += '\n') += p;
    append_json_string(line_, text);
    line_ += "}\n";
    out_ << line_;
    bytes_ += line_.size();
    truth_ << id << '\t' << group_name(e.group) << '\t' << e.kind << '\n';
  }

  void finish() {
    out_.close();
    truth_.close();
    if (!out_ || !truth_) throw std::runtime_error("cannot write in " + root_.string());
  }

  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  std::filesystem::path root_;
  std::ofstream out_, truth_;
  std::string line_;
  std::size_t count_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

corpus_gen_summary generate_corpus(corpus_gen_options const& options, std::ostream* progress) {
  auto const t0 = std::chrono::steady_clock::now();
  corpus_gen_summary summary;
  auto const pool = load_paragraph_pool(options.essays_dir);
  summary.paragraph_pool = pool.size();
  essay_factory const factory(pool);

  // Separate streams, so the text of essays does not shift when, e.g., file layout choices change.
  det_rng master(options.seed);
  det_rng plan = master.fork();
  det_rng layout = master.fork();
  det_rng text = master.fork();

  std::filesystem::path const out(options.out_dir);
  std::optional<folder_writer> folder;
  std::optional<jsonl_writer> jsonl;
  if (options.format != corpus_format::jsonl) folder.emplace(out / "folder", options, layout.fork());
  if (options.format != corpus_format::folder) jsonl.emplace(out / "jsonl");

  std::vector<essay> buffer;  // essays held back so that variants scatter across files
  auto write = [&](essay&& e) {
    if (folder) folder->add(e);
    if (jsonl) jsonl->add(e);
    ++summary.essays;
  };
  auto emit = [&](essay&& e) {
    summary.text_bytes += text_bytes(e);
    buffer.push_back(std::move(e));
    if (buffer.size() > options.shuffle_buffer) {
      std::swap(buffer[layout.below(buffer.size())], buffer.back());
      write(std::move(buffer.back()));
      buffer.pop_back();
    }
  };

  std::uint64_t next_report = options.target_bytes / 10;
  if (options.paragraph_pool) {
    // Topics one after another, each a pool of paragraphs that its essays draw from (the shuffle
    // buffer scatters a topic's essays over neighbouring files).
    std::size_t const per_topic = std::max<std::size_t>(options.pool_topic_essays, 1);
    std::size_t const pool_size = std::max<std::size_t>(options.pool_topic_paragraphs, 4);
    std::vector<std::string> topic_pool;
    std::string topic_title;
    for (std::size_t n = 0; summary.text_bytes < options.target_bytes; ++n) {
      det_rng rng = text.fork();
      if (n % per_topic == 0) {
        topic_pool.clear();
        for (std::size_t i = 0; i < pool_size; ++i)
          topic_pool.push_back(to_utf8(factory.model().paragraph(rng, factory.model().paragraph_length(rng))));
        topic_title = make_title(rng);
      }
      std::vector<std::size_t> picks(pool_size);
      for (std::size_t i = 0; i < pool_size; ++i) picks[i] = i;
      rng.shuffle(picks);
      picks.resize(static_cast<std::size_t>(rng.between(4, std::min<std::size_t>(12, pool_size))));
      essay e;
      e.title = rng.chance(0.5) ? topic_title : make_title(rng);
      for (std::size_t const i : picks) e.paragraphs.push_back(topic_pool[i]);
      e.kind = "unique";
      if (plan.chance(options.repost_share)) {
        // The re-post: the same essay with one paragraph replaced by a new one.
        essay repost = e;
        repost.paragraphs[rng.below(repost.paragraphs.size())] =
            to_utf8(factory.model().paragraph(rng, factory.model().paragraph_length(rng)));
        e.group = repost.group = static_cast<std::uint32_t>(++summary.groups);
        e.kind = "original";
        repost.kind = "edit";
        ++summary.variants;
        ++summary.variants_by_kind["edit"];
        emit(std::move(repost));
      }
      emit(std::move(e));
      if (progress && options.target_bytes >= 50'000'000 && summary.text_bytes >= next_report) {
        *progress << "  " << summary.text_bytes / 1'000'000 << " MB of text generated\n";
        next_report += options.target_bytes / 10;
      }
    }
  }
  while (!options.paragraph_pool && summary.text_bytes < options.target_bytes) {
    det_rng rng = text.fork();
    std::string title = make_title(rng);
    bool const grouped = plan.chance(options.group_share);
    bool const is_template = grouped && plan.chance(1.0 / static_cast<double>(std::size(variant_kinds)));
    std::optional<essay> template_text;
    essay original = is_template ? factory.render_template(*(template_text = factory.template_base(rng, title)), nullptr)
                                 : factory.base(rng, title);
    if (grouped) {
      original.group = static_cast<std::uint32_t>(++summary.groups);
      original.kind = "original";
      auto const n = plan.between(1, options.max_variants);
      for (std::uint64_t v = 0; v < n; ++v) {
        // Template groups get template variants; others one of the remaining kinds each.
        std::string_view const kind =
            is_template ? std::string_view("template")
                        : variant_kinds[std::array<std::size_t, 6>{0, 1, 2, 4, 5, 6}[plan.below(6)]];
        essay e = factory.variant(rng, original, template_text ? &*template_text : nullptr, kind);
        e.group = original.group;
        e.kind = kind;
        ++summary.variants;
        ++summary.variants_by_kind[std::string(kind)];
        emit(std::move(e));
      }
    } else {
      original.kind = "unique";
    }
    bool const hard_negative = plan.chance(options.hard_negative_share);
    bool const related = plan.chance(options.related_share);
    std::optional<essay> quoting;
    if (related) {  // a new essay quoting 1..half of this one's paragraphs at random places
      quoting = factory.base(rng, make_title(rng));
      std::size_t const m = original.paragraphs.size();
      std::vector<std::size_t> picks(m);
      for (std::size_t i = 0; i < m; ++i) picks[i] = i;
      rng.shuffle(picks);
      picks.resize(static_cast<std::size_t>(rng.between(1, (m + 1) / 2)));
      for (std::size_t i : picks) {
        std::string const& quoted = original.paragraphs[i];
        auto const at = static_cast<std::ptrdiff_t>(rng.below(quoting->paragraphs.size() + 1));
        quoting->paragraphs.insert(quoting->paragraphs.begin() + at, quoted);
      }
      quoting->kind = "related";
      ++summary.related;
    }
    emit(std::move(original));
    if (quoting) emit(std::move(*quoting));
    if (hard_negative) {  // another essay under the same title
      essay e = factory.base(rng, title);
      e.kind = "hard_negative";
      ++summary.hard_negatives;
      emit(std::move(e));
    }
    if (progress && options.target_bytes >= 50'000'000 && summary.text_bytes >= next_report) {
      *progress << "  " << summary.text_bytes / 1'000'000 << " MB of text generated\n";
      next_report += options.target_bytes / 10;
    }
  }
  while (!buffer.empty()) {
    std::swap(buffer[layout.below(buffer.size())], buffer.back());
    write(std::move(buffer.back()));
    buffer.pop_back();
  }
  if (folder) {
    folder->finish();
    summary.files = folder->files();
    summary.folder_bytes = folder->bytes();
  }
  if (jsonl) {
    jsonl->finish();
    summary.jsonl_bytes = jsonl->bytes();
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

struct text_source::impl {
  std::vector<std::u32string> pool;
  char_model model;
  explicit impl(std::vector<std::u32string> p) : pool(std::move(p)), model(pool) {}
};

text_source::text_source(std::string const& essays_dir)
    : impl_(std::make_unique<impl>(load_paragraph_pool(essays_dir))) {}
text_source::~text_source() = default;

std::string text_source::paragraph(det_rng& rng, std::size_t max_chars) const {
  std::size_t const n =
      std::min(impl_->model.paragraph_length(rng), std::max<std::size_t>(max_chars, 50));
  return to_utf8(impl_->model.paragraph(rng, n));
}

std::string text_source::title(det_rng& rng) {
  return make_title(rng);
}

std::string utf8_to_gb18030(std::string_view utf8) {
  return to_gb18030(utf8);
}

std::string chinese_numeral(unsigned n) {
  return chinese_number(n);
}

std::string to_crlf(std::string_view text) {
  return crlf(text);
}

std::vector<std::uint64_t> parse_seeds(std::string const& list) {
  std::vector<std::uint64_t> out;
  for (std::size_t pos = 0; pos < list.size();) {
    std::size_t const comma = std::min(list.find(',', pos), list.size());
    out.push_back(std::stoull(list.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return out;
}

std::uint64_t parse_size(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) throw std::invalid_argument("size must start with a number: " + std::string(text));
  std::string unit(text.substr(i));
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::map<std::string, std::uint64_t> units = {
      {"", 1},           {"B", 1},           {"KB", 1'000},      {"MB", 1'000'000}, {"GB", 1'000'000'000},
      {"KIB", 1ull << 10}, {"MIB", 1ull << 20}, {"GIB", 1ull << 30}, {"K", 1'000},     {"M", 1'000'000},
      {"G", 1'000'000'000}};
  auto it = units.find(unit);
  if (it == units.end()) throw std::invalid_argument("unknown size unit: " + std::string(text));
  return value * it->second;
}

// ---------------------------------------------------------------------------------------------
// Truth and scoring

std::string folder_truth_key(std::string_view relative_file, std::uint32_t index) {
  return std::string(relative_file) + "#" + std::to_string(index);
}

std::vector<truth_row> read_truth(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read truth file " + path);
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("empty truth file " + path);
  bool const folder = line.rfind("file\tindex\t", 0) == 0;
  if (!folder && line.rfind("id\tgroup\t", 0) != 0) throw std::runtime_error("not a truth file (header): " + path);
  std::vector<truth_row> rows;
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::size_t pos = 0;
    for (;;) {
      std::size_t const tab = line.find('\t', pos);
      cols.emplace_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
      if (tab == std::string::npos) break;
      pos = tab + 1;
    }
    if (cols.size() != (folder ? 4u : 3u))
      throw std::runtime_error(path + ":" + std::to_string(number) + ": wrong number of columns");
    if (folder) rows.push_back({cols[0] + "#" + cols[1], cols[2], cols[3]});
    else rows.push_back({cols[0], cols[1], cols[2]});
  }
  return rows;
}

doc_labels label_documents(std::span<const truth_row> truth, std::span<const std::string> keys) {
  std::unordered_map<std::string_view, std::size_t> row_of;
  row_of.reserve(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) row_of.emplace(truth[i].key, i);
  std::unordered_map<std::string_view, std::int32_t> group_ids;
  doc_labels labels;
  labels.group.assign(keys.size(), -1);
  labels.kind.assign(keys.size(), -4);
  std::vector<char> used(truth.size(), 0);
  for (std::size_t d = 0; d < keys.size(); ++d) {
    auto it = row_of.find(keys[d]);
    if (it == row_of.end()) {
      ++labels.unmatched_docs;
      continue;
    }
    used[it->second] = 1;
    truth_row const& row = truth[it->second];
    if (!row.group.empty())
      labels.group[d] = group_ids.emplace(row.group, static_cast<std::int32_t>(group_ids.size())).first->second;
    if (row.kind == "original") labels.kind[d] = -1;
    else if (row.kind == "hard_negative") labels.kind[d] = -2;
    else if (row.kind == "unique") labels.kind[d] = -3;
    else if (row.kind == "related") labels.kind[d] = -5;
    else
      for (std::size_t k = 0; k < std::size(variant_kinds); ++k)
        if (row.kind == variant_kinds[k]) labels.kind[d] = static_cast<std::int8_t>(k);
  }
  labels.missing_rows = static_cast<std::size_t>(std::count(used.begin(), used.end(), 0));
  return labels;
}

accuracy score_clusters(doc_labels const& labels, std::span<const std::vector<std::uint32_t>> clusters) {
  auto pairs = [](std::uint64_t n) { return n * (n - (n > 0)) / 2; };
  std::size_t const n = labels.group.size();
  std::vector<std::int64_t> cluster_of(n, -1);
  accuracy a;
  std::vector<std::int32_t> groups;
  for (std::size_t c = 0; c < clusters.size(); ++c) {
    a.predicted_pairs += pairs(clusters[c].size());
    groups.clear();
    for (std::uint32_t d : clusters[c]) {
      cluster_of[d] = static_cast<std::int64_t>(c);
      if (labels.group[d] >= 0) groups.push_back(labels.group[d]);
    }
    std::sort(groups.begin(), groups.end());
    for (std::size_t i = 0; i < groups.size();) {
      std::size_t j = i;
      while (j < groups.size() && groups[j] == groups[i]) ++j;
      a.correct_pairs += pairs(j - i);
      i = j;
    }
  }
  std::int32_t const num_groups = labels.group.empty() ? 0 : *std::max_element(labels.group.begin(), labels.group.end()) + 1;
  std::vector<std::uint64_t> group_size(static_cast<std::size_t>(std::max(num_groups, 0)), 0);
  std::vector<std::int64_t> original_of(group_size.size(), -1);
  for (std::size_t d = 0; d < n; ++d) {
    if (labels.kind[d] == -2) {
      ++a.hard_negatives;
      a.hard_negatives_clustered += cluster_of[d] >= 0;
    }
    if (labels.kind[d] == -5) {
      ++a.related;
      a.related_clustered += cluster_of[d] >= 0;
    }
    if (labels.group[d] < 0) continue;
    auto const g = static_cast<std::size_t>(labels.group[d]);
    ++group_size[g];
    if (labels.kind[d] == -1) original_of[g] = static_cast<std::int64_t>(d);
  }
  for (auto s : group_size) a.true_pairs += pairs(s);
  for (std::size_t d = 0; d < n; ++d) {
    if (labels.group[d] < 0 || labels.kind[d] < 0) continue;
    auto const k = static_cast<std::size_t>(labels.kind[d]);
    std::int64_t const o = original_of[static_cast<std::size_t>(labels.group[d])];
    if (o < 0) continue;  // the original was not loaded
    ++a.kind_pairs[k];
    a.kind_found[k] += cluster_of[d] >= 0 && cluster_of[d] == cluster_of[static_cast<std::size_t>(o)];
  }
  a.precision = a.predicted_pairs ? static_cast<double>(a.correct_pairs) / static_cast<double>(a.predicted_pairs) : 1.0;
  a.recall = a.true_pairs ? static_cast<double>(a.correct_pairs) / static_cast<double>(a.true_pairs) : 1.0;
  a.f1 = a.precision + a.recall > 0 ? 2 * a.precision * a.recall / (a.precision + a.recall) : 0.0;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Templated essays among same-topic essays

namespace {

/// Stock sentences of a topic: what same-topic essays (and templates) share without being one
/// family. Each pattern's 话题 is replaced by the topic.
constexpr std::string_view stock_patterns[] = {"我们要深刻认识话题的重要意义。",
                                               "话题关系到每一个人的切身利益。",
                                               "在今后的工作中，我将继续做好话题工作。",
                                               "通过这次话题，我深刻体会到了责任的重要。",
                                               "总之，话题任重而道远。",
                                               "以上就是我对话题的一些粗浅认识。",
                                               "话题需要我们每个人的共同努力。",
                                               "让我们携手并进，共同推进话题。",
                                               "下面我就话题谈几点体会。",
                                               "话题是一项系统工程。",
                                               "我们必须把话题放在突出位置。",
                                               "谢谢大家！",
                                               "作为一名普通人，我也要为话题贡献自己的力量。",
                                               "话题不是一朝一夕的事情。",
                                               "回顾这段时间的话题，我收获很多。",
                                               "新时代对话题提出了新的要求。"};
/// Stock phrases that open sentences of same-topic essays.
constexpr std::string_view stock_openers[] = {
    "在话题工作中，", "近年来，", "我们要认真落实话题要求，", "总的来说，", "首先，", "其次，",
    "同时，",         "此外，"};

std::string with_topic(std::string_view pattern, std::string_view topic) {
  std::string out(pattern);
  for (std::size_t at; (at = out.find("话题")) != std::string::npos;) out.replace(at, 6, topic);
  return out;
}

/// A piece of a skeleton sentence: fixed text, or a blank of one type.
struct piece {
  enum type { text, name, place, number, date, clause } kind = text;
  std::string fixed;  // for text
};
using skeleton_sentence = std::vector<piece>;

class template_factory {
 public:
  explicit template_factory(char_model const& model) : model_(model) {}

  /// A sentence of the model, sometimes opened by a stock phrase of the topic.
  [[nodiscard]] std::string sentence(det_rng& rng, std::string_view topic) const {
    std::string out;
    if (rng.chance(0.3))
      out = with_topic(stock_openers[rng.below(std::size(stock_openers))], topic);
    out += to_utf8(model_.sentence(rng, rng.between(12, 40)));
    return out;
  }
  [[nodiscard]] std::string stock(det_rng& rng, std::string_view topic) const {
    return with_topic(stock_patterns[rng.below(std::size(stock_patterns))], topic);
  }

  /// A family's skeleton: paragraphs of sentences; about a third of them hold blanks.
  [[nodiscard]] std::vector<std::vector<skeleton_sentence>> skeleton(det_rng& rng,
                                                                     std::string_view topic) const {
    std::vector<std::vector<skeleton_sentence>> paras(rng.between(4, 8));
    double const slot_share = 0.15 + 0.2 * rng.unit();
    for (auto& p : paras) {
      for (std::uint64_t i = 0, n = rng.between(3, 6); i < n; ++i) {
        skeleton_sentence s;
        if (rng.chance(0.2)) {
          s.push_back({piece::text, stock(rng, topic)});
        } else if (rng.chance(slot_share)) {
          // A frame around one or two blanks; clause blanks are the long ones.
          std::u32string frame = model_.sentence(rng, rng.between(10, 24));
          std::size_t const blanks = rng.between(1, 2);
          std::vector<std::size_t> at;
          for (std::size_t b = 0; b < blanks; ++b)
            at.push_back(static_cast<std::size_t>(rng.below(frame.size())));
          std::sort(at.begin(), at.end());
          std::size_t prev = 0;
          for (std::size_t pos : at) {
            s.push_back(
                {piece::text, to_utf8(std::u32string_view(frame).substr(prev, pos - prev))});
            // Half the blanks are whole clauses, the rest names, places, numbers and dates.
            s.push_back(
                {rng.chance(0.5) ? piece::clause : static_cast<piece::type>(rng.between(1, 4)),
                 {}});
            prev = pos;
          }
          s.push_back({piece::text, to_utf8(std::u32string_view(frame).substr(prev))});
        } else {
          s.push_back({piece::text, sentence(rng, topic)});
        }
        p.push_back(std::move(s));
      }
    }
    return paras;
  }

  /// A member: blanks filled, a few neighbouring sentences swapped, a few added or removed.
  [[nodiscard]] std::vector<std::string> member(
      det_rng& rng, std::vector<std::vector<skeleton_sentence>> const& sk,
      std::string_view topic) const {
    std::string const name = person_name(rng);
    std::string const place(places[rng.below(std::size(places))]);
    std::string const date = date_text(rng);
    std::vector<std::string> out;
    for (auto const& p : sk) {
      std::vector<std::string> sentences;
      for (auto const& s : p) {
        std::string text;
        for (auto const& x : s) {
          switch (x.kind) {
            case piece::text:
              text += x.fixed;
              break;
            case piece::name:
              text += name;
              break;
            case piece::place:
              text += place;
              break;
            case piece::number:
              text += std::to_string(rng.between(3, 9999));
              break;
            case piece::date:
              text += date;
              break;
            case piece::clause:
              text += to_utf8(model_.sentence(rng, rng.between(30, 80)));
              break;
          }
        }
        if (rng.chance(0.04)) continue;  // removed
        sentences.push_back(std::move(text));
        if (rng.chance(0.04)) sentences.push_back(sentence(rng, topic));  // added
      }
      for (std::size_t i = 0; i + 1 < sentences.size(); ++i)
        if (rng.chance(0.1)) std::swap(sentences[i], sentences[i + 1]);
      std::string joined;
      for (auto const& s : sentences) joined += s;
      if (!joined.empty()) out.push_back(std::move(joined));
    }
    return out;
  }

  /// An essay of its own on `topic`: its own sentences, and stock sentences and phrases.
  [[nodiscard]] std::vector<std::string> own(det_rng& rng, std::string_view topic) const {
    std::vector<std::string> out(rng.between(4, 8));
    for (auto& p : out)
      for (std::uint64_t i = 0, n = rng.between(3, 6); i < n; ++i)
        p += rng.chance(0.3) ? stock(rng, topic) : sentence(rng, topic);
    return out;
  }

  /// `paragraphs` with 5–10% of their sentences replaced or deleted.
  [[nodiscard]] std::vector<std::string> edited(det_rng& rng,
                                                std::vector<std::string> const& paragraphs) const {
    double const share = static_cast<double>(rng.between(5, 10)) / 100.0;
    std::vector<std::string> out;
    for (auto const& p : paragraphs) {
      std::string joined;
      for (auto const& s : sentences_of(to_u32(p))) {
        if (!rng.chance(share))
          joined += to_utf8(s);
        else if (rng.chance(0.5))
          joined += to_utf8(model_.sentence(rng, std::max<std::size_t>(8, s.size())));
      }
      if (!joined.empty()) out.push_back(std::move(joined));
    }
    return out;
  }

 private:
  char_model const& model_;
};

std::string essay_text(std::string const& title, std::vector<std::string> const& paragraphs) {
  std::string out = title;
  for (auto const& p : paragraphs) (out += '\n') += p;
  return out;
}

/// The same essay as a page of one of three essay sites: the site's head (a script with its menu
/// and messages in Chinese, a style sheet, a comment), navigation, the essay in <p> elements, the
/// site's footer. Different essays of one site share every byte outside the essay, nearly as much
/// text as a short essay: only what normalization drops keeps them apart.
std::string web_page(std::string const& title, std::vector<std::string> const& paragraphs,
                     std::size_t site) {
  static constexpr char const* sites[] = {"作文网", "范文大全", "学习啦"};
  std::string const name = sites[site % std::size(sites)];
  std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "_" +
                    name + "</title>\n<script type=\"text/javascript\">\nvar menu = [\"首页\", "
                    "\"小学作文\", \"初中作文\", \"高中作文\", \"话题作文\", \"作文素材\", "
                    "\"优秀范文\", \"工作总结\", \"心得体会\", \"演讲稿\"];\nfunction copyTip(){"
                    "alert(\"复制成功！本文来自" + name + "，转载请注明出处，谢谢您的支持与理解。\");}\n"
                    "function share(){ return \"分享到微信朋友圈、QQ空间、新浪微博，让更多的同学"
                    "看到这篇优秀的作文。\"; }\n</script>\n<style>\nbody{font-family:\"微软雅黑\";"
                    "margin:0 auto;width:960px} .nav a{color:#333;padding:0 8px} .content p{"
                    "text-indent:2em;line-height:1.8}\n</style>\n<!-- 统计代码 开始：访问量 每日"
                    "更新 -->\n</head>\n<body>\n<div class=\"nav\"><a href=\"/\">首页</a>"
                    "</div>\n<div class=\"content\"><h1>" + title + "</h1>\n";
  for (auto const& p : paragraphs) out += "<p>" + p + "</p>\n";
  out += "</div>\n<script>document.write(\"<div class='foot'>本站所有作文均来自网友投稿，"
         "如有侵权请联系我们删除，我们将在二十四小时内处理。</div>\");</script>\n</body></html>";
  return out;
}

}  // namespace

std::vector<generated_essay> generate_template_corpus(template_gen_options const& options) {
  auto const pool = load_paragraph_pool(options.essays_dir);
  char_model const model(pool);
  template_factory const make(model);
  det_rng master(options.seed ^ 0x7e3a1f0c5d2b4e69ull);
  std::vector<generated_essay> out;
  std::vector<std::vector<std::string>> quotable;  // paragraphs of essays others may quote
  std::uint64_t bytes = 0;
  std::size_t groups = 0;
  det_rng pages(options.seed ^ 0x3c6ef372fe94f82bull);  // its own stream: the essays stay as they were
  auto add = [&](std::string title, std::vector<std::string> paragraphs, std::string group,
                 std::string kind) {
    generated_essay e;
    e.page = pages.chance(options.web_page_share);
    e.text = e.page ? web_page(title, paragraphs, pages.below(3)) : essay_text(title, paragraphs);
    e.group = std::move(group);
    e.kind = std::move(kind);
    bytes += e.text.size();
    out.push_back(std::move(e));
    quotable.push_back(std::move(paragraphs));
  };
  while (bytes < options.target_bytes) {
    det_rng rng = master.fork();
    std::string_view const topic = topics[rng.below(std::size(topics))];
    std::string const title =
        std::string(topic) + std::string(genres[rng.below(std::size(genres))]);
    double const unit = rng.unit();
    if (unit < 0.4) {  // a templated family, its same-topic distractors, sometimes a quoting essay
      std::string const group = "t" + std::to_string(++groups);
      auto const sk = make.skeleton(rng, topic);
      for (std::uint64_t m = 0, n = rng.between(2, 5); m < n; ++m)
        add(title, make.member(rng, sk, topic), group, "template");
      for (std::uint64_t d = 0, n = rng.between(1, 2); d < n; ++d)
        add(title, make.own(rng, topic), "", "distractor");
    } else if (unit < 0.6) {  // a near-duplicate group
      std::string const group = "d" + std::to_string(++groups);
      auto const base = make.own(rng, topic);
      add(title, base, group, "duplicate");
      for (std::uint64_t m = 0, n = rng.between(1, 3); m < n; ++m)
        add(title, make.edited(rng, base), group, "duplicate");
    } else {
      add(title, make.own(rng, topic), "", "unique");
    }
    if (rng.chance(0.3) && quotable.size() > 1) {  // one or two paragraphs of an earlier essay
      auto const& source = quotable[rng.below(quotable.size() - 1)];
      auto mine = make.own(rng, topics[rng.below(std::size(topics))]);
      for (std::uint64_t q = 0, n = std::min<std::uint64_t>(rng.between(1, 2), source.size());
           q < n; ++q) {
        auto const at = static_cast<std::ptrdiff_t>(rng.below(mine.size() + 1));
        mine.insert(mine.begin() + at, source[rng.below(source.size())]);
      }
      add(make_title(rng), std::move(mine), "", "quoting");
    }
  }
  master.shuffle(out);
  for (std::size_t i = 0; i < out.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "e%07zu", i);
    out[i].id = id;
  }
  return out;
}

}  // namespace neardup::bench
