#include "neardup/pipeline.hpp"

#include <catch2/catch.hpp>

#include "neardup/deduplicator.hpp"

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
