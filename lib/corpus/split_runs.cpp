// split, choosing headings: the runs of numbered lines that head the essays of a whole file.
//
// A dynamic programme over the candidates in file order. A chosen heading either continues the
// run of the heading chosen before it (same family, number one more) or starts a run: the first
// run of the file at any number, a later one at 1 (a collection after another one). A run counts
// once it has two headings, or one "2" after an unheaded essay 1. The best choice has the most
// heading lines; among equals, the most essays (an unheaded essay 1 counts), then the one whose
// headings divide the text most evenly (the largest sum of log(bytes between headings)): essays are
// long, list items short. The runs chosen are then checked against the file; a run that fails is
// turned down and the choice made again without it.
#include "corpus/split_runs.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <compare>
#include <cstdint>
#include <optional>

namespace neardup::detail::essay_split {
namespace {

struct score {
  std::size_t headings = 0;  // an unheaded essay 1 before a "2" counts as one
  std::size_t unheaded = 0;  // ... and as one here
  double spread = 0;
};

bool better(score const& a, score const& b) {
  // Heading lines first: an unheaded essay 1 is inferred, never seen, so it does not outweigh a
  // line of a longer run ("6、…篇二" is heading 6 of its run, not a lone 篇2 after an essay 1).
  std::size_t const lines_a = a.headings - a.unheaded, lines_b = b.headings - b.unheaded;
  if (lines_a != lines_b) return lines_a > lines_b;
  if (a.headings != b.headings) return a.headings > b.headings;
  return a.spread > b.spread;
}

enum class via : std::uint8_t { none, start, restart, unheaded, restart_unheaded, next };

struct state {
  bool reachable = false;
  score value;
  std::size_t prev = no_line;  // candidate before in the choice
  bool prev_long = false;      // ... in its state "run of two or more"
  via how = via::none;
};

constexpr std::size_t predecessors_looked_at = 32;  // per candidate: bounded for odd files

// A run keeps one way of writing its numbers: a family, and for Arabic numbers one separator
// ("1、" or "1."). Points "1. 2. 3." inside the essays of a "1、" collection are another list.
constexpr std::size_t style_count = family_count * 2;
std::size_t style_of(heading_candidate const& c) noexcept {
  return static_cast<std::size_t>(c.fam) * 2 + (c.dot ? 1 : 0);
}

/// The best choice among the candidates not banned, as runs in file order.
std::vector<heading_run> best_choice(std::span<const heading_candidate> cands,
                                     std::vector<char> const& banned, line_facts const& f) {
  auto log_gap = [&](std::size_t from_line, std::size_t to_line) {  // text strictly between
    return std::log(static_cast<double>(f.bytes_before[to_line] - f.bytes_before[from_line + 1]) +
                    1.0);
  };
  std::size_t const n = cands.size();
  std::vector<state> one(n), more(n);  // the run so far has one heading / two or more
  // The candidates by (style, number, position): those before j of one style and number are a
  // range of it (a map of vectors cost an allocation per number of every file).
  struct numbered {
    std::size_t style;
    int number;
    std::size_t at;
    auto operator<=>(numbered const&) const = default;
  };
  std::vector<numbered> by_number;
  by_number.reserve(n);
  for (std::size_t j = 0; j < n; ++j)
    if (!banned[j]) by_number.push_back({style_of(cands[j]), cands[j].number, j});
  std::sort(by_number.begin(), by_number.end());
  std::array<std::size_t, style_count> last_of_family;
  last_of_family.fill(no_line);
  // The next candidate of the same style: a list item followed by the next number of its list
  // continues that list and nothing else, so a run never jumps out of the middle of a list either.
  std::vector<std::size_t> next_of_family(n, no_line);
  for (std::size_t j = 0; j < n; ++j) {
    if (banned[j]) continue;
    std::size_t const fam = style_of(cands[j]);
    if (last_of_family[fam] != no_line) next_of_family[last_of_family[fam]] = j;
    last_of_family[fam] = j;
  }
  last_of_family.fill(no_line);
  // The best "run of two or more" ending before a line: where a restart may follow.
  std::size_t scanned = 0;
  state best_done;
  std::size_t best_done_at = no_line;
  for (std::size_t j = 0; j < n; ++j) {
    if (banned[j]) continue;
    heading_candidate const& c = cands[j];
    // A run may start again only where the essay before it has a line of text.
    std::size_t const bound = c.glued ? c.line : f.prev_nonblank[c.line];
    while (scanned < j && bound != no_line && cands[scanned].line < bound) {
      if (!banned[scanned] && more[scanned].reachable &&
          (!best_done.reachable || better(more[scanned].value, best_done.value))) {
        best_done = more[scanned];
        best_done_at = scanned;
      }
      ++scanned;
    }
    state& s1 = one[j];
    s1 = {true, {1, 0, 0}, no_line, false, via::start};
    if (c.number == 1 && best_done.reachable) {
      score const v{best_done.value.headings + 1, best_done.value.unheaded,
                    best_done.value.spread + log_gap(cands[best_done_at].line, c.line)};
      if (better(v, s1.value)) s1 = {true, v, best_done_at, true, via::restart};
    }
    state& s2 = more[j];
    if (c.number == 2 && f.nonblank_before[c.line] > 0) {
      s2 = {true, {2, 1, log_gap(0, c.line)}, no_line, false, via::unheaded};
      // A 篇 collection whose essay 1 has no heading, after another collection: that essay stays
      // with the one before (where it starts is not known), the numbering starts again at 2.
      if (c.fam != family::arabic && best_done.reachable) {
        score const v{best_done.value.headings + 2, best_done.value.unheaded + 1,
                      best_done.value.spread + log_gap(cands[best_done_at].line, c.line)};
        if (better(v, s2.value)) s2 = {true, v, best_done_at, true, via::restart_unheaded};
      }
    }
    std::size_t const fam = style_of(c);
    auto consider = [&](std::size_t p) {
      std::size_t const after = next_of_family[p];
      if (after != j && after != no_line && cands[after].number == cands[p].number + 1) return;
      for (bool const from_long : {false, true}) {
        state const& ps = from_long ? more[p] : one[p];
        if (!ps.reachable) continue;
        score const v{ps.value.headings + 1, ps.value.unheaded,
                      ps.value.spread + log_gap(cands[p].line, c.line)};
        if (!s2.reachable || better(v, s2.value)) s2 = {true, v, p, from_long, via::next};
      }
    };
    std::size_t const just_before = last_of_family[fam];
    if (just_before != no_line && cands[just_before].number == c.number - 1) {
      // Right after one numbered one less: it continues that list and can follow nothing else,
      // so a run never jumps into the middle of a list nested in an essay.
      consider(just_before);
    } else {
      auto const first = std::lower_bound(by_number.begin(), by_number.end(),
                                          numbered{fam, c.number - 1, 0});
      auto const stop = std::lower_bound(first, by_number.end(), numbered{fam, c.number - 1, j});
      auto const from = stop - first > static_cast<std::ptrdiff_t>(predecessors_looked_at)
                            ? stop - static_cast<std::ptrdiff_t>(predecessors_looked_at)
                            : first;
      for (auto k = from; k < stop; ++k) consider(k->at);
    }
    last_of_family[fam] = j;
  }

  // The best end: a run of two or more, counting the text after its last heading.
  std::size_t end = no_line;
  score best;
  for (std::size_t j = 0; j < n; ++j) {
    if (banned[j] || !more[j].reachable) continue;
    std::size_t const last = std::max(f.content_end, cands[j].line + 1);
    score const v{more[j].value.headings, more[j].value.unheaded,
                  more[j].value.spread + log_gap(cands[j].line, last)};
    if (end == no_line || better(v, best)) {
      end = j;
      best = v;
    }
  }
  std::vector<heading_run> runs;
  if (end == no_line) return runs;
  std::vector<std::pair<std::size_t, via>> chosen;  // backwards
  std::size_t j = end;
  bool in_long = true;
  while (j != no_line) {
    state const& s = in_long ? more[j] : one[j];
    chosen.emplace_back(j, s.how);
    j = s.prev;
    in_long = s.prev_long;
  }
  std::reverse(chosen.begin(), chosen.end());
  for (auto const& [k, how] : chosen) {
    if (how != via::next || runs.empty()) {
      runs.emplace_back();
      runs.back().restart = how == via::restart || how == via::restart_unheaded;
      runs.back().after_unheaded = how == via::unheaded || how == via::restart_unheaded;
    }
    runs.back().members.push_back(k);
  }
  return runs;
}

template <class T>
T median(std::vector<T> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Sections of numbered points are a paragraph or two; essays are longer. In bytes of UTF-8
// Chinese text (3 a character): about 300 and 1,500 characters.
constexpr std::size_t points_always_below = 900;
constexpr std::size_t points_unless_titled_below = 4500;

struct verdict {
  std::string why;                  // empty: the run stands
  std::vector<std::size_t> banned;  // candidates turned down with it
};

/// Whether `run` is a run of headings, and when not, which of its candidates to turn down.
verdict check_run(heading_run const& run, std::span<const heading_candidate> cands,
                  std::vector<char> const& heading_line, line_facts const& f) {
  verdict v;
  std::vector<std::size_t> gap_lines, gap_bytes;
  std::size_t kind_titles = 0;
  for (std::size_t k = 0; k < run.members.size(); ++k) {
    heading_candidate const& c = cands[run.members[k]];
    kind_titles += c.names_kind ? 1 : 0;
    if (k == 0) continue;
    std::size_t const a = cands[run.members[k - 1]].line + 1;
    gap_lines.push_back(f.nonblank_before[c.line] - f.nonblank_before[a]);
    gap_bytes.push_back(f.bytes_before[c.line] - f.bytes_before[a]);
  }
  if (!gap_lines.empty() && median(gap_lines) == 0) {
    v.why = "a list with no text between its lines";
    v.banned = run.members;
    return v;
  }
  heading_candidate const& first = cands[run.members.front()];
  if (first.fam != family::arabic) return v;  // 篇 is the counter word for essays
  // Numbered points sit inside an essay: right after a line of its text, or right under its
  // heading.
  std::size_t const before = f.prev_nonblank[first.line];
  bool const inside_essay =
      first.glued || (before != no_line && (heading_line[before] || f.essay_text(before)));
  if (!inside_essay) return v;
  // Points running on into a collection's headings ("1、认真听讲 2、尊敬师长 3、…" in essay 3, then
  // "4、…观后感"): two or more at the start whose titles name no kind of essay where the titles
  // after them mostly do.
  std::size_t lead = 0;
  while (lead < run.members.size() && !cands[run.members[lead]].names_kind) ++lead;
  std::size_t const rest = run.members.size() - lead;
  if (lead >= 2 && rest >= 2 && 2 * kind_titles > rest) {
    v.why =
        "numbered points inside an essay: their titles name no kind of essay, the headings "
        "after them do";
    v.banned.assign(run.members.begin(), run.members.begin() + static_cast<std::ptrdiff_t>(lead));
    return v;
  }
  bool const titled = 2 * kind_titles > run.members.size();  // most name a kind of essay
  std::size_t const limit = titled ? points_always_below : points_unless_titled_below;
  // The last one's section runs to the next numbered line of any kind (or the end); it counts for
  // a run of one (a "2" after text taken for an unheaded essay 1).
  std::size_t const last_line = cands[run.members.back()].line;
  auto const next =
      std::upper_bound(cands.begin(), cands.end(), last_line,
                       [](std::size_t line, heading_candidate const& c) { return line < c.line; });
  std::size_t const to = next == cands.end() ? std::max(f.content_end, last_line + 1) : next->line;
  std::size_t const last_gap = f.bytes_before[to] - f.bytes_before[last_line + 1];
  if ((gap_bytes.empty() ? last_gap : median(gap_bytes)) >= limit) return v;
  v.why = "numbered points inside an essay: short sections after its text";
  // The points themselves: the first, and every one followed by a short section whose title names
  // no kind of essay. A run may have gone on from the points into real headings (1、2、 of a list,
  // then 3、4、 of the collection): those stay candidates.
  for (std::size_t k = 0; k < run.members.size(); ++k) {
    std::size_t const after = k + 1 < run.members.size() ? gap_bytes[k] : last_gap;
    if (k == 0 || (!cands[run.members[k]].names_kind && after < limit))
      v.banned.push_back(run.members[k]);
  }
  return v;
}

/// A list goes on past the points turned down: the next line of the same style, numbered one
/// more, is its next point whatever follows it (the last point of a list runs into the rest of the
/// essay), unless its title names a kind of essay (a heading right after a list).
void ban_list_continuations(std::span<const heading_candidate> cands, std::vector<char>& banned) {
  std::array<std::size_t, style_count> last;
  last.fill(no_line);
  for (std::size_t j = 0; j < cands.size(); ++j) {
    heading_candidate const& c = cands[j];
    std::size_t& p = last[style_of(c)];
    if (p != no_line && banned[p] && cands[p].number + 1 == c.number && !c.names_kind)
      banned[j] = 1;
    p = j;
  }
}

}  // namespace

std::string numbering_text(family fam, int n) {
  std::string const num = std::to_string(n);
  switch (fam) {
    case family::pian:
      return "篇" + num;
    case family::di_pian:
      return "第" + num + "篇";
    case family::arabic:
      break;
  }
  return num + "、";
}

run_choice choose_runs(std::span<const heading_candidate> cands, line_facts const& f) {
  run_choice out;
  std::vector<char> banned(cands.size(), 0);
  std::vector<char> heading_line(f.nonblank_before.size(), 0);
  // Each round turns down at least one candidate: it ends.
  for (;;) {
    out.runs = best_choice(cands, banned, f);
    std::fill(heading_line.begin(), heading_line.end(), 0);
    for (auto const& r : out.runs)
      for (std::size_t const k : r.members) heading_line[cands[k].line] = 1;
    // The first run that fails, in file order, is turned down: the runs after it may change
    // without it. A run whose every title names a kind of essay waits while another fails: it
    // may have been cut short by a list after it (a collection's short essay 1, then points).
    std::optional<verdict> worst;
    bool worst_titled = true;
    for (auto const& r : out.runs) {
      verdict v = check_run(r, cands, heading_line, f);
      if (v.why.empty()) continue;
      bool const titled = std::all_of(r.members.begin(), r.members.end(),
                                      [&](std::size_t k) { return cands[k].names_kind; });
      if (!worst || (worst_titled && !titled)) {
        worst_titled = titled;
        worst = std::move(v);
      }
      if (!titled) break;
    }
    bool const turned_down = worst.has_value();
    if (worst) {
      heading_candidate const& a = cands[worst->banned.front()];
      heading_candidate const& b = cands[worst->banned.back()];
      out.rejected.push_back({a.line, b.line, a.fam, a.number, b.number, std::move(worst->why)});
      for (std::size_t const k : worst->banned) banned[k] = 1;
      ban_list_continuations(cands, banned);
    }
    if (!turned_down) break;
  }
  std::sort(
      out.rejected.begin(), out.rejected.end(),
      [](rejected_run const& x, rejected_run const& y) { return x.first_line < y.first_line; });
  return out;
}

}  // namespace neardup::detail::essay_split
