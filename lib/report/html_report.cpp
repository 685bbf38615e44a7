// The HTML report: one self-contained page (CSS, script and data inline, nothing fetched) with the
// clusters and the copied passages, each essay beside the one it shares passages with and the
// shared passages marked in the same colour on both sides.
//
// What is written where: the overview (summary, histograms) and the first full_texts clusters and
// pairs with their texts and marks are HTML, escaped here, so a small run is whole as loaded and
// needs no script to be read or printed. Every cluster and pair is also in one JSON index (essays
// with excerpts, members, containments) inside <script type="application/json">, from which the
// page's script renders the lists (paged, filtered) and, when opened, the clusters and pairs
// beyond full_texts (their members and excerpts, as text nodes). Escaping rule: text goes into
// HTML only through append_html (& < > " ' as references, broken UTF-8 as U+FFFD, control
// characters left out), into the JSON only through append_script_json (append_json_quoted with
// every '<' as \u003c, so nothing can end the script element), and from the JSON into the page
// only as text nodes.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <sstream>

#include "common/utf8.hpp"
#include "neardup/error.hpp"
#include "neardup/report.hpp"
#include "neardup/version.hpp"
#include "report/format.hpp"

namespace neardup {

using namespace detail;

namespace {

constexpr std::size_t mark_colours = 8;  // passages are coloured in turn (CSS classes m0..m7)
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

/// Appends `s` as HTML text or as an attribute value (quoted with "): &, <, >, " and ' as
/// references, ill-formed UTF-8 as U+FFFD, control characters but tab and line feed left out.
void append_html(std::string& out, std::string_view s) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto const c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t const start = i;
      utf8_sequence const d = decode_utf8(s, i);
      i += d.length;
      if (d.status == utf8_status::ok && d.cp >= 0xA0) continue;
      out.append(s, run, start - run);
      run = i;
      if (d.status != utf8_status::ok) out += replacement;  // else a C1 control: left out
      continue;
    }
    ++i;
    std::string_view reference;
    switch (c) {
      case '&':
        reference = "&amp;";
        break;
      case '<':
        reference = "&lt;";
        break;
      case '>':
        reference = "&gt;";
        break;
      case '"':
        reference = "&quot;";
        break;
      case '\'':
        reference = "&#39;";
        break;
      default:
        if ((c >= 0x20 && c != 0x7F) || c == '\n' || c == '\t') continue;
    }
    out.append(s, run, i - 1 - run);
    run = i;
    out += reference;  // empty for a control character: left out
  }
  out.append(s, run, s.size() - run);
}

std::string html(std::string_view s) {
  std::string out;
  append_html(out, s);
  return out;
}

/// Appends `s` as a JSON string for a <script> element: append_json_quoted's literal with every
/// '<' as \u003c, so that no text can close the element or open a comment inside it.
void append_script_json(std::string& out, std::string_view s) {
  std::size_t const from = out.size();
  append_json_quoted(out, s);
  if (std::find(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), '<') == out.end())
    return;
  std::string const literal = out.substr(from);
  out.resize(from);
  for (char ch : literal) {
    if (ch == '<')
      out += "\\u003c";
    else
      out += ch;
  }
}

/// A marked stretch of one side's text: bytes [start, end), passage number `passage`.
struct mark_span {
  std::size_t start = 0, end = 0, passage = 0;
};

/// `text` as HTML (in a <div class="text">) with each span in a <mark> of its passage's colour;
/// spans are clipped to the text and to each other (a later span starts where an earlier ends).
void append_marked(std::string& out, std::string_view text, std::vector<mark_span> spans) {
  std::sort(spans.begin(), spans.end(),
            [](auto const& x, auto const& y) { return x.start < y.start; });
  std::size_t at = 0;
  for (mark_span const& m : spans) {
    std::size_t const start = std::max(m.start, at), end = std::min(m.end, text.size());
    if (start >= end) continue;
    append_html(out, text.substr(at, start - at));
    out += "<mark class=\"m";
    number_to(out, m.passage % mark_colours);
    out += "\" data-p=\"";
    number_to(out, m.passage);
    out += "\">";
    append_html(out, text.substr(start, end - start));
    out += "</mark>";
    at = end;
  }
  append_html(out, text.substr(at));
}

/// True when the essay's id is its own (a JSON Lines record's), not "file#index".
bool has_own_id(essay_info const& e) {
  return e.id != e.file + "#" + std::to_string(e.index);
}

