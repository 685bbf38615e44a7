#include "mpi_transport.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include "neardup/error.hpp"

namespace dedup_mpi {
namespace {

constexpr int item_tag = 18;
constexpr std::size_t piece_bytes = std::size_t{1} << 30;
constexpr std::uint64_t done_item = UINT64_MAX;

}  // namespace

void wait_idle(MPI_Request& request, MPI_Status* status) {
  // Sleep, not spin: a waiting thread must leave the core to the ranks that work. The sleeps grow
  // (50 us to 5 ms) the longer the wait: a rank waiting seconds for rank 0 to verify would
  // otherwise wake 20,000 times a second on the cores rank 0's threads verify on.
  auto idle = std::chrono::microseconds(50);
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, status);
    if (done) return;
    std::this_thread::sleep_for(idle);
    idle = std::min(idle * 2, std::chrono::microseconds(5000));
  }
}

namespace {

// A rank's sends in flight: each kept (its header and bytes) until MPI is done with it, so that
// the rank goes on signing instead of waiting for rank 0 to take each item.
struct pending_send {
  std::uint64_t header[2];
  std::string bytes;
  std::vector<MPI_Request> requests;
};
std::deque<pending_send> in_flight;

void post(pending_send& p) {
  p.requests.emplace_back();
  MPI_Isend(p.header, 2, MPI_UINT64_T, 0, item_tag, MPI_COMM_WORLD, &p.requests.back());
  for (std::size_t at = 0; at < p.bytes.size(); at += piece_bytes) {
    int const n = static_cast<int>(std::min(piece_bytes, p.bytes.size() - at));
    p.requests.emplace_back();
    MPI_Isend(p.bytes.data() + at, n, MPI_BYTE, 0, item_tag, MPI_COMM_WORLD, &p.requests.back());
  }
}

bool sent(pending_send& p) {
  int done = 0;
  MPI_Testall(static_cast<int>(p.requests.size()), p.requests.data(), &done, MPI_STATUSES_IGNORE);
  return done != 0;
}

}  // namespace

void send_item(std::size_t item, std::string&& bytes) {
  while (!in_flight.empty() && sent(in_flight.front())) in_flight.pop_front();
  // At most this many items in flight: rank 0 receives as they come, so this is seldom reached.
  while (in_flight.size() >= 256) {
    if (!sent(in_flight.front())) std::this_thread::sleep_for(std::chrono::microseconds(50));
    while (!in_flight.empty() && sent(in_flight.front())) in_flight.pop_front();
  }
  pending_send& p = in_flight.emplace_back();
  p.header[0] = item;
  p.header[1] = bytes.size();
  p.bytes = std::move(bytes);
  post(p);
}

void send_done() {
  pending_send& p = in_flight.emplace_back();
  p.header[0] = done_item;
  p.header[1] = 0;
  post(p);
  for (auto& q : in_flight)
    for (auto& r : q.requests) wait_idle(r);
  in_flight.clear();
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

namespace {

constexpr int message_tag = 19;
std::deque<pending_send> posted;

/// wait_idle(), but testing without sleeping for the first 20 ms (yielding the core to any
/// process that wants it): requests and replies come every few hundred microseconds while rank 0
/// verifies, and a helper that slept would leave rank 0 waiting for it to wake.
void wait_soon(MPI_Request& request, MPI_Status* status = MPI_STATUS_IGNORE) {
  auto const spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  do {
    int done = 0;
    MPI_Test(&request, &done, status);
    if (done) return;
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < spin_until);
  wait_idle(request, status);
}

void post_to(pending_send& p, int to) {
  p.requests.emplace_back();
  MPI_Isend(p.header, 2, MPI_UINT64_T, to, message_tag, MPI_COMM_WORLD, &p.requests.back());
  for (std::size_t at = 0; at < p.bytes.size(); at += piece_bytes) {
    int const n = static_cast<int>(std::min(piece_bytes, p.bytes.size() - at));
    p.requests.emplace_back();
    MPI_Isend(p.bytes.data() + at, n, MPI_BYTE, to, message_tag, MPI_COMM_WORLD,
              &p.requests.back());
  }
}

}  // namespace

void post_message(int to, std::string&& bytes) {
  while (!posted.empty() && sent(posted.front())) posted.pop_front();
  pending_send& p = posted.emplace_back();
  p.header[0] = static_cast<std::uint64_t>(to);
  p.header[1] = bytes.size();
  p.bytes = std::move(bytes);
  post_to(p, to);
}

std::string take_message(int from) {
  std::uint64_t header[2] = {0, 0};
  MPI_Request request;
  MPI_Irecv(header, 2, MPI_UINT64_T, from, message_tag, MPI_COMM_WORLD, &request);
  wait_soon(request);
  std::string bytes(static_cast<std::size_t>(header[1]), '\0');
  for (std::size_t at = 0; at < bytes.size(); at += piece_bytes) {
    int const n = static_cast<int>(std::min(piece_bytes, bytes.size() - at));
    MPI_Irecv(bytes.data() + at, n, MPI_BYTE, from, message_tag, MPI_COMM_WORLD, &request);
    wait_soon(request);
  }
  while (!posted.empty() && sent(posted.front())) posted.pop_front();
  return bytes;
}

bool message_waiting(int from) {
  int flag = 0;
  MPI_Iprobe(from, message_tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
  while (!posted.empty() && sent(posted.front())) posted.pop_front();
  return flag != 0;
}

void flush_messages() {
  for (auto& p : posted)
    for (auto& r : p.requests) wait_idle(r);
  posted.clear();
}

void barrier_idle() {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_idle(request);
}

}  // namespace dedup_mpi
