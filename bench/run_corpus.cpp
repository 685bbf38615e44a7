// neardup_run_corpus — the whole-pipeline benchmark on a corpus: read → decode → split → normalize →
// shingle → signature → LSH → verify → cluster, with throughput, seconds per stage, peak memory, and
// (with --truth) precision and recall against planted groups.
//
//   neardup_gen_corpus --seed 7 --size 100MB --out bench-work/c100
//   neardup_run_corpus --truth bench-work/c100/folder/truth.tsv bench-work/c100/folder/txt
//   neardup_run_corpus --jsonl --truth bench-work/c100/jsonl/truth.tsv bench-work/c100/jsonl/corpus.jsonl
//   neardup_run_corpus --compare-threads bench-work/c100/folder/txt     # 1 vs 2 threads: same clusters?
//
// The XXH3 line is a ceiling: the time to hash the same bytes once with XXH3_64bits, read into
// memory first. pipeline MB/s divided by it says how far the pipeline is from "touch every byte once".
#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "corpus_gen.hpp"
#include "neardup/corpus.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/encoding.hpp"
#include "neardup/jsonl.hpp"
#include "neardup/load.hpp"
#include "neardup/pipeline.hpp"
#include "neardup/signature.hpp"
#include "neardup/split.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

struct run_output {
  neardup::pipeline_result run;
  double seconds_total = 0;
};

run_output run_once(std::vector<std::string> const& paths, neardup::pipeline_options const& options) {
  auto const start = clock_type::now();
  run_output out{neardup::run_pipeline(paths, options), 0};
  out.seconds_total = seconds_since(start);
  return out;
}

// VmHWM of /proc/self/status in KiB (0 when unavailable).
long vm_hwm_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

struct breakdown {
  double read = 0, decode = 0, split = 0, sign = 0, xxh3 = 0;
  std::size_t bytes = 0, files = 0;
  std::uint64_t xxh3_sum = 0;  // kept so the hashing cannot be optimised away
};

// A separate single-threaded pass over the same files: the reading stages timed one by one, and the
// XXH3 ceiling over the bytes read.
breakdown measure_stages(std::vector<std::string> const& paths, bool jsonl,
                         neardup::signature_options const& signature) {
  breakdown b;
  neardup::document_signer const signer(signature);
  neardup::signer_scratch scratch;
  std::vector<std::uint32_t> sig(signer.num_perm());
  neardup::walk_options walk;
  if (jsonl) walk.extensions = neardup::jsonl_extensions();
  auto const files = neardup::walk_paths(paths, walk).files;
  for (auto const& f : files) {
    auto t = clock_type::now();
    std::string bytes;
    try {
      bytes = neardup::read_file(f);
    } catch (std::exception const&) {
      continue;  // the pipeline run reported it
    }
    b.read += seconds_since(t);
    b.bytes += bytes.size();
    ++b.files;
    t = clock_type::now();
    b.xxh3_sum += XXH3_64bits(bytes.data(), bytes.size());
    b.xxh3 += seconds_since(t);
    if (jsonl) {
      t = clock_type::now();
      auto const records = neardup::parse_jsonl(bytes);
      b.split += seconds_since(t);  // parsing plays the part of decode + split for JSON Lines
      t = clock_type::now();
      for (auto const& r : records.records) b.xxh3_sum += signer.sign(r.text, sig, scratch).shingles;
      b.sign += seconds_since(t);
      continue;
    }
    t = clock_type::now();
    auto const text = neardup::decode_to_utf8(bytes);
    b.decode += seconds_since(t);
    t = clock_type::now();
    auto const essays = neardup::split_essays(text.utf8);
    b.split += seconds_since(t);
    t = clock_type::now();
    for (auto const& e : essays.essays)
      b.xxh3_sum += signer.sign(std::string_view(text.utf8).substr(e.begin, e.end - e.begin), sig, scratch).shingles;
    b.sign += seconds_since(t);
  }
  return b;
}

