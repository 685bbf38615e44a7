#include "neardup/pipeline_share.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "neardup/error.hpp"
#include "neardup/pipeline.hpp"
#include "neardup/report.hpp"
#include "random_text.hpp"
#include "report/format.hpp"
#include "temp_files.hpp"

namespace {

// A share without the messages after the load (pipeline_share::post and take).
neardup::pipeline_share share(unsigned index, unsigned count,
                              std::function<void(std::size_t, std::string&&)> send,
                              std::function<std::string(unsigned, std::size_t)> receive) {
  neardup::pipeline_share s;
  s.index = index;
  s.count = count;
  s.send = std::move(send);
  s.receive = std::move(receive);
  return s;
}

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
// `weight`: share 0's byte range against the others' (pipeline_share::first_weight).
std::string run_shared(std::vector<std::string> const& paths, neardup::pipeline_options options,
                       unsigned count, double weight = 1.0) {
  std::map<std::pair<unsigned, std::size_t>, std::string> sent;
  for (unsigned s = 1; s < count; ++s) {
    options.share = share(
        s, count,
        [&sent, s](std::size_t item, std::string&& bytes) {
          CHECK(sent.emplace(std::pair{s, item}, std::move(bytes)).second);
        },
        {});
    options.share.first_weight = weight;
    auto const run = neardup::run_pipeline(paths, options);
    CHECK(run.essays.empty());
  }
  std::size_t received = 0;
  options.share = share(0, count, {}, [&](unsigned from, std::size_t item) {
    auto const it = sent.find({from, item});
    REQUIRE(it != sent.end());
    ++received;
    return it->second;
  });
  options.share.first_weight = weight;
  auto const run = neardup::run_pipeline(paths, options);
  CHECK(received == sent.size());
  return reports(run, options);
}

// Runs every share at once, the others on threads of their own, which after their load make sets
// for share 0's exact measurements (pipeline_share::post and take over queues).
// With `ready`, share 0 is told when a message has come (pipeline_share::ready).
std::string run_helped(std::vector<std::string> const& paths, neardup::pipeline_options options,
                       unsigned count, std::size_t& replies, bool ready = false) {
  replies = 0;
  std::mutex lock;
  std::condition_variable changed;
  std::map<std::pair<unsigned, std::size_t>, std::string> items;
  std::set<unsigned> loaded;
  std::map<std::pair<unsigned, unsigned>, std::deque<std::string>> queues;  // (from, to)
  double const search_from = options.share.search_templates_from;
  auto const with_messages = [&](neardup::pipeline_share s) {
    unsigned const me = s.index;
    s.search_templates_from = search_from;
    s.post = [&, me](unsigned to, std::string&& bytes) {
      std::lock_guard<std::mutex> const hold(lock);
      if (me != 0) ++replies;
      queues[{me, to}].push_back(std::move(bytes));
      changed.notify_all();
    };
    s.take = [&, me](unsigned from) {
      std::unique_lock<std::mutex> hold(lock);
      auto& q = queues[{from, me}];
      changed.wait(hold, [&] { return !q.empty(); });
      std::string bytes = std::move(q.front());
      q.pop_front();
      return bytes;
    };
    if (ready)
      s.ready = [&, me](unsigned from) {
        std::lock_guard<std::mutex> const hold(lock);
        return !queues[{from, me}].empty();
      };
    return s;
  };
  std::vector<std::thread> others;
  std::vector<std::string> failures(count);
  for (unsigned i = 1; i < count; ++i) {
    neardup::pipeline_options mine = options;
    mine.share = with_messages(share(i, count, [&, i](std::size_t item, std::string&& bytes) {
      std::lock_guard<std::mutex> const hold(lock);
      items.emplace(std::pair{i, item}, std::move(bytes));
      changed.notify_all();
    }, {}));
    mine.share.loaded = [&, i] {
      std::lock_guard<std::mutex> const hold(lock);
      loaded.insert(i);
      changed.notify_all();
    };
    others.emplace_back([&, mine, i] {
      try {
        (void)neardup::run_pipeline(paths, mine);
      } catch (std::exception const& e) {
        failures[i] = e.what();
      }
    });
  }
  options.share = with_messages(share(0, count, {}, [&](unsigned from, std::size_t item) {
    std::unique_lock<std::mutex> hold(lock);
    changed.wait(hold, [&] { return items.contains({from, item}) || loaded.contains(from); });
    auto const it = items.find({from, item});
    if (it == items.end()) throw neardup::error(neardup::errc::parse_error, "item not sent");
    std::string bytes = std::move(it->second);
    items.erase(it);
    return bytes;
  }));
  std::string got;
  try {
    got = reports(neardup::run_pipeline(paths, options), options);
  } catch (std::exception const& e) {
    failures[0] = e.what();
  }
  for (auto& t : others) t.join();
  for (unsigned i = 0; i < count; ++i) CHECK(failures[i].empty());
  CHECK(items.empty());
  return got;
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
      // Share 0 with the same range as the others, a smaller one, and none at all.
      for (double const weight : {1.0, 0.4, 0.0}) {
        INFO("threads " << threads << ", shares " << count << ", share 0's weight " << weight);
        CHECK(run_shared(paths, options, count, weight) == alone);
      }
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
    for (double const weight : {1.0, 0.4, 0.0}) {
      INFO("shares " << count << ", share 0's weight " << weight);
      CHECK(run_shared(paths, options, count, weight) == alone);
    }
  }
}

