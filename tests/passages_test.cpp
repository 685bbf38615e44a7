// Copied passages: the offset-keeping normalization, winnowing's guarantee, spans through every
// disguise normalization undoes, the stock bound, and the corpus finder against the pairwise API.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/utf8.hpp"
#include "error_code.hpp"
#include "neardup/error.hpp"
#include "neardup/normalize.hpp"
#include "neardup/passages.hpp"
#include "neardup/pipeline.hpp"
#include "random_text.hpp"

namespace {

using neardup::passage_options;
using neardup::source_span;

std::string cjk(std::mt19937& rng, std::size_t chars) {
  std::string s;
  for (std::size_t c = 0; c < chars; ++c)
    neardup::detail::append_utf8(s, static_cast<char32_t>(0x4E00 + rng() % 6000));
  return s;
}

/// Random text of everything normalization drops or folds, pieces drawn at random.
std::string messy_text(std::mt19937& rng, std::size_t pieces) {
  static std::vector<std::string> const kinds = {"嚴峻復雜",
                                                 "復(fù)雜",
                                                 "擔（dān）",
                                                 "，",
                                                 "。",
                                                 "、",
                                                 "！",
                                                 " ",
                                                 "\n",
                                                 "\r\n",
                                                 "　",
                                                 "ＡＢＣ１",
                                                 "Straße",
                                                 "e\u0301",
                                                 "<br>",
                                                 "</div>",
                                                 "<!-- c -->",
                                                 "&amp;",
                                                 "&#x4E00;",
                                                 "&lt;b&gt;",
                                                 "http://example.test/x?y=1",
                                                 "www.a.b",
                                                 "(ordinary)",
                                                 "\xE4\xB8",
                                                 "\xFF",
                                                 "word ",
                                                 "Tab\t",
                                                 "<script>x()</script>",
                                                 "ﬁ",
                                                 "한국어",
                                                 "\u3000\u3000"};
  std::string s;
  for (std::size_t i = 0; i < pieces; ++i) {
    if (rng() % 3 == 0)
      s += cjk(rng, 1 + rng() % 4);
    else
      s += kinds[rng() % kinds.size()];
  }
  return s;
}

void check_offsets(neardup::normalizer const& norm, std::string const& text) {
  std::u32string out;
  std::vector<source_span> spans;
  auto const stats = norm.normalize_with_offsets(text, out, spans);
  std::u32string expected;
  auto const expected_stats = norm.normalize(text, expected);
  REQUIRE(out == expected);
  CHECK(stats == expected_stats);
  REQUIRE(spans.size() == out.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    REQUIRE(spans[i].begin < spans[i].end);
    REQUIRE(spans[i].end <= text.size());
    if (i > 0) {
      REQUIRE(spans[i - 1].begin <= spans[i].begin);
      REQUIRE(spans[i - 1].end <= spans[i].end);
    }
  }
}

/// The text's one passage shared with the other, or fails.
neardup::passage only_passage(neardup::passage_pair const& pair) {
  REQUIRE(pair.passages.size() == 1);
  return pair.passages[0];
}

std::string slice(std::string const& s, std::size_t begin, std::size_t end) {
  return s.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("normalize_with_offsets gives normalize()'s output, with ordered spans", "[passages]") {
  neardup::normalizer const norm;
  SECTION("random text of everything normalization drops or folds") {
    for (unsigned seed : {1u, 2u, 3u, 20261201u}) {
      std::mt19937 rng(seed);
      for (int t = 0; t < 300; ++t) check_offsets(norm, messy_text(rng, 1 + rng() % 60));
    }
  }
  SECTION("the bundled essays, whole files") {
    for (auto const& entry : std::filesystem::directory_iterator(NEARDUP_ESSAYS_DIR)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      check_offsets(norm, ss.str());
    }
  }
  SECTION("in plain text each code point's span is exactly the character it came from") {
    // Han, ASCII, full-width forms and Traditional characters, dropped punctuation and spaces:
    // each one folds to at most one code point, whose span is its own bytes.
    std::string const text = "他們說：「ＡＢＣ abc，我們的學校。」\n第二行 Text! 123";
    std::u32string out;
    std::vector<source_span> spans;
    norm.normalize_with_offsets(text, out, spans);
    REQUIRE(out == norm.normalize(text));
    REQUIRE(spans.size() == out.size());
    for (std::size_t i = 0; i < spans.size(); ++i) {
      std::string const piece = slice(text, spans[i].begin, spans[i].end);
      auto const lead = static_cast<unsigned char>(piece[0]);
      std::size_t const length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      CHECK(piece.size() == length);
      CHECK(norm.normalize(piece) == std::u32string(1, out[i]));
    }
  }
  SECTION("every option combination that drops punctuation") {
    std::mt19937 rng(7);
    for (unsigned flags = 0; flags < 16; ++flags) {
      neardup::normalize_options o;
      o.nfkc_casefold = (flags & 1) == 0;
      o.traditional_to_simplified = (flags & 2) == 0;
      o.strip_pinyin_annotations = (flags & 4) == 0;
      o.strip_web_artifacts = (flags & 8) == 0;
      neardup::normalizer const n(o);
      for (int t = 0; t < 40; ++t) check_offsets(n, messy_text(rng, 30));
    }
  }
  SECTION("each code point's span normalizes to text that holds it") {
    std::mt19937 rng(11);
    for (int t = 0; t < 200; ++t) {
      std::string const text = messy_text(rng, 40);
      if (text.find("e\u0301") != std::string::npos) continue;  // compositions span their segment
      std::u32string out;
      std::vector<source_span> spans;
      norm.normalize_with_offsets(text, out, spans);
      for (std::size_t i = 0; i < out.size(); ++i) {
        std::u32string const alone = norm.normalize(slice(text, spans[i].begin, spans[i].end));
        REQUIRE(alone.find(out[i]) != std::u32string::npos);
      }
    }
  }
}

TEST_CASE("winnowing: every shared run of window + gram - 1 code points shares a fingerprint",
          "[passages]") {
  for (auto const& [gram, window] :
       {std::pair{6u, 11u}, std::pair{4u, 4u}, std::pair{8u, 20u}, std::pair{3u, 1u}}) {
    passage_options o;
    o.gram = gram;
    o.window = window;
    neardup::passage_finder const finder(o);
    std::mt19937 rng(gram * 100 + window);
    for (int t = 0; t < 200; ++t) {
      std::string const run = cjk(rng, o.guarantee() + rng() % 3);
      std::string const a = cjk(rng, rng() % 200) + run + cjk(rng, rng() % 200);
      std::string const b = cjk(rng, rng() % 200) + run + cjk(rng, rng() % 200);
      std::vector<std::uint32_t> fa, fb, shared;
      finder.fingerprint(a, fa);
      finder.fingerprint(b, fb);
      std::set_intersection(fa.begin(), fa.end(), fb.begin(), fb.end(), std::back_inserter(shared));
      REQUIRE(!shared.empty());
    }
    // Texts that share no run of `gram` characters share no fingerprint (but for 32-bit
    // collisions, which these sizes do not reach).
    for (int t = 0; t < 50; ++t) {
      std::string const a = cjk(rng, 300), b = cjk(rng, 300);
      std::vector<std::uint32_t> fa, fb, shared;
      finder.fingerprint(a, fa);
      finder.fingerprint(b, fb);
      CHECK(fa.size() >= 300 / (window + 1));  // at least one per window
      std::set_intersection(fa.begin(), fa.end(), fb.begin(), fb.end(), std::back_inserter(shared));
      if (!shared.empty()) {
        // A shared hash must come from a shared k-gram (or a 32-bit collision).
        std::u32string const na = neardup::normalizer().normalize(a),
                             nb = neardup::normalizer().normalize(b);
        bool gram_shared = false;
        for (std::size_t i = 0; i + gram <= na.size() && !gram_shared; ++i)
          gram_shared = nb.find(na.substr(i, gram)) != std::u32string::npos;
        CHECK(gram_shared);
      }
    }
  }
}

TEST_CASE("passages: spans are the copied bytes, through every disguise", "[passages]") {
  std::mt19937 rng(2026);
  // The copy's text, Simplified in the source; the Traditional form folds to it (checked first).
  std::string const simplified =
      "这场疫情防控阻击战的形势依然严峻复杂，各地区各部门必须坚决服从统一指挥";
  std::string const traditional =
      "這場疫情防控阻擊戰的形勢依然嚴峻復雜，各地區各部門必須堅決服從統一指揮";
  neardup::normalizer const norm;
  REQUIRE(norm.normalize(traditional) == norm.normalize(simplified));
  std::string const before_b = cjk(rng, 120) + "。", after_b = cjk(rng, 80) + "。";
  std::string const source = before_b + simplified + "。" + after_b;
  struct disguise {
    char const* name;
    std::string copy;
  };
  std::vector<disguise> const disguises = {
      {"verbatim", simplified + "。"},
      {"Traditional script", traditional + "。"},
      {"punctuation changed",
       "这场疫情防控阻击战的形势依然严峻复杂、各地区各部门必须坚决服从统一指挥！"},
      {"pinyin annotations",
       "这场疫情防控阻擊(jī)战的形势依然嚴峻復(fù)雜，各地区各部门必须坚决服从统一指揮(huī)。"},
      {"HTML and white space",
       "这场疫情防控<b>阻击战</b>的形势依然严峻&nbsp;复杂，各地区各部门\n必须坚决服从统一指挥。"},
  };
  for (auto const& d : disguises) {
    INFO(d.name);
    std::string const before_a = cjk(rng, 60) + "。", after_a = cjk(rng, 200) + "。";
    std::string const host = before_a + d.copy + after_a;
    neardup::passage const p = only_passage(neardup::passages(host, source));
    CHECK(slice(host, p.a_start, p.a_end) == d.copy);
    CHECK(slice(source, p.b_start, p.b_end) == simplified + "。");
    CHECK(p.chars == norm.normalize(simplified).size());
    CHECK(p.b_line == 1);
  }
  SECTION("a few characters changed: one passage, the changes not counted as matched") {
    // Changes cut the copy into stretches; each holds a whole window (the guarantee) here.
    std::string const original = cjk(rng, 80);
    std::string const long_source = cjk(rng, 30) + "。" + original + "。" + cjk(rng, 30);
    std::u32string copy = norm.normalize(original);
    copy[25] = U'甲';
    copy[50] = U'乙';
    std::string copy_utf8;
    for (char32_t c : copy) neardup::detail::append_utf8(copy_utf8, c);
    std::string const host = cjk(rng, 50) + "。\n" + copy_utf8 + "。" + cjk(rng, 50);
    neardup::passage const p = only_passage(neardup::passages(host, long_source));
    CHECK(slice(host, p.a_start, p.a_end) == copy_utf8 + "。");
    CHECK(slice(long_source, p.b_start, p.b_end) == original + "。");
    CHECK(p.chars == copy.size() - 2);
    CHECK(p.a_line == 2);
  }
  SECTION("containment is the share of each text's characters in passages") {
    std::string const host = simplified + "。" + cjk(rng, 30);
    auto const pair = neardup::passages(host, source);
    double const n = static_cast<double>(norm.normalize(simplified).size());
    CHECK(pair.containment_a == Approx(n / static_cast<double>(norm.normalize(host).size())));
    CHECK(pair.containment_b == Approx(n / static_cast<double>(norm.normalize(source).size())));
  }
}

TEST_CASE("passages: shorter than the minimum is not a passage, by script", "[passages]") {
  std::mt19937 rng(5);
  passage_options o;
  std::string const shared_long = cjk(rng, o.min_chars), shared_short = cjk(rng, o.min_chars - 3);
  CHECK(neardup::passages(cjk(rng, 50) + "。" + shared_long + "。" + cjk(rng, 50),
                          cjk(rng, 40) + "。" + shared_long + "。" + cjk(rng, 60))
            .passages.size() == 1);
  CHECK(neardup::passages(cjk(rng, 50) + "。" + shared_short + "。" + cjk(rng, 50),
                          cjk(rng, 40) + "。" + shared_short + "。" + cjk(rng, 60))
            .passages.empty());
  // English: words, not characters.
  auto words = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
      std::string w;
      for (std::size_t c = 0, len = 3 + rng() % 6; c < len; ++c)
        w += static_cast<char>('a' + rng() % 26);
      s += (i ? " " : "") + w;
    }
    return s;
  };
  std::string const copied = words(o.min_words) + ".", too_few = words(o.min_words - 2) + ".";
  CHECK(neardup::passages(words(30) + ". " + copied + " " + words(20),
                          words(10) + ". " + copied + " " + words(40))
            .passages.size() == 1);
  CHECK(neardup::passages(words(30) + ". " + too_few + " " + words(20),
                          words(10) + ". " + too_few + " " + words(40))
            .passages.empty());
}

