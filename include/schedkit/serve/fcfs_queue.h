// First-come-first-served waiting queue; preempted requests go back to the front (vLLM, Sarathi, Vidur).
#pragma once

#include <algorithm>
#include <deque>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

class FcfsQueue {
 public:
  void PushBack(Request* r) { queue_.push_back(r); }
  void PushFront(Request* r) { queue_.push_front(r); }
  Request* Front() const { return queue_.empty() ? nullptr : queue_.front(); }
  void PopFront() { queue_.pop_front(); }
  // Removes r (linear: aborts are rare); false when it is not queued.
  bool Remove(Request* r) {
    auto it = std::find(queue_.begin(), queue_.end(), r);
    if (it == queue_.end()) return false;
    queue_.erase(it);
    return true;
  }
  size_t size() const { return queue_.size(); }
  bool empty() const { return queue_.empty(); }

 private:
  std::deque<Request*> queue_;
};

}  // namespace schedkit::serve
