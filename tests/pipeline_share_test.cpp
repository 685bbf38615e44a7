#include "neardup/pipeline_share.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <sstream>
#include <utility>

#include "neardup/error.hpp"
#include "neardup/pipeline.hpp"
#include "neardup/report.hpp"
#include "random_text.hpp"
#include "report/format.hpp"
#include "temp_files.hpp"

namespace {

// The reports of a run, timings at zero: what must not depend on how the input was shared.
std::string reports(neardup::pipeline_result const& run, neardup::pipeline_options const& options) {
  neardup::report_context const context{run.essays, run.text_start, &run.load, &options.dedup, 0,
                                        0};
  std::ostringstream out;
  neardup::write_jsonl_report(out, run.dedup, context);
  neardup::write_csv_report(out, run.dedup, context);
  // The summary without its lines of timings (the stages' own clocks are not zeroed).
  std::ostringstream summary;
  neardup::write_summary(summary, run.dedup, context);
  std::istringstream lines(summary.str());
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("  time:") && !line.starts_with("  bytes:")) out << line << '\n';
  out << "essays " << run.essays.size() << " files " << run.load.files.size() << " skipped "
      << run.load.skipped.size() << " problems " << run.load.problems.size() << '\n';
  for (auto const& p : run.load.problems)
    out << p.path << ':' << p.line << ' ' << p.message << '\n';
  for (auto const& s : run.load.skipped) out << s.path << ' ' << s.detail << '\n';
  return out.str();
}

// Runs the shares one after another in this process: shares 1.. first, keeping what they send,
// then share 0, which receives it. Every item sent must be received once.
std::string run_shared(std::vector<std::string> const& paths, neardup::pipeline_options options,
                       unsigned count) {
  std::map<std::pair<unsigned, std::size_t>, std::string> sent;
  for (unsigned s = 1; s < count; ++s) {
    options.share = {s,
                     count,
                     [&sent, s](std::size_t item, std::string&& bytes) {
                       CHECK(sent.emplace(std::pair{s, item}, std::move(bytes)).second);
                     },
                     {}};
    auto const run = neardup::run_pipeline(paths, options);
    CHECK(run.essays.empty());
  }
  std::size_t received = 0;
  options.share = {0, count, {}, [&](unsigned from, std::size_t item) {
                     auto const it = sent.find({from, item});
                     REQUIRE(it != sent.end());
                     ++received;
                     return it->second;
                   }};
  auto const run = neardup::run_pipeline(paths, options);
  CHECK(received == sent.size());
  return reports(run, options);
}

}  // namespace

TEST_CASE("pipeline_share: folders shared among 2 to 5 processes give one process's reports",
          "[pipeline_share]") {
  test_files::temp_dir dir;
  std::mt19937 rng(18);
  // Files of many sizes, copies across them, a binary file and an empty one (skipped, reported).
  std::vector<std::string> bodies;
  for (int i = 0; i < 12; ++i) bodies.push_back(test_files::random_body(rng, 3 + i % 5));
  for (int f = 0; f < 9; ++f) {
    std::ostringstream text, name;  // (streams: GCC 12 warns wrongly about string + string)
    for (int e = 0; e <= f % 4; ++e)
      text << "第" << e + 1 << "篇\n" << bodies[(f * 3 + e) % 12] << "\n";
    name << 'f' << f << ".txt";
    test_files::write_file(dir.path / name.str(), text.str());
  }
  test_files::write_file(dir.path / "g-binary.txt", std::string("\0\1\2\3binary\0", 11));
  test_files::write_file(dir.path / "h-empty.txt", "");
  std::vector<std::string> const paths = {dir.path.string(), NEARDUP_ESSAYS_DIR};
  for (unsigned threads : {1u, 2u}) {
    neardup::pipeline_options options;
    options.dedup.threads = threads;
    std::string const alone = reports(neardup::run_pipeline(paths, options), options);
    CHECK(alone.find("clusters") != std::string::npos);
    for (unsigned count = 2; count <= 5; ++count) {
      INFO("threads " << threads << ", shares " << count);
      CHECK(run_shared(paths, options, count) == alone);
    }
  }
}

