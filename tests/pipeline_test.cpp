#include "neardup/pipeline.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include <random>
#include <sstream>
#include "neardup/deduplicator.hpp"
#include "neardup/report.hpp"
#include "random_text.hpp"
#include "report/format.hpp"
#include "temp_files.hpp"

namespace fs = std::filesystem;

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
    // The deduplicator's own statistics, counted as add() counts them.
    CHECK(run.dedup.stats.documents == expected.stats.documents);
    CHECK(run.dedup.stats.bytes == expected.stats.bytes);
    CHECK(run.dedup.stats.shingles == expected.stats.shingles);
    CHECK(run.dedup.stats.invalid_bytes == expected.stats.invalid_bytes);
    CHECK(run.dedup.stats.empty_documents == expected.stats.empty_documents);
  }
  CHECK(expected.stats.shingles > 0);
}

TEST_CASE("run_pipeline on JSON Lines: parallel signing, texts read back by offset", "[pipeline]") {
  std::vector<std::string> const essay_dir = {NEARDUP_ESSAYS_DIR};
  std::vector<std::string> texts;
  (void)neardup::load_essays(essay_dir, {}, [&](neardup::essay_info&&, std::string_view t) { texts.emplace_back(t); });
  auto const path = std::filesystem::temp_directory_path() / ("neardup-pipeline-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    for (std::size_t i = 0; i < texts.size(); ++i)
      out << "{\"id\": \"e" << i << "\", \"text\": " << neardup::detail::json_quote(texts[i]) << "}\n";
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
  neardup::deduplicator reference;
  for (std::size_t i = 0; i < texts.size(); ++i) reference.add(std::to_string(i), texts[i]);
  auto const expected = reference.run().stats;
  for (auto const& r : results) {
    CHECK(r.stats.bytes == expected.bytes);
    CHECK(r.stats.shingles == expected.shingles);
    CHECK(r.stats.invalid_bytes == expected.invalid_bytes);
  }
  std::filesystem::remove(path);
}

TEST_CASE("run_pipeline on JSON Lines in chunks, on any thread count, accounts for every line as load_essays does",
          "[pipeline]") {
  std::vector<std::string> const essay_dir = {NEARDUP_ESSAYS_DIR};
  std::vector<std::string> texts;
  (void)neardup::load_essays(essay_dir, {}, [&](neardup::essay_info&&, std::string_view t) { texts.emplace_back(t); });
  auto const dir = std::filesystem::temp_directory_path() / ("neardup-chunked-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    // A BOM, CRLF, blank and broken lines, a duplicate id, an over-long line and an essay over the
    // limit, spread over many chunks; then a second file, and an empty one.
    std::ofstream a(dir / "a.jsonl", std::ios::binary);
    a << "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < texts.size(); ++i) {
      a << "{\"id\": \"e" << i << "\", \"text\": " << neardup::detail::json_quote(texts[i]) << "}" << (i % 5 == 0 ? "\r\n" : "\n");
      if (i % 7 == 3) a << "\n   \nnot json\n";
      if (i == 20) a << "{\"id\": \"e3\", \"text\": \"again\"}\n";
      if (i == 25) a << "{\"id\": \"long\", \"text\": \"" << std::string(9000, 'x') << "\"}\n";
    }
    std::ofstream b(dir / "b.jsonl", std::ios::binary);
    b << "{\"id\": 1, \"text\": " << neardup::detail::json_quote(texts[0]) << "}\n{\"id\": 2, \"text\": \"短\"}";
    std::ofstream(dir / "c.jsonl", std::ios::binary);
  }
  std::vector<std::string> const paths = {dir.string(), (dir / "missing.jsonl").string()};
  neardup::load_options load;
  load.jsonl = true;
  load.jsonl_fields.max_line_bytes = 8000;
  load.max_essay_bytes = 6000;
  std::vector<neardup::essay_info> expected;
  auto const summary = neardup::load_essays(paths, load, [&](neardup::essay_info&& e, std::string_view) {
    expected.push_back(std::move(e));
  });
  REQUIRE(summary.problems.size() >= 8);
  REQUIRE(summary.skipped.size() == 1);
  std::vector<neardup::dedup_result> results;
  for (std::uint64_t chunk : {1u, 700u, 1u << 20})
    for (unsigned threads : {1u, 2u, 3u}) {
      INFO(chunk << "-byte chunks, " << threads << " threads");
      neardup::pipeline_options options;
      options.load = load;
      options.load.jsonl_chunk_bytes = chunk;
      options.dedup.threads = threads;
      auto const run = neardup::run_pipeline(paths, options);
      REQUIRE(run.essays.size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(run.essays[i].id == expected[i].id);
        CHECK(run.essays[i].index == expected[i].index);
        CHECK(run.essays[i].line == expected[i].line);
        CHECK(run.essays[i].offset == expected[i].offset);
        CHECK(run.essays[i].bytes == expected[i].bytes);
      }
      REQUIRE(run.load.problems.size() == summary.problems.size());
      for (std::size_t i = 0; i < summary.problems.size(); ++i) {
        CHECK(run.load.problems[i].path == summary.problems[i].path);
        CHECK(run.load.problems[i].line == summary.problems[i].line);
        CHECK(run.load.problems[i].message == summary.problems[i].message);
      }
      REQUIRE(run.load.files.size() == summary.files.size());
      for (std::size_t i = 0; i < summary.files.size(); ++i) {
        CHECK(run.load.files[i].path == summary.files[i].path);
        CHECK(run.load.files[i].essays == summary.files[i].essays);
        CHECK(run.load.files[i].bytes == summary.files[i].bytes);
      }
      REQUIRE(run.load.skipped.size() == 1);
      CHECK(run.load.skipped[0].path == summary.skipped[0].path);
      CHECK(run.load.essays == summary.essays);
      CHECK(run.load.bytes == summary.bytes);
      results.push_back(run.dedup);
    }
  for (auto const& r : results) CHECK(r.clusters == results.front().clusters);
  CHECK(results.front().clusters.size() >= 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a file that changes during the run is skipped as changed and left out of its clusters",
          "[pipeline]") {
  std::mt19937 rng(31);
  std::string const body = test_files::random_body(rng, 4);
  // The same bytes with the first line moved to the end: another text of the same size.
  std::size_t const first_line = body.find('\n') + 1;
  std::string const moved = body.substr(first_line) + body.substr(0, first_line);
  REQUIRE(moved.size() == body.size());
  REQUIRE(moved != body);
  enum class how { grows, same_size_in_place, same_size_replaced };
  for (auto const change : {how::grows, how::same_size_in_place, how::same_size_replaced})
    for (auto const mode : {neardup::verify_mode::exact, neardup::verify_mode::hybrid}) {
      for (char const changed : {'a', 'b'}) {
        test_files::temp_dir dir;
        for (char const name : {'a', 'b', 'c'})
          test_files::write_file(dir.path / (std::string(1, name) + ".txt"), body);
        test_files::write_file(dir.path / "d.txt", test_files::random_body(rng, 4));
        auto const changed_path = dir.path / (std::string(1, changed) + ".txt");
        neardup::pipeline_options options;
        options.dedup.verify = mode;
        options.dedup.threads = 2;
        // Once every file is read, before verification: the file grows, or is rewritten with the
        // same size (in place: a new modification time; or by a new file: a new inode).
        options.load.progress = [&](std::size_t done, std::size_t total, std::size_t) {
          if (done != total) return;
          if (change == how::grows)
            std::ofstream(changed_path, std::ios::app) << "多了一行。\n";
          else if (change == how::same_size_in_place)
            test_files::rewrite_in_place(changed_path, moved);
          else
            test_files::replace_keeping_time(changed_path, moved);
        };
        std::vector<std::string> const paths = {dir.path.string()};
        neardup::pipeline_result run;
        REQUIRE_NOTHROW(run = neardup::run_pipeline(paths, options));
        INFO("change " << static_cast<int>(change) << ", verify " << static_cast<int>(mode)
                       << ", changed " << changed);
        REQUIRE(run.dedup.clusters.size() == 1);
        std::vector<std::string> members;
        for (auto const& m : run.dedup.clusters[0].members)
          members.push_back(fs::path(run.essays[m.doc].file).filename());
        CHECK(members == (changed == 'a' ? std::vector<std::string>{"b.txt", "c.txt"}
                                         : std::vector<std::string>{"a.txt", "c.txt"}));
        CHECK(run.dedup.clusters[0].members[1].similarity == 1.0);
        CHECK(run.dedup.stats.duplicates == 1);
        CHECK(run.load.files.size() == 3);
        REQUIRE(run.load.skipped.size() == 1);
        CHECK(run.load.skipped[0].path == changed_path.string());
        CHECK(run.load.skipped[0].reason == neardup::skip_reason::changed);
        // --keep-one leaves it out and names it.
        std::ostringstream out;
        auto const kept =
            neardup::write_deduplicated(out, run.dedup, run.essays, run.load, options.load);
        CHECK(kept.changed == std::vector<std::string>{changed_path.string()});
        CHECK(kept.files == 3);
        CHECK(out.str().find(moved) == std::string::npos);
      }
    }
}