TEST_CASE(
    "pipeline_share: the other shares make sets for share 0's exact pairs, with the same reports",
    "[pipeline_share]") {
  test_files::temp_dir dir;
  std::mt19937 rng(23);
  // Template families: lines of two shared sentences and a blank filled apart (so the shared
  // sentences are not inside lines both have whole), spread over files; copies; random essays.
  auto const sentence = [&] {
    std::string s;
    for (int c = 0; c < 14; ++c)
      neardup::detail::append_utf8(s, static_cast<char32_t>(0x4E00 + rng() % 3000));
    return s + "。";
  };
  std::vector<std::string> essays;
  for (int family = 0; family < 5; ++family) {
    std::vector<std::string> skeleton;
    for (int l = 0; l < 6; ++l) skeleton.push_back(sentence() + sentence());
    for (int member = 0; member < 3; ++member) {
      std::string text;
      for (auto const& line : skeleton) text += line + sentence() + "\n";
      essays.push_back(text);
    }
  }
  for (int i = 0; i < 6; ++i) essays.push_back(test_files::random_body(rng, 5));
  essays.push_back(essays[3]);  // a copy
  std::shuffle(essays.begin(), essays.end(), rng);
  for (std::size_t f = 0; f * 3 < essays.size(); ++f) {
    std::ostringstream text, name;
    for (std::size_t e = f * 3; e < std::min(essays.size(), f * 3 + 3); ++e)
      text << "第" << e - f * 3 + 1 << "篇\n" << essays[e] << "\n";
    name << 'f' << f << ".txt";
    test_files::write_file(dir.path / name.str(), text.str());
  }
  std::vector<std::string> const paths = {dir.path.string(), NEARDUP_ESSAYS_DIR};
  for (bool const jsonl : {false, true}) {
    neardup::pipeline_options options;
    options.dedup.verify_sigmas = 50;  // every candidate uncertain: all measured exactly
    std::vector<std::string> in = paths;
    if (jsonl) {
      options.load.jsonl = true;
      options.load.jsonl_chunk_bytes = 2000;
      std::string lines;
      for (std::size_t e = 0; e < essays.size(); ++e)
        lines += "{\"id\": \"" + std::to_string(e) +
                 "\", \"text\": " + neardup::detail::json_quote(essays[e]) + "}\n";
      test_files::write_file(dir.path / "all.jsonl", lines);
      in = {(dir.path / "all.jsonl").string()};
    }
    std::string const alone = reports(neardup::run_pipeline(in, options), options);
    CHECK(alone.find(" 0 templated") == std::string::npos);
    for (unsigned count = 2; count <= 4; ++count) {
      INFO((jsonl ? "JSON Lines" : "folders") << ", shares " << count);
      std::size_t replies = 0;
      CHECK(run_helped(in, options, count, replies) == alone);
      CHECK(replies >= count - 1);  // every helper made sets (each chunk's go to them all)
      // Share 1 searching the templates' candidates while share 0 verifies (always, here),
      // share 0 told or not when its search has come.
      for (bool const ready : {false, true}) {
        INFO("share 1 searches the templates, ready " << ready);
        neardup::pipeline_options searching = options;
        searching.share.search_templates_from = 0;
        CHECK(run_helped(in, searching, count, replies, ready) == alone);
        CHECK(replies >= count - 1);
      }
    }
  }
}