double mb(double bytes) { return bytes / 1e6; }

// Bytes read from disk. load_summary::bytes stays 0 for JSON Lines (their reader streams), so the
// sizes of the files read are summed instead.
double disk_bytes(neardup::load_summary const& load) {
  std::uintmax_t total = 0;
  for (auto const& f : load.files) {
    std::error_code ec;
    auto const size = fs::file_size(f.path, ec);
    total += ec ? f.bytes : size;
  }
  return static_cast<double>(std::max<std::uintmax_t>(total, load.bytes));
}

std::vector<std::uint32_t> members_of(neardup::cluster const& c) {
  std::vector<std::uint32_t> docs;
  for (auto const& m : c.members) docs.push_back(m.doc);
  return docs;
}

void print_run(char const* label, run_output const& r) {
  auto const& s = r.run.dedup.stats;
  double const disk = disk_bytes(r.run.load);
  std::printf("%s: %zu files, %zu essays, %.1f MB read (%.1f MB UTF-8 text), %.3f s total\n", label,
              r.run.load.files.size(), s.documents, mb(disk), mb(static_cast<double>(s.bytes)), r.seconds_total);
  std::printf("  throughput: %.0f essays/s, %.1f MB/s (bytes read)\n", static_cast<double>(s.documents) / r.seconds_total,
              mb(disk) / r.seconds_total);
  std::printf("  wall seconds: read+decode+split+sign %.3f (parallel per file) | candidates %.3f | verify %.3f "
              "(re-reading candidates' texts) | cluster %.3f\n",
              r.run.timing.load_and_sign, s.seconds_candidates, s.seconds_verify, s.seconds_cluster);
  std::printf("  LSH %u×%u: %zu band entries, %zu buckets (largest %zu, %zu capped), %zu candidate pairs, "
              "%zu verified\n",
              s.lsh.bands, s.lsh.rows, s.candidates.entries, s.candidates.buckets, s.candidates.largest_bucket,
              s.candidates.capped_buckets, s.candidates.pairs, s.verified_pairs);
  if (s.exact_pairs + s.accepted_by_estimate + s.rejected_by_estimate > 0)
    std::printf("  verify: %zu pairs accepted and %zu rejected by the estimate, %zu measured exactly (%zu texts read "
                "back), %zu not needed (already joined)\n",
                s.accepted_by_estimate, s.rejected_by_estimate, s.exact_pairs, s.texts_read_back, s.already_joined);
  std::printf("  %zu clusters, %zu duplicate essays, %zu empty essays, %zu skipped paths, %zu load problems\n",
              s.clusters, s.duplicates, s.empty_documents, r.run.load.skipped.size(), r.run.load.problems.size());
}