TEST_CASE("passages: no two passages share a character's bytes, even one that folds to two",
          "[passages]") {
  // "ß" folds to "ss": A's first passage ends with the first "s" and its second begins with the
  // other, which B has in two places. A boundary inside the character gave both its bytes.
  std::mt19937 rng(9);
  std::string const x = cjk(rng, 24), y = cjk(rng, 24), filler = cjk(rng, 60);
  std::string const a = x + "ß" + y;
  passage_options o;
  o.min_chars = 8;
  for (std::string const& b : {x + "s" + filler + "s" + y, "s" + y + filler + x + "s"}) {
    neardup::passage_pair const pair = neardup::passages(a, b, o);
    REQUIRE(pair.passages.size() == 2);
    CHECK(pair.passages[0].a_end <= pair.passages[1].a_start);
    // Each ends or starts at the character's edge, outside it.
    std::size_t const sharp = x.size();
    for (auto const& p : pair.passages) {
      CHECK((p.a_end <= sharp || p.a_start >= sharp + 2));
      CHECK(p.chars >= x.size() / 3 - 1);
    }
  }
}

TEST_CASE("passage_finder: a fingerprint in more than max_postings essays is stock", "[passages]") {
  std::mt19937 rng(99);
  std::string const slogan = cjk(rng, 40), copied = cjk(rng, 80);
  passage_options o;
  o.max_postings = 20;
  o.threads = 2;
  auto corpus = [&](passage_options const& options) {
    neardup::passage_finder finder(options);
    std::mt19937 r(1);
    for (std::size_t i = 0; i < 30; ++i)
      finder.add(cjk(r, 100) + "。" + slogan + "。" + cjk(r, 100));
    finder.add(cjk(r, 100) + "。" + copied + "。" + cjk(r, 100));
    finder.add(cjk(r, 50) + "。" + copied + "。" + cjk(r, 150));
    return finder.run();
  };
  auto const bounded = corpus(o);
  CHECK(bounded.stats.stock_fingerprints > 0);
  CHECK(bounded.stats.stock_postings >= 30 * bounded.stats.stock_fingerprints);
  REQUIRE(bounded.pairs.size() == 1);
  CHECK(bounded.pairs[0].a == 30);
  CHECK(bounded.pairs[0].b == 31);
  // The bound is what sets the slogan aside: raised over twice the 30 essays (a passage most of
  // whose fingerprints are in over half the bound's essays is a stock phrase too), every pair of
  // them shares it.
  o.max_postings = 40;
  auto const half = corpus(o);
  CHECK(half.stats.stock_fingerprints == 0);
  CHECK(half.pairs.size() == 1);
  o.max_postings = 60;
  auto const unbounded = corpus(o);
  CHECK(unbounded.stats.stock_fingerprints == 0);
  CHECK(unbounded.pairs.size() == 30 * 29 / 2 + 1);
}

