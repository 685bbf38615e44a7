// neardup_eval_split — how well files are split into essays, per layout kind, on generated files
// with planted truth (bench/layout_gen.*), and the pair F1 of dedup's clusters over them; then, as
// a check, the essays found in real folders against counts made by hand.
//
//   neardup_eval_split --out bench-work/split-eval --files 200
//   neardup_eval_split --real examples/data/essays --expect 10,10,7,2,8
//
// A file is split exactly when its essays are the planted ones, each with the planted first and
// last line. Boundary precision and recall are over essay starts (file, first line).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "layout_gen.hpp"
#include "neardup/load.hpp"
#include "neardup/pipeline.hpp"

namespace {

namespace fs = std::filesystem;
using neardup::bench::layout_file;

struct kind_score {
  std::size_t files = 0, exact = 0;
  std::size_t planted = 0, found = 0, matched = 0;                 // essay starts
  std::uint64_t true_pairs = 0, predicted_pairs = 0, correct = 0;  // within the kind
};

double ratio(std::uint64_t a, std::uint64_t b) {
  return b ? static_cast<double>(a) / static_cast<double>(b) : 1.0;
}
double f1(double p, double r) {
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::uint64_t pairs(std::uint64_t n) {
  return n * (n - (n > 0)) / 2;
}

int evaluate_generated(neardup::bench::layout_gen_options const& gen, std::size_t show_misses) {
  std::size_t shown = 0;
  std::vector<layout_file> const files = neardup::bench::generate_layouts(gen);
  fs::path const root(gen.out_dir);
  std::vector<std::string> const paths{(root / "txt").string()};
  neardup::pipeline_options options;
  auto const run = neardup::run_pipeline(paths, options);

  // Predicted essays by file (relative to the output folder).
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> found;
  std::vector<std::string> doc_file(run.essays.size());
  for (std::size_t d = 0; d < run.essays.size(); ++d) {
    auto const& e = run.essays[d];
    doc_file[d] = fs::path(e.file).lexically_relative(root).generic_string();
    found[doc_file[d]].emplace_back(e.line, e.last_line);
  }
  std::map<std::string, kind_score> by_kind;
  std::map<std::string, std::string> kind_of_file;
  // Planted (file, first line) → (group, kind).
  std::map<std::pair<std::string, std::size_t>, std::string> group_of;
  for (layout_file const& f : files) {
    kind_score& k = by_kind[f.kind];
    kind_of_file[f.relative] = f.kind;
    ++k.files;
    std::vector<std::pair<std::size_t, std::size_t>> planted;
    for (auto const& e : f.essays) {
      planted.emplace_back(e.line, e.last_line);
      group_of[{f.relative, e.line}] = e.group;
    }
    auto const& got = found[f.relative];
    k.exact += got == planted ? 1 : 0;
    if (got != planted && shown < show_misses) {
      ++shown;
      std::printf("miss %s:", f.relative.c_str());
      for (auto const& [a, b] : planted) std::printf(" %zu-%zu", a, b);
      std::printf("  found:");
      for (auto const& [a, b] : got) std::printf(" %zu-%zu", a, b);
      std::printf("\n");
    }
    std::set<std::size_t> starts;
    for (auto const& p : planted) starts.insert(p.first);
    k.planted += planted.size();
    k.found += got.size();
    for (auto const& g : got) k.matched += starts.count(g.first);
  }
  // Pair accuracy within each kind: planted groups against clusters.
  std::map<std::string, std::map<std::string, std::uint64_t>> group_sizes;  // kind → group → n
  std::vector<std::string> doc_group(run.essays.size());
  for (std::size_t d = 0; d < run.essays.size(); ++d) {
    auto const it = group_of.find({doc_file[d], run.essays[d].line});
    if (it != group_of.end()) doc_group[d] = it->second;
  }
  for (layout_file const& f : files)
    for (auto const& e : f.essays)
      if (!e.group.empty()) ++group_sizes[f.kind][e.group];
  for (auto const& [kind, groups] : group_sizes)
    for (auto const& [g, n] : groups) by_kind[kind].true_pairs += pairs(n);
  for (auto const& c : run.dedup.clusters) {
    std::map<std::string, std::uint64_t> per_kind;
    std::map<std::pair<std::string, std::string>, std::uint64_t> per_group;
    for (auto const& m : c.members) {
      std::string const& kind = kind_of_file[doc_file[m.doc]];
      ++per_kind[kind];
      if (!doc_group[m.doc].empty()) ++per_group[{kind, doc_group[m.doc]}];
    }
    for (auto const& [kind, n] : per_kind) by_kind[kind].predicted_pairs += pairs(n);
    for (auto const& [kg, n] : per_group) by_kind[kg.first].correct += pairs(n);
  }

  std::printf(
      "splitting, per layout kind (%zu files each; seed %llu; CRLF %.0f%%, GB18030 %.0f%%)\n",
      gen.files_per_kind, static_cast<unsigned long long>(gen.seed), 100 * gen.crlf_share,
      100 * gen.gb18030_share);
  std::printf("%-22s %7s %9s %10s %10s %10s %9s\n", "kind", "files", "exact", "bound. P",
              "bound. R", "pairs", "pair F1");
  std::string worst;
  double worst_exact = 2;
  for (std::string_view const kind : neardup::bench::layout_kinds) {
    kind_score const& k = by_kind[std::string(kind)];
    double const exact = ratio(k.exact, k.files);
    double const p = ratio(k.matched, k.found), r = ratio(k.matched, k.planted);
    double const pp = ratio(k.correct, k.predicted_pairs), pr = ratio(k.correct, k.true_pairs);
    std::printf("%-22s %7zu %9.4f %10.4f %10.4f %10llu %9.4f\n", std::string(kind).c_str(), k.files,
                exact, p, r, static_cast<unsigned long long>(k.true_pairs), f1(pp, pr));
    if (exact < worst_exact) {
      worst_exact = exact;
      worst = kind;
    }
  }
  std::printf("worst kind: %s, %.4f of its files split exactly as planted\n", worst.c_str(),
              worst_exact);
  std::printf("essays: %zu found, %zu clusters\n", run.essays.size(), run.dedup.clusters.size());
  return worst_exact == 1.0 ? 0 : 1;
}

int check_real(std::vector<std::string> const& dirs, std::vector<std::size_t> const& expect) {
  std::vector<std::size_t> counts;
  neardup::split_files(dirs, {}, [&](neardup::file_split&& f) {
    std::printf("  %-60s %zu essays%s\n", f.path.c_str(), f.split.essays.size(),
                f.split.warnings.empty() ? "" : " (warnings)");
    counts.push_back(f.split.essays.size());
  });
  if (expect.empty()) return 0;
  bool const ok = counts.size() % expect.size() == 0 && [&] {
    for (std::size_t i = 0; i < counts.size(); ++i)
      if (counts[i] != expect[i % expect.size()]) return false;
    return true;
  }();
  std::printf("real folders: %s the counts made by hand\n",
              ok ? "every file gives" : "NOT every file gives");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "neardup_eval_split — splitting accuracy per layout kind, and a check on real folders"};
  neardup::bench::layout_gen_options gen;
  gen.out_dir = "bench-work/split-eval";
  gen.essays_dir = NEARDUP_ESSAYS_DIR;
  app.add_option("--seed", gen.seed)->capture_default_str();
  app.add_option("--files", gen.files_per_kind, "Files per layout kind")->capture_default_str();
  app.add_option("--out", gen.out_dir, "Where the generated files go")->capture_default_str();
  std::size_t show_misses = 0;
  app.add_option("--show-misses", show_misses, "List up to this many files not split as planted");
  std::vector<std::string> real;
  std::string expect_text;
  app.add_option("--real", real, "Real folders to check instead (files in sorted order)");
  app.add_option("--expect", expect_text,
                 "Essays per file counted by hand, comma-separated (repeats over the folders)");
  CLI11_PARSE(app, argc, argv);
  if (!real.empty()) {
    std::vector<std::size_t> expect;
    std::stringstream ss(expect_text);
    for (std::string item; std::getline(ss, item, ',');)
      if (!item.empty()) expect.push_back(std::stoul(item));
    return check_real(real, expect);
  }
  return evaluate_generated(gen, show_misses);
}
