// The thread helpers the stages share: every index handled once, ordered consumption in order and
// one at a time, the first exception passed on.
#include "common/parallel.hpp"

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

TEST_CASE("ordered_parallel_for consumes every item once, in order, one at a time", "[parallel]") {
  for (unsigned threads : {1u, 2u, 4u}) {
    for (std::size_t window : {1u, 3u, 64u}) {
      INFO("threads " << threads << ", window " << window);
      std::size_t const n = 500;
      std::vector<int> slots(std::max<std::size_t>(window, threads), -1);
      std::vector<std::size_t> consumed;
      std::atomic<int> consuming{0};
      std::atomic<bool> overlapped{false}, bad_worker{false}, slot_reused{false};
      neardup::detail::ordered_parallel_for(
          n, threads, window,
          [&](std::size_t i, unsigned worker) {
            if (worker >= threads) bad_worker = true;  // no Catch assertions off the main thread
            // Uneven work, so that items finish out of order.
            if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
            slots[i % slots.size()] = static_cast<int>(i);
          },
          [&](std::size_t i) {
            if (consuming.fetch_add(1) != 0) overlapped = true;
            if (slots[i % slots.size()] != static_cast<int>(i)) slot_reused = true;  // overwritten too early
            consumed.push_back(i);
            consuming.fetch_sub(1);
          });
      CHECK_FALSE(overlapped.load());
      CHECK_FALSE(bad_worker.load());
      CHECK_FALSE(slot_reused.load());
      REQUIRE(consumed.size() == n);
      for (std::size_t i = 0; i < n; ++i) CHECK(consumed[i] == i);
    }
  }
}

TEST_CASE("ordered_parallel_for passes on the first exception and stops", "[parallel]") {
  for (unsigned threads : {1u, 2u}) {
    std::atomic<std::size_t> produced{0};
    CHECK_THROWS_AS(neardup::detail::ordered_parallel_for(
                        10000, threads, 8,
                        [&](std::size_t i, unsigned) {
                          ++produced;
                          if (i == 20) throw std::runtime_error("bad item");
                        },
                        [](std::size_t) {}),
                    std::runtime_error);
    CHECK(produced.load() < 10000);
    CHECK_THROWS_AS(neardup::detail::ordered_parallel_for(
                        100, threads, 8, [](std::size_t, unsigned) {},
                        [](std::size_t i) {
                          if (i == 50) throw std::runtime_error("bad merge");
                        }),
                    std::runtime_error);
  }
}

TEST_CASE("parallel_for covers every index once, for any thread count and block", "[parallel]") {
  for (unsigned threads : {1u, 2u, 5u}) {
    for (std::size_t block : {1u, 7u, 1000u}) {
      std::vector<std::atomic<int>> hits(1234);
      std::atomic<bool> bad_worker{false};
      neardup::detail::parallel_for(hits.size(), threads, block, [&](std::size_t b, std::size_t e, unsigned w) {
        if (w >= threads) bad_worker = true;
        for (std::size_t i = b; i < e; ++i) ++hits[i];
      });
      CHECK_FALSE(bad_worker.load());
      for (auto const& h : hits) CHECK(h.load() == 1);
    }
  }
}

TEST_CASE("parallel_for from inside a call and from two threads at once covers every index once",
          "[parallel]") {
  // The kept threads run one call at a time: a nested call, or one made while another thread's
  // runs, gets threads of its own. Each call's workers are distinct, each index handled once.
  std::vector<std::atomic<int>> hits(64 * 100);
  std::atomic<bool> shared_worker{false};
  auto nested = [&](std::size_t offset) {
    neardup::detail::parallel_for(64, 4, 1, [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t i = b; i < e; ++i) {
        std::vector<std::atomic<int>> used(3);
        neardup::detail::parallel_for(100, 3, 10, [&](std::size_t ib, std::size_t ie, unsigned w) {
          if (used[w].fetch_add(1) != 0) shared_worker = true;  // two blocks at once on one worker
          for (std::size_t k = ib; k < ie; ++k) ++hits[offset + i * 100 + k];
          used[w].fetch_sub(1);
        });
      }
    });
  };
  std::vector<std::atomic<int>> more(64 * 100);
  std::thread other([&] {
    for (int round = 0; round < 20; ++round)
      neardup::detail::parallel_for(more.size(), 2, 50,
                                    [&](std::size_t b, std::size_t e, unsigned) {
                                      for (std::size_t i = b; i < e; ++i) ++more[i];
                                    });
  });
  nested(0);
  other.join();
  CHECK_FALSE(shared_worker.load());
  for (auto const& h : hits) CHECK(h.load() == 1);
  for (auto const& m : more) CHECK(m.load() == 20);
}

TEST_CASE("parallel_for passes on the first exception, and the next call runs", "[parallel]") {
  for (int round = 0; round < 3; ++round) {
    CHECK_THROWS_AS(neardup::detail::parallel_for(1000, 2, 1,
                                                  [](std::size_t b, std::size_t, unsigned) {
                                                    if (b == 500) throw std::runtime_error("bad");
                                                  }),
                    std::runtime_error);
    std::atomic<std::size_t> sum{0};
    neardup::detail::parallel_for(1000, 3, 7, [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t i = b; i < e; ++i) sum += i;
    });
    CHECK(sum.load() == 999 * 1000 / 2);
  }
}