TEST_CASE("passage_finder: the pairwise passages, on any number of threads, from a text source",
          "[passages]") {
  std::mt19937 rng(3);
  std::vector<std::string> texts;
  std::vector<std::string> pool;
  for (int i = 0; i < 12; ++i) pool.push_back(cjk(rng, 30 + rng() % 60) + "。");
  for (int d = 0; d < 40; ++d) {
    std::string t;
    for (int s = 0; s < 8; ++s)
      t += rng() % 6 == 0 ? pool[rng() % pool.size()] : cjk(rng, 30) + "。";
    texts.push_back(t);
  }
  std::vector<neardup::passage_result> results;
  for (unsigned threads : {1u, 3u}) {
    passage_options o;
    o.threads = threads;
    neardup::passage_finder finder(o);
    finder.set_text_source([&](std::uint32_t doc) { return texts.at(doc); });
    std::vector<std::uint32_t> fps;
    for (auto const& t : texts) {
      finder.fingerprint(t, fps);
      finder.add_fingerprints(fps);
    }
    results.push_back(finder.run());
  }
  REQUIRE(!results[0].pairs.empty());
  REQUIRE(results[0].pairs.size() == results[1].pairs.size());
  std::size_t expected = 0;
  for (std::uint32_t a = 0; a < texts.size(); ++a)
    for (std::uint32_t b = a + 1; b < texts.size(); ++b)
      expected += neardup::passages(texts[a], texts[b]).passages.empty() ? 0 : 1;
  CHECK(results[0].pairs.size() == expected);
  for (std::size_t i = 0; i < results[0].pairs.size(); ++i) {
    auto const& x = results[0].pairs[i];
    auto const& y = results[1].pairs[i];
    CHECK(x.a == y.a);
    CHECK(x.b == y.b);
    CHECK(x.passages == y.passages);
    CHECK(x.passages == neardup::passages(texts[x.a], texts[x.b]).passages);
  }
}

