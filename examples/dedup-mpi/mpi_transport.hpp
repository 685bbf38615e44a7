// mpi_transport — how dedup-mpi's ranks hand their items to rank 0 (neardup::pipeline_share's
// send and receive over MPI), and then verification's messages (post and take). Rank 0 receives
// items on a thread of its own, from any rank, and keeps them until the merge asks for them: a
// rank never waits for rank 0 to reach its items (a blocking hand-over would run the ranks one
// after another), and a rank's sends are in flight while it signs the next items. Waits test and
// then sleep: OpenMPI spins in a blocking call, which on a machine with as many ranks as cores
// would take the time of the rank that works.
#pragma once

#include <mpi.h>

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace dedup_mpi {

/// Waits for `request` by testing it, sleeping between tests (longer and longer, up to 5 ms).
void wait_idle(MPI_Request& request, MPI_Status* status = MPI_STATUS_IGNORE);

/// Sends item `item`'s bytes to rank 0: a header (item, size), then the bytes in pieces of at
/// most 1 GiB (MPI counts are ints). Returns once the sends are posted (at most 256 items in
/// flight); the bytes are kept until they have gone. One thread at a time.
void send_item(std::size_t item, std::string&& bytes);
/// Tells rank 0 that this rank has sent all its items, and waits until all have gone.
void send_done();

/// Rank 0's side: a thread that receives every other rank's items until each said it is done.
/// While it runs, it is the only one of rank 0's threads that calls MPI.
class receiver {
 public:
  explicit receiver(int ranks);
  ~receiver();  // joins the thread
  receiver(receiver const&) = delete;
  receiver& operator=(receiver const&) = delete;

  /// Item `item` from rank `from`, once it has arrived (each is taken once). Throws
  /// neardup::error(parse_error) when that rank said it was done without sending it (the ranks
  /// disagree on the items: not the same inputs).
  std::string take(int from, std::size_t item);
  /// Waits until every rank said it is done (after which rank 0 may call MPI again).
  void finish();

 private:
  void run(int ranks);
  std::mutex lock_;
  std::condition_variable arrived_;
  std::map<std::pair<int, std::size_t>, std::string> items_;
  std::map<int, bool> done_;
  std::thread thread_;
};

/// Waits until every rank reached this point (an MPI_Ibarrier waited for with wait_idle).
void barrier_idle();

/// After the load (the receiver finished): a message to rank `to` (pipeline_share::post), sent
/// without waiting for it to arrive (kept until it has gone), and the next message from `from`
/// (pipeline_share::take). A wait for a message tests for 20 ms before it sleeps: rank 0 and the
/// others hand requests and sets to each other hundreds of times a second. One thread at a time.
void post_message(int to, std::string&& bytes);
std::string take_message(int from);
/// Whether the next message from `from` has begun to arrive (pipeline_share::ready): take_message
/// would not wait for it to start. Also moves the posted messages on.
bool message_waiting(int from);
/// Waits until every posted message has gone.
void flush_messages();

}  // namespace dedup_mpi
