// A policy's per-request state: a dense table indexed by Request::slot (O(1), no hashing), grown on demand.
// Every request reaches a policy through Enqueue first: the policy Resets its entry there, and reads it in
// later hooks.
#pragma once

#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

template <class T>
class SlotTable {
 public:
  // A fresh entry for a new arrival (slots are reused after release).
  T& Reset(const Request& r) {
    if (r.slot >= entries_.size()) entries_.resize(r.slot + 1);
    return entries_[r.slot] = T{};
  }
  T& operator[](const Request& r) { return entries_[r.slot]; }
  const T& operator[](const Request& r) const { return entries_[r.slot]; }
  // The entries indexed by slot, for hot loops that would otherwise reload the table's address after each
  // call they cannot see through.
  T* data() { return entries_.data(); }
  const T* data() const { return entries_.data(); }

 private:
  std::vector<T> entries_;
};

}  // namespace schedkit::serve
