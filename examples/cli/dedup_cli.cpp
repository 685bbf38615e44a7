#include "dedup_cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace dedup_cli {

void progress_bar::operator()(std::size_t done, std::size_t total, std::size_t bytes) {
  auto const now = std::chrono::steady_clock::now();
  // Only for runs long enough to need it, and at most five times a second.
  if (!enabled || now - start < std::chrono::seconds(1) || now - last < std::chrono::milliseconds(200))
    return;
  last = now;
  int const width = 30;
  int const filled = total ? static_cast<int>(width * done / total) : 0;
  char mb[32];
  std::snprintf(mb, sizeof mb, "%.1f", static_cast<double>(bytes) / 1e6);
  // std::cerr like every other message: C stdio is not synchronized with it.
  std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
            << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << done << '/'
            << total << " files, " << mb << " MB" << std::flush;
  drawn = true;
}

void progress_bar::clear() const {
  if (drawn) std::cerr << '\r' << std::string(79, ' ') << '\r' << std::flush;
}

void command::add_options(CLI::App& app) {
  // The SIMD target goes in the version text so that CI logs say which one ran.
  app.set_version_flag("--version",
                       program + " (neardup) " + neardup::version_string +
                           "\nnormalization: " + std::string(neardup::normalize_simd_target()));
  app.get_formatter()->column_width(34);
  app.add_option("paths", paths,
                 "Files and folders to read (folders recursively; '-': standard input)")
      ->required();


  app.add_option("--format", format, "Report format: text, jsonl, csv or html")
      ->check(CLI::IsMember({"text", "jsonl", "csv", "html"}))
      ->capture_default_str();
  app.add_option("-o,--output", output, "Write the report to this file ('-': standard output)");
  app.add_option(
      "--keep-one", keep_one,
      "Also write the input without the duplicates (the later essays of each cluster) to this "
      "file ('-': standard output, with -o FILE)");
  app.add_flag("--fail-on-duplicates", fail_on_duplicates, "Exit with 1 when duplicates were found");
  app.add_flag("-q,--quiet", quiet, "No progress bar");
  app.add_flag("--show-split", show_split,
               "Only list how each file splits into essays (lines, characters, title and why), the "
               "lines left out and the warnings; with --format jsonl one JSON object per file");

  auto* indexed = app.add_option_group("Persistent index");
  indexed->add_option("--index", index_dir,
                      "Check the essays against an index (created when missing: a folder) and "
                      "against each other, report the clusters holding a new essay, then store "
                      "the new essays (with --keep-one only those that duplicate nothing)");
  indexed->add_flag("--no-add", no_add, "With --index: only check, store nothing");

  auto* input = app.add_option_group("Input");
  input->add_option("--split", split,
                    "How files are split into essays: auto, file, blank-line or regex:PATTERN "
                    "(a line matching PATTERN starts an essay)")
      ->capture_default_str();
  input
      ->add_option("--encoding", encodings,
                   "Force an encoding (e.g. GB18030, Big5, UTF-16LE) instead of detecting it; "
                   "PATTERN=NAME for the paths matching a glob (e.g. 'old/*=big5'), first match "
                   "wins; may repeat")
      ->allow_extra_args(false);
  input->add_option("--ext", extensions,
                    "File name endings taken from folders, comma-separated ('' = every file)")
      ->capture_default_str();
  input->add_flag("--jsonl", load.jsonl, "Inputs are JSON Lines files, one essay per record");
  input->add_option("--id-field", load.jsonl_fields.id_field, "JSON Lines field with the id")
      ->capture_default_str();
  input->add_option("--text-field", load.jsonl_fields.text_field, "JSON Lines field with the text")
      ->capture_default_str();
  input->add_option("--max-file-bytes", load.walk.max_file_bytes, "Skip (and report) larger files")
      ->capture_default_str();
  input->add_option("--max-essay-bytes", load.max_essay_bytes, "Skip (and report) larger essays")
      ->capture_default_str();

  auto* matching = app.add_option_group("Matching");
  matching->add_option("-t,--threshold", options.threshold,
                       "Jaccard similarity of shingle sets at which essays are near-duplicates")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
  matching->add_option("-n,--ngram", options.signature.shingle.n, "Characters (or words) per shingle")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  matching->add_option("-k,--num-perm", options.signature.minhash.num_perm, "MinHash signature length")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  matching->add_option("--scheme", scheme, "MinHash scheme: oph (one-permutation, fast) or classic")
      ->check(CLI::IsMember({"oph", "classic"}))
      ->capture_default_str();
  matching->add_option("--verify", verify,
                       "Verify candidates: hybrid (the signature estimate where it is sure, exact "
                       "Jaccard near the threshold), exact (every pair) or estimate (no texts read back)")
      ->check(CLI::IsMember({"hybrid", "exact", "estimate"}))
      ->capture_default_str();
  matching
      ->add_option("--verify-cache", verify_cache_mib,
                   "MiB of shingle sets exact verification keeps between pairs (a text in many "
                   "pairs is read back once; results do not change)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30))
      ->capture_default_str();
  matching
      ->add_option("--linkage", linkage,
                   "Clusters: single (a chain of verified pairs joins; each member names the "
                   "member that linked it) or star (every member verified with the first)")
      ->check(CLI::IsMember({"single", "star"}))
      ->capture_default_str();
  matching->add_flag("--no-templates", no_templates,
                     "Near-duplicates only: do not look for templated essays (shared sentences)");
  matching
      ->add_option("--short-text-chars", options.signature.short_text.below_chars,
                   "Pairs whose shorter text has fewer normalized characters are compared by "
                   "--short-ngram-grams (poems, titles, short answers); 0: off")
      ->capture_default_str();
  matching
      ->add_option("--short-ngram", options.signature.short_text.ngram,
                   "Characters per shingle of short-text pairs")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  matching->add_option("--bands", bands, "LSH bands (with --rows; default: chosen from the threshold)");
  matching->add_option("--rows", rows, "LSH rows per band");
  matching->add_option("--seed", options.signature.minhash.seed, "Seed of the MinHash functions")
      ->capture_default_str();
  matching->add_option("-j,--threads", options.threads, "Threads (0 = all cores); results do not change")
      ->capture_default_str();
  matching->add_flag("--words", words, "Word n-grams (space-separated languages) instead of characters");

  auto* copied = app.add_option_group("Copied passages");
  copied->add_flag("--passages", passages,
                   "Also report the pairs of essays that share a copied passage, with its spans "
                   "(on by default with --format html)");
  copied->add_flag("--no-passages", no_passages,
                   "With --format html: clusters only, no copied-passage pairs");
  copied
      ->add_option("--min-passage", passage.min_chars,
                   "Shortest passage of Chinese (Han) text, in normalized characters")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  copied
      ->add_option("--min-passage-words", passage.min_words,
                   "Shortest passage of space-separated text, in words")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  copied
      ->add_option("--max-postings", passage.max_postings,
                   "A fingerprint shared by more essays than this is a stock phrase, not copying")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 30))
      ->capture_default_str();

  auto* page = app.add_option_group("HTML report");
  page->add_option("--html-full-texts", html.full_texts,
                   "Clusters (largest first) and passage pairs (most contained first) shown with "
                   "their whole texts and marks; the rest are listed with excerpts")
      ->capture_default_str();
  page->add_option("--html-members", html.compare_members,
                   "Members of a cluster shown beside its representative")
      ->capture_default_str();

  auto* norm = app.add_option_group("Normalization (all on by default)");
  norm->add_flag("--no-nfkc", no_nfkc, "Keep full-width forms and case (no NFKC, no case folding)");
  norm->add_flag("--keep-script", keep_script, "Do not fold Traditional Chinese into Simplified");
  norm->add_flag("--keep-pinyin", keep_pinyin, "Do not remove pinyin annotations like 復(fù)");
  norm->add_flag("--keep-web", keep_web, "Do not remove HTML tags, entities and URLs");
  norm->add_flag("--keep-punctuation", keep_punct, "Compare punctuation and symbols too");
  norm->add_flag("--keep-whitespace", keep_space, "Compare white space too (implied by --words)");
}

