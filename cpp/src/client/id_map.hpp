// A map from packet identifier (1..65535) to a small value, as one flat table: open
// addressing with linear probing and backward-shift deletion. The client allocates
// identifiers in sequence; a Fibonacci hash scatters them, where the identity hash
// laid them out as one run, and deleting from the front of a run shifted the whole
// run (the in-flight window) at every acknowledgement. No allocation per entry: the
// table grows by doubling, and only when it is half full.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace mqttw::client {

class id_map {
 public:
  // The value stored for `id`, or nullptr.
  std::uint32_t* find(std::uint16_t id) {
    if (count_ == 0) return nullptr;
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (keys_[i] == id) return &values_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }
  bool contains(std::uint16_t id) { return find(id) != nullptr; }

  // Sets the value for `id` (not 0), adding it when absent.
  void set(std::uint16_t id, std::uint32_t value) {
    if (2 * (count_ + 1) > keys_.size()) grow();
    std::size_t i = home(id);
    while (keys_[i] != 0 && keys_[i] != id) i = (i + 1) & mask_;
    if (keys_[i] == 0) ++count_;
    keys_[i] = id;
    values_[i] = value;
  }

  void erase(std::uint16_t id) {
    if (count_ == 0) return;
    std::size_t i = home(id);
    while (keys_[i] != id) {
      if (keys_[i] == 0) return;
      i = (i + 1) & mask_;
    }
    // Shift back the entries after it whose home slot does not lie between the hole
    // and them, so that no probe sequence is cut short.
    for (std::size_t j = (i + 1) & mask_; keys_[j] != 0; j = (j + 1) & mask_) {
      const std::size_t h = home(keys_[j]);
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      keys_[i] = keys_[j];
      values_[i] = values_[j];
      i = j;
    }
    keys_[i] = 0;
    --count_;
  }

  std::size_t size() const { return count_; }

  void clear() {
    if (count_ == 0) return;
    std::fill(keys_.begin(), keys_.end(), std::uint16_t{0});
    count_ = 0;
  }

  // Calls f(id, value&) for every entry, in no particular order. f must not add or
  // erase entries.
  template <class F>
  void for_each(F f) {
    if (count_ == 0) return;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] != 0) f(keys_[i], values_[i]);
    }
  }

 private:
  // The top bits of id times 2^32 / golden ratio.
  std::size_t home(std::uint16_t id) const { return (id * 2654435769u) >> shift_; }

  void grow() {
    std::vector<std::uint16_t> keys(keys_.empty() ? 16 : 2 * keys_.size(), 0);
    std::vector<std::uint32_t> values(keys.size());
    keys.swap(keys_);
    values.swap(values_);
    mask_ = keys_.size() - 1;
    shift_ = 32 - static_cast<unsigned>(std::countr_zero(keys_.size()));  // a power of two
    count_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != 0) set(keys[i], values[i]);
    }
  }

  std::vector<std::uint16_t> keys_;  // 0: empty
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
  unsigned shift_ = 32;
  std::size_t count_ = 0;
};

}  // namespace mqttw::client
