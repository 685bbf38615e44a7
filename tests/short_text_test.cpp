// Short texts: pairs whose shorter text is under short_text.below_chars normalized code points are
// judged by exact Jaccard over short n-grams, proposed by the short-text sketch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "cli_helpers.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/error.hpp"
#include "neardup/normalize.hpp"
#include "neardup/shingle.hpp"
#include "neardup/signature.hpp"

namespace {

std::string utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

/// The clusters of `texts` at `options`, as lists of document indices.
std::vector<std::vector<std::uint32_t>> clusters_of(std::vector<std::string> const& texts,
                                                    neardup::dedup_options const& options) {
  neardup::deduplicator dedup(options);
  for (std::size_t i = 0; i < texts.size(); ++i) dedup.add(std::to_string(i), texts[i]);
  std::vector<std::vector<std::uint32_t>> out;
  for (auto const& c : dedup.run().clusters) {
    out.emplace_back();
    for (auto const& m : c.members) out.back().push_back(m.doc);
  }
  return out;
}

neardup::dedup_options without_short_rule() {
  neardup::dedup_options o;
  o.signature.short_text.below_chars = 0;
  return o;
}

double jaccard(std::string const& a, std::string const& b, unsigned n) {
  neardup::normalizer const norm;
  auto x = neardup::char_shingles(norm.normalize(a), {.n = n});
  auto y = neardup::char_shingles(norm.normalize(b), {.n = n});
  neardup::make_shingle_set(x);
  neardup::make_shingle_set(y);
  return neardup::exact_jaccard(x, y);
}

// 早发白帝城 in Simplified, and another edition in Traditional.
std::string const poem = "朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。";
std::string const couplet = "千里江陵一日还，两岸猿声啼不住。";

}  // namespace

TEST_CASE(
    "short texts: a Traditional edition with a changed character or two is found at the "
    "defaults, and not without the short rule",
    "[short_text]") {
  // 还 → 回 (one character): 5-gram Jaccard 0.33, bigram 0.73.
  std::string const couplet_t = "千里江陵一日回，兩岸猿聲啼不住。";
  // 还 → 回 and 住 → 盡 (two characters): 5-gram Jaccard 0.41, bigram 0.74.
  std::string const poem_t = "朝辭白帝彩雲間，千里江陵一日回。兩岸猿聲啼不盡，輕舟已過萬重山。";
  REQUIRE(jaccard(couplet, couplet_t, 5) < 0.5);
  REQUIRE(jaccard(poem, poem_t, 5) < 0.5);
  REQUIRE(jaccard(couplet, couplet_t, 2) >= 0.7);
  REQUIRE(jaccard(poem, poem_t, 2) >= 0.7);
  for (auto const& [a, b] : {std::pair{couplet, couplet_t}, std::pair{poem, poem_t}}) {
    std::vector<std::string> const texts = {"春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。", a,
                                            b};
    CHECK(clusters_of(texts, {}) == std::vector<std::vector<std::uint32_t>>{{1, 2}});
    CHECK(clusters_of(texts, without_short_rule()).empty());
  }
}

TEST_CASE("short texts: the reported similarity of a short pair is its exact bigram Jaccard",
          "[short_text]") {
  std::string const poem_t = "朝辭白帝彩雲間，千里江陵一日回。兩岸猿聲啼不盡，輕舟已過萬重山。";
  neardup::deduplicator dedup;
  dedup.add("a", poem);
  dedup.add("b", poem_t);
  auto const result = dedup.run();
  REQUIRE(result.clusters.size() == 1);
  auto const& m = result.clusters[0].members;
  REQUIRE(m.size() == 2);
  CHECK(m[1].similarity == Approx(jaccard(poem, poem_t, 2)));
  CHECK_FALSE(m[1].estimated);
  CHECK(result.stats.short_documents == 2);
  CHECK(result.stats.short_pairs == 1);
}

