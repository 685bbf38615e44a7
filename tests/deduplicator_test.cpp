#include "neardup/deduplicator.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include <unicode/regex.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "error_code.hpp"
#include "neardup/error.hpp"
#include "neardup/split.hpp"
#include "neardup/verify.hpp"
#include "cluster_members.hpp"
#include "random_text.hpp"

namespace {

std::string slurp(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct essay_text {
  std::string title;
  std::string body;
};

std::vector<essay_text> bundled_essays(std::string const& file) {
  std::string const text = slurp(std::string(NEARDUP_ESSAYS_DIR) + "/" + file);
  std::vector<essay_text> out;
  for (auto const& e : neardup::split_essays(text).essays)
    out.push_back({e.title, text.substr(e.begin, e.end - e.begin)});
  return out;
}

// A clean Simplified copy made by ICU directly (not by neardup's tables): pinyin annotations cut
// with a regular expression, then ICU's Traditional-Simplified transliterator.
std::string simplified_copy(std::string const& traditional) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(traditional);
  icu::RegexMatcher pinyin(u"[\\(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[\\)）]", 0, status);
  REQUIRE(U_SUCCESS(status));
  pinyin.reset(s);
  s = pinyin.replaceAll(u"", status);
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  REQUIRE(U_SUCCESS(status));
  t->transliterate(s);
  std::string out;
  s.toUTF8String(out);
  return out;
}

/// A deduplicator's run over `texts`, added in order.
neardup::dedup_result run_texts(neardup::dedup_options const& options,
                                std::vector<std::string> const& texts) {
  neardup::deduplicator dedup(options);
  for (auto const& t : texts) dedup.add("", t);
  return dedup.run();
}

std::vector<std::vector<std::uint32_t>> docs_of(neardup::dedup_result const& r) {
  std::vector<std::vector<std::uint32_t>> out;
  for (auto const& c : r.clusters) {
    out.emplace_back();
    for (auto const& m : c.members) out.back().push_back(m.doc);
  }
  return out;
}

}  // namespace

TEST_CASE("bundled essays: the two copies of essay 1 and 7 cluster, essay 8 stays out", "[deduplicator]") {
  auto const essays = bundled_essays("000_a97e9653457f191c.txt");
  REQUIRE(essays.size() == 10);
  REQUIRE(essays[0].title == essays[6].title);
  REQUIRE(essays[0].title == essays[7].title);  // same title, different text

  neardup::deduplicator dedup;
  for (std::size_t i = 0; i < essays.size(); ++i) dedup.add(std::to_string(i + 1), essays[i].body);
  auto const result = dedup.run();
  REQUIRE(result.clusters.size() == 1);
  auto const& members = result.clusters[0].members;
  REQUIRE(members.size() == 2);
  CHECK(dedup.id(members[0].doc) == "1");
  CHECK(dedup.id(members[1].doc) == "7");
  CHECK(members[1].similarity > 0.9);
  CHECK(result.stats.documents == 10);
  CHECK(result.stats.duplicates == 1);
}

TEST_CASE("bundled essays: a Traditional essay with pinyin and its clean Simplified copy cluster",
          "[deduplicator]") {
  auto const traditional = bundled_essays("003_ab68e8234b28ac97.txt");
  REQUIRE(traditional.size() == 2);
  std::string const& original = traditional[0].body;
  REQUIRE(original.find("復(fù)雜") != std::string::npos);
  std::string const copy = simplified_copy(original);
  REQUIRE(copy.find("复杂") != std::string::npos);
  REQUIRE(copy != original);

  neardup::deduplicator dedup;
  dedup.add("traditional", original);
  dedup.add("other", traditional[1].body);
  dedup.add("simplified", copy);
  auto const result = dedup.run();
  REQUIRE(result.clusters.size() == 1);
  REQUIRE(result.clusters[0].members.size() == 2);
  CHECK(dedup.id(result.clusters[0].members[0].doc) == "traditional");
  CHECK(dedup.id(result.clusters[0].members[1].doc) == "simplified");
  CHECK(result.clusters[0].members[1].similarity > 0.9);

  SECTION("without Traditional→Simplified folding and pinyin removal they are far apart") {
    neardup::dedup_options raw;
    raw.signature.normalize.traditional_to_simplified = false;
    raw.signature.normalize.strip_pinyin_annotations = false;
    neardup::deduplicator plain(raw);
    plain.add("traditional", original);
    plain.add("simplified", copy);
    CHECK(plain.run().clusters.empty());
  }
}

