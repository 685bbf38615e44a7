// --keep-one: the essays with one per cluster, written to a temporary file and renamed into place.
#include "neardup/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "neardup/error.hpp"

#include "report/format.hpp"

namespace neardup {

using namespace detail;

void write_deduplicated(std::string const& path, dedup_result const& result, std::span<const essay_info> essays,
                        std::function<std::string(std::uint32_t)> const& text_of, bool jsonl, unsigned threads) {
  std::vector<std::uint8_t> drop(essays.size(), 0);
  for (auto const& c : result.clusters)
    for (std::size_t m = 1; m < c.members.size(); ++m) drop[c.members[m].doc] = 1;

  std::string const temporary = path + ".tmp-" + std::to_string(::getpid());
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw error(errc::io_error, temporary + ": cannot create: " + std::strerror(errno));
  // Blocks of essays are read back and formatted on every thread, and written in order.
  constexpr std::size_t essays_per_block = 256;
  std::size_t const blocks = (essays.size() + essays_per_block - 1) / essays_per_block;
  auto format_block = [&](std::size_t block, std::string& s) {
    std::size_t const last = std::min(essays.size(), (block + 1) * essays_per_block);
    for (std::size_t doc = block * essays_per_block; doc < last; ++doc) {
      if (drop[doc]) continue;
      auto const& e = essays[doc];
      std::string const text = text_of(static_cast<std::uint32_t>(doc));
      if (jsonl) {
        s += "{\"id\": ";
        append_json_quoted(s, e.id);
        s += ", \"text\": ";
        append_json_quoted(s, text);
        s += "}\n";
      } else {
        if (!e.title.empty()) (s += e.title) += '\n';
        s += text;
        if (text.empty() || text.back() != '\n') s += '\n';
        s += '\n';
      }
    }
  };
  try {
    write_blocks_in_order(out, blocks, detail::resolve_threads(threads), format_block);
    out.flush();
    if (!out) throw error(errc::io_error, temporary + ": write failed");
    out.close();
  } catch (...) {
    out.close();
    std::remove(temporary.c_str());  // no half file left behind, whatever failed
    throw;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int const saved = errno;
    std::remove(temporary.c_str());
    throw error(errc::io_error, path + ": cannot rename into place: " + std::strerror(saved));
  }
}

}  // namespace neardup
