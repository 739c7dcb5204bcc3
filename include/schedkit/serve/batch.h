// What one iteration runs: the output of Scheduler::Schedule().
#pragma once

#include <cstdint>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

// One request's share of the iteration being built.
struct ScheduledRequest {
  Request* request = nullptr;
  int32_t num_tokens = 0;      // tokens computed this iteration
  int32_t context_tokens = 0;  // tokens already in KV before them
  bool is_decode = false;      // exactly the last sampled token
  bool admitted = false;       // taken from the waiting queue in this iteration (new, resumed or swapped in)
};

struct SchedulerOutput {
  int64_t iteration = 0;
  std::vector<ScheduledRequest> scheduled;
  std::vector<Request*> preempted;  // preempted while building this iteration
  int64_t swapped_out_blocks = 0;
  int64_t swapped_in_blocks = 0;
  bool empty() const { return scheduled.empty(); }
};

}  // namespace schedkit::serve
