// dedup_cli — dedup's command line, shared by dedup and dedup-mpi so that both take the same
// options and write the same reports: the options (add_options), their checks and mapping onto
// the library's options (prepare), --show-split, and the reports of a run (write_reports).
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "neardup/neardup.hpp"

namespace dedup_cli {

constexpr int exit_ok = 0;
constexpr int exit_duplicates = 1;
constexpr int exit_usage = 2;

/// The bar on standard error while files are read (runs of a second or more, on a terminal).
struct progress_bar {
  bool enabled = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last{};
  bool drawn = false;
  void operator()(std::size_t done, std::size_t total, std::size_t bytes);
  void clear() const;
};

struct command {
  /// `program` names the program in messages ("dedup: …") and in --version.
  explicit command(std::string name) : program(std::move(name)) {}

  /// Adds every option of dedup (and the version flag) to `app`.
  void add_options(CLI::App& app);
  /// add_options, app.parse and prepare: an exit status when the program is done (--help,
  /// --version, a usage error, said on `out` and `errors`), or nothing to go on.
  std::optional<int> parse(CLI::App& app, int argc, char** argv, std::ostream& out,
                           std::ostream& errors);
  /// After app.parse(): checks the options together, maps them onto the library's and resolves
  /// the outputs (checked against the inputs and each other, nothing written). Returns exit_ok, or
  /// exit_usage after a message on `errors`.
  int prepare(std::ostream& errors);

  /// --index: opens (or creates) the index, taking its bands and rows when none were given.
  /// Throws neardup::error when it cannot be opened or holds other settings.
  void open_index();

  /// --show-split: lists how each file splits; returns the exit status.
  int run_show_split();

  /// What run_pipeline needs (progress bar included).
  [[nodiscard]] neardup::pipeline_options pipeline_options();

  /// Writes the report, the summary and --keep-one for a finished run that took `seconds`;
  /// returns the exit status (exit_duplicates with --fail-on-duplicates; exit_usage, said on
  /// standard error, when no file could be read). Throws neardup::error
  /// when an output cannot be written.
  int write_reports(neardup::pipeline_result& run, double seconds);

  progress_bar progress;

  // The options as parsed, under the names dedup has always used for them.
  std::string program;
  std::vector<std::string> paths;
  neardup::dedup_options options;
  neardup::load_options load;
  std::string format = "text";
  std::string output;
  std::string keep_one;
  std::string split = "auto";
  std::string scheme = "oph";
  std::string verify = "hybrid";
  std::string linkage = "single";
  std::string extensions = ".txt";
  std::vector<std::string> encodings;
  std::size_t verify_cache_mib = options.verify_cache_bytes >> 20;
  bool quiet = false;
  bool fail_on_duplicates = false;
  bool show_split = false;
  bool words = false;
  bool no_nfkc = false, keep_script = false, keep_pinyin = false, keep_web = false;
  bool keep_punct = false, keep_space = false;
  bool no_templates = false;
  bool passages = false, no_passages = false;
  unsigned bands = 0, rows = 0;
  neardup::passage_options passage;
  neardup::html_report_options html;
  std::optional<neardup::output_file> report_file, keep_file;
  std::string index_dir;  // --index
  bool no_add = false;
  std::optional<neardup::index> index;  // opened by open_index()
  neardup::index_check checked;         // what run_indexed found and stored
};

}  // namespace dedup_cli
