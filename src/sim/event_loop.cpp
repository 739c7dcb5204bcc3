#include "schedkit/sim/event_loop.h"

#include <fmt/core.h>

#include "schedkit/util/error.h"

namespace schedkit::sim {

void EventLoop::At(double time, Callback callback) {
  if (!(time >= now_))
    throw Error(fmt::format("event loop: event at {} is before the current time {}", time, now_));
  queue_.push(Event{time, next_seq_++, std::move(callback)});
}

void EventLoop::Run() {
  stopped_ = false;
  while (!queue_.empty() && !stopped_) {
    // priority_queue::top is const: move the callback out before popping.
    Event e = std::move(const_cast<Event&>(queue_.top()));
    queue_.pop();
    now_ = e.time;
    ++num_events_;
    e.callback();
  }
}

}  // namespace schedkit::sim
