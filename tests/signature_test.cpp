#include "neardup/signature.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "neardup/error.hpp"

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
