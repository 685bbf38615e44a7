// The bundled essays (examples/data/essays, NEARDUP_ESSAYS_DIR) for tests: their paths and bytes.
// Without Catch2 (a failure throws, which a test reports), so that benchmarks may use it too.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace neardup_test {

/// The whole file, byte for byte. Throws std::runtime_error when it cannot be read.
inline std::string read_bytes(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The five bundled essay files (*.txt), sorted by name. Throws std::runtime_error when there are
/// not five: the tests count on each of them.
inline std::vector<std::filesystem::path> bundled_files() {
  std::vector<std::filesystem::path> files;
  for (auto const& e : std::filesystem::directory_iterator(NEARDUP_ESSAYS_DIR)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() != 5)
    throw std::runtime_error("expected the 5 bundled essays in " NEARDUP_ESSAYS_DIR);
  return files;
}

}  // namespace neardup_test
