#include "neardup/signature.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "error_code.hpp"
#include "neardup/error.hpp"
#include "neardup/lsh.hpp"
#include "test_files.hpp"
#include "text/normalize_block.hpp"

namespace {

/// FNV-1a over a signature's values, byte by byte from the lowest: pins all num_perm values in one
/// number that does not depend on the library's own hashes.
std::uint64_t fnv1a(std::vector<std::uint32_t> const& signature) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint32_t const v : signature)
    for (unsigned byte = 0; byte < 4; ++byte) {
      h ^= (v >> (8 * byte)) & 0xFFu;
      h *= 0x100000001b3ull;
    }
  return h;
}

struct golden {
  neardup::minhash_scheme scheme;
  char const* text;
  std::vector<std::uint32_t> first;  // the first 4 values, to read
  std::uint64_t digest;              // fnv1a of all 128: pins every value
};

}  // namespace

TEST_CASE("document_signer: same text after normalization, same signature", "[signature]") {
  neardup::document_signer signer;
  auto const a = signer.sign("疫情防控要坚持全国一盘棋,各级党委和政府必须坚决服从党中央统一指挥。");
  auto const b = signer.sign("疫情防控要堅持全國一盤棋。各級黨委和政府必須堅決服從黨中央統一指揮!");
  auto const c = signer.sign("一线天,因两壁夹峙,缝隙所见天空如一条线而得名。");
  REQUIRE(a.size() == 128);
  CHECK(a == b);
  CHECK(neardup::estimate_jaccard(a, b) == 1.0);
  CHECK(neardup::estimate_jaccard(a, c) < 0.2);
}

TEST_CASE("document_signer: empty documents are marked, not signed alike by accident", "[signature]") {
  neardup::document_signer signer;
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm());
  auto const info = signer.sign("。,,!!  \n", sig, scratch);
  CHECK(info.shingles == 0);
  CHECK(info.normalized_chars == 0);
  for (auto v : sig) CHECK(v == neardup::empty_slot);
  auto const full = signer.sign("不是空的文本", sig, scratch);
  CHECK(full.shingles == 2);  // 6 characters, 5-grams
  CHECK(full.normalized_chars == 6);
}

TEST_CASE("document_signer: shingle_set is the sorted unique set of the text's shingles", "[signature]") {
  neardup::document_signer signer;
  auto const set = signer.shingle_set("甲乙丙丁戊甲乙丙丁戊甲乙丙丁戊");  // period 5: 5 distinct 5-grams
  CHECK(set.size() == 5);
  CHECK(std::is_sorted(set.begin(), set.end()));
  CHECK(neardup::exact_jaccard(set, signer.shingle_set("甲乙丙丁戊甲乙丙丁戊")) == 1.0);
}

TEST_CASE("document_signer: options change what is compared", "[signature]") {
  neardup::signature_options keep_script;
  keep_script.normalize.traditional_to_simplified = false;
  neardup::document_signer folded;
  neardup::document_signer literal(keep_script);
  std::string const simplified = "严峻复杂的疫情防控形势需要我们团结一致";
  std::string const traditional = "嚴峻復雜的疫情防控形勢需要我們團結一致";
  CHECK(folded.sign(simplified) == folded.sign(traditional));
  CHECK(literal.sign(simplified) != literal.sign(traditional));

  neardup::signature_options words;
  words.unit = neardup::shingle_unit::word;
  words.shingle.n = 2;
  words.normalize.drop_whitespace = false;
  neardup::document_signer by_words(words);
  auto const w1 = by_words.shingle_set("the quick brown fox jumps over the lazy dog");
  CHECK(w1.size() == 8);  // 9 words, 8 word bigrams
  CHECK(by_words.shingle_set("The quick, brown fox jumps over the lazy dog!") == w1);
}

TEST_CASE("document_signer: bad options are rejected", "[signature]") {
  neardup::signature_options o;
  o.shingle.n = 0;
  CHECK_THROWS_AS(neardup::document_signer(o), neardup::error);
  o = {};
  o.minhash.num_perm = 0;
  CHECK_THROWS_AS(neardup::document_signer(o), neardup::error);
  o = {};
  o.minhash.scheme = neardup::minhash_scheme::classic;
  o.minhash.num_perm = 8193;
  CHECK_THROWS_MATCHES(neardup::document_signer(o), neardup::error,
                       has_code(neardup::errc::invalid_argument));
}