TEST_CASE(
    "short texts: a pair straddling short_text.below_chars is judged by the short rule, "
    "a pair of two longer texts by the usual one",
    "[short_text]") {
  // Distinct characters that normalize to themselves, so that lengths are normalized lengths.
  neardup::normalizer const norm;
  std::u32string base;
  for (char32_t c = 0x4E00; base.size() < 140; c += 7)
    if (norm.normalize(utf8(std::u32string(1, c))) == std::u32string(1, c)) base += c;
  neardup::dedup_options const options;
  unsigned const below = options.signature.short_text.below_chars;
  auto changed = [](std::u32string s, std::size_t at) {
    s[at] = U'鑫';
    return s;
  };
  // Just under and just over: bigram rule. Both over: 5-gram rule.
  for (auto const& [la, lb, n] :
       {std::tuple{below - 2, below + 4, 2u}, std::tuple{below + 1, below + 6, 5u}}) {
    std::string const a = utf8(base.substr(0, la));
    std::string const b = utf8(changed(base.substr(0, lb), la / 2));
    neardup::dedup_options exact = options;
    exact.verify = neardup::verify_mode::exact;
    neardup::deduplicator dedup(exact);
    dedup.add("a", a);
    dedup.add("b", b);
    auto const result = dedup.run();
    REQUIRE(result.clusters.size() == 1);
    CHECK(result.clusters[0].members[1].similarity == Approx(jaccard(a, b, n)));
    CHECK(jaccard(a, b, 2) != Approx(jaccard(a, b, 5)));
    CHECK(clusters_of({a, b}, options).size() == 1);  // hybrid too
  }
}

TEST_CASE("short texts: different texts on one topic, sharing a stock phrase, stay apart",
          "[short_text]") {
  std::vector<std::string> const texts = {
      "2023年疫情防控心得体会——坚守岗位的那些日子",
      "2023年疫情防控心得体会——社区志愿者的故事",
      "2023年疫情防控心得体会：我们一起走过寒冬",
      "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
      "春眠不觉晓，窗外柳如烟。儿童放纸鸢，笑语满山川。",
      "我认为，青年人应当脚踏实地，在平凡的岗位上发光发热。",
      "我认为，读书的意义在于开阔眼界，学会独立思考。",
  };
  double most = 0;
  for (std::size_t i = 0; i < texts.size(); ++i)
    for (std::size_t j = i + 1; j < texts.size(); ++j)
      most = std::max(most, jaccard(texts[i], texts[j], 2));
  CHECK(most > 0.2);  // they do share something
  CHECK(most < 0.5);
  CHECK(clusters_of(texts, {}).empty());
}

TEST_CASE("short texts: the character signature is the same whatever the short-text options",
          "[short_text]") {
  std::string long_text;
  for (int i = 0; i < 20; ++i) long_text += poem;
  neardup::signature_options off, other;
  off.short_text.below_chars = 0;
  other.short_text = {60, 3, 32};
  for (auto const& text : {couplet, poem, long_text}) {
    auto const expected = neardup::document_signer().sign(text);
    CHECK(neardup::document_signer(off).sign(text) == expected);
    CHECK(neardup::document_signer(other).sign(text) == expected);
  }
  // Long texts are never given the short-text sketch.
  neardup::deduplicator dedup;
  dedup.add("a", long_text);
  dedup.add("b", long_text + "又一句。");
  auto const result = dedup.run();
  CHECK(result.stats.short_documents == 0);
  CHECK(result.clusters.size() == 1);
}

TEST_CASE("short texts: documents added by signature with what signing saw take part",
          "[short_text]") {
  std::vector<std::string> const texts = {
      poem, "朝辭白帝彩雲間，千里江陵一日回。兩岸猿聲啼不盡，輕舟已過萬重山。"};
  neardup::deduplicator dedup;
  dedup.set_text_source([&](std::uint32_t doc) { return texts[doc]; });
  std::vector<std::uint32_t> signature(dedup.signer().num_perm());
  std::vector<std::uint64_t> keys(dedup.lsh().bands);
  neardup::signer_scratch scratch;
  for (auto const& t : texts) {
    auto const info = dedup.signer().sign(t, signature, scratch);
    neardup::band_keys(signature, dedup.lsh(), keys);
    dedup.add_signature("", signature, keys, info, t.size());
  }
  CHECK(dedup.run().clusters.size() == 1);
}

