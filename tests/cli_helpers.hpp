// Helpers for tests that run the built dedup program: temporary folders, files, and a runner that
// captures exit code, standard output and standard error.
#pragma once

#include <sys/wait.h>

#include <simdjson.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "temp_files.hpp"

namespace cli {

namespace fs = std::filesystem;

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(fs::path const& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using test_files::temp_dir;
using test_files::write_file;

inline std::string quote(std::string const& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs dedup with `args` (shell words, quoted by the caller), standard input from `input` (else
/// /dev/null) and `env` (e.g. "TMPDIR=/x ") before the program.
inline run_result run_dedup(std::string const& args,
                            std::optional<std::string> const& input = std::nullopt,
                            std::string const& env = {}) {
  temp_dir io;
  std::string in = "/dev/null";
  if (input) {
    in = (io.path / "in").string();
    write_file(in, *input);
  }
  std::string const cmd = env + quote(NEARDUP_DEDUP_EXE) + " " + args + " >" +
                          quote((io.path / "out").string()) + " 2>" +
                          quote((io.path / "err").string()) + " <" + quote(in);
  int const status = std::system(cmd.c_str());
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(io.path / "out");
  r.err = slurp(io.path / "err");
  return r;
}

/// One member of a cluster in dedup's JSON Lines report.
struct member {
  std::string id, file, title;
  std::int64_t index = 0, line = 0;
  double similarity = 0;
  bool stored = false;  ///< "stored": true (dedup --index)
};
using cluster_list = std::vector<std::vector<member>>;

/// Parses dedup's JSON Lines report, checking the exact set of keys of each object.
inline cluster_list parse_clusters(std::string const& jsonl) {
  cluster_list clusters;
  simdjson::dom::parser parser;
  std::istringstream lines(jsonl);
  std::string line;
  while (std::getline(lines, line)) {
    REQUIRE_FALSE(line.empty());
    simdjson::dom::element doc;
    REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
    simdjson::dom::object obj;
    REQUIRE(doc.get(obj) == simdjson::SUCCESS);
    std::vector<std::string> keys;
    for (auto field : obj) keys.emplace_back(field.key);
    CHECK(keys == std::vector<std::string>{"cluster", "size", "members"});
    CHECK(std::int64_t(obj["cluster"]) == std::int64_t(clusters.size() + 1));
    simdjson::dom::array members = obj["members"];
    CHECK(std::int64_t(obj["size"]) == std::int64_t(members.size()));
    clusters.emplace_back();
    for (simdjson::dom::object m : members) {
      std::vector<std::string> mkeys;
      bool stored = false;  // dedup --index: a stored member says so
      for (auto field : m) {
        if (field.key == "stored") {
          stored = bool(field.value);
          CHECK(stored);
          continue;
        }
        mkeys.emplace_back(field.key);
      }
      CHECK(mkeys == std::vector<std::string>{"id", "file", "index", "title", "line", "similarity",
                                              "estimated", "relation", "linked_to",
                                              "link_similarity", "link_estimated"});
      member x;
      x.id = std::string(std::string_view(m["id"]));
      x.file = std::string(std::string_view(m["file"]));
      x.title = std::string(std::string_view(m["title"]));
      x.index = std::int64_t(m["index"]);
      x.line = std::int64_t(m["line"]);
      x.similarity = double(m["similarity"]);
      x.stored = stored;
      clusters.back().push_back(x);
    }
  }
  return clusters;
}

}  // namespace cli