TEST_CASE(
    "pipeline_share: JSON Lines chunks shared, with duplicate ids and bad lines across shares",
    "[pipeline_share]") {
  test_files::temp_dir dir;
  std::mt19937 rng(7);
  std::vector<std::string> bodies;
  for (int i = 0; i < 20; ++i) bodies.push_back(test_files::random_body(rng, 2 + i % 3));
  for (int f = 0; f < 2; ++f) {
    std::string lines;
    for (int r = 0; r < 60; ++r) {
      if (r % 17 == 5) lines += "{not json\n";
      if (r % 13 == 0) lines += "\n";
      // Ids repeat across records and files (5 twice in each file, and in both files).
      std::ostringstream line;
      line << "{\"id\": \"" << (r % 25 == 24 ? 5 : r)
           << "\", \"text\": " << neardup::detail::json_quote(bodies[(r * 7 + f) % 20]) << "}\n";
      lines += line.str();
    }
    std::ostringstream name;
    name << "part" << f << ".jsonl";
    test_files::write_file(dir.path / name.str(), lines);
  }
  std::vector<std::string> const paths = {dir.path.string()};
  neardup::pipeline_options options;
  options.load.jsonl = true;
  options.load.jsonl_chunk_bytes = 1500;  // many chunks per file, several per share
  options.dedup.threads = 2;
  std::string const alone = reports(neardup::run_pipeline(paths, options), options);
  CHECK(alone.find("duplicate id") != std::string::npos);
  CHECK(alone.find("invalid JSON") != std::string::npos);
  for (unsigned count = 2; count <= 4; ++count) {
    INFO("shares " << count);
    CHECK(run_shared(paths, options, count) == alone);
  }
}

TEST_CASE("pipeline_share: bad shares, standard input and malformed messages are refused",
          "[pipeline_share]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  auto refused = [&](neardup::pipeline_share share, std::vector<std::string> const& in) {
    neardup::pipeline_options options;
    options.share = std::move(share);
    try {
      (void)neardup::run_pipeline(in, options);
    } catch (neardup::error const& e) {
      return e.code();
    }
    FAIL("not refused");
    return neardup::errc::icu_error;
  };
  auto const send = [](std::size_t, std::string&&) {};
  auto const receive = [](unsigned, std::size_t) { return std::string(); };
  CHECK(refused({2, 2, send, {}}, paths) == neardup::errc::invalid_argument);
  CHECK(refused({0, 0, {}, receive}, paths) == neardup::errc::invalid_argument);
  CHECK(refused({0, 2, {}, {}}, paths) == neardup::errc::invalid_argument);
  CHECK(refused({1, 2, {}, receive}, paths) == neardup::errc::invalid_argument);
  CHECK(refused({1, 2, send, {}}, {"-"}) == neardup::errc::invalid_argument);
  // A message cut short, or one with bytes left over, is an error, never a wrong result.
  CHECK(refused({0, 2, {}, receive}, paths) == neardup::errc::parse_error);
  CHECK(refused({0, 2, {}, [](unsigned, std::size_t) { return std::string(400, '\0') + "x"; }},
                paths) == neardup::errc::parse_error);
}

TEST_CASE("share_of: contiguous byte ranges, every byte in one share", "[pipeline_share]") {
  CHECK(neardup::share_of(0, 0, 4) == 0);
  CHECK(neardup::share_of(5, 10, 1) == 0);
  CHECK(neardup::share_of(0, 10, 2) == 0);
  CHECK(neardup::share_of(4, 10, 2) == 0);
  CHECK(neardup::share_of(5, 10, 2) == 1);
  CHECK(neardup::share_of(9, 10, 2) == 1);
  CHECK(neardup::share_of(12, 10, 2) == 1);  // a file that grew: the last share
  CHECK(neardup::share_of(UINT64_MAX - 1, UINT64_MAX, 3) == 2);
  unsigned last = 0;
  for (std::uint64_t at = 0; at < 1000; ++at) {
    unsigned const s = neardup::share_of(at, 1000, 7);
    CHECK(s >= last);
    CHECK(s < 7);
    last = s;
  }
  CHECK(last == 6);
}
