// detail::recent_cache — the last few values made, by key, shared by threads: the files kept open
// for reading essays back (corpus/read_back.cpp) and the files decoded and split again there.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace neardup::detail {

/// Keeps the `capacity` values used last; a lookup that misses makes the value outside the lock,
/// so a slow make (opening or decoding a file) holds up no other thread. Two threads that miss
/// the same key at once may both make it; the second value made is the one kept. Thread-safe.
/// Meant for a few dozen entries: lookups are a linear search.
template <class Key, class Value>
class recent_cache {
 public:
  explicit recent_cache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  /// The value for `key`, made by `make()` (which returns a std::shared_ptr<Value const>, or
  /// something that converts to one) when it is not kept. An exception from `make` leaves the
  /// cache as it was.
  template <class Make>
  [[nodiscard]] std::shared_ptr<Value const> get(Key const& key, Make&& make) {
    {
      std::lock_guard lock(mutex_);
      auto hit = std::find_if(recent_.begin(), recent_.end(),
                              [&](entry const& e) { return e.first == key; });
      if (hit != recent_.end()) {
        std::rotate(hit, hit + 1, recent_.end());  // now the most recently used
        return recent_.back().second;
      }
    }
    std::shared_ptr<Value const> made = std::forward<Make>(make)();
    std::lock_guard lock(mutex_);
    auto again = std::find_if(recent_.begin(), recent_.end(),
                              [&](entry const& e) { return e.first == key; });
    if (again != recent_.end()) {
      recent_.erase(again);  // made meanwhile by another thread
    } else if (recent_.size() == capacity_) {
      recent_.erase(recent_.begin());  // the least recently used
    }
    recent_.emplace_back(key, made);
    return made;
  }

  /// How many values are kept now.
  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return recent_.size();
  }

 private:
  using entry = std::pair<Key, std::shared_ptr<Value const>>;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<entry> recent_;  // most recently used last
};

}  // namespace neardup::detail
