// jsonl: every non-blank line is a record or a problem; record texts and ids are valid UTF-8;
// offsets point at the record's line.
#include <neardup/jsonl.hpp>

#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const input(reinterpret_cast<char const*>(data), size);
  auto const r = neardup::parse_jsonl(input);
  FUZZ_CHECK(r.records.size() + r.problems.size() + r.blank_lines == r.lines);
  std::size_t previous = 0;
  for (auto const& rec : r.records) {
    FUZZ_CHECK(rec.line > previous && rec.line <= r.lines);
    FUZZ_CHECK(rec.offset <= input.size());
    FUZZ_CHECK(rec.offset == 0 || input[rec.offset - 1] == '\n');
    previous = rec.line;
  }
  return 0;
}
