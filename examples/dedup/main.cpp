// dedup — find repeated and templated essays in folders of text files or JSON Lines.
// Thin: argument parsing and wiring; reading, signing, clustering and reporting live in the library
// (the options and reports in ../cli/dedup_cli.*, shared with dedup-mpi).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "../cli/dedup_cli.hpp"

int main(int argc, char** argv) {
  using namespace dedup_cli;
  // Reports can run to many megabytes: let std::cout buffer them itself instead of going through
  // C stdio (nothing here writes with printf).
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "dedup — find repeated and templated essays.\n\n"
      "Reads text files (folders recursively; UTF-8, UTF-16, GB18030/GBK or Big5, detected), splits\n"
      "each file into essays, and reports the clusters of near-duplicate essays: the same text under\n"
      "a new title, in Traditional instead of Simplified script, with changed punctuation, shuffled\n"
      "paragraphs, a filled-in template or web boilerplate around it.\n\n"
      "Examples:\n"
      "  dedup essays/                       report for a person\n"
      "  dedup --format jsonl essays/ > c.jsonl   one JSON object per cluster (summary on stderr)\n"
      "  dedup --jsonl corpus.jsonl          JSON Lines input with fields id and text\n"
      "  dedup --keep-one clean.txt essays/  write the essays with one per cluster\n"
      "  dedup --passages essays/            also the copied passages, with their spans\n"
      "  dedup --format html -o report.html essays/   one page to look at (opens offline)\n\n"
      "Clusters and passages: a cluster is a group of essays that are the same essay (their\n"
      "shingle sets' Jaccard similarity at or over --threshold); --passages also lists the pairs\n"
      "of essays that share a copied passage of at least --min-passage characters (Chinese) or\n"
      "--min-passage-words words (space-separated text), however small a part of each it is, with\n"
      "byte spans and lines in both. Members of a cluster share passages too; a pair sharing one\n"
      "need not be in any cluster. With --format jsonl or csv the pairs follow the clusters (JSON\n"
      "objects with \"pair\" instead of \"cluster\"; a second CSV table after a blank line).\n\n"
      "The HTML report (--format html) is one self-contained file: the summary, histograms, a\n"
      "filter, the clusters by size and the passage pairs by containment; each cluster's\n"
      "representative beside its members and each pair side by side, the shared passages marked in\n"
      "one colour per passage on both sides. It finds the copied passages too unless --no-passages\n"
      "is given: showing what was copied is what the page is for, and a class's essays cost nothing\n"
      "more (on a large corpus they cost several times the clusters' CPU time: docs/html-report.md).\n"
      "The first --html-full-texts clusters and pairs are shown in full (a run with no more is whole\n"
      "in the page); the rest are listed with excerpts and rendered when opened.\n",
      "dedup"};
  command cli("dedup");
  if (auto const done = cli.parse(app, argc, argv, std::cout, std::cerr)) return *done;
  if (cli.show_split) return cli.run_show_split();

  auto const start = std::chrono::steady_clock::now();
  try {
    cli.open_index();
    auto run = cli.index ? neardup::run_indexed(cli.paths, cli.pipeline_options(), *cli.index,
                                                {!cli.no_add, !cli.keep_one.empty()}, cli.checked)
                         : neardup::run_pipeline(cli.paths, cli.pipeline_options());
    cli.progress.clear();
    double const seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int const status = cli.write_reports(run, seconds);
    // Everything is written and flushed: leave without freeing the run piece by piece (on a large
    // corpus hundreds of thousands of strings, a tenth of a second); the system takes it all back.
    std::cout.flush();
    std::fflush(nullptr);
    run.temporaries.reset();  // standard input's temporary file
    std::_Exit(status);
  } catch (neardup::error const& e) {
    cli.progress.clear();
    std::cerr << "dedup: " << e.what() << "\n";
    return exit_usage;
  }
}
