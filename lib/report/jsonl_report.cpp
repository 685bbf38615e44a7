// The JSON Lines report: one object per cluster.
#include "neardup/report.hpp"

#include <algorithm>
#include <charconv>

#include "report/format.hpp"

namespace neardup {

using namespace detail;

void write_jsonl_report(std::ostream& out, dedup_result const& result, report_context const& ctx) {
  detail::check_members(result, ctx.essays.size(), "write_jsonl_report");
  // Blocks of clusters are formatted on every thread and written in order: a large corpus gives
  // tens of megabytes of lines.
  constexpr std::size_t clusters_per_block = 1024;
  std::size_t const blocks = (result.clusters.size() + clusters_per_block - 1) / clusters_per_block;
  write_blocks_in_order(out, blocks, report_threads(ctx), [&](std::size_t block, std::string& line) {
    auto number_to = [&line](auto value) {
      char buf[32];
      auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
      line.append(buf, end);
    };
    std::size_t const first = block * clusters_per_block;
    std::size_t const last = std::min(result.clusters.size(), first + clusters_per_block);
    for (std::size_t number = first + 1; number <= last; ++number) {
      auto const& c = result.clusters[number - 1];
      line += "{\"cluster\": ";
      number_to(number);
      line += ", \"size\": ";
      number_to(c.members.size());
      line += ", \"members\": [";
      for (std::size_t m = 0; m < c.members.size(); ++m) {
        auto const& member = c.members[m];
        auto const& e = ctx.essays[member.doc];
        line += m ? ", {\"id\": " : "{\"id\": ";
        append_json_quoted(line, e.id);
        line += ", \"file\": ";
        append_json_quoted(line, e.file);
        line += ", \"index\": ";
        number_to(e.index);
        line += ", \"title\": ";
        append_json_quoted(line, e.title);
        line += ", \"line\": ";
        number_to(e.line);
        if (e.stored) line += ", \"stored\": true";  // from the index (dedup --index)
        line += ", \"similarity\": ";
        char buf[32];
        auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, member.similarity, std::chars_format::fixed, 4);
        line.append(buf, end);
        line += member.estimated ? ", \"estimated\": true" : ", \"estimated\": false";
        line += ", \"relation\": \"";
        line += member_relation_name(member.relation);
        line += "\", \"linked_to\": ";
        append_json_quoted(line, ctx.essays[member.linked_to].id);
        line += ", \"link_similarity\": ";
        auto const [link_end, link_ec] = std::to_chars(
            buf, buf + sizeof buf, member.link_similarity, std::chars_format::fixed, 4);
        line.append(buf, link_end);
        line +=
            member.link_estimated ? ", \"link_estimated\": true}" : ", \"link_estimated\": false}";
      }
      line += "]}\n";
    }
  });
}

}  // namespace neardup
