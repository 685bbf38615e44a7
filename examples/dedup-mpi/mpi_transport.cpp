#include "mpi_transport.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "neardup/error.hpp"

namespace dedup_mpi {
namespace {

constexpr int item_tag = 18;
constexpr std::size_t piece_bytes = std::size_t{1} << 30;
constexpr std::uint64_t done_item = UINT64_MAX;

}  // namespace

void wait_idle(MPI_Request& request, MPI_Status* status) {
  for (unsigned tries = 0;; ++tries) {
    int done = 0;
    MPI_Test(&request, &done, status);
    if (done) return;
    // A message is usually a moment away; a rank that waits for the others' whole share is not.
    if (tries < 2000)
      sched_yield();
    else
      std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void send_item(std::size_t item, std::string const& bytes) {
  std::uint64_t header[2] = {item, bytes.size()};
  MPI_Request request;
  MPI_Isend(header, 2, MPI_UINT64_T, 0, item_tag, MPI_COMM_WORLD, &request);
  wait_idle(request);
  for (std::size_t at = 0; at < bytes.size(); at += piece_bytes) {
    int const n = static_cast<int>(std::min(piece_bytes, bytes.size() - at));
    MPI_Isend(bytes.data() + at, n, MPI_BYTE, 0, item_tag, MPI_COMM_WORLD, &request);
    wait_idle(request);
  }
}

void send_done() {
  std::uint64_t header[2] = {done_item, 0};
  MPI_Request request;
  MPI_Isend(header, 2, MPI_UINT64_T, 0, item_tag, MPI_COMM_WORLD, &request);
  wait_idle(request);
}

receiver::receiver(int ranks) : thread_([this, ranks] { run(ranks); }) {}

receiver::~receiver() {
  if (thread_.joinable()) thread_.join();
}

void receiver::run(int ranks) {
  // Messages from one rank arrive in the order it sent them: a header, then its pieces.
  for (int left = ranks - 1; left > 0;) {
    std::uint64_t header[2] = {0, 0};
    MPI_Request request;
    MPI_Status status;
    MPI_Irecv(header, 2, MPI_UINT64_T, MPI_ANY_SOURCE, item_tag, MPI_COMM_WORLD, &request);
    wait_idle(request, &status);
    int const from = status.MPI_SOURCE;
    if (header[0] == done_item) {
      std::lock_guard<std::mutex> const hold(lock_);
      done_[from] = true;
      --left;
      arrived_.notify_all();
      continue;
    }
    std::string bytes(static_cast<std::size_t>(header[1]), '\0');
    for (std::size_t at = 0; at < bytes.size(); at += piece_bytes) {
      int const n = static_cast<int>(std::min(piece_bytes, bytes.size() - at));
      MPI_Irecv(bytes.data() + at, n, MPI_BYTE, from, item_tag, MPI_COMM_WORLD, &request);
      wait_idle(request);
    }
    std::lock_guard<std::mutex> const hold(lock_);
    items_.emplace(std::pair{from, static_cast<std::size_t>(header[0])}, std::move(bytes));
    arrived_.notify_all();
  }
}

std::string receiver::take(int from, std::size_t item) {
  std::unique_lock<std::mutex> hold(lock_);
  auto const key = std::pair{from, item};
  arrived_.wait(hold, [&] { return items_.contains(key) || done_[from]; });
  auto const it = items_.find(key);
  if (it == items_.end())
    throw neardup::error(neardup::errc::parse_error,
                         "rank " + std::to_string(from) + " did not send item " +
                             std::to_string(item) + ": the ranks do not see the same inputs");
  std::string bytes = std::move(it->second);
  items_.erase(it);
  return bytes;
}

void receiver::finish() {
  if (thread_.joinable()) thread_.join();
}

void barrier_idle() {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_idle(request);
}

}  // namespace dedup_mpi
