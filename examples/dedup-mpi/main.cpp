// dedup-mpi — dedup over MPI ranks: `mpirun -np N dedup-mpi [dedup's options] PATH…`.
// Every rank walks the same inputs; each reads, splits and signs its share of them (contiguous
// byte ranges in input order: whole files, or chunks of whole lines of JSON Lines files) and ships
// what it signed to rank 0, which merges the shares in input order, verifies (the other ranks
// reading back and shingling part of the texts its exact measurements need), clusters and writes
// the reports: the same bytes as dedup's on the same input, for any N (the timings aside).
// Thin: the options and reports are dedup's (../cli/dedup_cli.*), the sharing is the library's
// (neardup/pipeline_share.hpp), the transport is mpi_transport.*.
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "../cli/dedup_cli.hpp"
#include "mpi_transport.hpp"

namespace {

/// A rank that cannot go on ends the whole job (a partial report is never written): MPI_Abort
/// makes mpirun stop every rank and exit with this status.
[[noreturn]] void abort_job(int rank, std::string const& why) {
  std::cerr << "dedup-mpi: " << (rank ? "rank " + std::to_string(rank) + ": " : "") << why << "\n"
            << std::flush;
  MPI_Abort(MPI_COMM_WORLD, dedup_cli::exit_usage);
  std::_Exit(dedup_cli::exit_usage);
}

/// Test hook (tests/dedup_mpi_test.sh): DEDUP_MPI_TEST_DIE=R makes rank R die, as a crashed
/// process would, when it is about to send its first item.
bool dies_here(int rank) {
  char const* die = std::getenv("DEDUP_MPI_TEST_DIE");
  return die && *die && std::atoi(die) == rank;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dedup_cli;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // The pipeline's ordered merge sends from whichever thread merges next; rank 0 receives on a
  // thread of its own.
  if (provided < MPI_THREAD_SERIALIZED)
    abort_job(
        rank,
        "this MPI library cannot be called from more than one thread (MPI_THREAD_SERIALIZED)");
  std::ios::sync_with_stdio(false);
  // Only rank 0 speaks about the command line; the others parse it alike, silently.
  std::ostringstream silent;
  std::ostream& errors = rank == 0 ? std::cerr : silent;
  auto finish = [](int status) {
    MPI_Finalize();
    return status;
  };

  CLI::App app{
      "dedup-mpi — dedup over MPI ranks: mpirun -np N dedup-mpi [dedup's options] PATH...\n\n"
      "Takes dedup's options and writes dedup's reports (rank 0 writes them), byte for byte the\n"
      "same as dedup's on the same input for any number of ranks (the timings aside). Each rank\n"
      "reads, splits and signs its share of the input (contiguous byte ranges: whole files, or\n"
      "chunks of whole lines of JSON Lines files); rank 0 merges them in input order, verifies\n"
      "(the other ranks read back and shingle part of the texts it measures), clusters and\n"
      "writes the reports, so every rank must see the inputs at the same paths (one machine, or a\n"
      "shared file system). Standard input and pipes cannot be shared.\n",
      "dedup-mpi"};
  command cli("dedup-mpi");
  if (auto const done = cli.parse(app, argc, argv, rank == 0 ? std::cout : silent, errors))
    return finish(*done);
  if (cli.show_split) return finish(rank == 0 ? cli.run_show_split() : exit_ok);
  if (!cli.index_dir.empty()) {  // every rank says the same; rank 0 says it
    if (rank == 0)
      errors << "dedup-mpi: --index is not supported across ranks yet; use dedup --index\n";
    return finish(exit_usage);
  }

  auto const start = std::chrono::steady_clock::now();
  int status = exit_ok;
  // Outside the try: a rank that fails ends the job from the handler, never waiting for its
  // receiver to join.
  std::optional<dedup_mpi::receiver> incoming;
  try {
    neardup::pipeline_options options = cli.pipeline_options();
    if (rank != 0) cli.progress.enabled = false;
    options.share.index = static_cast<unsigned>(rank);
    options.share.count = static_cast<unsigned>(ranks);
    // Rank 0 also merges every item the others send (receiving, decoding, adding): it reads a
    // smaller range so that it ends its load with them. Merging an item costs 0.1-0.25 of reading
    // and signing it on the machines measured (docs/scaling.md); DEDUP_MPI_MERGE_COST sets it.
    double merge_cost = 0.15;
    if (char const* m = std::getenv("DEDUP_MPI_MERGE_COST"); m != nullptr && *m != '\0')
      merge_cost = std::atof(m);
    options.share.first_weight = neardup::first_share_weight(options.share.count, merge_cost);
    std::size_t items_sent = 0, bytes_sent = 0;
    if (rank != 0)
      options.share.send = [&, rank](std::size_t item, std::string&& bytes) {
        if (dies_here(rank)) std::_Exit(9);
        ++items_sent;
        bytes_sent += bytes.size();
        dedup_mpi::send_item(item, std::move(bytes));
      };
    if (rank == 0 && ranks > 1) {
      incoming.emplace(ranks);
      options.share.receive = [&](unsigned from, std::size_t item) {
        return incoming->take(static_cast<int>(from), item);
      };
    }
    // Once loaded, the other ranks make part of the sets rank 0's exact measurements need: the
    // item traffic ends first (rank 0's receiver thread then no longer calls MPI).
    if (ranks > 1) {
      if (rank != 0)
        options.share.loaded = [] { dedup_mpi::send_done(); };
      else
        options.share.loaded = [&] { incoming->finish(); };
      options.share.post = [](unsigned to, std::string&& bytes) {
        dedup_mpi::post_message(static_cast<int>(to), std::move(bytes));
      };
      options.share.take = [](unsigned from) {
        return dedup_mpi::take_message(static_cast<int>(from));
      };
      options.share.ready = [](unsigned from) {
        return dedup_mpi::message_waiting(static_cast<int>(from));
      };
    }
    auto run = neardup::run_pipeline(cli.paths, options);
    if (incoming) incoming->finish();
    dedup_mpi::flush_messages();
    // DEDUP_MPI_STATS=1: what each rank read and sent (docs/scaling.md's bytes per essay).
    if (char const* stats = std::getenv("DEDUP_MPI_STATS"); stats && *stats == '1' && rank != 0)
      std::cerr << "dedup-mpi: rank " << rank << ": " << items_sent << " items, " << bytes_sent
                << " bytes sent, read and signed in " << run.timing.load_and_sign << " s\n";
    if (rank == 0) {
      cli.progress.clear();
      double const seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      status = cli.write_reports(run, seconds);
    }
    std::cout.flush();
    std::fflush(nullptr);
  } catch (neardup::error const& e) {
    cli.progress.clear();
    // A bad option (an invalid pattern, standard input) stops every rank alike before any message
    // is sent: rank 0 says it and ends the job; the others give it a moment to, not to say it N
    // times (and say it themselves should rank 0 not have ended the job by then).
    if (rank != 0 && e.code() == neardup::errc::invalid_argument)
      std::this_thread::sleep_for(std::chrono::seconds(10));
    abort_job(rank, e.what());
  }
  // Rank 0 has written everything; the others wait here (without spinning) until it has.
  dedup_mpi::barrier_idle();
  MPI_Finalize();
  // As dedup: leave without freeing the run piece by piece.
  std::_Exit(status);
}