TEST_CASE("the same clusters whatever the thread count and batch size", "[deduplicator]") {
  std::vector<std::string> texts;
  for (auto const* file : {"000_a97e9653457f191c.txt", "001_4b409de04eda2411.txt", "002_c7d0c75124b67a94.txt",
                           "004_da3226ff0a120635.txt"}) {
    for (auto const& e : bundled_essays(file)) texts.push_back(e.body);
  }
  // Planted copies with edits: drop a paragraph, append boilerplate.
  std::size_t const originals = texts.size();
  for (std::size_t i = 0; i < originals; i += 3) {
    std::string t = texts[i];
    t += "\n本文来源于网络,一键复制。";
    texts.push_back(t);
  }
  std::vector<std::vector<std::vector<std::uint32_t>>> outcomes;
  for (auto [threads, batch] : {std::pair{1u, 4096ul}, std::pair{2u, 7ul}, std::pair{5u, 1ul}}) {
    neardup::dedup_options o;
    o.threads = threads;
    o.batch_documents = batch;
    neardup::deduplicator dedup(o);
    for (std::size_t i = 0; i < texts.size(); ++i) dedup.add(std::to_string(i), texts[i]);
    auto const r = dedup.run();
    outcomes.push_back(docs_of(r));
    CHECK(r.stats.duplicates >= (originals + 2) / 3);
  }
  CHECK(outcomes[0] == outcomes[1]);
  CHECK(outcomes[0] == outcomes[2]);
}

TEST_CASE("estimate verification agrees with exact verification on clear cases", "[deduplicator]") {
  // The bundled essays: one pair of copies (essays 1 and 7), every other pair far below 0.5.
  auto const essays = bundled_essays("000_a97e9653457f191c.txt");
  auto run = [&](neardup::verify_mode mode) {
    neardup::dedup_options o;
    o.verify = mode;
    neardup::deduplicator dedup(o);
    for (auto const& e : essays) dedup.add(e.title, e.body);
    return dedup.run();
  };
  auto const estimated = run(neardup::verify_mode::estimate);
  auto const exact = run(neardup::verify_mode::exact);
  REQUIRE(exact.clusters.size() == 1);
  CHECK(docs_of(exact) == std::vector<std::vector<std::uint32_t>>{{0, 6}});
  CHECK(docs_of(estimated) == docs_of(exact));
  CHECK(exact.stats.exact_pairs == exact.stats.candidates.pairs);
  CHECK(estimated.stats.exact_pairs == 0);  // no text read back
  CHECK(estimated.stats.texts_read_back == 0);
  CHECK(estimated.stats.verified_pairs == exact.stats.verified_pairs);
  // Copies: the estimate says so, as exact Jaccard measures it.
  CHECK(estimated.clusters[0].members[1].estimated);
  CHECK_FALSE(exact.clusters[0].members[1].estimated);
  CHECK(estimated.clusters[0].members[1].similarity == exact.clusters[0].members[1].similarity);
}

TEST_CASE("a text source replaces kept texts for exact verification", "[deduplicator]") {
  auto const essays = bundled_essays("000_a97e9653457f191c.txt");
  neardup::dedup_options o;
  o.verify = neardup::verify_mode::exact;
  neardup::deduplicator dedup(o);
  std::size_t calls = 0;
  dedup.set_text_source([&](std::uint32_t doc) {
    ++calls;  // only called from the verification stage
    return essays.at(doc).body;
  });
  for (auto const& e : essays) dedup.add(e.title, e.body);
  auto const r = dedup.run();
  REQUIRE(r.clusters.size() == 1);
  CHECK(r.clusters[0].members[1].doc == 6);
  CHECK(calls >= 2);
}

