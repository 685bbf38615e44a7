// pipeline_share — one run's reading and signing spread over processes (MPI ranks, or any other
// transport): every process walks the same inputs and cuts them into the same work items (files,
// or chunks of whole lines of JSON Lines files), produces (reads, decodes, splits, signs) the items
// of its share, and ships each one's output as bytes to share 0. Share 0 receives them in item
// order and merges them with its own exactly as run_pipeline merges its threads' outputs, then
// runs candidates, verification and clustering, so the result is the same for any number of shares.
// With `post` and `take`, the other shares then make part of the shingle and sentence sets that
// share 0's exact measurements need (reading the texts back by path), which share 0 measures.
//
// Shares are contiguous byte ranges of the inputs in input order (share_of), so a share reads
// about 1/count of the bytes. Share 0 reads texts back by path for verification and reports: the
// processes must see the same files at the same paths (one machine, or a shared file system).
//
//   neardup::pipeline_options options;
//   options.share = {rank, ranks, send_to_rank_0, receive_from};
//   auto run = neardup::run_pipeline(paths, options);  // the whole result on share 0 only
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace neardup {

struct pipeline_share {
  unsigned index = 0;  ///< this process's share; share 0 merges and runs the rest
  unsigned count = 1;  ///< shares in all; 1: run_pipeline does everything itself
  /// Share 0's byte range against each other share's (share_of): 1 for equal ranges; below 1 so
  /// that share 0, which also merges every other share's output, ends its load when they do
  /// (first_share_weight() gives the one dedup-mpi uses). Every share must be given the same.
  double first_weight = 1.0;
  /// Shares other than 0: item `item`'s output, for share 0 (items of one share in order).
  std::function<void(std::size_t item, std::string&& bytes)> send;
  /// Share 0: the output of item `item`, produced by share `from`, as `send` gave it there.
  std::function<std::string(unsigned from, std::size_t item)> receive;
  /// Called on every share once its part of the load is done: on the other shares when all their
  /// items are sent, on share 0 when all items are received (after it, `send` and `receive` are
  /// not called again). Null: nothing to do.
  std::function<void()> loaded;
  /// Optional, both or neither: messages between share 0 and the others after the load, with
  /// which the other shares make part of the sets verification's exact measurements lack (their
  /// texts read back by path, as share 0 reads them) while share 0 makes the rest and measures:
  /// `post(to, bytes)` sends, `take(from)` returns the next message from `from`, in the order
  /// sent. The other shares then return from run_pipeline only when share 0 is done verifying.
  /// Without them share 0 does it alone; the result is the same either way. Not used with
  /// JSON Lines files read from a decoded copy (which only share 0 has).
  std::function<void(unsigned to, std::string&& bytes)> post;
  std::function<std::string(unsigned from)> take;
  /// Optional, with post and take: whether a message from `from` has come (take would not wait
  /// for its start). Share 0 then goes on without a helper that is still busy. Null: it waits.
  std::function<bool(unsigned from)> ready;
  /// With post and take: share 1 searches the templates' candidates while share 0 verifies when
  /// the candidate pairs are at least this many per essay (as where essays share paragraphs);
  /// 0: always. The result is the same either way.
  double search_templates_from = 2.0;
};

/// The share that produces an item starting `at` bytes into inputs of `total` bytes in all:
/// share s takes the items that start in [s·w, (s+1)·w) with w = ⌈total / count⌉ (the last share
/// also those at or past `total`, should a file have grown). With `first_weight` share 0's range
/// is that many times another share's (0 to 1; 0: share 0 produces nothing), the others equal.
[[nodiscard]] unsigned share_of(std::uint64_t at, std::uint64_t total, unsigned count,
                                double first_weight = 1.0) noexcept;

/// The first_weight at which share 0, producing its range and merging every share's output,
/// ends its load with the others when merging an item costs `merge_cost` times producing it.
[[nodiscard]] double first_share_weight(unsigned count, double merge_cost) noexcept;

}  // namespace neardup
