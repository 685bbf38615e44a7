// Helpers for tests that run the built dedup program: temporary folders, files, and a runner that
// captures exit code, standard output and standard error.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

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
inline run_result run_dedup(std::string const& args, std::optional<std::string> const& input = std::nullopt,
                            std::string const& env = {}) {
  temp_dir io;
  std::string in = "/dev/null";
  if (input) {
    in = (io.path / "in").string();
    write_file(in, *input);
  }
  std::string const cmd = env + quote(NEARDUP_DEDUP_EXE) + " " + args + " >" + quote((io.path / "out").string()) +
                          " 2>" + quote((io.path / "err").string()) + " <" + quote(in);
  int const status = std::system(cmd.c_str());
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(io.path / "out");
  r.err = slurp(io.path / "err");
  return r;
}

}  // namespace cli
