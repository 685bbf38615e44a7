#include "neardup/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>

#include "neardup/error.hpp"
#include "parallel.hpp"

namespace neardup {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What one file gave: its account and its essays' metadata and signatures, merged in file order.
struct file_output {
  load_summary summary;  // of this one file
  std::vector<essay_info> essays;
  std::vector<std::uint32_t> signatures;  // k per essay
  std::vector<std::uint8_t> empty;
};

void merge(load_summary& into, load_summary&& from) {
  for (auto& f : from.files) into.files.push_back(std::move(f));
  for (auto& s : from.skipped) into.skipped.push_back(std::move(s));
  for (auto& p : from.problems) into.problems.push_back(std::move(p));
  into.essays += from.essays;
  into.bytes += from.bytes;
}

}  // namespace

pipeline_result run_pipeline(std::span<const std::string> paths, pipeline_options const& options) {
  pipeline_result result;
  auto start = std::chrono::steady_clock::now();
  unsigned const threads = detail::resolve_threads(options.dedup.threads);
  // With threads to spare, the folders are walked while the normalization table is built.
  std::future<walk_result> walk_ahead;
  if (!options.load.jsonl && threads > 1)
    walk_ahead = std::async(std::launch::async, [&] { return walk_paths(paths, options.load.walk); });
  deduplicator dedup(options.dedup);
  document_signer const signer(options.dedup.signature);
  std::size_t const k = signer.num_perm();

  if (options.load.jsonl) {
    // A JSON Lines file is one stream: records are gathered in batches, signed on every thread,
    // and let go; exact verification reads a candidate's line again by its byte offset.
    struct jsonl_texts {
      std::vector<std::string> files;
      std::vector<std::pair<std::uint32_t, std::uint64_t>> records;  // (file number, offset)
      jsonl_options fields;
    };
    auto texts = std::make_shared<jsonl_texts>();
    texts->fields = options.load.jsonl_fields;
    result.text = [texts](std::uint32_t doc) {
      auto const [file, offset] = texts->records.at(doc);
      return read_jsonl_record_at(texts->files[file], offset, texts->fields).text;
    };
    dedup.set_text_source(result.text);

    std::vector<signer_scratch> scratch(threads);
    std::vector<essay_info> batch;
    std::vector<std::string> batch_texts;
    std::vector<std::uint32_t> signatures;
    std::vector<std::uint8_t> empty;
    auto flush = [&] {
      signatures.resize(batch.size() * k);
      empty.resize(batch.size());
      detail::parallel_for(batch.size(), threads, 16, [&](std::size_t begin, std::size_t end, unsigned w) {
        for (std::size_t i = begin; i < end; ++i) {
          auto const info = signer.sign(batch_texts[i], std::span<std::uint32_t>(signatures.data() + i * k, k), scratch[w]);
          empty[i] = info.shingles == 0 ? 1 : 0;
        }
      });
      for (std::size_t i = 0; i < batch.size(); ++i) {
        dedup.add_signature(std::string(), std::span<const std::uint32_t>(signatures.data() + i * k, k), empty[i] != 0);
        if (texts->files.empty() || texts->files.back() != batch[i].file) texts->files.push_back(batch[i].file);
        texts->records.emplace_back(static_cast<std::uint32_t>(texts->files.size() - 1), batch[i].offset);
        result.essays.push_back(std::move(batch[i]));
      }
      batch.clear();
      batch_texts.clear();
    };
    result.load = load_essays(paths, options.load, [&](essay_info&& e, std::string_view text) {
      batch.push_back(std::move(e));
      batch_texts.emplace_back(text);
      if (batch.size() >= options.dedup.batch_documents) flush();
    });
    flush();
    result.timing.load_and_sign = seconds_since(start);
    start = std::chrono::steady_clock::now();
    result.dedup = dedup.run();
    result.dedup.stats.bytes = 0;
    for (auto const& e : result.essays) result.dedup.stats.bytes += e.bytes;
    result.timing.dedup = seconds_since(start);
    return result;
  }

  load_options per_file = options.load;
  per_file.progress = nullptr;
  walk_result walked = walk_ahead.valid() ? walk_ahead.get() : walk_paths(paths, options.load.walk);
  // Room for as many essays as the bytes could hold at 2 KB each (capped): growing the per-essay
  // tables by doubling would copy them and touch twice the memory, which costs as much as the copy
  // on a machine where first-touched pages are slow. Untouched capacity costs nothing.
  std::size_t const expected = static_cast<std::size_t>(std::min<std::uint64_t>(walked.bytes / 2048, 8u << 20));
  result.load.skipped = std::move(walked.skipped);
  result.load.filtered_by_extension = walked.filtered_by_extension;
  per_file.walk.extensions.clear();  // already chosen by the walk above

  // What reading an essay back needs, compactly: its file (by number) and its index in the file;
  // the reloader is made once the load has found each file's encoding. Set as the text source
  // before any document is added, so the deduplicator keeps no texts.
  struct text_state {
    std::vector<std::string> files;
    struct essay_place {
      std::uint64_t offset;        // in the file as stored
      std::uint32_t file;          // number in `files`
      std::uint32_t index;         // in the file
      std::uint32_t bytes;         // of text; 0 when over 4 GiB (then read back by index alone)
      std::uint32_t source_bytes;  // in the file; 0 when unknown or over 4 GiB
    };
    std::vector<essay_place> essays;
    std::unique_ptr<essay_reloader> reloader;
  };
  auto state = std::make_shared<text_state>();
  state->essays.reserve(expected);
  result.essays.reserve(expected);
  dedup.reserve(expected);
  result.text = [state](std::uint32_t doc) {
    auto const& place = state->essays.at(doc);
    essay_info e;
    e.file = state->files[place.file];
    e.index = place.index;
    e.offset = place.offset;
    e.bytes = place.bytes;
    e.source_bytes = place.bytes > 0 ? place.source_bytes : 0;
    return state->reloader->text(e);
  };
  dedup.set_text_source(result.text);

  // Files are handed out one at a time; their outputs are merged strictly in file order so the
  // document numbering never depends on scheduling, by whichever thread finishes the next file in
  // line, while the others go on reading and signing. A window bounds how many outputs wait.
  std::vector<signer_scratch> scratch(threads);
  std::size_t const window = std::max<std::size_t>(64, 8 * threads);
  std::vector<file_output> outputs(window);
  auto const small = [](std::uint64_t n) { return n <= UINT32_MAX ? static_cast<std::uint32_t>(n) : 0u; };
  detail::ordered_parallel_for(
      walked.files.size(), threads, window,
      [&](std::size_t i, unsigned w) {
        file_output& out = outputs[i % window];
        load_file(
            walked.files[i], per_file,
            [&](essay_info&& e, std::string_view text) {
              std::size_t const at = out.signatures.size();
              out.signatures.resize(at + k);
              auto const info = signer.sign(text, std::span<std::uint32_t>(out.signatures.data() + at, k), scratch[w]);
              out.empty.push_back(info.shingles == 0 ? 1 : 0);
              out.essays.push_back(std::move(e));
            },
            out.summary);
      },
      [&](std::size_t i) {
        file_output& out = outputs[i % window];
        for (std::size_t e = 0; e < out.essays.size(); ++e) {
          // The id lives in result.essays; the deduplicator need not keep a second copy.
          dedup.add_signature(std::string(), std::span<const std::uint32_t>(out.signatures.data() + e * k, k),
                              out.empty[e] != 0);
          if (state->files.empty() || state->files.back() != out.essays[e].file)
            state->files.push_back(out.essays[e].file);
          auto const& info = out.essays[e];
          state->essays.push_back({info.offset, static_cast<std::uint32_t>(state->files.size() - 1), info.index,
                                   small(info.bytes), small(info.source_bytes)});
          result.essays.push_back(std::move(out.essays[e]));
        }
        merge(result.load, std::move(out.summary));
        out = file_output{};
        if (options.load.progress) options.load.progress(i + 1, walked.files.size(), result.load.bytes);
      });
  result.timing.load_and_sign = seconds_since(start);

  start = std::chrono::steady_clock::now();
  state->reloader = std::make_unique<essay_reloader>(per_file, result.load.files);
  result.dedup = dedup.run();
  result.dedup.stats.bytes = 0;
  for (auto const& e : result.essays) result.dedup.stats.bytes += e.bytes;
  result.timing.dedup = seconds_since(start);
  return result;
}

}  // namespace neardup