/// "file · essay N · id X · lines A–B · 「title」" for a heading (the id only when it is its own).
std::string essay_heading(essay_info const& e) {
  std::string s = html(e.file) + " · essay " + std::to_string(e.index);
  if (has_own_id(e)) s += " · id " + html(e.id);
  s += " · line";
  s += e.last_line > e.line ? "s " + std::to_string(e.line) + "–" + std::to_string(e.last_line)
                            : " " + std::to_string(e.line);
  if (!e.title.empty()) s += " · 「" + html(e.title) + "」";
  if (e.stored) s += " · stored";
  return s;
}

/// The essays shown side by side: their texts (cut at max_text_bytes) and the passages' spans.
struct side_by_side {
  essay_info const* a = nullptr;
  essay_info const* b = nullptr;
  std::string_view text_a, text_b;
  std::string caption_a, caption_b;  ///< HTML after the heading (containment, relation)
  std::vector<passage> passages;
};

/// A text cut to at most `limit` bytes at a character start.
std::string_view cut_text(std::string_view text, std::size_t limit, bool& cut) {
  cut = text.size() > limit;
  if (!cut) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

void append_side(std::string& out, char const* which, essay_info const& e,
                 std::string const& caption, std::string_view text, bool cut,
                 std::vector<mark_span> spans) {
  out += "<div class=\"side\"><div class=\"who\"><b>";
  out += which;
  out += "</b> ";
  out += essay_heading(e);
  out += caption;
  out += "</div><div class=\"text\">";
  append_marked(out, text, std::move(spans));
  if (cut) out += "<span class=\"note\"> … (cut here: the rest is not shown)</span>";
  out += "</div></div>";
}

void append_side_by_side(std::string& out, side_by_side const& v, std::size_t limit) {
  std::vector<mark_span> a, b;
  for (std::size_t k = 0; k < v.passages.size(); ++k) {
    passage const& p = v.passages[k];
    a.push_back({p.a_start, p.a_end, k});
    b.push_back({p.b_start, p.b_end, k});
  }
  bool cut_a = false, cut_b = false;
  std::string_view const ta = cut_text(v.text_a, limit, cut_a),
                         tb = cut_text(v.text_b, limit, cut_b);
  out += "<div class=\"compare\">";
  append_side(out, "A", *v.a, v.caption_a, ta, cut_a, std::move(a));
  append_side(out, "B", *v.b, v.caption_b, tb, cut_b, std::move(b));
  out += "</div>\n";
}

std::string passages_phrase(std::vector<passage> const& passages) {
  std::size_t chars = 0;
  for (passage const& p : passages) chars += p.chars;
  if (passages.empty()) return "no passage of the minimum length in common";
  return std::to_string(passages.size()) + " shared " + plural(passages.size(), "passage") + ", " +
         grouped(chars) + " characters";
}

/// A histogram of `values` in [0, 1] as inline SVG: 20 bins, counts on a square-root scale (a few
/// low bins would otherwise vanish beside a tall one), the bin's count in its <title>.
void append_histogram(std::string& out, std::string_view caption, std::vector<double> const& values,
                      double marker) {
  constexpr int bins = 20, width = 400, height = 120, bar = width / bins;
  std::array<std::size_t, bins> counts{};
  for (double v : values)
    counts[static_cast<std::size_t>(std::clamp(static_cast<int>(v * bins), 0, bins - 1))]++;
  std::size_t const top = std::max<std::size_t>(1, *std::max_element(counts.begin(), counts.end()));
  out += "<figure class=\"hist\"><svg viewBox=\"0 0 ";
  number_to(out, width);
  out += " ";
  number_to(out, height + 16);
  out += "\" role=\"img\" aria-label=\"";
  append_html(out, caption);
  out += "\">";
  for (int i = 0; i < bins; ++i) {
    double const h =
        counts[static_cast<std::size_t>(i)] == 0
            ? 0
            : std::max(1.0,
                       height * std::sqrt(static_cast<double>(counts[static_cast<std::size_t>(i)]) /
                                          static_cast<double>(top)));
    out += "<rect x=\"";
    number_to(out, i * bar + 1);
    out += "\" y=\"";
    ratio_to(out, height - h, 1);
    out += "\" width=\"";
    number_to(out, bar - 2);
    out += "\" height=\"";
    ratio_to(out, h, 1);
    out += "\"><title>";
    ratio_to(out, static_cast<double>(i) / bins, 2);
    out += "–";
    ratio_to(out, static_cast<double>(i + 1) / bins, 2);
    out += ": ";
    number_to(out, counts[static_cast<std::size_t>(i)]);
    out += "</title></rect>";
  }
  if (marker > 0) {
    out += "<line class=\"marker\" x1=\"";
    ratio_to(out, marker * width, 1);
    out += "\" x2=\"";
    ratio_to(out, marker * width, 1);
    out += "\" y1=\"0\" y2=\"";
    number_to(out, height);
    out += "\"/>";
  }
  for (int tick = 0; tick <= 4; ++tick) {
    out += "<text x=\"";
    number_to(out, tick * width / 4);
    out += "\" y=\"";
    number_to(out, height + 13);
    out += tick == 0   ? "\" text-anchor=\"start\">"
           : tick == 4 ? "\" text-anchor=\"end\">"
                       : "\" text-anchor=\"middle\">";
    ratio_to(out, tick / 4.0, 2);
    out += "</text>";
  }
  out += "</svg><figcaption>";
  append_html(out, caption);
  out += " (";
  number_to(out, values.size());
  out += ")</figcaption></figure>\n";
}

constexpr std::string_view page_style = R"css(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d8dce3;--bg:#fff;--band:#f4f6f9;--accent:#2456a6}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1400px;margin:0 auto;padding:0 20px}
header{padding-top:16px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:0 0 8px}h3{font-size:15px;margin:16px 0 6px;color:var(--muted)}
.muted,.note{color:var(--muted)}
pre.summary{background:var(--band);border:1px solid var(--line);padding:10px;overflow:auto;font-size:13px;white-space:pre-wrap}
.hists{display:flex;flex-wrap:wrap;gap:24px}
figure.hist{margin:0}figure.hist svg{width:400px;max-width:100%;height:auto;font-size:10px}
figure.hist rect{fill:var(--accent)}figure.hist line.marker{stroke:#c0392b;stroke-dasharray:3 3}
figcaption{font-size:13px;color:var(--muted)}
.controls{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line);z-index:2}
#filter{width:min(520px,100%);font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}th{background:var(--band);font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pager{margin:6px 0;display:flex;gap:8px;align-items:center}
.item{border:1px solid var(--line);border-radius:6px;padding:12px 14px;margin:18px 0;scroll-margin-top:56px}
/* A large run's sections off screen are not laid out until scrolled to (the 1 GB corpus's page is
   shown in under 2 s instead of 9); the browser's find still searches them. */
body.large .item{content-visibility:auto;contain-intrinsic-size:auto 1200px}
.item:target{outline:2px solid var(--accent)}
.item .tools{float:right}
.compare{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
.side{min-width:0}
.who{font-size:13px;color:var(--muted);margin-bottom:4px;overflow-wrap:anywhere}
.text{position:relative;white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line);background:#fcfcfd;padding:8px;max-height:70vh;overflow:auto;font-size:15px}
mark{border-radius:2px;cursor:pointer;color:inherit}
mark.m0{background:#ffe08a}mark.m1{background:#a8e6b8}mark.m2{background:#a9d4ff}mark.m3{background:#ffc0cb}
mark.m4{background:#d9c2ff}mark.m5{background:#ffd0a6}mark.m6{background:#b6f0ea}mark.m7{background:#e4ea9c}
mark.flash{outline:3px solid #c0392b}
.rel-template{color:#8a4b00}
[hidden]{display:none!important}
@media (max-width:800px){.compare{grid-template-columns:1fr}}
@media print{
 body{font-size:11pt}.controls,.lists,.tools,noscript,#view:empty{display:none!important}
 header,main{max-width:none;padding:0}
 .item{border:0;padding:0;margin:0;break-before:page;content-visibility:visible}
 .text{max-height:none;overflow:visible;background:none;font-size:10.5pt}
 .compare{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
 mark{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body.print-one header,body.print-one .overview,body.print-one .item:not(.printing){display:none!important}
 body.print-one .item.printing{break-before:auto}
}
)css";

constexpr std::string_view page_script = R"js(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('neardup-data').textContent);
  var F = data.files, E = data.essays, REL = ['duplicate', 'template'], PAGE = data.page;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function essayId(s) { return s[6] != null ? s[6] : F[s[0]] + '#' + s[1]; }
  function who(s) { return F[s[0]] + ' · essay ' + s[1] + (s[2] ? ' · 「' + s[2] + '」' : ''); }
  function fixed(x) { return Number(x).toFixed(3); }
  function searchKey(slots) {
    return slots.map(function (k) { var s = E[k]; return [F[s[0]], essayId(s), s[2], s[5]].join('\n'); })
      .join('\n').toLowerCase();
  }
  // The lists: each entry knows its row, its static section (if any) and what the filter searches.
  var lists = [
    { kind: 'c', rows: data.clusters, body: 'cluster-rows', pager: 'cluster-pager',
      slots: function (c) { return c[2].map(function (m) { return m[0]; }); },
      cells: function (c) {
        var rep = E[c[2][0][0]], tpl = 0, low = 1;
        c[2].forEach(function (m, i) { if (i) { tpl += m[3]; low = Math.min(low, m[1]); } });
        return [c[2].length, who(rep), (c[2].length - 1 - tpl) + ' duplicate, ' + tpl + ' template', fixed(low)];
      } },
    { kind: 'p', rows: data.pairs, body: 'pair-rows', pager: 'pair-pager',
      slots: function (p) { return [p[2], p[3]]; },
      cells: function (p) { return [who(E[p[2]]), who(E[p[3]]), fixed(p[4]), fixed(p[5]), p[6], p[7]]; } }
  ];
  lists.forEach(function (list) {
    list.entries = list.rows.map(function (r) {
      return { row: r, key: null, section: document.getElementById(list.kind + r[0]) };
    });
    list.shown = list.entries;
    list.page = 0;
  });
  function renderList(list) {
    var body = document.getElementById(list.body), pager = document.getElementById(list.pager);
    if (!body) return;
    body.textContent = '';
    var pages = Math.max(1, Math.ceil(list.shown.length / PAGE));
    list.page = Math.min(list.page, pages - 1);
    list.shown.slice(list.page * PAGE, (list.page + 1) * PAGE).forEach(function (entry) {
      var tr = el('tr'), td = el('td', 'num'), a = el('a', null, list.kind === 'c' ? 'cluster ' + entry.row[0] : 'pair ' + entry.row[0]);
      a.href = '#' + list.kind + entry.row[0];
      td.appendChild(a);
      tr.appendChild(td);
      list.cells(entry.row).forEach(function (v) { tr.appendChild(el('td', typeof v === 'number' || /^[0-9.]+$/.test(v) ? 'num' : null, v)); });
      body.appendChild(tr);
    });
    pager.textContent = '';
    var prev = el('button', null, '‹ previous'), next = el('button', null, 'next ›');
    prev.disabled = list.page === 0;
    next.disabled = list.page >= pages - 1;
    prev.onclick = function () { list.page--; renderList(list); };
    next.onclick = function () { list.page++; renderList(list); };
    pager.appendChild(prev);
    pager.appendChild(el('span', 'muted', 'page ' + (list.page + 1) + ' of ' + pages + ' · ' + list.shown.length + ' shown of ' + list.entries.length));
    pager.appendChild(next);
  }
  function applyFilter(q) {
    q = q.trim().toLowerCase();
    lists.forEach(function (list) {
      list.shown = list.entries.filter(function (entry) {
        if (q && entry.key == null) entry.key = searchKey(list.slots(entry.row));  // on the first search
        var hit = !q || entry.key.indexOf(q) >= 0;
        if (!hit && entry.section) {
          if (entry.text == null) entry.text = entry.section.textContent.toLowerCase();
          hit = entry.text.indexOf(q) >= 0;
        }
        if (entry.section) entry.section.hidden = !hit;
        return hit;
      });
      list.page = 0;
      renderList(list);
    });
  }
  // A cluster or pair beyond the full texts, rendered when opened: its members with excerpts.
  function renderItem(kind, n) {
    var row = null;
    (kind === 'c' ? data.clusters : data.pairs).forEach(function (r) { if (r[0] === n) row = r; });
    if (!row) return null;
    var sec = el('section', 'item'), table = el('table'), head = el('tr');
    sec.id = kind + n;
    sec.appendChild(el('h2', null, kind === 'c' ? 'Cluster ' + n + ' · ' + row[2].length + ' essays' :
      'Pair ' + n + ' · containment ' + fixed(row[4]) + ' of A, ' + fixed(row[5]) + ' of B'));
    sec.appendChild(el('p', 'note', 'Beyond the first ' + data.full_texts + ': excerpts only (dedup --html-full-texts shows more in full).'));
    ['', 'essay', 'lines', kind === 'c' ? 'relation' : 'containment', kind === 'c' ? 'similarity' : 'passages', 'excerpt']
      .forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    var members = kind === 'c' ? row[2] : [[row[2]], [row[3]]];
    members.forEach(function (m, i) {
      var s = E[m[0]], tr = el('tr');
      var cells = kind === 'c'
        ? [i + 1, who(s), s[3] + '–' + s[4], i ? REL[m[3]] : 'representative', (m[2] ? '≈' : '') + fixed(m[1]), s[5]]
        : [i ? 'B' : 'A', who(s), s[3] + '–' + s[4], fixed(row[4 + i]), row[6], s[5]];
      cells.forEach(function (v) { tr.appendChild(el('td', null, v)); });
      table.appendChild(tr);
    });
    sec.appendChild(table);
    return sec;
  }
  function openHash() {
    var m = /^#([cp])([0-9]+)$/.exec(location.hash);
    if (!m || document.getElementById(m[1] + m[2])) return;
    var sec = renderItem(m[1], Number(m[2])), view = document.getElementById('view');
    if (!sec) return;
    view.textContent = '';
    view.appendChild(sec);
    sec.scrollIntoView();
  }
  // A click on a passage brings the other side to the same passage.
  document.addEventListener('click', function (ev) {
    var mark = ev.target.closest ? ev.target.closest('mark[data-p]') : null;
    if (mark) {
      var box = mark.closest('.compare'), side = mark.closest('.side');
      box.querySelectorAll('.side').forEach(function (other) {
        if (other === side) return;
        var target = other.querySelector('mark[data-p="' + mark.getAttribute('data-p') + '"]');
        if (!target) return;
        var pane = other.querySelector('.text');
        pane.scrollTop = target.offsetTop - pane.clientHeight / 3;
        if (target.getBoundingClientRect().top < 0 || target.getBoundingClientRect().bottom > innerHeight)
          target.scrollIntoView({ block: 'center' });
        target.classList.add('flash');
        setTimeout(function () { target.classList.remove('flash'); }, 1200);
      });
      return;
    }
    var button = ev.target.closest ? ev.target.closest('button.print') : null;
    if (button) {
      var item = button.closest('.item');
      item.classList.add('printing');
      document.body.classList.add('print-one');
      window.print();
    }
  });
  window.addEventListener('afterprint', function () {
    document.body.classList.remove('print-one');
    document.querySelectorAll('.printing').forEach(function (e) { e.classList.remove('printing'); });
  });
  var filter = document.getElementById('filter'), timer = 0;
  filter.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { applyFilter(filter.value); }, 150);
  });
  window.addEventListener('hashchange', openHash);
  lists.forEach(renderList);
  openHash();
  document.body.setAttribute('data-rendered', String(data.clusters.length + data.pairs.length));
  void document.body.offsetHeight;  // laid out: data-ms is the time from navigation to a page shown
  document.body.setAttribute('data-ms', String(Math.round(performance.now())));
})();
)js";

/// The essays the JSON index names, by slot: each referenced essay once.
struct essay_slots {
  std::vector<std::uint32_t> docs;  ///< sorted
  [[nodiscard]] std::size_t of(std::uint32_t doc) const {
    return static_cast<std::size_t>(std::lower_bound(docs.begin(), docs.end(), doc) - docs.begin());
  }
};

}  // namespace