TEST_CASE("passage_finder: bad options and texts that cannot be read back", "[passages]") {
  passage_options o;
  o.gram = 1;
  CHECK_THROWS_MATCHES(neardup::passage_finder(o), neardup::error,
                       has_code(neardup::errc::invalid_argument));
  o = {};
  o.normalize.drop_punctuation = false;
  CHECK_THROWS_MATCHES(neardup::passages("a", "b", o), neardup::error,
                       has_code(neardup::errc::invalid_argument));
  o = {};
  o.max_postings = 1;
  CHECK_THROWS_MATCHES(neardup::passage_finder(o), neardup::error,
                       has_code(neardup::errc::invalid_argument));

  std::mt19937 rng(8);
  std::string const copied = cjk(rng, 60);
  std::vector<std::string> texts = {cjk(rng, 40) + copied, copied + cjk(rng, 40),
                                    cjk(rng, 20) + copied};
  neardup::passage_finder finder;
  finder.set_text_source([&](std::uint32_t doc) -> std::string {
    if (doc == 1) throw neardup::error(neardup::errc::io_error, "gone");
    return texts.at(doc);
  });
  std::vector<std::uint32_t> fps;
  for (auto const& t : texts) {
    finder.fingerprint(t, fps);
    finder.add_fingerprints(fps);
  }
  CHECK_THROWS_MATCHES(finder.set_text_source({}), neardup::error,
                       has_code(neardup::errc::invalid_argument));
  auto const result = finder.run();
  CHECK(result.stats.unreadable == 1);
  REQUIRE(result.pairs.size() == 1);
  CHECK(result.pairs[0].a == 0);
  CHECK(result.pairs[0].b == 2);
  // Empty, tiny and broken texts give no passage and no error.
  CHECK(neardup::passages("", "").passages.empty());
  CHECK(neardup::passages("\xFF\xFE", "a").passages.empty());
  neardup::passage_finder plain;
  plain.add("");
  plain.add("短");
  CHECK(plain.run().pairs.empty());
  CHECK_THROWS_MATCHES(plain.add_fingerprints(fps), neardup::error,
                       has_code(neardup::errc::invalid_argument));
}

