// The text report: clusters as a person reads them, then the summary.
#include "neardup/report.hpp"

#include <algorithm>

#include "neardup/error.hpp"
#include "report/format.hpp"

namespace neardup {

using namespace detail;

void write_text_report(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  detail::check_members(result, ctx.essays.size(), "write_text_report");
  // Excerpts are read in document order, which is file order, so that a reader keeping the last
  // files open opens each once rather than once per cluster that lists it.
  std::vector<std::uint32_t> excerpt_docs;
  std::vector<std::string> excerpts;
  if (ctx.text) {
    for (auto const& c : result.clusters)
      for (auto const& member : c.members) excerpt_docs.push_back(member.doc);
    std::sort(excerpt_docs.begin(), excerpt_docs.end());
    excerpt_docs.erase(std::unique(excerpt_docs.begin(), excerpt_docs.end()), excerpt_docs.end());
    excerpts = read_excerpts(ctx, excerpt_docs);
  }
  auto excerpt_of = [&](std::uint32_t doc) -> std::string const& {
    return excerpts[static_cast<std::size_t>(std::lower_bound(excerpt_docs.begin(), excerpt_docs.end(), doc) -
                                             excerpt_docs.begin())];
  };
  std::size_t number = 0;
  for (auto const& c : result.clusters) {
    ++number;
    out << "Cluster " << number << " · " << c.members.size() << " essays\n";
    for (std::size_t m = 0; m < c.members.size(); ++m) {
      auto const& member = c.members[m];
      auto const& e = ctx.essays[member.doc];
      out << "  " << printable(e.file) << "  essay " << e.index << ", line"
          << (e.last_line > e.line ? "s " : " ") << e.line;
      if (e.last_line > e.line) out << "-" << e.last_line;
      if (!e.title.empty()) out << "  「" << printable(e.title) << "」";
      if (e.stored) out << "  (stored)";
      out << "  similarity " << (member.estimated ? "≈" : "") << fixed(member.similarity, 3)
          << (m == 0 ? " (first)" : "");
      if (m > 0) {
        out << "  " << member_relation_name(member.relation);
        if (member.linked_to != c.members[0].doc) {
          auto const& via = ctx.essays[member.linked_to];
          out << ", linked to " << via.file << " essay " << via.index << " at "
              << (member.link_estimated ? "≈" : "") << fixed(member.link_similarity, 3);
        }
      }
      out << "\n";
      if (ctx.text) out << "      " << excerpt_of(member.doc) << "\n";
    }
    out << "\n";
  }
  if (result.clusters.empty()) out << "No near-duplicate essays found.\n\n";
  write_summary(out, result, ctx);
}

}  // namespace neardup