void write_html_report(std::ostream& out, dedup_result const& result,
                       passage_result const* passages, report_context const& ctx,
                       passage_report_context const& texts, html_report_options const& options) {
  check_members(result, ctx.essays.size(), "write_html_report");
  if (passages) check_pairs(*passages, ctx.essays.size(), "write_html_report");
  std::vector<passage_pair> const no_pairs;
  std::vector<passage_pair> const& pairs = passages ? passages->pairs : no_pairs;
  passage_options const settings = with_run_normalization(
      options.passage, ctx.options ? ctx.options->signature.normalize : options.passage.normalize);
  validate(settings);
  unsigned const threads = report_threads(ctx);

  // Clusters by size (then number), pairs by the larger containment (then number).
  std::vector<std::size_t> cluster_order(result.clusters.size()), pair_order(pairs.size());
  for (std::size_t i = 0; i < cluster_order.size(); ++i) cluster_order[i] = i;
  for (std::size_t i = 0; i < pair_order.size(); ++i) pair_order[i] = i;
  std::stable_sort(cluster_order.begin(), cluster_order.end(), [&](std::size_t x, std::size_t y) {
    return result.clusters[x].members.size() > result.clusters[y].members.size();
  });
  auto containment = [&](std::size_t i) {
    return std::max(pairs[i].containment_a, pairs[i].containment_b);
  };
  std::stable_sort(pair_order.begin(), pair_order.end(),
                   [&](std::size_t x, std::size_t y) { return containment(x) > containment(y); });
  std::size_t const full_clusters =
      texts.text ? std::min(options.full_texts, cluster_order.size()) : 0;
  std::size_t const full_pairs = texts.text ? std::min(options.full_texts, pair_order.size()) : 0;

  // Excerpts of every essay the index names, read in document (file) order on every thread.
  essay_slots slots;
  for (auto const& c : result.clusters)
    for (auto const& m : c.members) slots.docs.push_back(m.doc);
  for (auto const& p : pairs) {
    slots.docs.push_back(p.a);
    slots.docs.push_back(p.b);
  }
  std::sort(slots.docs.begin(), slots.docs.end());
  slots.docs.erase(std::unique(slots.docs.begin(), slots.docs.end()), slots.docs.end());
  std::vector<std::string> excerpts =
      ctx.text ? read_excerpts(ctx, slots.docs) : std::vector<std::string>(slots.docs.size());

  std::string const page_title =
      "dedup report · " + std::to_string(result.clusters.size()) + " " +
      plural(result.clusters.size(), "cluster") +
      (passages ? " · " + std::to_string(pairs.size()) + " passage " + plural(pairs.size(), "pair")
                : "");
  std::string head;
  head +=
      "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"dedup (neardup) ";
  append_html(head, version_string);
  head += "\">\n<title>";
  append_html(head, page_title);
  head += "</title>\n<style>";
  head += page_style;
  bool const whole = full_clusters == cluster_order.size() && full_pairs == pair_order.size();
  head += whole ? "</style>\n</head>\n<body>\n<header><h1>"
                : "</style>\n</head>\n<body class=\"large\">\n<header><h1>";
  append_html(head, page_title);
  head += "</h1><p class=\"muted\">Written by dedup (neardup) ";
  append_html(head, version_string);
  head += ". Everything is in this one file: it opens without a network.</p></header>\n<main>\n";

  // The overview: the summary as dedup prints it (settings, files read and skipped with reasons),
  // the passages' counts, the histograms.
  head += "<section class=\"overview\"><h2>The run</h2><pre class=\"summary\">";
  {
    std::ostringstream summary;
    write_summary(summary, result, ctx);
    if (passages) {
      write_passages_summary(summary, *passages, options.passage_seconds);
      summary << "Passages are at least " << settings.min_chars << " characters (Han) or "
              << settings.min_words << " words long.\n";
    }
    append_html(head, summary.str());
  }
  head += "</pre>\n<div class=\"hists\">";
  std::vector<double> similarities, containments;
  for (auto const& c : result.clusters)
    for (std::size_t m = 1; m < c.members.size(); ++m)
      similarities.push_back(c.members[m].similarity);
  for (auto const& p : pairs) {
    containments.push_back(p.containment_a);
    containments.push_back(p.containment_b);
  }
  append_histogram(head, "Similarity of each member to its cluster's representative", similarities,
                   ctx.options ? ctx.options->threshold : 0);
  if (passages)
    append_histogram(head, "Containment of each essay of a passage pair", containments, 0);
  head += "</div></section>\n";

  // The lists (rendered by the script from the index) and the place for items opened beyond the
  // full texts.
  head +=
      "<div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"Filter by file "
      "name, "
      "id, title or text\" aria-label=\"Filter\"> <span class=\"muted\">";
  if (whole)
    head += "Every cluster and pair is shown below in full.";
  else if (!texts.text)
    head += "The essays' texts were not given: clusters and pairs are listed with excerpts.";
  else
    head += "The first " + std::to_string(options.full_texts) +
            " clusters and pairs are shown below in full; the others open from the lists.";
  head +=
      "</span></div>\n<noscript><p class=\"note\">The lists and the filter need JavaScript; the "
      "clusters and pairs shown in full are below.</p></noscript>\n<section class=\"lists\">"
      "<h2>Clusters by size</h2><table><thead><tr><th></th><th>essays</th><th>representative</th>"
      "<th>members</th><th>lowest similarity</th></tr></thead><tbody id=\"cluster-rows\"></tbody>"
      "</table><div class=\"pager\" id=\"cluster-pager\"></div>\n";
  if (passages)
    head +=
        "<h2>Copied-passage pairs by "
        "containment</h2><table><thead><tr><th></th><th>A</th><th>B</th>"
        "<th>of A</th><th>of B</th><th>passages</th><th>characters</th></tr></thead>"
        "<tbody id=\"pair-rows\"></tbody></table><div class=\"pager\" id=\"pair-pager\"></div>\n";
  head += "</section>\n<div id=\"view\"></div>\n";
  out.write(head.data(), static_cast<std::streamsize>(head.size()));

  // The items shown in full, formatted on every thread and written in order: clusters first.
  auto member_row = [&](std::string& s, cluster const& c, std::size_t m) {
    cluster_member const& member = c.members[m];
    essay_info const& e = ctx.essays[member.doc];
    s += "<tr><td class=\"num\">";
    number_to(s, m + 1);
    s += "</td><td>";
    append_html(s, e.file);
    if (has_own_id(e)) {
      s += " · id ";
      append_html(s, e.id);
    }
    s += "</td><td class=\"num\">";
    number_to(s, e.index);
    s += "</td><td class=\"num\">";
    number_to(s, e.line);
    s += "–";
    number_to(s, e.last_line);
    s += "</td><td>";
    append_html(s, e.title);
    s += "</td><td";
    if (m == 0) {
      s += ">representative</td><td class=\"num\">1.000</td><td></td></tr>";
      return;
    }
    s += member.relation == member_relation::templated ? " class=\"rel-template\">" : ">";
    s += member_relation_name(member.relation);
    s += "</td><td class=\"num\">";
    if (member.estimated) s += "≈";
    ratio_to(s, member.similarity, 3);
    s += "</td><td>";
    if (member.linked_to != c.members[0].doc) {
      essay_info const& via = ctx.essays[member.linked_to];
      append_html(s, via.id);
      s += " at ";
      if (member.link_estimated) s += "≈";
      ratio_to(s, member.link_similarity, 3);
    }
    s += "</td></tr>";
  };
  auto read = [&](std::uint32_t doc, std::string& text) {
    try {
      text = texts.text(doc);
      return true;
    } catch (error const&) {
      return false;
    }
  };
  constexpr std::string_view unreadable =
      "<p class=\"note\">(could not be read again: the file changed during the run)</p>";
  auto format_cluster = [&](std::size_t number, std::string& s) {
    cluster const& c = result.clusters[number];
    s += "<section class=\"item cluster\" id=\"c";
    number_to(s, number + 1);
    s += "\"><div class=\"tools\"><button class=\"print\" type=\"button\">Print this "
         "cluster</button></div><h2>Cluster ";
    number_to(s, number + 1);
    s += " · ";
    number_to(s, c.members.size());
    s += " essays</h2><table><thead><tr><th></th><th>file</th><th>essay</th><th>lines</"
         "th><th>title</th>"
         "<th>relation</th><th>similarity</th><th>linked to</th></tr></thead><tbody>";
    for (std::size_t m = 0; m < c.members.size(); ++m) member_row(s, c, m);
    s += "</tbody></table>\n";
    std::string rep, other;
    if (!read(c.members[0].doc, rep)) {
      s += unreadable;
    } else {
      std::size_t const shown = std::min(c.members.size(), options.compare_members + 1);
      for (std::size_t m = 1; m < shown; ++m) {
        cluster_member const& member = c.members[m];
        s += "<h3>The representative (A) and member ";
        number_to(s, m + 1);
        s += " (B): ";
        s += member_relation_name(member.relation);
        s += ", similarity ";
        if (member.estimated) s += "≈";
        ratio_to(s, member.similarity, 3);
        if (!read(member.doc, other)) {
          s += "</h3>";
          s += unreadable;
          continue;
        }
        side_by_side v{
            &ctx.essays[c.members[0].doc], &ctx.essays[member.doc], rep, other, {}, {}, {}};
        v.passages = neardup::passages(rep, other, settings).passages;
        s += ", " + passages_phrase(v.passages) + "</h3>\n";
        append_side_by_side(s, v, options.max_text_bytes);
      }
      if (shown < c.members.size())
        s += shown + 1 == c.members.size()
                 ? "<p class=\"note\">Member " + std::to_string(shown + 1) + " is"
                 : "<p class=\"note\">Members " + std::to_string(shown + 1) + "–" +
                       std::to_string(c.members.size()) + " are";
      s += " listed above, not shown beside the representative (--html-members).</p>";
    }
    s += "</section>\n";
  };
  auto format_pair = [&](std::size_t number, std::string& s) {
    passage_pair const& p = pairs[number];
    s += "<section class=\"item pair\" id=\"p";
    number_to(s, number + 1);
    s += "\"><div class=\"tools\"><button class=\"print\" type=\"button\">Print this "
         "pair</button></div><h2>Pair ";
    number_to(s, number + 1);
    s += " · " + passages_phrase(p.passages) + "</h2>\n";
    std::string a, b;
    if (!read(p.a, a) || !read(p.b, b)) {
      s += unreadable;
    } else {
      std::string ca = " · contains ", cb = " · contains ";
      ratio_to(ca, p.containment_a, 3);
      ratio_to(cb, p.containment_b, 3);
      side_by_side const v{&ctx.essays[p.a], &ctx.essays[p.b], a,         b,
                           ca + " of A",     cb + " of B",     p.passages};
      append_side_by_side(s, v, options.max_text_bytes);
    }
    s += "</section>\n";
  };
  write_blocks_in_order(out, full_clusters + full_pairs, threads,
                        [&](std::size_t item, std::string& s) {
                          if (item < full_clusters)
                            format_cluster(cluster_order[item], s);
                          else
                            format_pair(pair_order[item - full_clusters], s);
                        });

  // The index: files, essays (file, number, title, lines, excerpt, and the id when it is not
  // file#number), clusters by size and pairs by containment.
  std::string index =
      "</main>\n<script type=\"application/json\" id=\"neardup-data\">{\"page\": 100, "
      "\"full_texts\": ";
  number_to(index, options.full_texts);
  std::vector<std::string_view> files;
  for (std::uint32_t doc : slots.docs) files.push_back(ctx.essays[doc].file);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  index += ",\n\"files\": [";
  for (std::size_t f = 0; f < files.size(); ++f) {
    if (f) index += ", ";
    append_script_json(index, files[f]);
  }
  index += "],\n\"essays\": [";
  for (std::size_t i = 0; i < slots.docs.size(); ++i) {
    essay_info const& e = ctx.essays[slots.docs[i]];
    index += i ? ",\n[" : "\n[";
    number_to(index, std::lower_bound(files.begin(), files.end(), std::string_view(e.file)) -
                         files.begin());
    index += ", ";
    number_to(index, e.index);
    index += ", ";
    append_script_json(index, e.title);
    index += ", ";
    number_to(index, e.line);
    index += ", ";
    number_to(index, e.last_line);
    index += ", ";
    append_script_json(index, excerpts[i]);
    if (has_own_id(e)) {
      index += ", ";
      append_script_json(index, e.id);
    }
    index += "]";
  }
  index += "],\n\"clusters\": [";
  for (std::size_t k = 0; k < cluster_order.size(); ++k) {
    cluster const& c = result.clusters[cluster_order[k]];
    index += k ? ",\n[" : "\n[";
    number_to(index, cluster_order[k] + 1);
    index += k < full_clusters ? ", 1, [" : ", 0, [";
    for (std::size_t m = 0; m < c.members.size(); ++m) {
      cluster_member const& member = c.members[m];
      index += m ? ", [" : "[";
      number_to(index, slots.of(member.doc));
      index += ", ";
      ratio_to(index, member.similarity, 3);
      index += member.estimated ? ", 1, " : ", 0, ";
      index += member.relation == member_relation::templated ? "1]" : "0]";
    }
    index += "]]";
  }
  index += "],\n\"pairs\": [";
  for (std::size_t k = 0; k < pair_order.size(); ++k) {
    passage_pair const& p = pairs[pair_order[k]];
    std::size_t chars = 0;
    for (passage const& q : p.passages) chars += q.chars;
    index += k ? ",\n[" : "\n[";
    number_to(index, pair_order[k] + 1);
    index += k < full_pairs ? ", 1, " : ", 0, ";
    number_to(index, slots.of(p.a));
    index += ", ";
    number_to(index, slots.of(p.b));
    index += ", ";
    ratio_to(index, p.containment_a, 3);
    index += ", ";
    ratio_to(index, p.containment_b, 3);
    index += ", ";
    number_to(index, p.passages.size());
    index += ", ";
    number_to(index, chars);
    index += "]";
  }
  index += "]}\n</script>\n<script>";
  index += page_script;
  index += "</script>\n</body>\n</html>\n";
  out.write(index.data(), static_cast<std::streamsize>(index.size()));
}

}  // namespace neardup