TEST_CASE("hybrid verification gives the clusters of exact verification, reading fewer texts",
          "[deduplicator]") {
  // Every bundled essay, plus copies edited so far that some pairs sit near the threshold (where
  // the estimate is unsure and exact Jaccard must decide) and others clearly above or below it.
  std::vector<std::string> texts;
  for (char const* file : {"000_a97e9653457f191c.txt", "001_4b409de04eda2411.txt", "002_c7d0c75124b67a94.txt"})
    for (auto const& e : bundled_essays(file)) texts.push_back(e.body);
  std::mt19937 rng(11);
  std::size_t const originals = texts.size();
  for (std::size_t i = 0; i < originals; ++i) {
    for (double rate : {0.01, 0.06, 0.09, 0.2}) {
      icu::UnicodeString edited = icu::UnicodeString::fromUTF8(texts[i]);
      for (int32_t c = 0; c < edited.length(); ++c)
        if (std::uniform_real_distribution<double>(0, 1)(rng) < rate)
          edited.setCharAt(c, static_cast<char16_t>(0x4E00 + rng() % 2000));
      std::string out;
      texts.push_back(edited.toUTF8String(out));
    }
  }
  auto run = [&](neardup::verify_mode mode) {
    neardup::dedup_options o;
    o.verify = mode;
    neardup::deduplicator dedup(o);
    for (std::size_t i = 0; i < texts.size(); ++i) dedup.add(std::to_string(i), texts[i]);
    return dedup.run();
  };
  auto const exact = run(neardup::verify_mode::exact);
  auto const hybrid = run(neardup::verify_mode::hybrid);
  auto members = [](neardup::dedup_result const& r) {
    std::vector<std::vector<std::uint32_t>> out;
    for (auto const& c : r.clusters) {
      out.emplace_back();
      for (auto const& m : c.members) out.back().push_back(m.doc);
    }
    return out;
  };
  REQUIRE(exact.clusters.size() >= originals / 2);
  CHECK(members(hybrid) == members(exact));
  auto const& s = hybrid.stats;
  CHECK(s.accepted_by_estimate > 0);
  CHECK(s.exact_pairs > 0);  // some pairs were near the threshold
  CHECK(s.exact_pairs < exact.stats.exact_pairs);
  CHECK(s.accepted_by_estimate + s.rejected_by_estimate + s.exact_pairs + s.already_joined == s.candidates.pairs);
  // Similarities measured exactly agree with exact mode; estimates say they are estimates and lie
  // within the margin of certainty of the exact value.
  double const margin = neardup::estimate_margin(0.5, 128, true);
  for (std::size_t c = 0; c < hybrid.clusters.size(); ++c)
    for (std::size_t m = 0; m < hybrid.clusters[c].members.size(); ++m) {
      auto const& h = hybrid.clusters[c].members[m];
      auto const& x = exact.clusters[c].members[m];
      CHECK_FALSE(x.estimated);
      if (h.estimated) {
        CHECK(std::abs(h.similarity - x.similarity) < margin);
      } else {
        CHECK(h.similarity == x.similarity);
      }
    }
}

TEST_CASE("empty documents are counted and never clustered", "[deduplicator]") {
  neardup::deduplicator dedup;
  dedup.add("a", "");
  dedup.add("b", "。。。,,, \n");
  dedup.add("c", "");
  auto const r = dedup.run();
  CHECK(r.clusters.empty());
  CHECK(r.stats.empty_documents == 3);
  CHECK(r.stats.documents == 3);
}

TEST_CASE("bad options are rejected with invalid_argument", "[deduplicator]") {
  auto rejects = [](neardup::dedup_options const& o) {
    try {
      neardup::deduplicator d(o);
    } catch (neardup::error const& e) {
      return e.code() == neardup::errc::invalid_argument;
    }
    return false;
  };
  neardup::dedup_options o;
  o.threshold = 0;
  CHECK(rejects(o));
  o.threshold = 1.5;
  CHECK(rejects(o));
  o = {};
  o.lsh = neardup::lsh_params{100, 2};  // 200 rows > 128 permutations
  CHECK(rejects(o));
  o = {};
  o.signature.minhash.num_perm = 0;
  CHECK(rejects(o));
  o = {};
  o.signature.unit = neardup::shingle_unit::word;  // white space dropped: a text would be one word
  CHECK(rejects(o));
  o.signature.normalize.drop_whitespace = false;
  CHECK_NOTHROW(neardup::deduplicator(o));
}