void print_accuracy(run_output const& r, std::string const& truth_path, bool jsonl) {
  auto const truth = neardup::bench::read_truth(truth_path);
  fs::path const root = fs::weakly_canonical(fs::path(truth_path)).parent_path();
  std::vector<std::string> keys;
  keys.reserve(r.run.essays.size());
  for (auto const& e : r.run.essays) {
    if (jsonl) {
      keys.push_back(e.id);
      continue;
    }
    std::error_code ec;
    keys.push_back(neardup::bench::folder_truth_key(
        fs::weakly_canonical(fs::path(e.file), ec).lexically_relative(root).generic_string(), e.index));
  }
  auto const labels = neardup::bench::label_documents(truth, keys);
  std::vector<std::vector<std::uint32_t>> clusters;
  for (auto const& c : r.run.dedup.clusters) {
    clusters.emplace_back();
    for (auto const& m : c.members) clusters.back().push_back(m.doc);
  }
  auto const a = neardup::bench::score_clusters(labels, clusters);
  std::printf("accuracy vs %s: precision %.4f, recall %.4f, F1 %.4f (%llu true pairs, %llu predicted, %llu correct)\n",
              truth_path.c_str(), a.precision, a.recall, a.f1, static_cast<unsigned long long>(a.true_pairs),
              static_cast<unsigned long long>(a.predicted_pairs), static_cast<unsigned long long>(a.correct_pairs));
  std::printf("  recall by kind:");
  for (std::size_t k = 0; k < std::size(neardup::bench::variant_kinds); ++k)
    std::printf(" %.*s %.3f", static_cast<int>(neardup::bench::variant_kinds[k].size()),
                neardup::bench::variant_kinds[k].data(), a.kind_recall(k));
  std::printf("\n  hard negatives clustered: %zu of %zu; related (partly quoting) essays clustered: %zu of %zu\n",
              a.hard_negatives_clustered, a.hard_negatives, a.related_clustered, a.related);
  if (labels.unmatched_docs || labels.missing_rows)
    std::printf("  WARNING: %zu essays without a truth row, %zu truth rows without an essay\n", labels.unmatched_docs,
                labels.missing_rows);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs the whole neardup pipeline on a corpus and reports speed, memory and (with --truth) accuracy"};
  std::vector<std::string> paths;
  std::string truth_path;
  unsigned threads = 0;
  bool jsonl = false, compare_threads = false, compare_exact = false, no_breakdown = false;
  std::string verify = "hybrid";
  neardup::pipeline_options options;
  std::string scheme = "oph";
  app.add_option("paths", paths, "files or folders of essays (or JSON Lines files with --jsonl)")->required();
  app.add_option("--threads", threads, "threads (0 = all)")->capture_default_str();
  app.add_flag("--jsonl", jsonl, "inputs are JSON Lines ({\"id\", \"text\"} records)");
  app.add_option("--truth", truth_path, "truth.tsv of a generated corpus: print precision and recall");
  app.add_flag("--compare-threads", compare_threads, "run with 1 and 2 threads; exit 3 unless the clusters are equal");
  app.add_option("--verify", verify, "hybrid, exact or estimate")
      ->check(CLI::IsMember({"hybrid", "exact", "estimate"}))
      ->capture_default_str();
  app.add_flag("--compare-exact", compare_exact,
               "run again with exact verification of every pair; exit 4 unless the clusters are the same");
  app.add_flag("--no-breakdown", no_breakdown, "skip the separate per-stage and XXH3 pass");
  app.add_option("--threshold", options.dedup.threshold, "Jaccard threshold")->capture_default_str();
  app.add_option("--n", options.dedup.signature.shingle.n, "shingle size")->capture_default_str();
  app.add_option("--k", options.dedup.signature.minhash.num_perm, "signature size")->capture_default_str();
  app.add_option("--seed", options.dedup.signature.minhash.seed, "MinHash seed")->capture_default_str();
  app.add_option("--scheme", scheme, "oph or classic")->check(CLI::IsMember({"oph", "classic"}))->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  // CLI11 checked the names; the library maps them.
  options.dedup.verify = neardup::verify_mode_from_name(verify);
  options.dedup.signature.minhash.scheme = neardup::minhash_scheme_from_name(scheme);

  try {
    options.load.jsonl = jsonl;
    if (jsonl) options.load.walk.extensions = neardup::jsonl_extensions();
    std::printf("settings: threshold %.2f, n %u, k %u, %s, threads %u (hardware %u)\n", options.dedup.threshold,
                options.dedup.signature.shingle.n, options.dedup.signature.minhash.num_perm, scheme.c_str(), threads,
                std::thread::hardware_concurrency());

    // Warm-up: the normalizer's code-point table is built once per process (tens of ms); build it
    // before any timed run so that neither run (nor the 1-vs-2-thread comparison) pays for it.
    {
      auto const t = clock_type::now();
      auto const sig = neardup::document_signer(options.dedup.signature).sign("疫情防控要坚持全国一盘棋");
      std::printf("warm-up (normalization table, signer): %.3f s%s\n", seconds_since(t), sig.empty() ? " (empty!)" : "");
    }

    int status = 0;
    double pipeline_mbps = 0;
    std::vector<std::vector<std::uint32_t>> clusters;  // documents of each cluster of the main run
    if (compare_threads) {
      options.dedup.threads = 1;
      auto const one = run_once(paths, options);
      print_run("1 thread ", one);
      options.dedup.threads = 2;
      auto const two = run_once(paths, options);
      print_run("2 threads", two);
      bool const same = one.run.dedup.clusters == two.run.dedup.clusters && one.run.essays.size() == two.run.essays.size();
      std::printf("clusters with 1 and 2 threads: %s; speed-up %.2fx total, %.2fx read..sign, %.2fx verify\n",
                  same ? "identical" : "DIFFERENT", one.seconds_total / two.seconds_total,
                  one.run.timing.load_and_sign / std::max(1e-9, two.run.timing.load_and_sign),
                  one.run.dedup.stats.seconds_verify / std::max(1e-9, two.run.dedup.stats.seconds_verify));
      if (!same) status = 3;
      for (auto const& c : two.run.dedup.clusters) clusters.push_back(members_of(c));
      if (!truth_path.empty()) print_accuracy(two, truth_path, jsonl);
      pipeline_mbps = mb(disk_bytes(two.run.load)) / two.seconds_total;
    } else {
      options.dedup.threads = threads;
      auto const r = run_once(paths, options);
      print_run("run", r);
      if (r.run.essays.empty()) {
        for (auto const& skipped : r.run.load.skipped)
          std::fprintf(stderr, "skipped %s: %s\n", skipped.path.c_str(), skipped.detail.c_str());
        std::fprintf(stderr, "neardup_run_corpus: no essays read\n");
        return 1;
      }
      if (!truth_path.empty()) print_accuracy(r, truth_path, jsonl);
      for (auto const& c : r.run.dedup.clusters) clusters.push_back(members_of(c));
      pipeline_mbps = mb(disk_bytes(r.run.load)) / r.seconds_total;
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak memory: ru_maxrss %.1f MB, VmHWM %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0,
                static_cast<double>(vm_hwm_kib()) / 1024.0);

    if (compare_exact) {
      // The plain path: every candidate pair measured exactly. Peak memory above is the main run's.
      auto plain = options;
      plain.dedup.verify = neardup::verify_mode::exact;
      auto const r = run_once(paths, plain);
      std::vector<std::vector<std::uint32_t>> exact_clusters;
      for (auto const& c : r.run.dedup.clusters) exact_clusters.push_back(members_of(c));
      bool const same = exact_clusters == clusters;
      std::printf("exact verification of every pair: %.3f s total, verify %.3f s, %zu pairs measured; clusters %s\n",
                  r.seconds_total, r.run.dedup.stats.seconds_verify, r.run.dedup.stats.exact_pairs,
                  same ? "identical to this run's" : "DIFFERENT from this run's");
      if (!same && status == 0) status = 4;
    }

    if (!no_breakdown) {
      auto const b = measure_stages(paths, jsonl, options.dedup.signature);
      double const bytes = static_cast<double>(b.bytes);
      std::printf("separate single-thread pass over %zu files, %.1f MB: read %.3f s, decode %.3f s, %s %.3f s, "
                  "sign (normalize+shingle+minhash) %.3f s\n",
                  b.files, mb(bytes), b.read, b.decode, jsonl ? "parse JSON Lines" : "split", b.split, b.sign);
      double const xxh3_mbps = mb(bytes) / std::max(1e-9, b.xxh3);
      std::printf("XXH3 ceiling: %.3f s, %.0f MB/s (checksum %016llx); pipeline / XXH3 = %.4f\n", b.xxh3, xxh3_mbps,
                  static_cast<unsigned long long>(b.xxh3_sum), pipeline_mbps / xxh3_mbps);
    }
    return status;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "neardup_run_corpus: %s\n", e.what());
    return 1;
  }
}
