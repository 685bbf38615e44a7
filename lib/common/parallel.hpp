// detail::parallel_for — hand out blocks of [0, n) to a few std::threads.
// Results stay deterministic because every index is computed independently and written to its own slot.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace neardup::detail {

/// Number of worker threads for a request of `requested` (0 = all hardware threads).
inline unsigned resolve_threads(unsigned requested) noexcept {
  if (requested != 0) return requested;
  unsigned const hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

/// Calls fn(begin, end, worker) on disjoint blocks covering [0, n), `block` indices at a time, handed
/// out dynamically so that uneven documents keep every thread busy. `worker` is in [0, threads) and
/// indexes per-thread scratch. Rethrows the first exception after all workers stopped.
template <class Fn>
void parallel_for(std::size_t n, unsigned threads, std::size_t block, Fn&& fn) {
  block = std::max<std::size_t>(block, 1);
  std::size_t const blocks = (n + block - 1) / block;
  std::size_t const workers = std::min<std::size_t>(std::max(1u, threads), blocks);
  if (workers <= 1) {
    if (n > 0) fn(std::size_t{0}, n, 0u);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](unsigned w) {
    try {
      for (;;) {
        std::size_t const b = next.fetch_add(1, std::memory_order_relaxed);
        if (b >= blocks) break;
        std::size_t const begin = b * block;
        fn(begin, std::min(n, begin + block), w);
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(blocks, std::memory_order_relaxed);  // stop the others early
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, static_cast<unsigned>(w));
  work(0u);  // the calling thread is worker 0
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

/// Takes items 0, 1, 2, ... while take(i) says there is one, calls produce(i, worker) for each on
/// `threads` threads, and consume(i) strictly in order, each once and never two at a time, by
/// whichever thread finds i next in line: the ordered merge of a pipeline overlaps the production of
/// later items instead of waiting for a whole batch. take() runs in order and one at a time (it may
/// read the next piece of a stream); at most `window` items are taken ahead of the one consumed next
/// (take and produce may use slot i % window). Rethrows the first exception after all workers stopped.
template <class Take, class Produce, class Consume>
void ordered_stream_for(unsigned threads, std::size_t window, Take&& take, Produce&& produce, Consume&& consume) {
  if (threads <= 1) {
    for (std::size_t i = 0; take(i); ++i) {
      produce(i, 0u);
      consume(i);
    }
    return;
  }
  window = std::max<std::size_t>(window, threads);
  std::mutex mutex;
  std::condition_variable slot_freed;
  std::vector<char> ready(window, 0);
  std::size_t next = 0;      // next item to take
  std::size_t consumed = 0;  // next item to consume
  bool exhausted = false;    // take() said there are no more
  bool consuming = false;    // a thread is consuming now
  std::exception_ptr failure;
  auto work = [&](unsigned w) {
    try {
      for (;;) {
        std::size_t i = 0;
        {
          std::unique_lock lock(mutex);
          slot_freed.wait(lock, [&] { return failure || exhausted || next < consumed + window; });
          if (failure || exhausted) return;
          if (!take(next)) {
            exhausted = true;
            slot_freed.notify_all();
            return;
          }
          i = next++;
        }
        produce(i, w);
        std::unique_lock lock(mutex);
        ready[i % window] = 1;
        if (consuming) continue;  // that thread sees this item when it gets to it
        consuming = true;
        while (!failure && consumed < next && ready[consumed % window]) {
          std::size_t const c = consumed;
          lock.unlock();
          consume(c);
          lock.lock();
          ready[c % window] = 0;
          ++consumed;
          slot_freed.notify_all();
        }
        consuming = false;
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      consuming = false;
      slot_freed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0u);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

/// ordered_stream_for() over the items [0, n).
template <class Produce, class Consume>
void ordered_parallel_for(std::size_t n, unsigned threads, std::size_t window, Produce&& produce,
                          Consume&& consume) {
  ordered_stream_for(
      n <= 1 ? 1u : threads, window, [n](std::size_t i) { return i < n; }, std::forward<Produce>(produce),
      std::forward<Consume>(consume));
}

}  // namespace neardup::detail