TEST_CASE("pipeline_share: bad shares, standard input and malformed messages are refused",
          "[pipeline_share]") {
  std::vector<std::string> const paths = {NEARDUP_ESSAYS_DIR};
  auto refused = [&](neardup::pipeline_share given, std::vector<std::string> const& in) {
    neardup::pipeline_options options;
    options.share = std::move(given);
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
  CHECK(refused(share(2, 2, send, {}), paths) == neardup::errc::invalid_argument);
  CHECK(refused(share(0, 0, {}, receive), paths) == neardup::errc::invalid_argument);
  CHECK(refused(share(0, 2, {}, {}), paths) == neardup::errc::invalid_argument);
  CHECK(refused(share(1, 2, {}, receive), paths) == neardup::errc::invalid_argument);
  CHECK(refused(share(1, 2, send, {}), {"-"}) == neardup::errc::invalid_argument);
  // A message cut short, or one with bytes left over, is an error, never a wrong result.
  CHECK(refused(share(0, 2, {}, receive), paths) == neardup::errc::parse_error);
  CHECK(refused(share(0, 2, {},
                      [](unsigned, std::size_t) { return std::string(400, '\0') + "x"; }),
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

TEST_CASE("share_of with a weight: share 0's range that many times another's, the rest even",
          "[pipeline_share]") {
  for (double const weight : {0.0, 0.25, 0.8}) {
    for (unsigned const count : {2u, 3u, 5u}) {
      INFO("weight " << weight << ", shares " << count);
      std::vector<std::uint64_t> bytes(count);
      unsigned last = 0;
      for (std::uint64_t at = 0; at < 100000; ++at) {
        unsigned const s = neardup::share_of(at, 100000, count, weight);
        REQUIRE(s >= last);  // contiguous, in order
        REQUIRE(s < count);
        ++bytes[s];
        last = s;
      }
      double const each = 100000 / (weight + count - 1);
      CHECK(static_cast<double>(bytes[0]) == Approx(weight * each).margin(1));
      for (unsigned s = 1; s < count; ++s)
        CHECK(static_cast<double>(bytes[s]) == Approx(each).margin(count));
    }
  }
  CHECK(neardup::share_of(12, 10, 2, 0.5) == 1);  // a file that grew: the last share
  CHECK(neardup::share_of(5, 10, 1, 0.0) == 0);   // one share produces everything
}

TEST_CASE("first_share_weight: share 0's load, its range and the merge of all, equals another's",
          "[pipeline_share]") {
  CHECK(neardup::first_share_weight(1, 0.2) == 1.0);
  CHECK(neardup::first_share_weight(2, std::nan("")) == 1.0);  // no cost known: equal ranges
  CHECK(neardup::first_share_weight(2, -1.0) == 1.0);
  CHECK(neardup::first_share_weight(4, 0.0) == 1.0);  // merging costs nothing: equal ranges
  for (unsigned const count : {2u, 3u, 4u}) {
    for (double const merge : {0.1, 0.2, 0.3}) {
      double const w = neardup::first_share_weight(count, merge);
      double const f = w / (w + count - 1);  // share 0's part of the bytes
      INFO("shares " << count << ", merge cost " << merge);
      CHECK(w < 1.0);
      CHECK(f + merge * (1 - f) == Approx((1 - f) / (count - 1)));
    }
  }
  // Merging a fifth of every other share's output: from 6 shares on, share 0 only merges.
  CHECK(neardup::first_share_weight(6, 0.2) == 0.0);
  CHECK(neardup::first_share_weight(8, 0.2) == 0.0);
}
