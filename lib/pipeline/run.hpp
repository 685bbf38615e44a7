// detail: the pipeline with a step between loading and clustering, for the index check (which adds
// the stored candidates of the loaded essays to the same deduplicator).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "neardup/pipeline.hpp"

namespace neardup::detail {

/// The seconds since `start`, for the stages' timings.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// What the load signed, by document index, kept for storing it: k values, bands keys, and with
/// templates sentence bands keys and a filter per essay.
struct signed_batch {
  std::vector<std::uint32_t> signatures;
  std::vector<std::uint64_t> keys;
  std::vector<std::uint64_t> sentence_keys;
  std::vector<sentence_filter> filters;
  std::vector<signature_info> infos;
  void add(std::span<const std::uint32_t> signature, std::span<const std::uint64_t> own,
           std::size_t sentence_bands, std::vector<std::uint64_t> const& sentence_keys_of,
           std::vector<sentence_filter> const& filters_of, std::size_t e,
           signature_info const& info);
};

/// The deduplicator's text source: documents below loaded_count from the load, the rest from
/// `stored` (numbered from 0).
struct text_route {
  std::function<std::string(std::uint32_t)> loaded;
  std::function<std::string(std::uint32_t)> stored;
  std::size_t loaded_count = SIZE_MAX;
  std::string operator()(std::uint32_t doc) const;
};

/// Called once the essays are loaded and added, before the deduplicator runs.
using after_load = std::function<void(deduplicator&, pipeline_result&, signed_batch&, text_route&)>;

/// run_pipeline() with `hook` (null: none) between the load and the run.
pipeline_result run_pipeline_with(std::span<const std::string> paths,
                                  pipeline_options const& options, after_load const& hook);

}  // namespace neardup::detail