TEST_CASE("exact and hybrid verification refuse documents added by signature with no text source",
          "[deduplicator]") {
  neardup::document_signer const signer;
  auto const signature =
      signer.sign("疫情防控要坚持全国一盘棋,各级党委和政府必须坚决服从党中央统一指挥。");
  for (auto const mode : {neardup::verify_mode::exact, neardup::verify_mode::hybrid}) {
    INFO(neardup::verify_mode_name(mode));
    neardup::dedup_options o;
    o.verify = mode;
    neardup::deduplicator dedup(o);
    // Today's alternative would be zero clusters for two identical signatures: refused instead.
    CHECK_THROWS_MATCHES(dedup.add_signature("a", signature, false), neardup::error,
                         has_code(neardup::errc::invalid_argument));
    std::vector<std::uint64_t> keys(dedup.lsh().bands);
    neardup::band_keys(signature, dedup.lsh(), keys);
    CHECK_THROWS_MATCHES(dedup.add_signature("a", signature, keys, false), neardup::error,
                         has_code(neardup::errc::invalid_argument));
    CHECK(dedup.size() == 0);  // nothing was added
  }
  // The estimate needs no text: two identical signatures are one cluster.
  neardup::dedup_options o;
  o.verify = neardup::verify_mode::estimate;
  neardup::deduplicator dedup(o);
  dedup.add_signature("a", signature, false);
  dedup.add_signature("b", signature, false);
  auto const r = dedup.run();
  REQUIRE(r.clusters.size() == 1);
  CHECK(r.clusters[0].members.size() == 2);
}

TEST_CASE("a text source set after the first document is refused", "[deduplicator]") {
  auto const source = [](std::uint32_t) { return std::string("文本"); };
  neardup::deduplicator by_text;
  by_text.add("a", "疫情防控要坚持全国一盘棋");
  CHECK_THROWS_MATCHES(by_text.set_text_source(source), neardup::error,
                       has_code(neardup::errc::invalid_argument));
  CHECK(by_text.text(0) == "疫情防控要坚持全国一盘棋");  // still the kept text

  neardup::dedup_options o;
  o.verify = neardup::verify_mode::estimate;
  neardup::deduplicator by_signature(o);
  by_signature.add_signature("a", by_signature.signer().sign("疫情防控要坚持全国一盘棋"), false);
  CHECK_THROWS_MATCHES(by_signature.set_text_source(source), neardup::error,
                       has_code(neardup::errc::invalid_argument));

  neardup::deduplicator before;
  CHECK_NOTHROW(before.set_text_source(source));
  before.add("a", "疫情防控要坚持全国一盘棋");
  CHECK(before.text(0) == "文本");  // from the source
}

TEST_CASE("add_signature, with or without band keys computed by the caller, gives what add gives", "[deduplicator]") {
  std::vector<std::string> texts;
  for (auto const* file : {"000_a97e9653457f191c.txt", "001_4b409de04eda2411.txt"})
    for (auto const& e : bundled_essays(file)) texts.push_back(e.body);
  texts.push_back(texts[3] + "又一句。");  // a near-duplicate, so that there is a cluster to find
  texts.push_back("");                    // an empty document
  neardup::dedup_options options;
  neardup::deduplicator by_text(options), by_signature(options), by_keys(options), by_info(options);
  neardup::document_signer const signer(options.signature);
  std::vector<std::uint64_t> keys(by_keys.lsh().bands);
  for (auto* d : {&by_signature, &by_keys, &by_info})
    d->set_text_source([&](std::uint32_t doc) { return texts[doc]; });
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::string const id = std::to_string(i);
    by_text.add(id, texts[i]);
    std::vector<std::uint32_t> signature(signer.num_perm());
    neardup::signer_scratch scratch;
    auto const info = by_info.signer().sign(texts[i], signature, scratch);
    bool const empty = signer.sign(texts[i], signature, scratch).shingles == 0;
    by_signature.add_signature(id, signature, empty);
    neardup::band_keys(signature, by_keys.lsh(), keys);
    by_keys.add_signature(id, signature, keys, empty);
    by_info.add_signature(id, signature, keys, info, texts[i].size());
  }
  auto const expected = by_text.run();
  REQUIRE_FALSE(expected.clusters.empty());
  CHECK(by_signature.run().clusters == expected.clusters);
  CHECK(by_keys.run().clusters == expected.clusters);
  // With what signing saw, the statistics are those of add().
  auto const with_info = by_info.run();
  CHECK(with_info.clusters == expected.clusters);
  CHECK(with_info.stats.documents == expected.stats.documents);
  CHECK(with_info.stats.empty_documents == 1);
  CHECK(with_info.stats.empty_documents == expected.stats.empty_documents);
  CHECK(with_info.stats.bytes == expected.stats.bytes);
  CHECK(with_info.stats.shingles > 0);
  CHECK(with_info.stats.shingles == expected.stats.shingles);
  CHECK(with_info.stats.invalid_bytes == expected.stats.invalid_bytes);
  std::vector<std::uint32_t> const signature(signer.num_perm());
  CHECK_THROWS_AS(by_keys.add_signature("x", signature, std::span<const std::uint64_t>(keys).first(1), false),
                  neardup::error);
  CHECK_THROWS_AS(by_keys.add_signature("x", std::span<const std::uint32_t>(signature).first(3), keys, false),
                  neardup::error);
}

