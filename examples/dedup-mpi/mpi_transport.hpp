// mpi_transport — how dedup-mpi's ranks hand their items to rank 0 (neardup::pipeline_share's
// send and receive over MPI), and waits that leave the core free: OpenMPI spins in a blocking
// call, which on a machine with as many ranks as cores would take the time of the rank that works.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <string>

namespace dedup_mpi {

/// Waits for `request` by testing it, yielding and then sleeping between tests.
void wait_idle(MPI_Request& request);

/// Sends item `item`'s bytes to rank 0: a header (item, size), then the bytes in pieces of at
/// most 1 GiB (MPI counts are ints).
void send_item(std::size_t item, std::string const& bytes);

/// Receives item `item` from rank `from`. Throws neardup::error(parse_error) when the header names
/// another item (the ranks disagree on the items: not the same inputs).
std::string receive_item(int from, std::size_t item);

/// Waits until every rank reached this point (an MPI_Ibarrier waited for with wait_idle).
void barrier_idle();

}  // namespace dedup_mpi
