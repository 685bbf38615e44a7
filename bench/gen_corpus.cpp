// neardup_gen_corpus — writes a deterministic synthetic corpus with planted near-duplicates.
//
//   neardup_gen_corpus --seed 7 --size 100MB --out bench-work/c100 --format both
//   neardup_gen_corpus --seed 7 --size 200MB --out bench-work/pool200 --paragraph-pool
//
// The same seed, size and bundled essays give byte-identical output on every platform.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "corpus_gen.hpp"

#ifndef NEARDUP_ESSAYS_DIR
#define NEARDUP_ESSAYS_DIR "examples/data/essays"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Writes a deterministic corpus of essays with planted near-duplicate groups and its truth.tsv"};
  neardup::bench::corpus_gen_options options;
  options.essays_dir = NEARDUP_ESSAYS_DIR;
  std::string size = "10MB";
  std::string format = "folder";
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--size", size, "essay text to write: 10MB, 1GB, 512MiB, or bytes")->capture_default_str();
  app.add_option("--out", options.out_dir, "output folder (created)")->required();
  app.add_option("--essays-dir", options.essays_dir, "the bundled essays (the text model's source)")
      ->capture_default_str();
  app.add_option("--format", format, "folder, jsonl or both")
      ->check(CLI::IsMember({"folder", "jsonl", "both"}))
      ->capture_default_str();
  app.add_option("--group-share", options.group_share, "share of base essays given variants")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--max-variants", options.max_variants, "variants per group: 1..N")
      ->check(CLI::Range(1u, 50u))
      ->capture_default_str();
  app.add_option("--hard-negative-share", options.hard_negative_share,
                 "share of base essays whose title an unrelated essay reuses")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--related-share", options.related_share,
                 "share of base essays partly quoted by another essay (a negative)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_flag("--paragraph-pool", options.paragraph_pool,
               "essays assembled from a shared pool of paragraphs per topic, a share re-posted with "
               "one paragraph changed (the other shares are not used)");
  app.add_option("--pool-paragraphs", options.pool_topic_paragraphs,
                 "paragraph pool: paragraphs per topic")
      ->check(CLI::Range(std::size_t{4}, std::size_t{10000}))
      ->capture_default_str();
  app.add_option("--pool-essays", options.pool_topic_essays, "paragraph pool: essays per topic")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  app.add_option("--repost-share", options.repost_share,
                 "paragraph pool: share of essays re-posted with one paragraph changed")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    options.target_bytes = neardup::bench::parse_size(size);
    options.format = format == "folder"  ? neardup::bench::corpus_format::folder
                     : format == "jsonl" ? neardup::bench::corpus_format::jsonl
                                         : neardup::bench::corpus_format::both;
    auto const s = neardup::bench::generate_corpus(options, &std::cerr);
    std::printf("seed %llu, target %s: %zu essays (%zu groups, %zu variants, %zu hard negatives, %zu related)\n",
                static_cast<unsigned long long>(options.seed), size.c_str(), s.essays, s.groups, s.variants,
                s.hard_negatives, s.related);
    std::printf("variants by kind:");
    for (auto kind : neardup::bench::variant_kinds) {
      auto it = s.variants_by_kind.find(std::string(kind));
      std::printf(" %.*s %zu", static_cast<int>(kind.size()), kind.data(),
                  it == s.variants_by_kind.end() ? std::size_t{0} : it->second);
    }
    std::printf("\ntext: %.1f MB of UTF-8 (model trained on %zu bundled paragraphs)\n",
                static_cast<double>(s.text_bytes) / 1e6, s.paragraph_pool);
    if (options.format != neardup::bench::corpus_format::jsonl)
      std::printf("folder: %s/folder: %zu .txt files, %.1f MB, truth.tsv\n", options.out_dir.c_str(), s.files,
                  static_cast<double>(s.folder_bytes) / 1e6);
    if (options.format != neardup::bench::corpus_format::folder)
      std::printf("jsonl:  %s/jsonl: corpus.jsonl %.1f MB, truth.tsv\n", options.out_dir.c_str(),
                  static_cast<double>(s.jsonl_bytes) / 1e6);
    std::printf("%.2f s (%.1f MB/s of text)\n", s.seconds, static_cast<double>(s.text_bytes) / 1e6 / s.seconds);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "neardup_gen_corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