std::optional<int> command::parse(CLI::App& app, int argc, char** argv, std::ostream& out,
                                  std::ostream& errors) {
  add_options(app);
  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    return app.exit(e, out, errors) == 0 ? exit_ok : exit_usage;
  }
  if (int const status = prepare(errors); status != exit_ok) return status;
  return std::nullopt;
}

int command::prepare(std::ostream& errors) {
  if (no_add && index_dir.empty()) {
    errors << program << ": --no-add needs --index\n";
    return exit_usage;
  }
  auto& norm_opts = options.signature.normalize;
  norm_opts.nfkc_casefold = !no_nfkc;
  norm_opts.traditional_to_simplified = !keep_script;
  norm_opts.strip_pinyin_annotations = !keep_pinyin;
  norm_opts.strip_web_artifacts = !keep_web;
  norm_opts.drop_punctuation = !keep_punct;
  norm_opts.drop_whitespace = !(keep_space || words);
  options.signature.unit = words ? neardup::shingle_unit::word : neardup::shingle_unit::character;
  // CLI11 checked the names; the library maps them.
  options.signature.minhash.scheme = neardup::minhash_scheme_from_name(scheme);
  options.verify = neardup::verify_mode_from_name(verify);
  options.verify_cache_bytes = verify_cache_mib << 20;
  options.linkage = neardup::linkage_from_name(linkage);
  options.templates = !no_templates;
  if ((bands == 0) != (rows == 0)) {
    errors << program << ": --bands and --rows go together\n";
    return exit_usage;
  }
  if (bands) options.lsh = neardup::lsh_params{bands, rows};
  if (passages && no_passages) {
    errors << program << ": --passages and --no-passages contradict each other\n";
    return exit_usage;
  }
  if (format == "html") passages = !no_passages;
  html.passage = passage;

  try {
    for (auto const& e : encodings) neardup::add_encoding_option(load.decode, e);
  } catch (neardup::error const& e) {
    errors << program << ": " << e.what() << "\n";
    return exit_usage;
  }

  std::size_t const colon = split.find(':');
  bool known = true;
  try {
    load.split.mode = neardup::split_mode_from_name(std::string_view(split).substr(0, colon));
  } catch (neardup::error const&) {
    known = false;
  }
  // A pattern comes with regex, and only with it: "regex:PATTERN".
  if (!known || (load.split.mode == neardup::split_mode::regex) != (colon != std::string::npos)) {
    errors << program << ": --split must be auto, file, blank-line or regex:PATTERN, not '" << split << "'\n";
    return exit_usage;
  }
  if (colon != std::string::npos) load.split.pattern = split.substr(colon + 1);
  load.walk.extensions.clear();
  for (std::stringstream ss(extensions); ss.good();) {
    std::string ext;
    std::getline(ss, ext, ',');
    if (!ext.empty()) load.walk.extensions.push_back(ext[0] == '.' ? ext : "." + ext);
  }
  if (load.jsonl && extensions == ".txt") load.walk.extensions = neardup::jsonl_extensions();

  // The outputs are resolved, and checked against the inputs and each other, before any work.
  std::vector<neardup::output_file const*> outputs;
  try {
    if (!output.empty() && output != "-") outputs.push_back(&report_file.emplace(output));
    if (!keep_one.empty()) {
      if (keep_one == "-" && !report_file) {
        errors
            << program << ": --keep-one - and the report would both go to standard output: give the "
               "report a file with -o\n";
        return exit_usage;
      }
      outputs.push_back(&keep_file.emplace(keep_one));
    }
    neardup::check_outputs(paths, outputs);
  } catch (neardup::error const& e) {
    errors << program << ": " << (e.code() == neardup::errc::io_error ? "cannot write " : "")
              << e.what() << "\n";
    return exit_usage;
  }
  load.walk.outputs = neardup::walk_outputs(outputs);
  return exit_ok;
}