TEST_CASE("document_signer: one signer shared by threads gives the same signatures", "[signature]") {
  neardup::document_signer signer;
  std::vector<std::string> texts;
  for (int i = 0; i < 64; ++i) texts.push_back("第" + std::to_string(i) + "篇:疫情防控是一场阻击战,也是一场总体战、持久战。");
  std::vector<std::vector<std::uint32_t>> serial, parallel(texts.size());
  for (auto const& t : texts) serial.push_back(signer.sign(t));
  std::vector<std::thread> pool;
  for (int w = 0; w < 4; ++w)
    pool.emplace_back([&, w] {
      neardup::signer_scratch scratch;
      for (std::size_t i = static_cast<std::size_t>(w); i < texts.size(); i += 4) {
        parallel[i].resize(signer.num_perm());
        signer.sign(texts[i], parallel[i], scratch);
      }
    });
  for (auto& t : pool) t.join();
  CHECK(serial == parallel);
}

TEST_CASE("golden document signatures, both schemes: a change to them must be deliberate",
          "[signature]") {
  // Pinned from the implementation at signature_format_version 1 (the same values at 2, which
  // changed only texts with <script> or <style> elements), with the default options (k =
  // 128, 5-character shingles, every normalization): what an index, an MPI rank or the Python
  // module stores. If one of these changes, stored signatures change meaning: bump the version.
  STATIC_REQUIRE(neardup::signature_format_version == 2);
  std::uint32_t const e = neardup::empty_slot;
  char const* const simplified =
      "疫情防控要坚持全国一盘棋,各级党委和政府必须坚决服从党中央统一指挥。";
  char const* const mixed = "嚴峻復雜的疫情防控形勢需要我們團結一致,The Quick Brown Fox 123。";
  char const* const short_text = "短文";  // shorter than a shingle: one shingle, densified
  auto const oph = neardup::minhash_scheme::one_permutation;
  auto const classic = neardup::minhash_scheme::classic;
  std::vector<golden> const pinned = {
      {oph, simplified, {548902398, 2508101774, 2215360235, 814088027}, 0x319f67a37f54c842ull},
      {oph, mixed, {2800551653, 147135189, 3672169172, 3218650391}, 0xea0ee0c00a2c4e93ull},
      {oph, short_text, {692554839, 692554839, 692554839, 692554839}, 0x2a12d15eec604325ull},
      {oph, "", {e, e, e, e}, 0xbe78bcdbd952dd25ull},
      {classic, simplified, {158967031, 32961379, 151864621, 561313872}, 0x48bff4fa0b8e06e4ull},
      {classic, mixed, {28613627, 110929952, 65135088, 139116205}, 0xecbbb80c84ffb191ull},
      {classic, short_text, {1151323754, 1574278537, 1167072196, 410282991}, 0xecfb03fb15b7c2c9ull},
      {classic, "", {e, e, e, e}, 0xbe78bcdbd952dd25ull},
  };
  for (auto const& g : pinned) {
    INFO(neardup::minhash_scheme_name(g.scheme) << ": " << g.text);
    neardup::signature_options o;
    o.minhash.scheme = g.scheme;
    auto const signature = neardup::document_signer(o).sign(g.text);
    REQUIRE(signature.size() == 128);
    CHECK(std::vector<std::uint32_t>(signature.begin(), signature.begin() + 4) == g.first);
    CHECK(fnv1a(signature) == g.digest);
  }
  // The band keys of a stored signature are part of the format too.
  std::vector<std::uint64_t> keys(8);
  neardup::band_keys(neardup::document_signer().sign(simplified), {8, 16}, keys);
  CHECK(keys == std::vector<std::uint64_t>{0x9239688b56985604ull, 0xf07e8560ba94d206ull,
                                           0x467a2e61e67e38ddull, 0x71394140af842272ull,
                                           0xe58faa28818178c8ull, 0x0c7620b092c14051ull,
                                           0xe294a1c833dc6ce7ull, 0x2f3f5a7b5adf45faull});
}

TEST_CASE(
    "document_signer::sign refuses a buffer that is not num_perm values, before writing to it",
    "[signature]") {
  for (auto const scheme :
       {neardup::minhash_scheme::one_permutation, neardup::minhash_scheme::classic}) {
    INFO(neardup::minhash_scheme_name(scheme));
    neardup::signature_options o;
    o.minhash.scheme = scheme;
    o.minhash.num_perm = 64;
    neardup::document_signer const signer(o);
    neardup::signer_scratch scratch;
    for (std::size_t const size : {0u, 1u, 63u, 65u, 128u}) {
      INFO("buffer of " << size);
      std::vector<std::uint32_t> buffer(size + 8,
                                        7u);  // 8 values past the span watch for an overrun
      std::span<std::uint32_t> const out(buffer.data(), size);
      CHECK_THROWS_MATCHES(signer.sign("疫情防控要坚持全国一盘棋", out, scratch), neardup::error,
                           has_code(neardup::errc::invalid_argument));
      CHECK(std::all_of(buffer.begin(), buffer.end(), [](std::uint32_t v) { return v == 7u; }));
    }
    std::vector<std::uint32_t> right(64);
    CHECK(signer.sign("疫情防控要坚持全国一盘棋", right, scratch).shingles == 8);
  }
}

