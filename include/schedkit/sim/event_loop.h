// Discrete-event core: a time-ordered queue of callbacks; the loop's time is the clock that simulated
// components read (the scheduler itself never reads a clock). Equal times run in scheduling order, so a run
// is deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace schedkit::sim {

class EventLoop {
 public:
  using Callback = std::function<void()>;

  double Now() const { return now_; }
  // Runs `callback` at absolute time `time` (>= Now()).
  void At(double time, Callback callback);
  void After(double delay, Callback callback) { At(now_ + delay, std::move(callback)); }
  // Runs events until none is left or Stop() is called.
  void Run();
  void Stop() { stopped_ = true; }
  int64_t num_events() const { return num_events_; }

 private:
  struct Event {
    double time;
    uint64_t seq;
    Callback callback;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  double now_ = 0.0;
  uint64_t next_seq_ = 0;
  int64_t num_events_ = 0;
  bool stopped_ = false;
};

}  // namespace schedkit::sim
