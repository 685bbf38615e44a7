// What a split gave, file by file, for a person (or a tool) to check before trusting a report.
#include "neardup/report.hpp"

#include "report/format.hpp"

namespace neardup {

using namespace detail;

namespace {

std::string lines_text(std::size_t first, std::size_t last) {
  return first == last ? "line " + std::to_string(first)
                       : "lines " + std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

void write_split_listing(std::ostream& out, file_split const& file) {
  std::string s = "== " + printable(file.path);
  if (!file.skipped.empty()) {
    out << s << ": not split: " << printable(file.skipped) << "\n";
    return;
  }
  auto const& r = file.split;
  s += " · " + file.encoding + " · " + std::to_string(file.lines) + plural(file.lines, " line") +
       " · " + std::to_string(r.essays.size()) + plural(r.essays.size(), " essay") + "\n";
  for (std::size_t i = 0; i < r.essays.size(); ++i) {
    essay_span const& e = r.essays[i];
    s += "  #" + std::to_string(i + 1) + "  " + lines_text(e.line, e.last_line) + "  " +
         grouped(file.chars[i]) + " chars  " +
         (e.title.empty() ? std::string("(no heading)") : printable(e.title)) + "\n";
    s += "      why: " + printable(e.reason) + "\n";
  }
  for (line_range const& f : r.furniture)
    s += "  left out: " + lines_text(f.first, f.last) + ": " + f.reason + "\n";
  for (split_warning const& w : r.warnings) s += "  warning: " + printable(w.message) + "\n";
  out << s;
}

namespace {

/// `"key":[{…},{…}]`, each object written by `item` after its opening brace.
template <class Items, class Item>
void append_objects(std::string& s, std::string_view key, Items const& items, Item const& item) {
  s += ",\"";
  s += key;
  s += "\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    s += i ? ",{" : "{";
    item(i, items[i]);
    s += "}";
  }
  s += "]";
}

}  // namespace

void write_split_jsonl(std::ostream& out, file_split const& file) {
  std::string s = "{\"file\":";
  append_json_quoted(s, file.path);
  if (!file.skipped.empty()) {
    s += ",\"skipped\":";
    append_json_quoted(s, file.skipped);
    out << s << "}\n";
    return;
  }
  auto const& r = file.split;
  s += ",\"encoding\":";
  append_json_quoted(s, file.encoding);
  s += ",\"lines\":" + std::to_string(file.lines);
  append_objects(s, "essays", r.essays, [&](std::size_t i, essay_span const& e) {
    s += "\"index\":" + std::to_string(i + 1) + ",\"line\":" + std::to_string(e.line) +
         ",\"last_line\":" + std::to_string(e.last_line) +
         ",\"chars\":" + std::to_string(file.chars[i]) +
         ",\"bytes\":" + std::to_string(e.end - e.begin) + ",\"title\":";
    append_json_quoted(s, e.title);
    s += ",\"reason\":";
    append_json_quoted(s, e.reason);
  });
  append_objects(s, "furniture", r.furniture, [&](std::size_t, line_range const& f) {
    s += "\"first\":" + std::to_string(f.first) + ",\"last\":" + std::to_string(f.last) +
         ",\"reason\":";
    append_json_quoted(s, f.reason);
  });
  append_objects(s, "warnings", r.warnings, [&](std::size_t, split_warning const& w) {
    s += "\"essay\":" + std::to_string(w.essay) + ",\"line\":" + std::to_string(w.line) +
         ",\"message\":";
    append_json_quoted(s, w.message);
  });
  out << s << "}\n";
}

}  // namespace neardup