int command::run_show_split() {
    try {
      std::ostream& out = report_file ? report_file->open() : std::cout;
      neardup::split_files(paths, load, [&](neardup::file_split&& f) {
        if (format == "jsonl")
          neardup::write_split_jsonl(out, f);
        else
          neardup::write_split_listing(out, f);
      });
      if (report_file) report_file->commit();
      std::cout.flush();
      return std::cout ? exit_ok : exit_usage;
    } catch (neardup::error const& e) {
      std::cerr << program << ": " << e.what() << "\n";
      return exit_usage;
    }
}

neardup::pipeline_options command::pipeline_options() {
  progress.enabled = !quiet && ::isatty(STDERR_FILENO);
  progress.start = std::chrono::steady_clock::now();
  neardup::pipeline_options pipeline;
  pipeline.load = load;
  pipeline.dedup = options;
  pipeline.passages = passages;
  pipeline.passage = passage;
  pipeline.load.progress = std::ref(progress);
  return pipeline;
}

void command::open_index() {
  if (index_dir.empty()) return;
  // Bands and rows not given: the index's (they may come from another threshold).
  if (auto const stored = neardup::index::stored_settings(index_dir)) {
    if (!options.lsh) options.lsh = stored->lsh;
    if (stored->templates && !options.sentence_lsh) options.sentence_lsh = stored->sentence_lsh;
  }
  index.emplace(index_dir, neardup::index_settings_for(options),
                no_add ? neardup::index_mode::read_only : neardup::index_mode::create);
}