TEST_CASE(
    "run_pipeline with passages: the bundled essays' copied runs, the same on any thread count",
    "[passages]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  std::vector<neardup::passage_result> results;
  std::vector<std::vector<neardup::essay_info>> essays;
  for (unsigned threads : {1u, 2u}) {
    neardup::pipeline_options options;
    options.passages = true;
    options.dedup.threads = threads;
    auto run = neardup::run_pipeline(paths, options);
    essays.push_back(run.essays);
    results.push_back(std::move(run.passages));
  }
  REQUIRE(results[0].pairs.size() == results[1].pairs.size());
  for (std::size_t i = 0; i < results[0].pairs.size(); ++i) {
    CHECK(results[0].pairs[i].a == results[1].pairs[i].a);
    CHECK(results[0].pairs[i].b == results[1].pairs[i].b);
    CHECK(results[0].pairs[i].passages == results[1].pairs[i].passages);
  }
  // Essay 4 of the first file shares two runs with essay 1 (and with its copy, 7).
  auto const& e = essays[0];
  bool found = false;
  for (auto const& p : results[0].pairs) {
    if (e[p.a].id.ends_with("000_a97e9653457f191c.txt#1") &&
        e[p.b].id.ends_with("000_a97e9653457f191c.txt#4")) {
      found = true;
      CHECK(p.passages.size() == 2);
    }
  }
  CHECK(found);
  CHECK(results[0].stats.documents == e.size());
}