TEST_CASE(
    "at threshold 1 hybrid verification never accepts a one-character edit by estimate, whatever "
    "the seed",
    "[deduplicator]") {
  // A one-character edit of a bundled essay: exact 5-gram Jaccard about 0.995, so its estimate is
  // 1.0 for many seeds. Exact verification must decide it, and reject it.
  std::string const text = bundled_essays("000_a97e9653457f191c.txt").at(1).body;
  std::string edited = text;
  auto const at = edited.find("的", edited.size() / 2);
  REQUIRE(at != std::string::npos);
  edited.replace(at, 3, "鑫");  // one character in the middle
  REQUIRE(edited != text);
  CHECK_FALSE(neardup::estimate_may_accept(1.0, 128));
  CHECK_FALSE(neardup::estimate_may_accept(0.99, 128));
  CHECK(neardup::estimate_may_accept(0.5, 128));
  std::size_t estimated_ones = 0;  // seeds whose estimate of the edit is 1.0: the cases that failed
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    neardup::dedup_options o;
    o.threshold = 1.0;
    o.signature.minhash.seed = seed;
    neardup::deduplicator dedup(o);
    dedup.add("original", text);
    dedup.add("edited", edited);
    dedup.add("copy", text);
    estimated_ones +=
        neardup::estimate_jaccard(dedup.signer().sign(text), dedup.signer().sign(edited)) == 1.0;
    auto const r = dedup.run();
    REQUIRE(r.clusters.size() == 1);
    // With templates looked for, the edit shares all its sentences but one: a template, never a
    // duplicate at threshold 1.
    auto const& members = r.clusters[0].members;
    REQUIRE(members.size() == 3);
    CHECK(members[1].doc == 1);
    CHECK(members[1].relation == neardup::member_relation::templated);
    CHECK(members[2].doc == 2);
    CHECK(members[2].relation == neardup::member_relation::duplicate);
    CHECK(members[2].similarity == 1.0);
    CHECK_FALSE(members[2].estimated);
    CHECK(r.stats.accepted_by_estimate == 0);
    o.templates = false;
    auto const p = run_texts(o, {text, edited, text});
    REQUIRE(p.clusters.size() == 1);
    REQUIRE(p.clusters[0].members.size() == 2);
    CHECK(p.clusters[0].members[1].doc == 2);
    CHECK(p.stats.accepted_by_estimate == 0);
  }
  CHECK(estimated_ones > 0);  // the test reaches the case it guards against
}

namespace {

/// Three texts a, b, c of bundled paragraphs, a–b and b–c at or above 0.5 and a–c below it: a
/// chain.
std::vector<std::string> chained_texts(neardup::document_signer const& signer) {
  std::vector<std::string> lines;
  for (char const* file :
       {"000_a97e9653457f191c.txt", "002_c7d0c75124b67a94.txt", "003_ab68e8234b28ac97.txt"}) {
    std::istringstream in(slurp(std::string(NEARDUP_ESSAYS_DIR) + "/" + file));
    for (std::string line; std::getline(in, line);)
      if (line.size() >= 150) lines.push_back(line);
  }
  auto join = [&](std::size_t from, std::size_t n) {
    std::string out;
    for (std::size_t i = from; i < from + n; ++i) out += lines.at(i) + "\n";
    return out;
  };
  for (std::size_t start = 0; start + 16 <= lines.size(); ++start) {
    std::vector<std::string> t = {join(start, 10), join(start + 3, 10), join(start + 6, 10)};
    auto j = [&](int x, int y) {
      return neardup::exact_jaccard(signer.shingle_set(t[x]), signer.shingle_set(t[y]));
    };
    if (j(0, 1) > 0.55 && j(1, 2) > 0.55 && j(0, 2) < 0.45) return t;
  }
  FAIL("no chain found in the bundled essays");
  return {};
}

}  // namespace

