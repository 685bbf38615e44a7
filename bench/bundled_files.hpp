// The bundled essay files (NEARDUP_ESSAYS_DIR), each as its bytes, in file-name order: what the
// benchmarks that take whole files (splitting, passages) run on.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace neardup::bench {

inline std::vector<std::string> read_bundled_files() {
  std::vector<std::filesystem::path> files;
  for (auto const& e : std::filesystem::directory_iterator(NEARDUP_ESSAYS_DIR))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (auto const& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

}  // namespace neardup::bench