int command::write_reports(neardup::pipeline_result& run, double seconds) {
    if (run.load.files.empty()) {
      std::ostringstream why;
      neardup::write_nothing_read(why, run.load, load);
      std::cerr << program << ": " << why.str();
      return exit_usage;
    }
    neardup::report_context context{run.essays, run.text_start, &run.load, &options, seconds,
                                    run.timing.load_and_sign};
    context.indexed = index.has_value();
    std::ostream& out = report_file ? report_file->open() : std::cout;
    // The summary goes to (unbuffered) standard error in one piece, not a write per field.
    auto summary_to_stderr = [&] {
      std::ostringstream summary;
      neardup::write_summary(summary, run.dedup, context);
      std::cerr << summary.str();
    };
    neardup::passage_report_context const passage_texts{run.text, load.jsonl};
    if (format == "html") {
      html.passage_seconds = run.timing.passages;
      neardup::write_html_report(out, run.dedup, passages ? &run.passages : nullptr, context,
                                 passage_texts, html);
      summary_to_stderr();
      if (passages) neardup::write_passages_summary(std::cerr, run.passages, run.timing.passages);
    } else if (format == "jsonl") {
      neardup::write_jsonl_report(out, run.dedup, context);
      if (passages) neardup::write_passages_jsonl(out, run.passages, context, passage_texts);
      summary_to_stderr();
      if (passages) neardup::write_passages_summary(std::cerr, run.passages, run.timing.passages);
    } else if (format == "csv") {
      neardup::write_csv_report(out, run.dedup, context);
      if (passages) {
        out << "\n";
        neardup::write_passages_csv(out, run.passages, context, passage_texts);
      }
      summary_to_stderr();
      if (passages) neardup::write_passages_summary(std::cerr, run.passages, run.timing.passages);
    } else {
      neardup::write_text_report(out, run.dedup, context);
      if (passages) {
        out << "\n";
        neardup::write_passages_text(out, run.passages, context, passage_texts);
        neardup::write_passages_summary(out, run.passages, run.timing.passages);
      }
    }
    if (report_file) {
      report_file->commit();
    } else {
      std::cout.flush();
      if (!std::cout)
        throw neardup::error(neardup::errc::io_error,
                             "writing the report to standard output failed");
    }
    if (index) {
      std::ostringstream note;
      note << "index " << index_dir << ": " << checked.stored_before << " essays before, "
           << checked.candidates << " stored candidates";
      if (checked.estimated_stored > 0)
        note << " (" << checked.estimated_stored
             << " estimated from their stored sketches: their files changed or are gone)";
      note << ", " << checked.already_stored.size() << " already stored, "
           << (no_add ? "nothing added (--no-add)" : std::to_string(checked.added) + " added")
           << "; " << checked.after.essays << " essays, "
           << static_cast<double>(checked.after.file_bytes) / 1e6 << " MB on disk\n";
      for (std::size_t i = 0; i < checked.already_stored.size() && i < 10; ++i)
        note << "  already stored: " << run.essays[checked.already_stored[i]].id << "\n";
      if (checked.already_stored.size() > 10)
        note << "  … and " << checked.already_stored.size() - 10 << " more already stored\n";
      std::cerr << note.str();
    }
    if (keep_file) {
      neardup::dedup_result dropped;
      if (index) {
        // Only the new essays that duplicate nothing: one cluster whose later members are the rest.
        std::vector<std::uint8_t> keep(checked.loaded, 0);
        for (auto i : checked.kept) keep[i] = 1;
        neardup::cluster all;
        for (std::uint32_t i = 0; i < checked.loaded; ++i)
          if (keep[i] == 0) {
            if (all.members.empty()) all.members.push_back({i, 1.0, false});
            all.members.push_back({i, 1.0, false});
          }
        if (!all.members.empty()) dropped.clusters.push_back(std::move(all));
      }
      auto const kept =
          neardup::write_deduplicated(keep_file->open(), index ? dropped : run.dedup,
                                      std::span<const neardup::essay_info>(run.essays)
                                          .first(index ? checked.loaded : run.essays.size()),
                                      run.load, load, options.threads);
      keep_file->commit();
      std::ostringstream note;
      neardup::write_keep_one_summary(note, kept, keep_one == "-" ? "standard output" : keep_one);
      std::cerr << note.str();
    }
  return fail_on_duplicates && run.dedup.stats.duplicates > 0 ? exit_duplicates : exit_ok;
}

}  // namespace dedup_cli