TEST_CASE(
    "single linkage clusters a chain and names the link, star keeps members at the threshold to "
    "the first",
    "[deduplicator]") {
  neardup::document_signer const signer;
  auto const texts = chained_texts(signer);
  for (unsigned threads : {1u, 2u})
    for (auto const mode : {neardup::verify_mode::exact, neardup::verify_mode::hybrid}) {
      neardup::dedup_options o;
      o.verify = mode;
      o.threads = threads;
      neardup::deduplicator single(o);
      o.linkage = neardup::linkage_mode::star;
      neardup::deduplicator star(o);
      for (auto const& t : texts) {
        single.add("", t);
        star.add("", t);
      }
      auto const s = single.run();
      REQUIRE(s.clusters.size() == 1);
      auto const& m = s.clusters[0].members;
      REQUIRE(m.size() == 3);
      CHECK(m[2].linked_to == 1);
      CHECK(m[2].link_similarity >= 0.5);
      CHECK(m[2].similarity < 0.5);  // below the threshold to the first: single linkage
      CHECK(m[1].relation == neardup::member_relation::duplicate);
      CHECK(m[2].relation == neardup::member_relation::duplicate);
      auto const r = star.run();
      REQUIRE(r.clusters.size() == 1);
      REQUIRE(r.clusters[0].members.size() == 2);
      CHECK(r.clusters[0].members[1].doc == 1);
      CHECK(r.clusters[0].members[1].similarity >= 0.5);
      CHECK(r.clusters[0].members[1].linked_to == 0);
    }
}

TEST_CASE(
    "templated essays cluster as templates at the defaults, an essay quoting two paragraphs does "
    "not",
    "[deduplicator]") {
  // Sentences of the bundled essays: short ones make the shared skeleton, long ones fill the
  // blanks.
  std::vector<std::string> short_s, long_s;
  for (char const* file :
       {"000_a97e9653457f191c.txt", "001_4b409de04eda2411.txt", "002_c7d0c75124b67a94.txt",
        "003_ab68e8234b28ac97.txt", "004_da3226ff0a120635.txt"}) {
    std::string const text = slurp(std::string(NEARDUP_ESSAYS_DIR) + "/" + file);
    for (std::size_t begin = 0, end; (end = text.find("。", begin)) != std::string::npos;
         begin = end + 3) {
      std::string s = text.substr(begin, end + 3 - begin);
      if (s.find('\n') != std::string::npos) continue;
      (s.size() < 90 ? short_s : long_s).push_back(s);
    }
  }
  REQUIRE(short_s.size() > 30);
  REQUIRE(long_s.size() > 40);
  // Six lines: two skeleton sentences and one blank (a long sentence, its own per member) each.
  auto member = [&](std::size_t fill) {
    std::string out;
    for (std::size_t line = 0; line < 6; ++line)
      out += short_s[2 * line] + long_s[fill + line] + short_s[2 * line + 1] + "\n";
    return out;
  };
  std::string const a = member(0), b = member(10);
  std::string quoting;  // two of a's lines among eight of its own
  for (std::size_t line = 0; line < 8; ++line)
    quoting += short_s[20 + line] + long_s[20 + line] + "\n";
  quoting.insert(0, a.substr(0, a.find('\n', a.find('\n') + 1) + 1));
  neardup::document_signer const signer;
  REQUIRE(neardup::exact_jaccard(signer.shingle_set(a), signer.shingle_set(b)) < 0.5);
  for (bool templates : {true, false}) {
    neardup::dedup_options o;
    o.templates = templates;
    auto const r = run_texts(o, {a, b, quoting});
    if (!templates) {
      CHECK(r.clusters.empty());
      continue;
    }
    REQUIRE(r.clusters.size() == 1);
    auto const& m = r.clusters[0].members;
    REQUIRE(m.size() == 2);
    CHECK(m[1].doc == 1);
    CHECK(m[1].relation == neardup::member_relation::templated);
    CHECK(m[1].similarity < 0.5);
    CHECK(r.stats.templated_pairs == 1);
  }
}