namespace {

/// Pairs of two runs, compared in full.
void check_same_pairs(neardup::passage_result const& x, neardup::passage_result const& y) {
  REQUIRE(x.pairs.size() == y.pairs.size());
  for (std::size_t i = 0; i < x.pairs.size(); ++i) {
    CHECK(x.pairs[i].a == y.pairs[i].a);
    CHECK(x.pairs[i].b == y.pairs[i].b);
    CHECK(x.pairs[i].passages == y.pairs[i].passages);
  }
  CHECK(x.stats.candidate_pairs == y.stats.candidate_pairs);
}

}  // namespace

TEST_CASE("passage_finder: groups of alike documents change the speed and not the pairs",
          "[passages]") {
  // Families of near-copies (a sentence changed here and there), texts quoting a pool of
  // sentences, and unrelated texts; a small max_postings, so that a big family is stock.
  std::mt19937 rng(21);
  std::vector<std::string> pool;
  for (int i = 0; i < 10; ++i) pool.push_back(cjk(rng, 40 + rng() % 40) + "。");
  std::vector<std::string> texts;
  std::vector<std::uint32_t> family;  // the true grouping
  for (std::uint32_t f = 0; f < 12; ++f) {
    std::vector<std::string> sentences;
    for (int s = 0; s < 8; ++s)
      sentences.push_back(rng() % 5 == 0 ? pool[rng() % pool.size()] : cjk(rng, 35) + "。");
    std::size_t const copies = f == 0 ? 9 : 1 + rng() % 4;  // family 0 is over max_postings
    for (std::size_t c = 0; c < copies; ++c) {
      std::string t;
      for (auto const& s : sentences) t += rng() % 6 == 0 ? cjk(rng, 35) + "。" : s;
      texts.push_back(t);
      family.push_back(f);
    }
  }
  passage_options o;
  o.max_postings = 6;
  neardup::passage_finder finder(o);
  finder.set_text_source([&](std::uint32_t doc) { return texts.at(doc); });
  neardup::normalizer const norm(o.normalize);
  std::vector<std::uint32_t> fps, from_normalized;
  std::u32string normalized;
  for (auto const& t : texts) {
    finder.fingerprint(t, fps);
    norm.normalize(t, normalized);
    finder.fingerprint_normalized(normalized, from_normalized);
    CHECK(fps == from_normalized);
    finder.add_fingerprints(fps);
  }
  auto const plain = finder.run();
  REQUIRE(plain.pairs.size() > 10);
  check_same_pairs(plain, finder.run(family));
  // A wrong grouping (neighbours in pairs, whatever their family) and a partial one.
  std::vector<std::uint32_t> wrong(texts.size()), partial(texts.size());
  for (std::uint32_t d = 0; d < texts.size(); ++d) {
    wrong[d] = d / 2;
    partial[d] = d % 3 == 0 ? neardup::passage_finder::no_group : family[d] + 1000;
  }
  check_same_pairs(plain, finder.run(wrong));
  check_same_pairs(plain, finder.run(partial));
  std::vector<std::uint32_t> const short_by_one(texts.size() - 1, 0);
  CHECK_THROWS_MATCHES(finder.run(short_by_one), neardup::error,
                       has_code(neardup::errc::invalid_argument));
}

TEST_CASE("run_pipeline with passages: fingerprints taken while signing are the texts' own",
          "[passages]") {
  // The pipeline fingerprints each essay as it is signed (from the signer's normalized text when
  // the normalizations agree, from the text when they do not); a finder given the texts read
  // back finds the same pairs.
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  for (bool const keep_traditional : {false, true}) {
    neardup::pipeline_options options;
    options.passages = true;
    options.dedup.signature.normalize.traditional_to_simplified = !keep_traditional;
    auto run = neardup::run_pipeline(paths, options);
    REQUIRE(!run.passages.pairs.empty());
    neardup::passage_finder finder(
        neardup::with_run_normalization(options.passage, options.dedup.signature.normalize));
    for (std::uint32_t d = 0; d < run.essays.size(); ++d) finder.add(run.text(d));
    check_same_pairs(run.passages, finder.run());
  }
}