TEST_CASE("short texts: bad short-text options are rejected", "[short_text]") {
  neardup::dedup_options o;
  o.short_lsh = neardup::lsh_params{40, 3};  // 120 values of 96
  CHECK_THROWS_AS(neardup::deduplicator{o}, neardup::error);
  neardup::signature_options s;
  s.short_text.ngram = 0;
  CHECK_THROWS_AS(neardup::document_signer{s}, neardup::error);
}

TEST_CASE(
    "short texts: a short text and the same text three times over, too long for the "
    "short-text sketch, are judged by the short rule from the 5-gram candidates",
    "[short_text]") {
  std::string const answer =
      "疫情防控是一场阻击战，也是一场总体战、持久战。各地区各部门必须增强大局意识和全局观念，"
      "坚决服从党中央统一指挥，坚持全国一盘棋，统筹兼顾、协调联动，"
      "才能打赢这场没有硝烟的战争，守护人民群众的生命安全和身体健康。";
  std::string const thrice = answer + answer + answer;
  REQUIRE(neardup::normalizer().normalize(answer).size() < 100);
  REQUIRE(neardup::normalizer().normalize(thrice).size() > 200);
  neardup::deduplicator dedup;
  dedup.add("a", answer);
  dedup.add("b", thrice);
  auto const result = dedup.run();
  REQUIRE(result.clusters.size() == 1);
  CHECK(result.stats.short_documents == 1);  // only the short one is sketched
  CHECK(result.clusters[0].members[1].similarity == Approx(jaccard(answer, thrice, 2)));
}

TEST_CASE("short texts: dedup finds a short pair across scripts, and not with --short-text-chars 0",
          "[short_text][cli]") {
  if (std::string(NEARDUP_DEDUP_EXE).empty()) {
    WARN("not tested: dedup was not built");
    return;
  }
  std::string const edition = "朝辭白帝彩雲間，千里江陵一日回。兩岸猿聲啼不盡，輕舟已過萬重山。";
  cli::temp_dir dir;
  std::string const file = (dir.path / "poems.jsonl").string();
  cli::write_file(file, "{\"id\":\"a\",\"text\":\"" + poem + "\"}\n{\"id\":\"b\",\"text\":\"" +
                            edition +
                            "\"}\n{\"id\":\"c\",\"text\":\"春眠不觉晓，处处闻啼鸟。\"}\n");
  auto const on = cli::run_dedup("--format jsonl --jsonl " + cli::quote(file));
  INFO(on.err);
  REQUIRE(on.exit_code == 0);
  auto const clusters = cli::parse_clusters(on.out);
  REQUIRE(clusters.size() == 1);
  REQUIRE(clusters[0].size() == 2);
  CHECK(clusters[0][1].id == "b");
  CHECK(clusters[0][1].similarity == Approx(jaccard(poem, edition, 2)).epsilon(1e-3));
  auto const off =
      cli::run_dedup("--short-text-chars 0 --format jsonl --jsonl " + cli::quote(file));
  REQUIRE(off.exit_code == 0);
  CHECK(cli::parse_clusters(off.out).empty());
}

TEST_CASE("short texts: documents added by signature without a text source keep the 5-gram rule",
          "[short_text]") {
  neardup::dedup_options options;
  options.verify = neardup::verify_mode::estimate;
  neardup::deduplicator dedup(options);
  std::vector<std::uint32_t> signature(dedup.signer().num_perm());
  std::vector<std::uint64_t> keys(dedup.lsh().bands);
  neardup::signer_scratch scratch;
  for (auto const& t : {poem, poem + "。"}) {  // the same text after normalization
    auto const info = dedup.signer().sign(t, signature, scratch);
    neardup::band_keys(signature, dedup.lsh(), keys);
    dedup.add_signature("", signature, keys, info, t.size());
  }
  auto const result = dedup.run();
  CHECK(result.stats.short_documents == 0);  // no text to sketch
  CHECK(result.clusters.size() == 1);
}
