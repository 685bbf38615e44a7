// The recently-used cache behind the files kept open and the files decoded again when essays are
// read back: hits make nothing, the least recently used goes first, a failed make keeps nothing,
// and threads share it safely.
#include "common/recent_cache.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using cache = neardup::detail::recent_cache<std::string, std::string>;

/// Gets `key` from `c`, counting the makes in `made`; the value is "value of <key>".
std::string get(cache& c, std::string const& key, int& made) {
  return *c.get(key, [&] {
    ++made;
    return std::make_shared<std::string>("value of " + key);
  });
}

}  // namespace

TEST_CASE("recent_cache makes a value once while it is kept, and drops the least recently used",
          "[recent_cache]") {
  cache c(2);
  int made = 0;
  CHECK(get(c, "a", made) == "value of a");
  CHECK(get(c, "a", made) == "value of a");
  CHECK(made == 1);
  CHECK(get(c, "b", made) == "value of b");
  CHECK(made == 2);
  CHECK(c.size() == 2);

  CHECK(get(c, "a", made) == "value of a");  // a hit: a is now the most recently used
  CHECK(made == 2);
  CHECK(get(c, "c", made) == "value of c");  // full: b goes, not a
  CHECK(made == 3);
  CHECK(c.size() == 2);
  CHECK(get(c, "a", made) == "value of a");
  CHECK(made == 3);
  CHECK(get(c, "b", made) == "value of b");  // made again
  CHECK(made == 4);
}

TEST_CASE("recent_cache: a value handed out outlives its eviction, capacity 0 keeps one",
          "[recent_cache]") {
  cache c(0);
  int made = 0;
  auto const a = c.get("a", [&] {
    ++made;
    return std::make_shared<std::string>("A");
  });
  CHECK(c.size() == 1);
  CHECK(get(c, "b", made) == "value of b");  // a evicted from the cache...
  CHECK(c.size() == 1);
  CHECK(*a == "A");  // ...but still held here
  CHECK(get(c, "b", made) == "value of b");
  CHECK(made == 2);
}

TEST_CASE("recent_cache: an exception from make passes through and keeps nothing",
          "[recent_cache]") {
  cache c(4);
  int made = 0;
  CHECK(get(c, "a", made) == "value of a");
  CHECK_THROWS_AS(
      c.get("bad", []() -> std::shared_ptr<std::string const> { throw std::runtime_error("no"); }),
      std::runtime_error);
  CHECK(c.size() == 1);
  CHECK(get(c, "bad", made) == "value of bad");
  CHECK(made == 2);
}

TEST_CASE("recent_cache shared by threads gives every key its own value", "[recent_cache]") {
  cache c(3);
  std::atomic<int> makes{0};
  std::atomic<bool> wrong{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string const key = std::to_string((i * 7 + t) % 5);
        auto const v = c.get(key, [&] {
          ++makes;
          return std::make_shared<std::string>("value of " + key);
        });
        if (*v != "value of " + key) wrong = true;  // no Catch assertions off the main thread
      }
    });
  for (auto& th : threads) th.join();
  CHECK_FALSE(wrong);
  CHECK(c.size() == 3);
  CHECK(makes >= 5);  // every key made at least once; five keys never fit in three places
}
