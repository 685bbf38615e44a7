// The summary: every input file accounted for, the counts, the time and the settings.
#include "neardup/report.hpp"

#include <algorithm>

#include "report/format.hpp"

namespace neardup {

using namespace detail;

namespace {

std::string_view scheme_name(minhash_scheme s) {
  return s == minhash_scheme::classic ? "classic" : "one-permutation";
}

}  // namespace

void write_summary(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  auto const& s = result.stats;
  out << "Summary\n";
  if (ctx.load) {
    auto const& load = *ctx.load;
    out << "  files:     " << load.files.size() << " read, " << load.skipped.size() << " skipped";
    if (load.filtered_by_extension > 0)
      out << ", " << load.filtered_by_extension << " not taken for their extension";
    out << "\n";
    for (auto const& f : load.skipped)
      out << "    skipped " << printable(f.path) << ": " << to_string(f.reason)
          << (f.detail.empty() ? "" : " (") << printable(f.detail) << (f.detail.empty() ? "" : ")")
          << "\n";
    // Files read with replacements and stretches left out are listed up to a limit: on a large
    // corpus they run to thousands of lines (skipped files are always listed, every one).
    constexpr std::size_t listed_at_most = 20;
    std::size_t replaced_files = 0;
    for (auto const& f : load.files) {
      if (f.replaced == 0) continue;
      if (++replaced_files <= listed_at_most)
        out << "    " << printable(f.path) << ": " << f.replaced
            << " undecodable byte sequences replaced (" << f.encoding << ")\n";
    }
    if (replaced_files > listed_at_most)
      out << "    … and " << replaced_files - listed_at_most << " more files with undecodable bytes replaced\n";
    std::size_t guessed_files = 0;
    for (auto const& f : load.files) {
      if (!f.encoding_guessed) continue;
      if (++guessed_files <= listed_at_most)
        out << "    " << printable(f.path) << ": encoding guessed as " << f.encoding
            << " (not told with confidence; force it with --encoding)\n";
    }
    if (guessed_files > listed_at_most)
      out << "    … and " << guessed_files - listed_at_most
          << " more files whose encoding was guessed\n";
    for (auto const& r : load.unused_encoding_rules)
      out << "    --encoding " << printable(r.pattern) << "=" << printable(r.encoding)
          << ": decided the encoding of no file\n";
    for (auto const& p : load.problems) {
      out << "    " << printable(p.path);
      if (p.line > 0) out << ":" << p.line;
      out << ": " << printable(p.message) << "\n";
    }
    std::size_t furniture = 0;
    for (auto const& f : load.files) furniture += f.furniture.size();
    if (furniture > 0) {
      out << "  left out:  " << furniture << " stretches of page furniture\n";
      std::size_t listed = 0;
      for (auto const& f : load.files)
        for (auto const& r : f.furniture) {
          if (++listed > listed_at_most) break;
          out << "    " << printable(f.path) << (r.last > r.first ? " lines " : " line ")
              << r.first;
          if (r.last > r.first) out << "-" << r.last;
          out << ": " << r.reason << "\n";
        }
      if (furniture > listed_at_most) out << "    … and " << furniture - listed_at_most << " more\n";
    }
    // Essays that are multi-megabyte or far larger than the others of their file: every one.
    for (auto const& f : load.files)
      for (auto const& w : f.warnings)
        out << "  warning:   " << printable(f.path) << ":" << w.line << ": " << printable(w.message)
            << "\n";
  }
  out << "  essays:    " << s.documents;
  if (s.empty_documents > 0) out << " (" << s.empty_documents << " with no text after normalization)";
  out << "\n";
  out << "  clusters:  " << s.clusters << ", holding " << s.duplicates << " duplicate essay"
      << (s.duplicates == 1 ? "" : "s") << " beyond the first of each\n";
  std::size_t const bytes = ctx.load ? ctx.load->bytes : s.bytes;
  out << "  bytes:     " << grouped(bytes) << " in " << fixed(ctx.seconds, 2) << " s";
  if (ctx.seconds > 0) out << " (" << fixed(static_cast<double>(bytes) / 1e6 / ctx.seconds, 1) << " MB/s)";
  out << "\n";
  out << "  time:      " << fixed(ctx.seconds_read_and_sign > 0 ? ctx.seconds_read_and_sign : s.seconds_sign, 2)
      << " s read and sign, " << fixed(s.seconds_candidates, 2) << " s candidates ("
      << s.candidates.pairs << plural(s.candidates.pairs, " pair") << "), " << fixed(s.seconds_verify, 2) << " s verify ("
      << s.verified_pairs << " kept), " << fixed(s.seconds_cluster, 2) << " s cluster\n";
  if (ctx.options && ctx.options->verify == verify_mode::hybrid)
    out << "  verify:    " << s.accepted_by_estimate << plural(s.accepted_by_estimate, " pair") << " accepted and "
        << s.rejected_by_estimate << " rejected by the estimate, " << s.exact_pairs << " measured exactly ("
        << s.texts_read_back << plural(s.texts_read_back, " text") << " read back), " << s.already_joined
        << " not needed (already joined)\n";
  if (ctx.options && ctx.options->templates)
    out << "  templates: " << s.sentence_candidates.pairs
        << plural(s.sentence_candidates.pairs, " sentence candidate") << ", "
        << s.sentence_pairs_bounded << " set aside by the sentence filters, "
        << s.sentence_pairs_measured << " measured, " << s.templated_pairs << " templated\n";
  if (ctx.options) {
    auto const& o = *ctx.options;
    out << "  settings:  threshold " << fixed(o.threshold, 2) << ", " << o.signature.shingle.n
        << "-" << (o.signature.unit == shingle_unit::word ? "word" : "character") << " shingles, "
        << o.signature.minhash.num_perm << " permutations ("
        << scheme_name(o.signature.minhash.scheme) << "), LSH " << s.lsh.bands << " bands × "
        << s.lsh.rows << " rows, " << verify_mode_name(o.verify) << " verification, "
        << linkage_name(o.linkage) << " linkage\n";
  }
  if (s.candidates.capped_buckets > 0)
    out << "  note:      " << s.candidates.capped_buckets << " LSH buckets over " << s.candidates.largest_bucket
        << " essays were capped to keep the work linear\n";
}

void write_nothing_read(std::ostream& out, load_summary const& load, load_options const& options) {
  out << "nothing could be read\n";
  for (auto const& s : load.skipped)
    out << "  " << printable(s.path) << ": " << to_string(s.reason)
        << (s.detail.empty() ? "" : " (") << printable(s.detail) << (s.detail.empty() ? "" : ")")
        << "\n";
  std::vector<std::string> wanted = options.walk.extensions;
  if (options.jsonl && wanted == walk_options{}.extensions) wanted = jsonl_extensions();
  if (load.filtered_by_extension > 0) {
    std::vector<std::pair<std::size_t, std::string>> found;  // most first
    for (auto const& [ext, n] : load.filtered_extensions) found.emplace_back(n, ext);
    std::sort(found.begin(), found.end(),
              [](auto const& a, auto const& b) { return a.first > b.first; });
    out << "  no file in the folders ends in ";
    for (std::size_t i = 0; i < wanted.size(); ++i)
      out << (i == 0 ? "" : i + 1 == wanted.size() ? " or " : ", ") << wanted[i];
    out << ", but they hold ";
    for (std::size_t i = 0; i < found.size() && i < 5; ++i)
      out << (i == 0 ? "" : ", ") << found[i].first << " "
          << (found[i].second.empty() ? "without extension" : printable(found[i].second));
    if (found.size() > 5) out << " and " << found.size() - 5 << " other extensions";
    out << "\n";
    bool const text_files = load.filtered_extensions.contains(".txt");
    if (options.jsonl && text_files)
      out << "  --jsonl reads JSON Lines; without it the .txt files are read as text\n";
    else
      out << "  --ext chooses the endings taken (e.g. --ext "
          << (found.empty() || found[0].second.empty() ? ".md" : printable(found[0].second))
          << "; --ext '' takes every file)\n";
  } else if (load.skipped.empty()) {
    out << "  the folders hold no files\n";
  }
}

}  // namespace neardup
