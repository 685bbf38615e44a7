// layout_gen — files laid out the hard ways essay sites and users lay them out, with the planted
// truth of where every essay starts and ends: collections of several heading families one after
// another, a collection's numbering over titles with their own 篇N, numbered points inside essays,
// one essay with numbered points, unheaded essays between blank lines, a collection twice in one
// file (joined as `cat` joins files without a final line break), an unheaded essay before a
// headed collection (a file of one essay joined with a collection), CRLF and GB18030. Essays copied
// into other files (and the copies of a doubled collection) are planted duplicates; point essays
// share their short point lines but nothing else (negatives).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup::bench {

/// The layout kinds, in the order reports list them.
inline constexpr std::string_view layout_kinds[] = {
    "collection",   "mixed_families",  "own_numbering", "points_in_collection",
    "points_essay", "blank_separated", "concatenated",  "unheaded_first"};

/// One planted essay: 1-based lines as split_essays() should report them.
struct planted_essay {
  std::size_t line = 0;       ///< its heading, or its first body line
  std::size_t last_line = 0;  ///< its last non-blank line
  std::string group;          ///< planted duplicate group, empty for none
};

struct layout_file {
  std::string kind;
  std::string relative;  ///< path under the output folder
  std::vector<planted_essay> essays;
  bool crlf = false, gb18030 = false;
};

struct layout_gen_options {
  std::uint64_t seed = 1;
  std::size_t files_per_kind = 100;
  std::string essays_dir;  ///< the bundled essays: the text model
  std::string out_dir;     ///< OUT/txt/<kind>/NNNN.txt and OUT/truth.tsv
  double crlf_share = 0.2;
  double gb18030_share = 0.2;
  double copy_share = 0.1;  ///< essays copied into a later file (planted duplicates)
};

/// Writes the files and OUT/truth.tsv (columns: file line last_line group kind) and returns them.
/// Throws std::runtime_error when an output cannot be written.
std::vector<layout_file> generate_layouts(layout_gen_options const& options);

}  // namespace neardup::bench
