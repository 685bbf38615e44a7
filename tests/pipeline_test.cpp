#include "neardup/pipeline.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "neardup/deduplicator.hpp"
#include "neardup/report.hpp"

TEST_CASE("run_pipeline on the bundled essays: one cluster, essays 1 and 7 of the first file", "[pipeline]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  auto const run = neardup::run_pipeline(paths, {});
  REQUIRE(run.essays.size() == 37);
  REQUIRE(run.dedup.clusters.size() == 1);
  auto const& members = run.dedup.clusters[0].members;
  REQUIRE(members.size() == 2);
  CHECK(run.essays[members[0].doc].index == 1);
  CHECK(run.essays[members[1].doc].index == 7);
  CHECK(run.essays[members[1].doc].file == run.essays[members[0].doc].file);
  CHECK(run.text(members[0].doc) == run.text(members[1].doc));
  CHECK(run.load.files.size() == 5);
}

TEST_CASE("run_pipeline agrees with the deduplicator fed the same essays, for any thread count", "[pipeline]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  neardup::deduplicator reference;
  std::vector<std::string> texts;
  (void)neardup::load_essays(paths, {}, [&](neardup::essay_info&& e, std::string_view t) {
    reference.add(e.id, t);
    texts.emplace_back(t);
  });
  auto const expected = reference.run();
  for (unsigned threads : {1u, 2u, 3u}) {
    neardup::pipeline_options options;
    options.dedup.threads = threads;
    auto const run = neardup::run_pipeline(paths, options);
    CHECK(run.dedup.clusters == expected.clusters);
    for (std::uint32_t doc = 0; doc < texts.size(); ++doc) CHECK(run.text(doc) == texts[doc]);
  }
}

TEST_CASE("run_pipeline on JSON Lines: parallel signing, texts read back by offset", "[pipeline]") {
  std::vector<std::string> const essay_dir = {NEARDUP_ESSAYS_DIR};
  std::vector<std::string> texts;
  (void)neardup::load_essays(essay_dir, {}, [&](neardup::essay_info&&, std::string_view t) { texts.emplace_back(t); });
  auto const path = std::filesystem::temp_directory_path() / ("neardup-pipeline-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    for (std::size_t i = 0; i < texts.size(); ++i)
      out << "{\"id\": \"e" << i << "\", \"text\": " << neardup::json_quote(texts[i]) << "}\n";
  }
  std::vector<std::string> const paths = {path.string()};
  std::vector<neardup::dedup_result> results;
  for (unsigned threads : {1u, 2u}) {
    neardup::pipeline_options options;
    options.load.jsonl = true;
    options.dedup.threads = threads;
    options.dedup.batch_documents = 5;  // several batches
    auto const run = neardup::run_pipeline(paths, options);
    REQUIRE(run.essays.size() == texts.size());
    for (std::uint32_t doc = 0; doc < texts.size(); ++doc) CHECK(run.text(doc) == texts[doc]);
    REQUIRE(run.dedup.clusters.size() == 1);
    CHECK(run.essays[run.dedup.clusters[0].members[0].doc].id == "e0");
    CHECK(run.essays[run.dedup.clusters[0].members[1].doc].id == "e6");
    results.push_back(run.dedup);
  }
  CHECK(results[0].clusters == results[1].clusters);
  std::filesystem::remove(path);
}
