#include "mpi_transport.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

#include "neardup/error.hpp"

namespace dedup_mpi {
namespace {

constexpr int item_tag = 18;
constexpr std::size_t piece_bytes = std::size_t{1} << 30;

}  // namespace

void wait_idle(MPI_Request& request) {
  for (unsigned tries = 0;; ++tries) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
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

std::string receive_item(int from, std::size_t item) {
  std::uint64_t header[2] = {0, 0};
  MPI_Request request;
  MPI_Irecv(header, 2, MPI_UINT64_T, from, item_tag, MPI_COMM_WORLD, &request);
  wait_idle(request);
  if (header[0] != item)
    throw neardup::error(neardup::errc::parse_error,
                         "rank " + std::to_string(from) + " sent item " +
                             std::to_string(header[0]) + " where item " + std::to_string(item) +
                             " was due: the ranks do not see the same inputs");
  std::string bytes(static_cast<std::size_t>(header[1]), '\0');
  for (std::size_t at = 0; at < bytes.size(); at += piece_bytes) {
    int const n = static_cast<int>(std::min(piece_bytes, bytes.size() - at));
    MPI_Irecv(bytes.data() + at, n, MPI_BYTE, from, item_tag, MPI_COMM_WORLD, &request);
    wait_idle(request);
  }
  return bytes;
}

void barrier_idle() {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_idle(request);
}

}  // namespace dedup_mpi