TEST_CASE("word shingles with white space dropped (one word a text) are refused", "[signature]") {
  neardup::signature_options words;
  words.unit = neardup::shingle_unit::word;  // normalize.drop_whitespace left at its default, true
  CHECK_THROWS_MATCHES(neardup::document_signer(words), neardup::error,
                       has_code(neardup::errc::invalid_argument));
  words.normalize.drop_whitespace = false;
  neardup::document_signer const signer(words);
  CHECK(signer.shingle_set("one two three four five six seven").size() == 3);  // 7 words, 5-grams
}

TEST_CASE("the sentence sketch leaves the character signature as it is, and finds the sentences",
          "[signature]") {
  // One normalization serves both: the cuts must not change what the shingles see, on real essays
  // and on texts where a cut could meet a URL, an entity, a tag, a pinyin annotation or a mark.
  std::vector<std::string> texts = {
      "第一句话在这里。第二句话在那里！第三句？\n第四行开始了；第五句。",
      "访问 www.example.com/a?id=1;b=2 了解更多。然后继续写作文。",
      "见http://x.cn/p?q=你好!再见。&nbsp;下一段。&amp;lt;还有。",
      "复(fù)杂。(fù)后面。\n（fù）开头的行。",
      "<p>第一段。</p>\n<div class=\"a。b\">第二段！</div>",
      "结尾没有标点",
      "。。。！！？？\n\n\n",
      "e\xcc\x81。\xcc\x81"
      "开头的组合符。a。\xcc\x81"
      "b",
      "“引号里的话。”他说。「括号」。（注释）。",
      "Mixed ASCII. Sentences! Here? Yes; no.\nNew line",
      "私用区\xee\x80\x80"
      "字符。正文。",
  };
  for (auto const& file : neardup_test::bundled_files()) texts.push_back(neardup_test::read_bytes(file));
  neardup::document_signer const signer;
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm()), sentences(signer.options().sentences.num_perm);
  for (auto const& t : texts) {
    INFO(t.substr(0, 80));
    auto const info = signer.sign(t, sig, sentences, scratch);
    CHECK(sig == signer.sign(t));
    std::vector<std::uint64_t> shingles;
    signer.shingle_set(t, shingles, scratch);
    CHECK((info.shingles > 0) == !shingles.empty());
  }
  // Sentences: the same sentence in two texts is one entry; whole lines come after the sentences.
  auto const a = signer.sentence_set("今天天气很好。我们去公园玩。\n公园里人很多。");
  auto const b = signer.sentence_set("我们去公园玩。今天天气很好。\n别的一句话啊。");
  auto const sentences_of = [](std::vector<std::uint64_t> const& s) {
    return std::vector<std::uint64_t>(s.begin(),
                                      std::partition_point(s.begin(), s.end(), [](std::uint64_t e) {
                                        return !neardup::sentence_entry_is_line(e);
                                      }));
  };
  auto const sa = sentences_of(a), sb = sentences_of(b);
  CHECK(sa.size() == 3);
  CHECK(a.size() == 5);  // three sentences, two lines
  std::vector<std::uint64_t> common;
  std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(common));
  CHECK(common.size() == 2);
  // Traditional script and other punctuation give the same sentences.
  CHECK(sentences_of(signer.sentence_set("今天天氣很好！")) ==
        sentences_of(signer.sentence_set("今天天气很好。")));
  // Every sentence end cuts, but not one inside a URL, which normalization takes out first.
  CHECK(sentences_of(signer.sentence_set("看看a.html?id=1234")).size() == 2);
  CHECK(sentences_of(signer.sentence_set("请大家看看www.example.com/a.html?id=1234再说。下一句话在这里"))
            .size() == 2);
  // A text with a combining mark takes the other path (its stretches normalized apart): the same
  // sentences as the text with the mark precomposed, which is marked in one normalization.
  std::string const combining = "第一句话在这里。第二句话在那里！Cafe\xcc\x81 au lait。\n最后一行的句子";
  std::string const precomposed = "第一句话在这里。第二句话在那里！Caf\xc3\xa9 au lait。\n最后一行的句子";
  CHECK(signer.sentence_set(combining) == signer.sentence_set(precomposed));
  CHECK(sentences_of(signer.sentence_set(combining)).size() == 4);
}

