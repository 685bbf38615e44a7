// A small reader of the HTML report's markup for tests: its elements (name and attributes, in
// order), the text of each <mark>, the raw text of its <script> elements. Enough to tell whether
// any element or attribute came from an essay's text: the report escapes every '<' of a text, so
// each '<' in the page starts markup the report wrote.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace html_page {

struct element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  ///< <mark>, <script>, <title>: the text up to the end tag (raw, not unescaped)

  [[nodiscard]] std::string attribute(std::string_view key) const {
    for (auto const& [k, v] : attributes)
      if (k == key) return v;
    return {};
  }
};

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// &lt; &gt; &amp; &quot; &#39; back to characters (the references the report writes).
inline std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    for (auto const& [ref, ch] :
         {std::pair{"&lt;", '<'}, std::pair{"&gt;", '>'}, std::pair{"&amp;", '&'},
          std::pair{"&quot;", '"'}, std::pair{"&#39;", '\''}})
      if (s.substr(i).starts_with(ref)) {
        out += ch;
        i += std::string_view(ref).size() - 1;
        break;
      }
  }
  return out;
}

/// Every start tag of `page`, in order. Raw-text elements (script, style) are skipped to their
/// end tag; a mark's or a title's text is kept.
inline std::vector<element> elements(std::string_view page) {
  std::vector<element> out;
  std::size_t i = 0;
  while ((i = page.find('<', i)) != std::string_view::npos) {
    ++i;
    if (i >= page.size()) break;
    if (page[i] == '/' || page[i] == '!') continue;  // an end tag, the doctype
    element e;
    while (i < page.size() && !std::isspace(static_cast<unsigned char>(page[i])) &&
           page[i] != '>' && page[i] != '/')
      e.name += page[i++];
    e.name = lower(e.name);
    while (i < page.size() && page[i] != '>') {
      if (std::isspace(static_cast<unsigned char>(page[i])) || page[i] == '/') {
        ++i;
        continue;
      }
      std::string key, value;
      while (i < page.size() && !std::isspace(static_cast<unsigned char>(page[i])) &&
             page[i] != '=' && page[i] != '>')
        key += page[i++];
      if (i < page.size() && page[i] == '=') {
        ++i;
        char const quote = i < page.size() ? page[i] : '\0';
        if (quote == '"' || quote == '\'') {
          std::size_t const end = page.find(quote, i + 1);
          if (end == std::string_view::npos) break;  // an unclosed value: the rest is not markup
          value = std::string(page.substr(i + 1, end - i - 1));
          i = end + 1;
        } else {
          while (i < page.size() && !std::isspace(static_cast<unsigned char>(page[i])) &&
                 page[i] != '>')
            value += page[i++];
        }
      }
      e.attributes.emplace_back(lower(key), value);
    }
    if (e.name == "script" || e.name == "style" || e.name == "mark" || e.name == "title") {
      std::size_t const end = page.find("</" + e.name, i);
      e.text = std::string(page.substr(i + 1, end - i - 1));
      if (e.name != "mark") i = end;
    }
    out.push_back(std::move(e));
  }
  return out;
}

/// What in `page` the report does not write: an element or attribute it never makes, or an
/// attribute value with markup characters. Empty for a page whose markup is all the report's.
inline std::vector<std::string> foreign_markup(std::string_view page) {
  static std::set<std::string> const known_elements = {
      "html", "head", "meta",       "title",   "style", "body",     "header", "h1",    "h2",
      "h3",   "p",    "main",       "section", "pre",   "div",      "figure", "svg",   "rect",
      "line", "text", "figcaption", "input",   "span",  "noscript", "table",  "thead", "tbody",
      "tr",   "th",   "td",         "button",  "b",     "mark",     "script"};
  static std::set<std::string> const known_attributes = {
      "lang", "charset",    "name", "content",     "class", "id",          "viewbox",
      "role", "aria-label", "x",    "y",           "width", "height",      "x1",
      "x2",   "y1",         "y2",   "text-anchor", "type",  "placeholder", "data-p"};
  std::vector<std::string> foreign;
  for (auto const& e : elements(page)) {
    if (known_elements.count(e.name) == 0) foreign.push_back("<" + e.name + ">");
    for (auto const& [key, value] : e.attributes) {
      if (known_attributes.count(key) == 0) foreign.push_back("<" + e.name + " " + key + ">");
      if (value.find_first_of("<>\"") != std::string::npos)
        foreign.push_back("<" + e.name + " " + key + "=" + value + ">");
    }
  }
  return foreign;
}

}  // namespace html_page