TEST_CASE("sentence filters set template candidates aside without changing the clusters",
          "[deduplicator]") {
  // Essays from a pool of sentence lines (shared paragraphs: copied passages, never templates)
  // and template families (the same skeleton sentences, each line's blank filled apart).
  std::mt19937 rng(31);
  auto sentence = [&] {
    std::string s;
    for (int c = 0; c < 12 + static_cast<int>(rng() % 10); ++c)
      neardup::detail::append_utf8(s, static_cast<char32_t>(0x4E00 + rng() % 3000));
    return s + "。";
  };
  std::vector<std::string> texts;
  for (int topic = 0; topic < 3; ++topic) {
    std::vector<std::string> pool;
    for (int p = 0; p < 12; ++p) pool.push_back(sentence() + sentence() + sentence() + "\n");
    for (int e = 0; e < 30; ++e) {
      std::vector<std::size_t> picks(pool.size());
      for (std::size_t i = 0; i < picks.size(); ++i) picks[i] = i;
      std::shuffle(picks.begin(), picks.end(), rng);
      picks.resize(3 + rng() % 5);
      std::string text;
      for (std::size_t const i : picks) text += pool[i];
      texts.push_back(text);
    }
  }
  for (int family = 0; family < 8; ++family) {
    std::vector<std::string> skeleton;
    for (int s = 0; s < 12; ++s) skeleton.push_back(sentence());
    for (int m = 0; m < 3; ++m) {
      std::string text;
      for (std::size_t line = 0; line < 6; ++line)
        text += skeleton[2 * line] + sentence() + sentence() + skeleton[2 * line + 1] + "\n";
      texts.push_back(text);
    }
  }
  std::shuffle(texts.begin(), texts.end(), rng);
  auto run = [&](bool filters, neardup::verify_mode mode, unsigned threads) {
    neardup::dedup_options o;
    o.verify = mode;
    o.threads = threads;
    neardup::deduplicator dedup(o);
    if (!filters) dedup.set_text_source([&](std::uint32_t doc) { return texts[doc]; });
    auto const& signer = dedup.signer();
    neardup::signer_scratch scratch;
    std::vector<std::uint32_t> sig(signer.num_perm()), sketch(signer.options().sentences.num_perm);
    std::vector<std::uint64_t> keys(dedup.lsh().bands), sentence_keys(dedup.sentence_lsh().bands);
    for (auto const& t : texts) {
      if (filters) {
        dedup.add("", t);
        continue;
      }
      // Signed here and added without a filter: every candidate is measured.
      auto const info = signer.sign(t, sig, sketch, scratch);
      neardup::band_keys(sig, dedup.lsh(), keys);
      neardup::band_keys(sketch, dedup.sentence_lsh(), sentence_keys);
      dedup.add_signature("", sig, keys, sentence_keys, info, t.size());
    }
    return dedup.run();
  };
  auto const members = neardup_test::members_with_relation;
  for (auto const mode : {neardup::verify_mode::exact, neardup::verify_mode::hybrid}) {
    INFO("mode " << neardup::verify_mode_name(mode));
    auto const without = run(false, mode, 1);
    CHECK(without.stats.sentence_pairs_bounded == 0);
    REQUIRE(without.stats.templated_pairs > 0);
    for (unsigned const threads : {1u, 2u}) {
      auto const with = run(true, mode, threads);
      CHECK(members(with) == members(without));
      CHECK(with.stats.templated_pairs == without.stats.templated_pairs);
      CHECK(with.stats.sentence_candidates.pairs == without.stats.sentence_candidates.pairs);
      CHECK(with.stats.sentence_pairs_bounded > 0);
      CHECK(with.stats.sentence_pairs_measured < without.stats.sentence_pairs_measured);
    }
  }
}