TEST_CASE("signatures and sentence sketches are the same on every SIMD target this CPU runs",
          "[signature]") {
  using neardup::detail::block_target;
  block_target const initial = neardup::detail::active_block_target();
  // Texts whose sentence marks fall on every lane: the bundled essays, and runs of short sentences.
  std::vector<std::string> texts;
  for (auto const& file : neardup_test::bundled_files()) texts.push_back(neardup_test::read_bytes(file));
  std::string runs;
  for (int i = 0; i < 200; ++i) {
    runs += std::string(static_cast<std::size_t>(i % 11), 'a') + "今天天气很好" +
            (i % 3 == 0 ? "\n" : "。");
    texts.push_back(runs);
  }
  neardup::document_signer const signer;
  neardup::signer_scratch scratch;
  auto const sign_all = [&] {
    std::vector<std::vector<std::uint32_t>> out;
    for (auto const& t : texts) {
      std::vector<std::uint32_t> sig(signer.num_perm()),
          sentences(signer.options().sentences.num_perm);
      signer.sign(t, sig, sentences, scratch);
      out.push_back(sig);
      out.push_back(sentences);
    }
    return out;
  };
  REQUIRE(neardup::detail::set_block_target(block_target::scalar));
  auto const scalar = sign_all();
  for (auto const t : {block_target::avx2, block_target::avx512}) {
    if (!neardup::detail::set_block_target(t)) continue;
    INFO("target " << neardup::detail::block_target_name(t));
    CHECK(sign_all() == scalar);
  }
  neardup::detail::set_block_target(initial);
}

TEST_CASE("the sentence filter from signing is the filter of the sentence set", "[signature]") {
  // The deduplicator sets pairs aside by the filters signing made and measures the others by
  // sentence_set(): the two must see the same sentences and lines, on both normalization paths
  // (the marked one, and texts with combining marks cut in their bytes).
  std::vector<std::string> texts = {
      "第一句话在这里。第二句话在那里！第三句？\n第四行开始了；第五句。\n第四行开始了；第五句。",
      "访问 www.example.com/a?id=1;b=2 了解更多。然后继续写作文。",
      "e\xcc\x81。\xcc\x81"
      "开头的组合符。a。\xcc\x81"
      "b\n第二行。第二行的第二句。",
      "结尾没有标点",
      "。。。！！？？\n\n\n",
      "同一句话。同一句话。同一句话。\n同一句话。",
      "",
  };
  std::string many_lines;  // more lines than the filter keeps
  for (int l = 0; l < 40; ++l) many_lines += "第" + std::to_string(l) + "行的一句话。再一句。\n";
  texts.push_back(many_lines);
  std::string many_sentences;  // hundreds of distinct sentences and repeats, on one line
  for (int l = 0; l < 600; ++l) many_sentences += "句子编号" + std::to_string(l % 400) + "在这里。";
  texts.push_back(many_sentences);
  for (auto const& file : neardup_test::bundled_files()) texts.push_back(neardup_test::read_bytes(file));
  neardup::document_signer const signer;
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm()), sketch(signer.options().sentences.num_perm);
  std::vector<std::uint32_t> plain_sig(sig.size()), plain_sketch(sketch.size());
  std::size_t with_lines = 0;
  for (auto const& t : texts) {
    INFO(t.substr(0, 80));
    neardup::sentence_filter filter;
    auto const info = signer.sign(t, sig, sketch, filter, scratch);
    auto const plain = signer.sign(t, plain_sig, plain_sketch, scratch);
    // Signing with a filter signs the same.
    CHECK(sig == plain_sig);
    CHECK(sketch == plain_sketch);
    CHECK(info.sentences == plain.sentences);
    auto const set = signer.sentence_set(t);
    auto const expected = neardup::make_sentence_filter(set);
    CHECK(filter.words == expected.words);
    CHECK(filter.sentences == expected.sentences);
    CHECK(filter.set_bits == expected.set_bits);
    CHECK(filter.line_count == expected.line_count);
    CHECK(filter.lines == expected.lines);
    std::size_t const sentences =
        static_cast<std::size_t>(std::count_if(set.begin(), set.end(), [](std::uint64_t e) {
          return !neardup::sentence_entry_is_line(e);
        }));
    CHECK(filter.sentences == sentences);
    CHECK(filter.line_count ==
          std::min(set.size() - sentences, neardup::sentence_filter::max_lines));
    with_lines += filter.line_count > 0 ? 1 : 0;
  }
  CHECK(with_lines > 5);
}
