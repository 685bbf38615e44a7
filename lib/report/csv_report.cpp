// The CSV report: one row per cluster member.
#include "neardup/report.hpp"


#include "report/format.hpp"

namespace neardup {

using namespace detail;

void write_csv_report(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  detail::check_members(result, ctx.essays.size(), "write_csv_report");
  out << "cluster,size,id,file,index,title,line,similarity,estimated,relation,linked_to,link_"
         "similarity,"
         "link_estimated";
  out << (ctx.indexed ? ",stored\n" : "\n");
  std::size_t number = 0;
  for (auto const& c : result.clusters) {
    ++number;
    for (auto const& member : c.members) {
      auto const& e = ctx.essays[member.doc];
      out << number << "," << c.members.size() << "," << csv_field(e.id) << "," << csv_field(e.file)
          << "," << e.index << "," << csv_field(e.title) << "," << e.line << ","
          << fixed(member.similarity, 4) << "," << (member.estimated ? "true" : "false") << ","
          << member_relation_name(member.relation) << ","
          << csv_field(ctx.essays[member.linked_to].id) << "," << fixed(member.link_similarity, 4)
          << "," << (member.link_estimated ? "true" : "false");
      if (ctx.indexed) out << "," << (e.stored ? "true" : "false");
      out << "\n";
    }
  }
}

}  // namespace neardup
